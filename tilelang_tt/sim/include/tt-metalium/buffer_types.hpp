/*! \file buffer_types.hpp
 *  \brief Buffer enums of TT-Metalium v0.67 (tt-metalium/buffer_types.hpp), with the release's
 *  values: where a buffer lives and how a sharded one is laid out over cores. */
#pragma once

#include <cstdint>

namespace tt::tt_metal {

enum class TensorMemoryLayout {
    INTERLEAVED = 0,
    HEIGHT_SHARDED = 2,
    WIDTH_SHARDED = 3,
    BLOCK_SHARDED = 4,
    ND_SHARDED = 5,
};

/*! \brief The order in which shards are dealt to the cores of a core range set. */
enum class ShardOrientation {
    ROW_MAJOR = 0,
    COL_MAJOR,
};

/*! \brief ROUND_ROBIN_1D: shard i goes to core i % cores; GRID_2D: a 2D grid of shards onto a 2D
 *  grid of cores, one to one. */
enum class ShardDistributionStrategy {
    ROUND_ROBIN_1D = 0,
    GRID_2D = 1,
};

enum class BufferType { DRAM, L1, SYSTEM_MEMORY, L1_SMALL, TRACE };

}  // namespace tt::tt_metal
