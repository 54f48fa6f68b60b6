/*! \file verify_tt_padding.h
 *  \brief The check that keeps the padding of narrow tiles zero; InferTTLayout runs it once the
 *  tile axes of the tensors are known.
 *
 *  A buffer whose column axis (the last of an on-chip buffer, the column tile axis of a tensor) is
 *  not a multiple of 32, as attention's head dimension of 16, takes whole 32x32 tiles whose
 *  columns past its extent are padding. The host fills a tensor's padding with zeros and the
 *  lowering computes every tile op on whole tiles, so the padding of a buffer is whatever the ops
 *  that wrote it make of zeros. Zero padding is harmless where it is read (a T.gemm reducing over
 *  the padded axis adds nothing, a sum or absolute maximum of a row is unchanged, writes to a
 *  tensor land in its padding), so every write must keep it zero:
 *  - T.copy (from a tensor or a buffer, also with a cast) and T.gemm keep it zero;
 *  - T.fill / T.clear must fill with 0;
 *  - an element-wise store `B[i, j] = e` (j the padded axis) must have e zero wherever the
 *    loads of padded buffers at j are zero: products with such a load, sums and differences of
 *    them, their quotients by values that are not padded, casts, minima, maxima and selects of
 *    them; e.g. `acc_o[i, j] *= scores_scale[i]` and `acc_o[i, j] /= logsum[i]`.
 *  Reading: T.reduce_max / T.reduce_min along the padded axis would see the zeros, so they are
 *  refused.
 *  On-chip buffers of r < 32 rows (a block of decode's query heads) are padded with rows that the
 *  same tile operations fill with whatever they make of zero rows (exp(0) is 1). Rows never mix
 *  except in a reduction over them or a T.gemm reducing over them (its B operand, or A with
 *  transpose_A), so those are refused.
 *  Errors (Validation, at the statement): each refused write or reduction, naming the buffer, its
 *  extent and what to write instead.
 */
#pragma once

#include <map>
#include <set>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief Checks func (a kernel before LowerTTTileIntrinsics) given its padded buffers: buffer →
 *  the column axis whose extent is not a multiple of 32, and the on-chip buffers of fewer than 32
 *  rows. Throws at the first write that could make column padding non-zero, or read of padding
 *  (see file comment). */
void verify_tt_padding(const ir::PrimFunc &func, const std::map<const ir::BufferNode *, int> &padded,
                       const std::set<const ir::BufferNode *> &padded_rows);

}  // namespace tt::transform
