/*! \file numerics.h
 *  \brief Number formats of the Tensix core: conversion between a tile stored in L1 (face order,
 *  one of the data formats) and 32x32 row-major floats, and the rounding DST and the packer apply.
 */
#pragma once

#include <array>
#include <cstdint>

#include "tt_sim/formats.h"

namespace tt_sim {

using Tile = std::array<float, 1024>;

/*! \brief Whether the simulator can unpack and pack tiles of `format`. */
bool tile_format_supported(tt::DataFormat format);

/*! \brief Reads the tile at `src` (stored in `format`, face order) as row-major floats. */
void unpack_tile(const uint8_t *src, tt::DataFormat format, Tile &out);

/*! \brief Writes row-major floats as a tile in `format` at `dst`, rounding to nearest even. */
void pack_tile_bytes(const Tile &in, tt::DataFormat format, uint8_t *dst);

/*! \brief Rounds `value` to bfloat16 (nearest even), keeping it a float. */
float round_to_bf16(float value);
/*! \brief Rounds `value` to IEEE half precision (nearest even), keeping it a float. */
float round_to_fp16(float value);
/*! \brief Keeps the top `bits` explicit mantissa bits of `value` (truncation, as the multipliers do). */
float truncate_mantissa(float value, int bits);

using tt::tile_face_index;

}  // namespace tt_sim
