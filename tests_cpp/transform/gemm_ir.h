/*! \file gemm_ir.h
 *  \brief Builds, with the IR factories, what the frontend produces for TileLang's reference GEMM
 *  (examples/gemm.py, the body of TileLang's examples/gemm/example_gemm.py) and its variants.
 *  Shared by the pass tests; header-only so any test target can include it.
 *
 *  \code
 *  with T.Kernel(T.ceildiv(N, bN), T.ceildiv(M, bM), threads=128) as (bx, by):
 *      A_shared = T.alloc_shared((bM, bK), dtype)          # (bN, bK) is B's with transpose_B
 *      B_shared = T.alloc_shared((bK, bN), dtype)
 *      C_local = T.alloc_fragment((bM, bN), accum_dtype)
 *      [C_shared = T.alloc_shared((bM, bN), dtype)]        # shared_epilogue
 *      T.clear(C_local)                                     # T.fill(C_local, fill_value)
 *      for k in T.Pipelined(T.ceildiv(K, bK), num_stages=3):
 *          T.copy(A[by * bM, k * bK], A_shared)            # A[k * bK, by * bM] with transpose_A
 *          T.copy(B[k * bK, bx * bN], B_shared)            # B[bx * bN, k * bK] with transpose_B
 *          T.gemm(A_shared, B_shared, C_local, transpose_B=...)
 *      T.copy(C_local, C[by * bM, bx * bN])                # or via C_shared
 *  \endcode
 */
#pragma once

#include <string>

#include "ir/ir.h"

namespace tt::testing {

struct GemmConfig {
    int64_t M = 1024, N = 1024, K = 1024;
    int64_t block_M = 128, block_N = 128, block_K = 32;
    std::string dtype = "bfloat16";
    std::string accum_dtype = "float32";
    int num_stages = 3;
    bool transpose_A = false;      ///< A is (K, M), A_shared (bK, bM), T.gemm(..., transpose_A=True)
    bool transpose_B = false;
    double fill_value = 0;         ///< T.fill(C_local, fill_value) instead of T.clear(C_local)
    bool shared_epilogue = false;  ///< C_local -> C_shared -> C instead of C_local -> C
    std::string source_file = "examples/gemm.py";
    bool block_mask = false;  ///< an int32 BlockMask (M/bM, N/bN, K/bK) parameter guards the K loop's body
};

/*! \brief The gemm PrimFunc; spans point at the lines of examples/gemm.py listed in line_of(). */
inline ir::PrimFunc make_gemm(const GemmConfig &cfg = {}) {
    using namespace ir;
    auto at = [&](int line) { return Span{cfg.source_file, line, 9}; };
    const DataType dt = DataType::parse(cfg.dtype);
    const DataType acc = DataType::parse(cfg.accum_dtype);
    auto c = [](int64_t v) { return make_int(v); };
    auto ceildiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };

    Buffer A = cfg.transpose_A ? make_buffer("A", {c(cfg.K), c(cfg.M)}, dt, MemoryScope::Global, at(12))
                               : make_buffer("A", {c(cfg.M), c(cfg.K)}, dt, MemoryScope::Global, at(12));
    Buffer B = cfg.transpose_B ? make_buffer("B", {c(cfg.N), c(cfg.K)}, dt, MemoryScope::Global, at(12))
                               : make_buffer("B", {c(cfg.K), c(cfg.N)}, dt, MemoryScope::Global, at(12));
    Buffer C = make_buffer("C", {c(cfg.M), c(cfg.N)}, dt, MemoryScope::Global, at(12));

    Var bx = make_var("bx", DataType::int32(), at(13));
    Var by = make_var("by", DataType::int32(), at(13));
    Var k = make_var("k", DataType::int32(), at(20));

    Buffer A_shared = cfg.transpose_A
                          ? make_buffer("A_shared", {c(cfg.block_K), c(cfg.block_M)}, dt, MemoryScope::Shared, at(14))
                          : make_buffer("A_shared", {c(cfg.block_M), c(cfg.block_K)}, dt, MemoryScope::Shared, at(14));
    Buffer B_shared = cfg.transpose_B
                          ? make_buffer("B_shared", {c(cfg.block_N), c(cfg.block_K)}, dt, MemoryScope::Shared, at(15))
                          : make_buffer("B_shared", {c(cfg.block_K), c(cfg.block_N)}, dt, MemoryScope::Shared, at(15));
    Buffer C_local = make_buffer("C_local", {c(cfg.block_M), c(cfg.block_N)}, acc, MemoryScope::Fragment, at(16));
    Buffer C_shared = make_buffer("C_shared", {c(cfg.block_M), c(cfg.block_N)}, dt, MemoryScope::Shared, at(17));

    auto times = [](const Expr &v, int64_t n) { return MulNode::make(v, make_int(n)); };
    auto copy = [](Expr src, Expr dst, Span s) { return EvaluateNode::make(CallNode::make("tl.copy", {src, dst}, s), s); };

    Expr a_region = cfg.transpose_A ? RegionNode::make(A, {{times(k, cfg.block_K), c(cfg.block_K)}, {times(by, cfg.block_M), c(cfg.block_M)}}, at(21))
                                    : RegionNode::make(A, {{times(by, cfg.block_M), c(cfg.block_M)}, {times(k, cfg.block_K), c(cfg.block_K)}}, at(21));
    Expr b_region = cfg.transpose_B ? RegionNode::make(B, {{times(bx, cfg.block_N), c(cfg.block_N)}, {times(k, cfg.block_K), c(cfg.block_K)}}, at(22))
                                    : RegionNode::make(B, {{times(k, cfg.block_K), c(cfg.block_K)}, {times(bx, cfg.block_N), c(cfg.block_N)}}, at(22));
    Expr c_region = RegionNode::make(C, {{times(by, cfg.block_M), c(cfg.block_M)}, {times(bx, cfg.block_N), c(cfg.block_N)}}, at(24));

    Stmt gemm = EvaluateNode::make(
        CallNode::make("tl.gemm",
                       {RegionNode::full(A_shared, at(23)), RegionNode::full(B_shared, at(23)), RegionNode::full(C_local, at(23)),
                        make_bool(cfg.transpose_A), make_bool(cfg.transpose_B), make_bool(false), make_int(1),
                        StringImmNode::make("Square")},
                       at(23)),
        at(23));
    Stmt k_body = SeqStmtNode::make({copy(a_region, RegionNode::full(A_shared, at(21)), at(21)),
                                     copy(b_region, RegionNode::full(B_shared, at(22)), at(22)), gemm});
    Buffer mask;
    if (cfg.block_mask) {
        mask = make_buffer("BlockMask", {c(cfg.M / cfg.block_M), c(cfg.N / cfg.block_N), c(cfg.K / cfg.block_K)},
                           DataType::int32(), MemoryScope::Global, at(12));
        Expr element = BufferLoadNode::make(mask, {by, bx, k}, at(20));
        k_body = IfThenElseNode::make(NENode::make(element, c(0)), k_body, Stmt(), at(20));
    }
    Stmt k_loop = ForNode::make(k, c(0), c(ceildiv(cfg.K, cfg.block_K)), ForKind::Pipelined, k_body, cfg.num_stages,
                                {}, at(20));
    Stmt fill = EvaluateNode::make(
        CallNode::make("tl.fill", {RegionNode::full(C_local, at(19)), FloatImmNode::make(acc, cfg.fill_value, at(19))}, at(19)), at(19));
    Stmt epilogue = cfg.shared_epilogue
                        ? SeqStmtNode::make({copy(RegionNode::full(C_local, at(24)), RegionNode::full(C_shared, at(24)), at(24)),
                                             copy(RegionNode::full(C_shared, at(25)), c_region, at(25))})
                        : copy(RegionNode::full(C_local, at(24)), c_region, at(24));
    Stmt body = SeqStmtNode::flatten({fill, k_loop, epilogue});
    if (cfg.shared_epilogue) body = AllocateNode::make(C_shared, body, at(17));
    body = AllocateNode::make(C_local, body, at(16));
    body = AllocateNode::make(B_shared, body, at(15));
    body = AllocateNode::make(A_shared, body, at(14));
    Stmt launch = KernelLaunchNode::make({c(ceildiv(cfg.N, cfg.block_N)), c(ceildiv(cfg.M, cfg.block_M))}, {bx, by}, {128},
                                         body, at(13));
    std::vector<Buffer> params = cfg.block_mask ? std::vector<Buffer>{A, B, mask, C} : std::vector<Buffer>{A, B, C};
    return make_prim_func("gemm", params, launch, {{attr::GLOBAL_SYMBOL, "gemm"}}, at(11));
}

inline ir::IRModule make_gemm_module(const GemmConfig &cfg = {}) {
    return ir::make_module({{"gemm", make_gemm(cfg)}});
}

}  // namespace tt::testing
