/*! \file verify_tt_padding.h
 *  \brief The check of what the padding of narrow tiles may hold; InferTTLayout runs it once the
 *  tile axes of the tensors are known.
 *
 *  An on-chip buffer whose column axis (its last) is not a multiple of 32, as attention's head
 *  dimension of 16 or a whole row of 200 columns, takes whole 32x32 tiles whose columns past its
 *  extent are padding; so does a tensor (its column tile axis). The host fills a tensor's padding
 *  with zeros and drops it on read-back, and the lowering computes every tile op on whole tiles,
 *  so the padding of a buffer is whatever the ops that wrote it make of zeros: copies and gemms
 *  keep it zero, so do element-wise stores that are zero wherever the padded loads they read are
 *  (products of such a load with a value that is finite there, sums and differences of them, their
 *  quotients by values that are not padded, functions that keep zero (abs, sqrt, tanh, sin, erf), casts, minima, maxima
 * and selects of them: `acc_o[i, j] *= scores_scale[i]`); an exp, a sum with another value, a T.fill with a non-zero
 * value, or a copy of such a buffer may make it anything (collected to a fixed point over the kernel). Reductions mask
 * the padding themselves (tt_tile_reduce.cc), so only a T.gemm summing over a padded axis needs its operands' padding
 * zero; one whose operand may hold anything there is refused (non-zero padding may be inf or NaN, which a zero in the
 * other operand does not cancel). On-chip buffers of r < 32 rows (a block of decode's query heads) are padded with rows
 * that the same tile operations fill with whatever they make of zero rows (exp(0) is 1). Rows never mix except in a
 * reduction over them (masked) or a T.gemm reducing over them (its B operand, or A with transpose_A), which is refused.
 *  A launch followed by others writes its tensors for them, padding included: a T.copy of padding
 *  that may not be zero into a tensor is refused there too.
 *  Errors (Validation, at the statement): each refused gemm or copy, naming the buffer, its extent
 *  and what to write instead.
 */
#pragma once

#include <map>
#include <set>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief Checks func (a kernel before LowerTTTileIntrinsics) given its padded buffers: buffer →
 *  the column axis whose extent is not a multiple of 32, and the on-chip buffers of fewer than 32
 *  rows; `passed_on`: a later launch of the same function reads the tensors this one writes. Throws at
 *  the first T.gemm that would sum padding which may not be zero, or (passed_on) T.copy of such
 *  padding into a tensor (see file comment). */
void verify_tt_padding(const ir::PrimFunc &func, const std::map<const ir::BufferNode *, int> &padded,
                       const std::set<const ir::BufferNode *> &padded_rows, bool passed_on);

}  // namespace tt::transform
