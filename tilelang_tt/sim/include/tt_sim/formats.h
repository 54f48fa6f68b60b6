/*! \file formats.h
 *  \brief Data formats, tile geometry and fidelity enums shared by host programs and the simulator
 *  runtime. Enumerator names and values follow TT-Metalium (tt_backend_api_types.hpp,
 *  base_types.hpp) so sources written for it compile unchanged; the CB indices are in cb_index.h.
 */
#pragma once

#include <cstdint>

#include "tt_sim/cb_index.h"

namespace tt {

/*! \brief Storage format of a tile in L1 or DRAM (TT-Metalium's tt::DataFormat). */
enum class DataFormat : uint8_t {
    Float32 = 0,
    Float16 = 1,
    Bfp8 = 2,
    Bfp4 = 3,
    Tf32 = 4,
    Float16_b = 5,
    Bfp8_b = 6,
    Bfp4_b = 7,
    Int32 = 8,
    UInt16 = 9,
    Lf8 = 10,
    Bfp2 = 11,
    Int16 = 13,
    Int8 = 14,
    Bfp2_b = 15,
    UInt32 = 24,
    UInt8 = 30,
    RawUInt8 = 240,
    RawUInt16 = 241,
    RawUInt32 = 242,
    Invalid = 255,
};

/*! \brief Bytes of one 32x32 tile in `format`; 0 for formats the simulator does not model. */
constexpr uint32_t tile_size(DataFormat format) {
    switch (format) {
    case DataFormat::Float32:
    case DataFormat::Int32:
    case DataFormat::UInt32:
    case DataFormat::RawUInt32: return 4096;
    case DataFormat::Float16:
    case DataFormat::Float16_b:
    case DataFormat::UInt16:
    case DataFormat::Int16:
    case DataFormat::RawUInt16: return 2048;
    case DataFormat::Bfp8_b:
    case DataFormat::Bfp8: return 1024 + 64;  // one mantissa byte per datum + one exponent per 16 datums
    case DataFormat::Bfp4_b:
    case DataFormat::Bfp4: return 512 + 64;  // two datums per byte + one exponent per 16 datums
    case DataFormat::UInt8:
    case DataFormat::Int8:
    case DataFormat::RawUInt8: return 1024;
    default: return 0;
    }
}

/*! \brief Index of element (row, col) of a 32x32 tile in face order: four 16x16 faces (top-left,
 *  top-right, bottom-left, bottom-right), each row-major. */
constexpr uint32_t tile_face_index(uint32_t row, uint32_t col) {
    return (2 * (row / 16) + col / 16) * 256 + (row % 16) * 16 + (col % 16);
}

}  // namespace tt

/*! \brief Mantissa passes of the matrix engine (TT-Metalium's MathFidelity). */
enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4, Invalid = 0xff };

/*! \brief Upper bound on circular buffers per core across architectures. */
constexpr uint32_t NUM_CIRCULAR_BUFFERS = 64;
