/*! \file verify_tt_bounds.h
 *  \brief The compile-time bounds check of a kernel's buffer accesses, and the ifs the ranges of
 *  its variables decide; InferTTLayout runs it once the tensor shapes are known to be whole tiles.
 *
 *  Every region (T.copy, T.gemm, T.fill, reductions) and every element load or store is checked
 *  over the whole range of the variables it depends on: block indices over their grid extents,
 *  loop variables over their trip counts, lets through their values, narrowed by enclosing
 *  `if var < constant` conditions. Affine indices (and floor divisions of them by constants,
 *  products of independent terms) have exact ranges; an access whose exact range leaves its
 *  buffer (a negative start, a start plus extent beyond the shape, an index of 2**40, a block
 *  larger than the tensor, a grid with more blocks than the tensor has, `as (by, bx)` swapped on a
 *  non-square grid) is a located Validation error at the kernel line. Accesses with only a bound
 *  (T.min/T.max, terms sharing a variable), an index read from a buffer, or under a condition the
 *  check cannot use are never refused on a bound alone: the simulator checks their pages at run
 *  time. Accesses to a tensor are bounds-checked, as in TileLang: a block (a T.copy region, or the
 *  elements of a T.Parallel block, which starts where its parallel loops start) that starts inside
 *  the tensor may run past its edge (the last block of a T.ceildiv grid over a ragged extent); such
 *  blocks are reported, not refused, with the furthest element they reach. A loop whose trip count
 *  (over the same ranges) is exactly negative for some blocks is a located error too: the device
 *  counts trips unsigned, so it would run about 2**32 times.
 */
#pragma once

#include <map>
#include <vector>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief What verify_tt_bounds found: the kernel with its decided ifs replaced, and per tensor
 *  whose blocks run past its edge, per dimension one past the furthest element they reach (0 for a
 *  dimension no block overhangs). */
struct CheckedBounds {
    ir::PrimFunc func;
    std::map<const ir::BufferNode *, std::vector<int64_t>> block_reach;
};

/*! \brief Throws a located Validation error at the first access of func (a kernel before
 *  GridToPersistentTT, with its KernelLaunch) that can fall outside its buffer, blocks that start
 *  inside a tensor excepted. Returns func with every if whose condition the same ranges
 *  decide (`if bx < 100:` on a grid of 8 blocks, a tail guard that always holds) replaced by its
 *  taken branch, so that guards which never fail do not reach the lowering as conditions on block
 *  indices, and the reach of the blocks that overhang. */
CheckedBounds verify_tt_bounds(const ir::PrimFunc &func);

}  // namespace tt::transform
