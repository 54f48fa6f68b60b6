/*! \file shard_placement.h
 *  \brief Where the tiles of an L1-sharded tensor live, and which core each block of the launch grid
 *  would like to run on so that it finds its tiles there.
 *
 *  A sharded tensor's tiles (its shape_tiles, row-major) are cut into shards of shard_shape_tiles,
 *  numbered row-major over the tensor (the last shard of a dimension may be partial). Shard i lives
 *  on core i % n of the shard grid's n cores (taken row by row), in slot i / n of that core's
 *  part of the buffer, and a shard's tiles are row-major over the full shard shape: TT-Metalium's
 *  BufferDistributionSpec with ShardDistributionStrategy::ROUND_ROBIN_1D and
 *  ShardOrientation::ROW_MAJOR, which the host program creates the buffer with and which the
 *  kernels' TensorAccessor resolves page ids through. Correctness never depends on placement (a
 *  tile on another core is read over the NoC); locality does.
 */
#pragma once

#include <vector>

#include "transform/tt_attrs.h"

namespace tt::transform {

/*! \brief Shards of a tensor of `shape_tiles` tiles: per dimension ceil(tiles / shard), multiplied. */
int64_t num_shards(const ShardSpec &shard, const std::vector<int64_t> &shape_tiles);

/*! \brief Tiles of the buffer on its fullest core: the most shards a core holds, whole. */
int64_t shard_tiles_per_core(const ShardSpec &shard, const std::vector<int64_t> &shape_tiles);

/*! \brief The index (row by row over the shard grid) of the core holding the tile at `tile`
 *  (coordinates in tiles, one per dimension of shape_tiles). */
int shard_core_of_tile(const ShardSpec &shard, const std::vector<int64_t> &shape_tiles,
                       const std::vector<int64_t> &tile);

/*! \brief Per block of the launch grid (block coordinates, block var 0 first), the index of the
 *  core holding the first tile the block copies to or from a sharded tensor, or -1 when no copy
 *  of a sharded tensor locates its tile from the block indices alone. The tensor is the first
 *  sharded one the kernel writes, else the first it reads; its first T.copy (in program order)
 *  decides, taken with every loop at its first iteration. Tensors stored in an order other than
 *  their own (tile axes other than the last two, row blocks) have no home. */
std::vector<int> block_home_cores(const ir::PrimFunc &func, const LayoutDesc &layouts,
                                  const std::vector<int64_t> &launch_grid);

}  // namespace tt::transform
