/*! \file compute_detail.h
 *  \brief Helpers the compute kernel API's files share (compute.cc, reduce.cc, sfpu.cc): access to
 *  the running compute kernel's state, the checks every math op makes, and DST's numerics. */
#pragma once

#include "sim/numerics.h"
#include "sim/runtime.h"

namespace tt_sim::k::compute_detail {

using Dst = ComputeState::Dst;

/*! \brief Explicit mantissa bits of the source registers srcA and srcB (19-bit tf32). */
constexpr int kSourceMantissaBits = 10;
using Math = ComputeState::Math;

/*! \brief The running kernel's compute state; fails when called from a data-movement kernel. */
ComputeState &compute_state(const char *call, const Loc &loc);
/*! \brief Fails unless DST is acquired for math and `dst` is within its capacity. */
void require_math(ComputeState &cs, uint32_t dst, const char *call, const Loc &loc);
/*! \brief Fails unless the math engine is configured for `wanted` (by `init`) and no reduce is active. */
void require_init(ComputeState &cs, Math wanted, const char *call, const char *init, const Loc &loc);
/*! \brief Records the math engine's new configuration. */
void start_math(ComputeState &cs, Math math);
/*! \brief Where an op's unpacker puts a tile. Source: srcA/srcB, which hold 19 bits (tf32), so Float32
 *  tiles lose their low 13 mantissa bits. ToDest: copy_tile and unary_bcast unpack a CB in
 *  UnpackToDestFp32 mode straight into DST, exactly; other CBs through the source registers. */
enum class Unpack { Source, ToDest };
/*! \brief Unpacks tile `index` (counted from the front) of an input CB after checking it was waited for,
 *  as the unpacker delivers it along `path`. */
void read_input(ComputeState &cs, uint32_t cb, uint32_t index, Tile &out, Unpack path, const char *call,
                const Loc &loc);
/*! \brief What DST rounds its values to: nothing with fp32_dest_acc_en, else bf16 or fp16 by the unpacker's format. */
Rounding dst_rounding(const ComputeState &cs);
/*! \brief Tile `index` of an input CB as the multipliers see it: unpacked, transposed if asked, truncated to
 *  `bits` explicit mantissa bits. Served from the kernel's cache of unpacked operands while the L1 page
 *  still holds the bytes it was unpacked from; valid until the call after next. */
const Tile &read_operand(ComputeState &cs, uint32_t cb, uint32_t index, int bits, bool transposed, const char *call,
                         const Loc &loc);
/*! \brief Rounds a value to what DST holds (fp32, or bf16/fp16 in 16-bit mode). */
float to_dst(const ComputeState &cs, float v);
/*! \brief DST[dst] = value, rounded to DST's format. */
void store_dst(ComputeState &cs, uint32_t dst, const Tile &value);
/*! \brief Explicit mantissa bits the multipliers see of an operand in srcA (or srcB) at the kernel's fidelity. */
int fidelity_bits(bool srca);
/*! \brief Truncates every value of `t` to `bits` explicit mantissa bits. */
void mask(Tile &t, int bits);
/*! \brief What the packer reads of `t` while reduce_init's edge mask is set (reduce.cc). */
Tile reduce_edge_masked(const ComputeState &cs, const Tile &t);
/*! \brief What one tile op costs under the cost model (cost.h): bytes its unpackers read into srcA (or
 *  DST) and srcB, and its math cycles (copies and moves included, unlike the roofline's). */
struct Charge {
    uint32_t unpack_a = 0;
    uint32_t unpack_b = 0;
    double math = 0;
};
/*! \brief Counts one tile op of kind `op`, its roofline cycles and its charge under the cost model. */
void count(const char *op, uint64_t cycles, const Charge &charge);
/*! \brief Bytes of one page of CB `cb` of the running kernel's core (what unpacking a tile of it reads). */
uint32_t page_bytes(uint32_t cb, const char *call, const Loc &loc);

}  // namespace tt_sim::k::compute_detail
