// TileLang's tile operations and scalar math as intrinsics. The frontend emits these; lowering
// must replace every kRoleFrontend call (tl.persistent: LowerTTPersistent; tl.atomic_add:
// LowerTTAtomicAdd; the rest: LowerTTTileIntrinsics), which VerifyTTIR checks.
#include "ir/intrinsics.h"

namespace tt::ir {

namespace {

// A TileLang operation: frontend role, no C++ form (lowering replaces it).
void tile_op(const std::string &name, std::vector<ArgSpec> args, const std::string &doc,
             ResultRule result_rule = ResultRule::Void, bool pure = false) {
    register_intrinsic(
        {name, std::move(args), false, result_rule, DataType::handle(), pure, kRoleFrontend, "", doc, ""});
}

}  // namespace

void register_tile_ops() {
    tile_op("tl.copy", {{"src", ArgKind::Region}, {"dst", ArgKind::Region}},
            "T.copy(src, dst): copy a region into another of the same extents");
    tile_op("tl.fill", {{"dst", ArgKind::Region}, {"value", ArgKind::Numeric}},
            "T.fill(dst, value) / T.clear(dst): set every element of a region");
    tile_op("tl.gemm",
            {{"A", ArgKind::Region},
             {"B", ArgKind::Region},
             {"C", ArgKind::Region},
             {"transpose_A", ArgKind::Bool},
             {"transpose_B", ArgKind::Bool},
             {"clear_accum", ArgKind::Bool},
             {"k_pack", ArgKind::Int},
             {"policy", ArgKind::String}},
            "T.gemm: C (+)= op(A) @ op(B); k_pack and policy are GPU tuning knobs, recorded only");
    tile_op("tl.reduce",
            {{"src", ArgKind::Region},
             {"dst", ArgKind::Region},
             {"kind", ArgKind::String},
             {"dim", ArgKind::Int},
             {"clear", ArgKind::Bool}},
            "T.reduce_<kind>: reduce src along dim into dst; kind is sum, max, min, absmax (max of |x|) "
            "or abssum (sum of |x|); clear=False combines with dst's current values");
    tile_op("tl.persistent",
            {{"wave_size", ArgKind::Int},
             {"index", ArgKind::Int},
             {"rank", ArgKind::Int},
             {"group_size", ArgKind::Int},
             {"num_stages", ArgKind::Int}},
            "T.Persistent(domain, wave_size, index, group_size, num_stages): the `rank` nested serial loops "
            "that follow it in its sequence run over the domain's tiles, CTA `index` of each wave of `wave_size` "
            "taking its share (LowerTTPersistent makes the domain the launch grid)");
    tile_op("tl.atomic_add", {{"dst", ArgKind::Region}, {"value", ArgKind::Any}},
            "T.atomic_add(dst, value): add value into dst, where the launch's blocks may add into the same "
            "elements; value is a region of dst's extents (tile form) or, with dst one element, a number "
            "(element form, inside T.Parallel). LowerTTAtomicAdd makes one block own each destination");
    // Scalar math: pure, result of the argument's dtype, usable in element expressions. sigmoid(x) is
    // 1 / (1 + exp(-x)); erf is the Gauss error function (GELU's exact form).
    for (const char *fn :
         {"exp", "exp2", "log", "log2", "sqrt", "rsqrt", "abs", "tanh", "sigmoid", "erf", "sin", "cos"}) {
        tile_op(std::string("tl.") + fn, {{"x", ArgKind::Numeric}}, std::string("T.") + fn + "(x), elementwise",
                ResultRule::SameAsFirst, true);
    }
}

}  // namespace tt::ir
