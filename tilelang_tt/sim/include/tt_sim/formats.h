/*! \file formats.h
 *  \brief Data formats, tile geometry and fidelity enums shared by kernels, host programs and the
 *  simulator runtime. Enumerator names and values follow TT-Metalium (tt_backend_api_types.hpp,
 *  base_types.hpp, hostdevcommon/kernel_structs.h) so sources written for it compile unchanged.
 */
#pragma once

#include <cstdint>

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

/*! \brief Circular-buffer indices (TT-Metalium's tt::CBIndex). */
enum CBIndex : uint8_t {
    c_0, c_1, c_2, c_3, c_4, c_5, c_6, c_7, c_8, c_9, c_10, c_11, c_12, c_13, c_14, c_15,
    c_16, c_17, c_18, c_19, c_20, c_21, c_22, c_23, c_24, c_25, c_26, c_27, c_28, c_29, c_30, c_31,
    c_32, c_33, c_34, c_35, c_36, c_37, c_38, c_39, c_40, c_41, c_42, c_43, c_44, c_45, c_46, c_47,
    c_48, c_49, c_50, c_51, c_52, c_53, c_54, c_55, c_56, c_57, c_58, c_59, c_60, c_61, c_62, c_63,
    SIZE
};

}  // namespace tt

/*! \brief Mantissa passes of the matrix engine (TT-Metalium's MathFidelity). */
enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4, Invalid = 0xff };

/*! \brief Upper bound on circular buffers per core across architectures. */
constexpr uint32_t NUM_CIRCULAR_BUFFERS = 64;
