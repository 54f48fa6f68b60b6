// TileLang's tile operations and scalar math as intrinsics. The frontend emits these; lowering
// (LowerTTTileIntrinsics) must replace every kRoleFrontend call, which VerifyTTIR checks.
#include "ir/intrinsics.h"

namespace tt::ir {

void register_tile_ops() {
    register_intrinsic({"tl.copy",
                        {{"src", ArgKind::Region}, {"dst", ArgKind::Region}},
                        false,
                        ResultRule::Void,
                        DataType::handle(),
                        false,
                        kRoleFrontend,
                        "",
                        "T.copy(src, dst): copy a region into another of the same extents",
                        /*header=*/""});
    register_intrinsic({"tl.fill",
                        {{"dst", ArgKind::Region}, {"value", ArgKind::Numeric}},
                        false,
                        ResultRule::Void,
                        DataType::handle(),
                        false,
                        kRoleFrontend,
                        "",
                        "T.fill(dst, value) / T.clear(dst): set every element of a region",
                        /*header=*/""});
    register_intrinsic({"tl.gemm",
                        {{"A", ArgKind::Region},
                         {"B", ArgKind::Region},
                         {"C", ArgKind::Region},
                         {"transpose_A", ArgKind::Bool},
                         {"transpose_B", ArgKind::Bool},
                         {"clear_accum", ArgKind::Bool},
                         {"k_pack", ArgKind::Int},
                         {"policy", ArgKind::String}},
                        false,
                        ResultRule::Void,
                        DataType::handle(),
                        false,
                        kRoleFrontend,
                        "",
                        "T.gemm: C (+)= op(A) @ op(B); k_pack and policy are GPU tuning knobs, recorded only",
                        /*header=*/""});
    register_intrinsic({"tl.reduce",
                        {{"src", ArgKind::Region},
                         {"dst", ArgKind::Region},
                         {"kind", ArgKind::String},
                         {"dim", ArgKind::Int},
                         {"clear", ArgKind::Bool}},
                        false,
                        ResultRule::Void,
                        DataType::handle(),
                        false,
                        kRoleFrontend,
                        "",
                        "T.reduce_<kind>: reduce src along dim into dst; kind is sum, max, min, absmax (max of |x|) "
                        "or abssum (sum of |x|); clear=False combines with dst's current values",
                        /*header=*/""});
    // Scalar math: pure, result of the argument's dtype, usable in element expressions. sigmoid(x) is
    // 1 / (1 + exp(-x)); erf is the Gauss error function (GELU's exact form).
    for (const char *fn :
         {"exp", "exp2", "log", "log2", "sqrt", "rsqrt", "abs", "tanh", "sigmoid", "erf", "sin", "cos"}) {
        register_intrinsic({std::string("tl.") + fn,
                            {{"x", ArgKind::Numeric}},
                            false,
                            ResultRule::SameAsFirst,
                            DataType::handle(),
                            true,
                            kRoleFrontend,
                            "",
                            std::string("T.") + fn + "(x), elementwise",
                            /*header=*/""});
    }
}

}  // namespace tt::ir
