/*! \file kernel_common.h
 *  \brief What TT-Metalium v0.67's firmware makes visible to every kernel before its source: the
 *  attribute macros, <cstdint>, compile-time arguments (api/compile_time_args.h), the CB indices
 * *  (tt::CBIndex of hostdevcommon/kernel_structs.h), DPRINT (api/debug/dprint.h), the device's DataFormat and the
 *  NoC the kernel runs on. The JIT (cpp/sim/jit.cc) includes it first in every kernel, as the
 *  release's firmware wrappers include internal/firmware_common.h.
 */
#pragma once

#include <cstdint>

#include "tt_sim/risc_attribs.h"
#include "api/compile_time_args.h"
#include "api/debug/dprint.h"
#include "tt_sim/cb_index.h"
#include "tt_sim/kernel_bridge.h"

#ifndef NOC_INDEX
#define NOC_INDEX 0
#endif

/*! \brief The NoC this kernel was configured to use (DataMovementConfig::noc). */
constexpr uint8_t noc_index = NOC_INDEX;

/*! \brief The device-side data format of a CB (the release's tensix_types.h: a global enum,
 *  distinct from the host's tt::DataFormat, with the same values). */
enum class DataFormat : std::uint8_t {
    Float32 = 0,
    Float16 = 1,
    Bfp8 = 2,
    Bfp4 = 3,
    Bfp2 = 11,
    Float16_b = 5,
    Bfp8_b = 6,
    Bfp4_b = 7,
    Bfp2_b = 15,
    Lf8 = 10,
    Int8 = 14,
    UInt8 = 30,
    UInt16 = 9,
    Int32 = 8,
    UInt32 = 24,
    Tf32 = 4,
    testMan7 = 0x82,
    testMan2 = 0x8A,
    Invalid = 0xff
};
