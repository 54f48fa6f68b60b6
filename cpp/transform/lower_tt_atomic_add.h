/*! \file lower_tt_atomic_add.h
 *  \brief LowerTTAtomicAdd: `T.atomic_add` into a global tensor becomes an ordinary
 *  read-modify-write by the one block that owns each destination element.
 *
 *  Tenstorrent has no atomic add to DRAM. TileLang's split-K GEMM launches one CTA per output
 *  block and K slice, each adding its partial product into C:
 *      with T.Kernel(nx, ny, split_k) as (bx, by, bz):
 *          T.clear(C_local)
 *          for ko in T.Pipelined(T.ceildiv(splitK, bK)):
 *              T.copy(A[by * bM, bz * splitK + ko * bK], A_shared)   # bz only in the K loop
 *              T.copy(B[bz * splitK + ko * bK, bx * bN], B_shared)
 *              T.gemm(A_shared, B_shared, C_local)
 *          T.copy(C_local, C_shared)
 *          for i, j in T.Parallel(bM, bN):
 *              T.atomic_add(C[by * bM + i, bx * bN + j], C_shared[i, j])
 *  The split axis (bz: the one block variable of more than one block that some destination leaves
 *  out) becomes part of the K loop, so the core that owns an output block runs the K slices in order into one accumulator
 *  and adds the total into C once:
 *      with T.Kernel(nx, ny) as (bx, by):
 *          T.clear(C_local)
 *          for bz_ko in T.Pipelined(split_k * T.ceildiv(splitK, bK)):
 *              ... the loop body with bz = bz_ko // n, ko = bz_ko % n (n the K loop's trip count)
 *          T.copy(C_local, C_shared)
 *          for i, j in T.Parallel(bM, bN):
 *              C[by * bM + i, bx * bN + j] = C[by * bM + i, bx * bN + j] + C_shared[i, j]
 *  A launch with a split axis in any other form (TileLang's attention backward adds each query
 *  block's dQ from every K/V block; a column sum adds every row block's sums) runs the axis's
 *  blocks whole, one after another, on the core that owns their destinations:
 *      with T.Kernel(heads, batch) as (bx, bz):
 *          for by in T.serial(T.ceildiv(seq_len, block_M)):
 *              <the body>, its adds read-modify-writes in that order
 *  (the reader then reads the destination again after the writer wrote it: TileOpLowering's
 *  ordered rewrites, tt_tile_ops.h). A launch whose every block variable indexes the destination
 *  keeps its grid; its adds become the same read-modify-write.
 *
 *  Requires: a parsed kernel, after LowerTTPersistent. The frontend writes T.atomic_add as the
 *  statement `tl.atomic_add(dst, value)`: dst a region of a buffer; value a region of the same
 *  extents (tile form, `T.atomic_add(C[by * bM, bx * bN], C_shared)`) or, when dst is one
 *  element, a number (element form, inside T.Parallel).
 *  Guarantees: no tl.atomic_add remains. The element form becomes `dst[idx] = dst[idx] +
 *  value` (value converted to dst's dtype); the tile form a T.Parallel nest over its non-unit
 *  extents doing that per element. Different blocks of the resulting launch add into disjoint
 *  elements, and a block's adds run in its program order, so the sums are those of TileLang
 *  (in one order; floating-point addition in another order rounds differently, as atomics do).
 *  A split axis is removed from the grid as above; memory_order has nothing left to order.
 *  Errors (Validation, at the T.atomic_add unless said otherwise): a destination that is not a
 *  global tensor (on-chip buffers belong to one block: write a plain update); a destination that
 *  is not floating point (integer atomics); a tile form whose value is a number, or whose extents
 *  differ from the destination's; a destination index the compiler cannot show to give different
 *  blocks disjoint elements (two block variables in one index, a block stride smaller than what a
 *  block covers, indices not affine in block and loop variables); more than one split axis; and,
 *  for a split axis run as a loop, a plain write to a global tensor whose indices do not depend on
 *  the axis (at the write): its blocks would race in TileLang, the last one winning.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief func with every T.atomic_add lowered (see file comment). */
ir::PrimFunc lower_tt_atomic_add(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "LowerTTAtomicAdd". */
Pass lower_tt_atomic_add_pass();

}  // namespace tt::transform
