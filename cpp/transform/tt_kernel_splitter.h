/*! \file tt_kernel_splitter.h
 *  \brief The body of one kernel launch split into reader, compute and writer statements: the
 *  walk LowerTTTileIntrinsics makes over statements, loops, lets and ifs, handing each tile
 *  operation to its emitters (TileOpLowering, tt_tile_ops.h).
 *
 *  Requires: a launch body after TTTilesToCoreMap, with the LoweringContext built for its function
 *  (CBs, layouts, multicast plan). Guarantees: each statement becomes the statements of the roles
 *  it involves, in program order; consecutive loads from global memory form one reader stage;
 *  loops are lowered with the values they carry (tt_loop_values.h), drained multicast loops with
 *  their extra trips and discards, ifs on data as the block-sparse masked loads; at the end every
 *  value compute kept is popped, and a value written but never read is a located Validation error.
 *  Unsupported statements are located Validation errors naming what to write instead.
 */
#pragma once

#include <vector>

#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief A launch body, split: each role's statements, and compute's once-per-kernel init (before
 *  the block loop; undefined when compute does nothing) and teardown (after it). */
struct SplitKernel {
    RoleStmts roles;
    ir::Stmt compute_init;
    std::vector<ir::Stmt> compute_teardown;
};

/*! \brief Splits `body` (the statements inside T.Kernel) into the three roles; `span` locates the
 *  error for a value never read. */
SplitKernel split_kernel_body(LoweringContext &ctx, const ir::Stmt &body, const Span &span);

}  // namespace tt::transform
