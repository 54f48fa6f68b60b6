/*! \file block_float.hpp
 *  \brief TT-Metalium's host packing of block floats (bfloat8.hpp, bfloat4.hpp): tiles of values
 *  as Bfp8_b / Bfp4_b pages, 64 shared exponents then the datums, in face order. The templates are
 *  the release's (exported by its libtt_metal.so); here they are inline over the simulator's packer. */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "tt_sim/formats.h"
#include "tt_sim/host_util.hpp"

namespace tt::tt_metal {

/*! \brief A tile's shape (TT-Metalium's <tt-metalium/tile.hpp>); the simulator packs 32x32 tiles. */
class Tile {
public:
    Tile() = default;
    std::array<uint32_t, 2> get_tile_shape() const { return {32, 32}; }
};

}  // namespace tt::tt_metal

namespace tt_sim {

/*! \brief Tiles of 1024 floats in face order (or row-major within each tile when `row_major`)
 *  packed into pages of `format` (Bfp8_b or Bfp4_b), as 32-bit words. */
std::vector<uint32_t> pack_block_float_tiles(const std::vector<float> &values, bool row_major, tt::DataFormat format);

template <typename T>
std::vector<uint32_t> pack_block_float(std::span<const T> data, bool row_major_input, bool is_exp_a,
                                       const std::optional<tt::tt_metal::Tile> &tile, tt::DataFormat format) {
    if (is_exp_a) throw std::invalid_argument("the simulator packs the _b block floats only (is_exp_a = false)");
    if (tile && tile->get_tile_shape() != std::array<uint32_t, 2>{32, 32})
        throw std::invalid_argument("the simulator packs 32x32 tiles only");
    if (data.size() % 1024 != 0) throw std::invalid_argument("block-float packing takes whole 32x32 tiles");
    std::vector<float> values(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
        if constexpr (std::is_same_v<T, bfloat16>)
            values[i] = data[i].to_float();
        else
            values[i] = static_cast<float>(data[i]);
    }
    return pack_block_float_tiles(values, row_major_input, format);
}

}  // namespace tt_sim

/*! \brief Tiles of values as Bfp8_b pages (one exponent per 16 values, 8-bit sign and magnitude). */
template <typename T>
std::vector<uint32_t> pack_as_bfp8_tiles(std::span<const T> data, bool row_major_input, bool is_exp_a,
                                         const std::optional<tt::tt_metal::Tile> &tile = std::nullopt) {
    return tt_sim::pack_block_float(data, row_major_input, is_exp_a, tile, tt::DataFormat::Bfp8_b);
}

/*! \brief Tiles of values as Bfp4_b pages (one exponent per 16 values, 4-bit sign and magnitude). */
template <typename T>
std::vector<uint32_t> pack_as_bfp4_tiles(std::span<const T> data, bool row_major_input, bool is_exp_a,
                                         const std::optional<tt::tt_metal::Tile> &tile = std::nullopt) {
    return tt_sim::pack_block_float(data, row_major_input, is_exp_a, tile, tt::DataFormat::Bfp4_b);
}
