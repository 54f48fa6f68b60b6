/*! \file host_util.hpp
 *  \brief Host helpers of TT-Metalium: bfloat16, tile constants, tilize/untilize and work split
 *  (bfloat16.hpp, constants.hpp, tilize_utils.hpp, work_split.hpp). Helpers the release defines out
 *  of line are inline here: a host program then links no simulator symbol the release lacks. */
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <ostream>
#include <random>
#include <tuple>
#include <utility>
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

inline std::ostream &operator<<(std::ostream &os, const bfloat16 &value) {
    return os << value.to_float();
}

/*! \brief Host-side bfloat16 vector helpers of the release (bfloat16.hpp); a uint32 word packs two
 *  values, the first in its low half. Sizes are in bytes, as there. */
inline uint32_t pack_two_bfloat16_into_uint32(std::pair<bfloat16, bfloat16> two_bfloats) {
    return uint32_t(two_bfloats.first.to_uint16()) | (uint32_t(two_bfloats.second.to_uint16()) << 16);
}
inline std::pair<bfloat16, bfloat16> unpack_two_bfloat16_from_uint32(uint32_t uint32_data) {
    return {bfloat16::from_bits(static_cast<uint16_t>(uint32_data & 0xffff)),
            bfloat16::from_bits(static_cast<uint16_t>(uint32_data >> 16))};
}
inline std::vector<uint32_t> pack_bfloat16_vec_into_uint32_vec(const std::vector<bfloat16> &data) {
    std::vector<uint32_t> packed((data.size() + 1) / 2);
    for (size_t i = 0; i < data.size(); i += 2)
        packed[i / 2] = pack_two_bfloat16_into_uint32({data[i], i + 1 < data.size() ? data[i + 1] : bfloat16()});
    return packed;
}
inline bfloat16 bfloat16_identity_transform(const bfloat16 &input) {
    return input;
}
inline std::vector<bfloat16> unpack_uint32_vec_into_bfloat16_vec(
    const std::vector<uint32_t> &data,
    const std::function<bfloat16(const bfloat16 &)> &transform = bfloat16_identity_transform) {
    std::vector<bfloat16> out;
    out.reserve(data.size() * 2);
    for (uint32_t word : data) {
        auto [first, second] = unpack_two_bfloat16_from_uint32(word);
        out.push_back(transform(first));
        out.push_back(transform(second));
    }
    return out;
}
/*! \brief num_bytes / 2 values drawn uniformly from [offset, offset + rand_max_float). */
inline std::vector<bfloat16> create_random_vector_of_bfloat16_native(size_t num_bytes, float rand_max_float, int seed,
                                                                     float offset = 0.0f) {
    std::mt19937 rng(static_cast<uint32_t>(seed));
    std::uniform_real_distribution<float> dist(0.0f, rand_max_float);
    std::vector<bfloat16> values(num_bytes / sizeof(bfloat16));
    for (bfloat16 &v : values) v = bfloat16(dist(rng) + offset);
    return values;
}
/*! \brief The same values packed two per word: num_bytes / 4 words. */
inline std::vector<uint32_t> create_random_vector_of_bfloat16(size_t num_bytes, int rand_max_float, int seed,
                                                              float offset = 0.0f) {
    return pack_bfloat16_vec_into_uint32_vec(
        create_random_vector_of_bfloat16_native(num_bytes, static_cast<float>(rand_max_float), seed, offset));
}
inline std::vector<uint32_t> create_constant_vector_of_bfloat16(size_t num_bytes, float value) {
    return pack_bfloat16_vec_into_uint32_vec(std::vector<bfloat16>(num_bytes / sizeof(bfloat16), bfloat16(value)));
}
/*! \brief |a - b| within atol, or within rtol of the larger magnitude. */
inline bool is_close(float a, float b, float rtol = 0.01f, float atol = 0.001f) {
    const float difference = std::fabs(a - b);
    return difference <= atol || difference <= rtol * std::fmax(std::fabs(a), std::fabs(b));
}
/*! \brief Whether two packed bf16 vectors agree value by value under `comparison`; the index of the
 *  first disagreeing value goes to *argfail. */
inline bool packed_uint32_t_vector_comparison(const std::vector<uint32_t> &vec_a, const std::vector<uint32_t> &vec_b,
                                              const std::function<bool(float, float)> &comparison,
                                              int *argfail = nullptr) {
    if (vec_a.size() != vec_b.size()) return false;
    const std::vector<bfloat16> a = unpack_uint32_vec_into_bfloat16_vec(vec_a);
    const std::vector<bfloat16> b = unpack_uint32_vec_into_bfloat16_vec(vec_b);
    for (size_t i = 0; i < a.size(); ++i) {
        if (!comparison(a[i].to_float(), b[i].to_float())) {
            if (argfail) *argfail = static_cast<int>(i);
            return false;
        }
    }
    return true;
}

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
