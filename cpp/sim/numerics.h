/*! \file numerics.h
 *  \brief Number formats of the Tensix core: conversion between a tile stored in L1 (face order,
 *  one of the data formats) and 32x32 row-major floats, and the rounding DST and the packer apply.
 */
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "tt_sim/formats.h"

// Marks a tile loop among the simulator's hot spots: it is compiled for several instruction
// sets and the best the host CPU has is chosen when the library loads; the build's
// -ffp-contract=off keeps every product and sum separately rounded, so each version gives the
// same bits as scalar code.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TT_SIM_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TT_SIM_VECTOR_CLONES
#endif

namespace tt_sim {

using Tile = std::array<float, 1024>;

/*! \brief Whether the simulator can unpack and pack tiles of `format`. */
bool tile_format_supported(tt::DataFormat format);

/*! \brief Reads the tile at `src` (stored in `format`, face order) as row-major floats. */
void unpack_tile(const uint8_t *src, tt::DataFormat format, Tile &out);

/*! \brief Writes row-major floats as a tile in `format` at `dst`, rounding to nearest even. */
void pack_tile_bytes(const Tile &in, tt::DataFormat format, uint8_t *dst);

inline uint32_t bits_of(float f) {
    return std::bit_cast<uint32_t>(f);
}

inline float float_of(uint32_t u) {
    return std::bit_cast<float>(u);
}

/*! \brief Rounds `value` to bfloat16 (nearest even; a NaN stays a quiet NaN), keeping it a float.
 *  Branch-free so that loops over tiles vectorize. */
inline float round_to_bf16(float value) {
    const uint32_t u = bits_of(value);
    const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
    const uint32_t quiet_nan = (u & 0xffff0000u) | 0x00400000u;
    return float_of((u & 0x7fffffffu) > 0x7f800000u ? quiet_nan : rounded);
}
/*! \brief Rounds `value` to IEEE half precision (nearest even), keeping it a float. */
float round_to_fp16(float value);
/*! \brief Keeps the top `bits` explicit mantissa bits of `value` (truncation, as the multipliers do). */
inline float truncate_mantissa(float value, int bits) {
    if (bits >= 23) return value;
    return float_of(bits_of(value) & ~((1u << (23 - bits)) - 1u));
}

/*! \brief The format a register holds its values in: what every write to it rounds to. */
enum class Rounding { None, Bfloat16, Float16 };

/*! \brief Rounds one value to `rounding`. */
inline float round_to(Rounding rounding, float value) {
    if (rounding == Rounding::Bfloat16) return round_to_bf16(value);
    if (rounding == Rounding::Float16) return round_to_fp16(value);
    return value;
}

/*! \brief dst[i] = round_to(rounding, dst[i] + addend[i]) for a whole tile (the FPU's accumulation). */
void add_rounded(float *dst, const float *addend, Rounding rounding);
/*! \brief dst[i] = round_to(rounding, src[i]) for a whole tile. */
void copy_rounded(float *dst, const float *src, Rounding rounding);
/*! \brief t[i] = round_to(rounding, t[i]) for a whole tile. */
void round_in_place(float *t, Rounding rounding);
/*! \brief Truncates every value of a tile to `bits` explicit mantissa bits. */
void truncate_tile(float *t, int bits);
/*! \brief acc[i][j] = sum over kk in [k0, k0 + 16) of a[i][kk] * b[kk][j], each product and each
 *  partial sum rounded to float in order of kk, starting from +0 (no fused multiply-add): one face
 *  pass of the FPU over 32x32 row-major tiles. */
void matmul_face_pass(const float *a, const float *b, int k0, float *acc);

using tt::tile_face_index;

}  // namespace tt_sim
