/*! \file tt_tiles_to_core_map.h
 *  \brief TTTilesToCoreMap: deals the launch grid's blocks to the cores of the core grid.
 *  (Legacy names: LayoutAwareWorkPartitionTT, tt_tiles_to_core_map.)
 *
 *  Requires: InferTTLayout (tt.core_grid). A launch grid of constant extents.
 *  Guarantees (attributes written; the body is unchanged):
 *  - tt.work_partition: blocks are numbered in the order of ctx's partition_strategy (row_major
 *    when unset; see
 *    decode_block_index in tt_attrs.h) and dealt in contiguous ranges to n = min(blocks, cores of
 *    the core grid) cores taken row by row: core k gets floor(B/n) blocks, plus one for k < B % n,
 *    so per-core counts differ by at most one. For the block strategy the panel height is
 *    T.use_swizzle's panel_size when the kernel asks for it, else about sqrt(blocks per core) rows
 *    so that each core's range is a near-square patch. A kernel with T.use_swizzle (TileLang's
 *    panel rasterization) is dealt in the block strategy's panel order under row_major or block.
 *    A kernel with dynamic dimensions (tt.dynamic_shape) uses every core of the core grid (n is
 *    its core count, some cores may get no blocks) and, under the block strategy, panels of
 *    panel_size rows (1 without T.use_swizzle), so that one program serves every block count.
 *    A program with an L1-sharded tensor (shard_placement.h) is dealt in the order that runs most
 *    blocks on the core holding the shard their first copy of it touches (the tensor written, else
 *    read): under ctx's strategy when it names one (for block, with the best panel height unless
 *    T.use_swizzle fixes it), else the best of row_major and block panels of every height.
 *  - tt.multicast (tt_multicast.h): when operands can be multicast across cores, the patch
 *    partition of that scheme replaces the balanced one (same core count, block strategy with
 *    panels of one core row's launch rows, cores placed cols x rows) and tt.core_ranges is its one
 *    rectangle; otherwise the attribute is absent.
 *  - tt.core_ranges: the n used cores as at most two rectangles (full rows, then the partial row).
 *  - tt.core_grid: unchanged (re-written as read).
 *  Errors (Validation): T.use_swizzle(order="col") (panels run along rows); T.use_swizzle with
 *  the column_major strategy, which cannot honour row panels.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

ir::PrimFunc tt_tiles_to_core_map(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The balanced assignment above for a launch grid on a core grid; with every_core, every
 *  core of the grid takes part (those beyond the block count get none), as in a program whose
 *  block count is known only at run time (tt.dynamic_shape). */
WorkPartition partition_blocks(const std::vector<int64_t> &launch_grid, const CoreGrid &core_grid,
                               PartitionStrategy strategy, int panel, bool every_core = false);

/*! \brief The used cores of a partition as disjoint rectangles. */
CoreRanges core_ranges_of(const WorkPartition &partition, const CoreGrid &core_grid);

/*! \brief The registered pass "TTTilesToCoreMap". */
Pass tt_tiles_to_core_map_pass();

}  // namespace tt::transform
