/*! \file host_util.hpp
 *  \brief Host helpers of TT-Metalium: bfloat16, tile constants, tilize/untilize and work split
 *  (bfloat16.hpp, constants.hpp, tilize_utils.hpp, work_split.hpp). */
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

#include "tt_sim/core_coord.hpp"
#include "tt_sim/formats.h"

/*! \brief A bfloat16 value: the top 16 bits of an IEEE-754 float, rounded to nearest even. */
class bfloat16 {
public:
    bfloat16() = default;
    bfloat16(float f) : bits_(round(f)) {  // NOLINT: implicit like TT-Metalium's
    }
    bfloat16(double d) : bits_(round(static_cast<float>(d))) {  // NOLINT
    }
    bfloat16(int i) : bits_(round(static_cast<float>(i))) {  // NOLINT
    }
    float to_float() const {
        uint32_t u = static_cast<uint32_t>(bits_) << 16;
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    }
    uint16_t to_uint16() const {
        return bits_;
    }
    static bfloat16 from_bits(uint16_t bits) {
        bfloat16 b;
        b.bits_ = bits;
        return b;
    }
    explicit operator float() const {
        return to_float();
    }
    bool operator==(const bfloat16 &o) const {
        return bits_ == o.bits_;
    }

private:
    static uint16_t round(float f) {
        uint32_t u;
        std::memcpy(&u, &f, 4);
        if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);  // quiet NaN
        u += 0x7fffu + ((u >> 16) & 1u);
        return static_cast<uint16_t>(u >> 16);
    }
    uint16_t bits_ = 0;
};

namespace tt::constants {
constexpr uint32_t TILE_HEIGHT = 32;
constexpr uint32_t TILE_WIDTH = 32;
constexpr uint32_t TILE_HW = TILE_HEIGHT * TILE_WIDTH;
constexpr uint32_t FACE_HEIGHT = 16;
constexpr uint32_t FACE_WIDTH = 16;
constexpr uint32_t FACE_HW = FACE_HEIGHT * FACE_WIDTH;
}  // namespace tt::constants

/*! \brief Row-major rows x cols matrix -> tiles in row-major tile order, each tile in face order. */
template <typename T>
std::vector<T> tilize_nfaces(const std::vector<T> &input, uint32_t rows, uint32_t cols) {
    std::vector<T> out(input.size());
    const uint32_t tiles_per_row = cols / 32;
    for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t c = 0; c < cols; ++c) {
            uint32_t tile = (r / 32) * tiles_per_row + c / 32;
            out[tile * 1024 + tt::tile_face_index(r % 32, c % 32)] = input[r * cols + c];
        }
    return out;
}

/*! \brief Inverse of tilize_nfaces. */
template <typename T>
std::vector<T> untilize_nfaces(const std::vector<T> &input, uint32_t rows, uint32_t cols) {
    std::vector<T> out(input.size());
    const uint32_t tiles_per_row = cols / 32;
    for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t c = 0; c < cols; ++c) {
            uint32_t tile = (r / 32) * tiles_per_row + c / 32;
            out[r * cols + c] = input[tile * 1024 + tt::tile_face_index(r % 32, c % 32)];
        }
    return out;
}

namespace tt::tt_metal {

/*! \brief The first `target_num_cores` cores of `grid_size` as a CoreRangeSet. */
CoreRangeSet num_cores_to_corerangeset(uint32_t target_num_cores, const CoreCoord grid_size, bool row_wise = false);

/*! \brief Split `units_to_divide` over the grid: {num_cores, all_cores, core_group_1, core_group_2,
 *  units_per_core_group_1, units_per_core_group_2}; group 1 gets one unit more than group 2. */
std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t> split_work_to_cores(
    const CoreCoord grid_size, const uint32_t units_to_divide, const bool row_wise = false);

}  // namespace tt::tt_metal

namespace tt {
using tt::tt_metal::split_work_to_cores;
}  // namespace tt
