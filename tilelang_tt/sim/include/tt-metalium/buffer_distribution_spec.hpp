/*! \file buffer_distribution_spec.hpp
 *  \brief BufferDistributionSpec (TT-Metalium v0.67's tt-metalium/buffer_distribution_spec.hpp):
 *  how the pages of an ND-sharded buffer are dealt to cores.
 *
 *  The tensor and the shard are shapes in pages, outermost first. The tensor is cut into shards
 *  (the last shard along a dimension may be partial); shards are numbered row-major over the grid of
 *  shards and shard i lives on core i % num_cores() at slot i / num_cores() of that core. Inside a
 *  shard, pages are row-major over the full shard shape (a partial shard leaves holes). The
 *  constructors squeeze the two shapes to the lowest rank that keeps this mapping
 *  (detail::squeeze_shape_ranks), as the release does. Out-of-line members are defined in
 *  cpp/sim/sharding.cc with the release's exported signatures.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <tt-metalium/buffer_types.hpp>
#include <tt-metalium/shape.hpp>

#include "tt_sim/core_coord.hpp"

namespace tt::tt_metal {

namespace detail {
/*! \brief The tensor and shard shapes with dimensions merged where sharding allows (both results
 *  have the same rank). */
std::pair<Shape, Shape> squeeze_shape_ranks(const Shape &tensor_shape, const Shape &shard_shape);
}  // namespace detail

class BufferDistributionSpec {
public:
    /*! \brief Shards over the cores of `core_range_set`: ROUND_ROBIN_1D takes them all in the
     *  orientation's order; GRID_2D (2D sharding, one range) the top-left cores a grid of shards
     *  covers, one shard each. */
    BufferDistributionSpec(
        const Shape &tensor_shape_in_pages, const Shape &shard_shape_in_pages, const CoreRangeSet &core_range_set,
        ShardOrientation shard_orientation,
        ShardDistributionStrategy shard_distribution_strategy = ShardDistributionStrategy::ROUND_ROBIN_1D);
    /*! \brief Shards dealt round-robin over `cores` in the order given. */
    BufferDistributionSpec(const Shape &tensor_shape_in_pages, const Shape &shard_shape_in_pages,
                           std::vector<CoreCoord> cores);

    const Shape &tensor_shape_in_pages() const { return tensor_shape_in_pages_; }
    const Shape &shard_shape_in_pages() const { return shard_shape_in_pages_; }

    size_t num_shards() const;
    size_t max_num_shards_per_core() const;
    /*! \brief Pages each core reserves: max_num_shards_per_core() full shards. */
    size_t max_num_dev_pages_per_core() const;
    size_t num_cores() const { return cores_.size(); }
    size_t num_cores_with_data() const;
    const std::vector<CoreCoord> &cores() const { return cores_; }
    const std::vector<CoreCoord> &cores_with_data() const { return cores_with_data_; }

    size_t num_shards_per_core(size_t core_idx) const;
    size_t num_dev_pages_per_core(size_t core_idx) const;

    ShardDistributionStrategy shard_distribution_strategy() const { return shard_distribution_strategy_; }

private:
    static std::vector<CoreCoord> compute_core_list(const Shape &tensor_shape_in_pages,
                                                    const Shape &shard_shape_in_pages,
                                                    const CoreRangeSet &core_range_set,
                                                    ShardOrientation shard_orientation,
                                                    ShardDistributionStrategy shard_distribution_strategy);
    void init_precomputed_data();

    Shape tensor_shape_in_pages_;
    Shape shard_shape_in_pages_;
    std::vector<CoreCoord> cores_;
    ShardDistributionStrategy shard_distribution_strategy_ = ShardDistributionStrategy::ROUND_ROBIN_1D;
    std::vector<CoreCoord> cores_with_data_;
    size_t shard_volume_ = 0;
    size_t num_shards_ = 0;
};

}  // namespace tt::tt_metal
