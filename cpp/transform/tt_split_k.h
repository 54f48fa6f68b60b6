/*! \file tt_split_k.h
 *  \brief The one form in which LowerTTAtomicAdd folds a split axis into a loop: TileLang's split-K
 *  GEMM. A split axis is a block variable no T.atomic_add destination uses, so all its blocks add
 *  into the same elements; Tenstorrent has no atomic add to memory, so those blocks must run in
 *  order on one core. That changes nothing only when each block's added value is linear in one
 *  accumulator that the axis's blocks build independently from zero:
 *      T.clear(acc)
 *      for ko in <one loop, the only statement using the axis>:
 *          ... T.gemm(A_s, B_s, acc)             # every gemm accumulates into acc, nothing else writes it
 *      T.copy(acc, X)                            # optional, X on chip
 *      ... T.atomic_add(C[...], acc or X ...)    # only adds, of (casts of) acc's or X's elements
 *  Then the sum over the axis of the blocks' adds is the add of one accumulator run over all the
 *  slices: the loop becomes `for bz_ko in loop.kind(extent * n)` with bz = bz_ko // n and
 *  ko = min + bz_ko % n (n the loop's trip count), in the same stages and annotations.
 */
#pragma once

#include <optional>
#include <vector>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief A launch body with the split axis (block variable `axis`, of grid extent `extent`) folded
 *  into its one loop, given the launch's tl.atomic_add statements; nullopt when the body is not in
 *  the form above (LowerTTAtomicAdd then runs the axis's blocks whole, one after another). */
std::optional<ir::Stmt> fuse_split_axis(const ir::Stmt &body, const ir::Var &axis, const ir::Expr &extent,
                                        const std::vector<ir::Stmt> &adds);

}  // namespace tt::transform
