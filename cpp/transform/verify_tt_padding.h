/*! \file verify_tt_padding.h
 *  \brief What the padding of a kernel's tiles may hold, and the reductions that must not see it;
 *  InferTTLayout runs it once the tile axes and padded shapes of the tensors are known.
 *
 *  Narrow tiles. An on-chip buffer whose column axis (its last) is not a multiple of 32, as
 *  attention's head dimension of 16 or a whole row of 200 columns, takes whole 32x32 tiles whose
 *  columns past its extent are padding; so does a tensor (its column tile axis). The host fills a
 *  tensor's padding with zeros and drops it on read-back, and the lowering computes every tile op on
 *  whole tiles, so the padding of a buffer is whatever the ops that wrote it make of zeros: copies
 *  and gemms keep it zero, so do element-wise stores that are zero wherever the padded loads they
 *  read are (products of such a load with a value that is finite there, sums and differences of
 *  them, their quotients by values that are not padded, functions that keep zero (abs, sqrt, tanh,
 *  sin, erf), casts, minima, maxima and selects of them: `acc_o[i, j] *= scores_scale[i]`); an exp,
 *  a sum with another value, a T.fill with a non-zero value, or a copy of such a buffer may make it
 *  anything (collected to a fixed point over the kernel). Reductions mask the padding themselves
 *  (tt_tile_reduce.cc), so only a T.gemm summing over a padded axis needs its operands' padding
 *  zero; one whose operand may hold anything there is refused (non-zero padding may be inf or NaN,
 *  which a zero in the other operand does not cancel). On-chip buffers of r < 32 rows (a block of
 *  decode's query heads) are padded with rows that the same tile operations fill with whatever they
 *  make of zero rows (exp(0) is 1). Rows never mix except in a reduction over them (masked) or a
 *  T.gemm reducing over them (its B operand, or A with transpose_A), which is refused.
 *  A launch followed by others writes its tensors for them, padding included: a T.copy of padding
 *  that may not be zero into a tensor is refused there too.
 *
 *  Blocks past a tensor's edge. A block copied from a tensor may run past its edge (the last block
 *  of a T.ceildiv grid or loop over a ragged extent; any block along a dynamic extent): its elements
 *  there read zeros, and an on-chip buffer holding it has elements past the edge, whose positions
 *  follow from the block's start (element k of `X[.., s * 128:(s + 1) * 128]` is column s * 128 + k
 *  of X). Element-wise stores, on-chip copies, gemms (C's rows are A's, its columns B's) and
 *  reductions (the kept axis) carry those positions into the buffers they write, in program order:
 *  an element is past the edge when an operand's element at its index is. Reductions ignore such
 *  elements, as TileLang's semantics ask of them: a reduction over an axis whose elements past the
 *  edge may change its result (a maximum or minimum of them; a sum whose operands' padding may not
 *  be zero, as exp(x - max)) is rewritten to reduce the region of its source inside the tensor,
 *  `x[0:rows, 0:T.min(128, X_extent_1 - s * 128)]`, which the lowering masks past that extent. The
 *  tensor extent is the shape-dependent value tt.runtime_constant("<tensor>_extent_<axis>", size,
 *  formula), so one compiled kernel serves every size of a dynamic extent. Where those positions
 *  cannot be followed (a value accumulated across the loop whose blocks it holds, or carried out of
 *  the scope of its block's start), a sum whose padding added nothing still holds (the chunked sums
 *  of squares of RMSNorm), and anything else that would need the mask is refused.
 *  A T.gemm summing over elements past the edge of both operands, neither of which is known to be
 *  zero there, is refused too.
 *  Errors (Validation, at the statement): each refused gemm, copy or reduction, naming the buffer,
 *  its extent and what to write instead.
 */
#pragma once

#include <map>
#include <set>

#include "ir/ir.h"
#include "transform/padding_flow.h"

namespace tt::transform {

/*! \brief Checks func (a kernel before LowerTTTileIntrinsics) given its padded buffers: buffer →
 *  the column axis whose extent is not a multiple of 32, and the on-chip buffers of fewer than 32
 *  rows; `ragged`: the tensor axes whose blocks may run past the edge; `passed_on`: a later launch
 *  of the same function reads the tensors this one writes. Throws at the first T.gemm that would sum
 *  padding which may not be zero, (passed_on) T.copy of such padding into a tensor, or reduction
 *  that cannot ignore the elements past a tensor's edge; returns func with the reductions that must
 *  ignore them reducing the region inside the tensor (see file comment). */
ir::PrimFunc verify_tt_padding(const ir::PrimFunc &func, const std::map<const ir::BufferNode *, int> &padded,
                               const std::set<const ir::BufferNode *> &padded_rows, const RaggedAxes &ragged,
                               bool passed_on);

}  // namespace tt::transform
