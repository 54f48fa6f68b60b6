// Kernel API: SFPU operations on tiles already in DST. Each needs its init; values are computed
// in float (the SFPU's approximation modes are not modelled) and rounded to DST's format.
#include <cmath>
#include <cstring>
#include <string>

#include "sim/compute_detail.h"

namespace tt_sim::k {

namespace {

using namespace compute_detail;

/*! An SFPU op works on DST: nothing to unpack, its cycles on the math thread. */
void count_sfpu(const char *op) {
    const int cycles = current_run().device->spec.sfpu_cycles_per_tile();
    count(op, cycles, {0, 0, double(cycles)});
}

float sfpu_apply(SfpuOp op, float x, uint32_t param) {
    float p;
    std::memcpy(&p, &param, 4);
    switch (op) {
    case SfpuOp::Exp: return std::exp(x);
    case SfpuOp::Exp2: return std::exp2(x);
    case SfpuOp::Expm1: return std::expm1(x);
    case SfpuOp::Relu: return x > 0 ? x : 0.0f;
    case SfpuOp::Recip: return 1.0f / x;
    case SfpuOp::Sqrt: return std::sqrt(x);
    case SfpuOp::Rsqrt: return 1.0f / std::sqrt(x);
    case SfpuOp::Gelu: return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f)));
    case SfpuOp::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case SfpuOp::Tanh: return std::tanh(x);
    case SfpuOp::Log: return std::log(x);
    case SfpuOp::Abs: return std::fabs(x);
    case SfpuOp::Neg: return -x;
    case SfpuOp::Square: return x * x;
    case SfpuOp::Sin: return std::sin(x);
    case SfpuOp::Cos: return std::cos(x);
    case SfpuOp::Silu: return x / (1.0f + std::exp(-x));
    case SfpuOp::ReluMax: return std::min(std::max(x, 0.0f), p);
    case SfpuOp::ReluMin: return x > p ? x : 0.0f;
    case SfpuOp::LeakyRelu: return x > 0 ? x : x * p;
    case SfpuOp::Elu: return x > 0 ? x : p * std::expm1(x);
    case SfpuOp::Power: return std::pow(x, static_cast<float>(param));
    case SfpuOp::AddScalar: return x + p;
    case SfpuOp::SubScalar: return x - p;
    case SfpuOp::MulScalar: return x * p;
    case SfpuOp::DivScalar: return x / p;
    case SfpuOp::RsubScalar: return p - x;
    case SfpuOp::Fill: return p;
    case SfpuOp::UnaryMax: return std::max(x, p);
    case SfpuOp::UnaryMin: return std::min(x, p);
    case SfpuOp::Erf: return std::erf(x);
    case SfpuOp::Erfc: return std::erfc(x);
    // Comparisons give 1.0 where they hold and 0.0 elsewhere.
    case SfpuOp::UnaryNe: return x != p ? 1.0f : 0.0f;
    case SfpuOp::UnaryEq: return x == p ? 1.0f : 0.0f;
    case SfpuOp::UnaryGt: return x > p ? 1.0f : 0.0f;
    case SfpuOp::UnaryGe: return x >= p ? 1.0f : 0.0f;
    case SfpuOp::UnaryLt: return x < p ? 1.0f : 0.0f;
    case SfpuOp::UnaryLe: return x <= p ? 1.0f : 0.0f;
    case SfpuOp::Gtz: return x > 0 ? 1.0f : 0.0f;
    case SfpuOp::Nez: return x != 0 ? 1.0f : 0.0f;
    case SfpuOp::Gez: return x >= 0 ? 1.0f : 0.0f;
    case SfpuOp::Ltz: return x < 0 ? 1.0f : 0.0f;
    case SfpuOp::Eqz: return x == 0 ? 1.0f : 0.0f;
    case SfpuOp::Lez: return x <= 0 ? 1.0f : 0.0f;
    default: return x;
    }
}

/*! The op's call is `<name>_tile`. */
const char *sfpu_name(SfpuOp op) {
    static const char *names[] = {
        "exp",        "relu",       "recip",      "sqrt",       "rsqrt",      "gelu",       "sigmoid",    "tanh",
        "log",        "abs",        "negative",   "square",     "sin",        "cos",        "silu",       "exp2",
        "expm1",      "relu_max",   "relu_min",   "leaky_relu", "elu",        "power",      "add_unary",  "sub_unary",
        "mul_unary",  "div_unary",  "rsub_unary", "fill",       "add_binary", "sub_binary", "mul_binary", "div_binary",
        "binary_max", "binary_min", "unary_max",  "unary_min",  "erf",        "erfc",       "unary_ne",   "unary_eq",
        "unary_gt",   "unary_ge",   "unary_lt",   "unary_le",   "gtz",        "nez",        "gez",        "ltz",
        "eqz",        "lez",        "where"};
    static_assert(sizeof(names) / sizeof(names[0]) == static_cast<size_t>(SfpuOp::Where) + 1, "one name per SfpuOp");
    return names[static_cast<int>(op)];
}

/*! The init call `op` needs: its own, or the one all scalar ops share. */
std::string init_of(SfpuOp op) {
    if (op >= SfpuOp::AddScalar && op <= SfpuOp::RsubScalar) return "binop_with_scalar_tile_init";
    return std::string(sfpu_name(op)) + "_tile_init";
}

/*! The checks every SFPU op makes (its init, no reduce configured, DST acquired, indices up to
 *  `highest_dst` within capacity); returns the kernel's compute state. */
ComputeState &require_sfpu(SfpuOp op, uint32_t highest_dst, Loc loc) {
    const std::string call = std::string(sfpu_name(op)) + "_tile";
    ComputeState &cs = compute_state(call.c_str(), loc);
    if (!(cs.sfpu_inited & (1ull << static_cast<int>(op))))
        fail(call.c_str(), loc, "called without " + init_of(op) + "()");
    if (cs.reduce_active) fail(call.c_str(), loc, "called after reduce_init without reduce_uninit");
    require_math(cs, highest_dst, call.c_str(), loc);
    return cs;
}

}  // namespace

void sfpu_unary(SfpuOp op, uint32_t dst, uint32_t param, Loc loc) {
    ComputeState &cs = require_sfpu(op, dst, loc);
    const Rounding rounding = dst_rounding(cs);
    for (float &v : cs.dst[dst]) v = round_to(rounding, sfpu_apply(op, v, param));
    cs.dst_written[dst] = true;
    count_sfpu(("sfpu." + std::string(sfpu_name(op))).c_str());
}

void sfpu_binary(SfpuOp op, uint32_t dst0, uint32_t dst1, uint32_t out_dst, Loc loc) {
    ComputeState &cs = require_sfpu(op, std::max({dst0, dst1, out_dst}), loc);
    const Tile a = cs.dst[dst0], b = cs.dst[dst1];
    Tile &d = cs.dst[out_dst];
    const Rounding rounding = dst_rounding(cs);
    for (int i = 0; i < 1024; ++i) {
        float v = 0;
        switch (op) {
        case SfpuOp::BinaryAdd: v = a[i] + b[i]; break;
        case SfpuOp::BinarySub: v = a[i] - b[i]; break;
        case SfpuOp::BinaryMul: v = a[i] * b[i]; break;
        case SfpuOp::BinaryDiv: v = a[i] / b[i]; break;
        case SfpuOp::BinaryMax: v = std::max(a[i], b[i]); break;
        default: v = std::min(a[i], b[i]); break;
        }
        d[i] = round_to(rounding, v);
    }
    cs.dst_written[out_dst] = true;
    count_sfpu(("sfpu." + std::string(sfpu_name(op))).c_str());
}

void sfpu_cumsum(uint32_t dst, bool first, Loc loc) {
    ComputeState &cs = require_sfpu(SfpuOp::Cumsum, dst, loc);
    if (!first) not_modelled("cumsum_tile", "first=false (a running sum carried from the tile above)", loc);
    Tile &d = cs.dst[dst];
    const Rounding rounding = dst_rounding(cs);
    for (int c = 0; c < 32; ++c) {
        float sum = 0;
        for (int r = 0; r < 32; ++r) d[r * 32 + c] = round_to(rounding, sum += d[r * 32 + c]);
    }
    cs.dst_written[dst] = true;
    count_sfpu("sfpu.cumsum");
}

void sfpu_where(bool fp32_format, uint32_t cond, uint32_t if_true, uint32_t if_false, uint32_t out_dst, Loc loc) {
    ComputeState &cs = require_sfpu(SfpuOp::Where, std::max({cond, if_true, if_false, out_dst}), loc);
    // The format tells the SFPU how DST's words are laid out: 32-bit values with fp32_dest_acc_en,
    // the upper 16 bits otherwise. The other one reads garbage on the device.
    if (fp32_format != current_kernel().spec->fp32_dest_acc_en) {
        fail("where_tile", loc,
             std::string("called with DataFormat::") + (fp32_format ? "Float32" : "Float16_b") + " while DST holds " +
                 (fp32_format ? "16-bit values (fp32_dest_acc_en=false)" : "float32 values (fp32_dest_acc_en=true)"));
    }
    const Tile c = cs.dst[cond], t = cs.dst[if_true], f = cs.dst[if_false];
    Tile &d = cs.dst[out_dst];
    for (int i = 0; i < 1024; ++i) d[i] = c[i] != 0.0f ? t[i] : f[i];
    cs.dst_written[out_dst] = true;
    count_sfpu("sfpu.where");
}

}  // namespace tt_sim::k
