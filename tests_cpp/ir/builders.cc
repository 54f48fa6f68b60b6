// The IR short-hands and corpus kernels of builders.h, built with the validating factories.
#include "builders.h"

#include <limits>
#include <stdexcept>

namespace tt::ir::testing {

Expr i32(int64_t value) {
    return make_int(value);
}

Expr f32(double value) {
    return FloatImmNode::make(DataType::float32(), value);
}

Buffer tensor(const std::string &name, const std::vector<int64_t> &shape, const std::string &dtype, MemoryScope scope) {
    std::vector<Expr> extents;
    for (int64_t e : shape) extents.push_back(i32(e));
    return make_buffer(name, extents, DataType::parse(dtype), scope);
}

Expr tile_at(const Buffer &buffer, const std::vector<Expr> &starts, const std::vector<int64_t> &extents) {
    std::vector<Range> ranges;
    for (size_t d = 0; d < starts.size(); ++d) ranges.push_back({starts[d], i32(extents.at(d))});
    return RegionNode::make(buffer, ranges);
}

Stmt call_stmt(const std::string &intrinsic, std::vector<Expr> args, Span span) {
    return EvaluateNode::make(CallNode::make(intrinsic, std::move(args), span), span);
}

Stmt allocate_all(const std::vector<Buffer> &buffers, Stmt body) {
    for (auto it = buffers.rbegin(); it != buffers.rend(); ++it) body = AllocateNode::make(*it, body);
    return body;
}

Span source_at(const std::string &file, int line, int col) {
    return Span{file, line, col};
}

Stmt same_name_loop_nest(bool swap_indices) {
    Var outer = make_var("i"), inner = make_var("i");
    Buffer S = tensor("S", {4, 4}, "int32", MemoryScope::Shared);
    std::vector<Expr> indices = swap_indices ? std::vector<Expr>{inner, outer} : std::vector<Expr>{outer, inner};
    Stmt store = BufferStoreNode::make(S, SubNode::make(outer, inner), indices);
    return ForNode::make(outer, i32(0), i32(4), ForKind::Serial, ForNode::make(inner, i32(0), i32(4), ForKind::Serial, store));
}

namespace {

IRModule single_function_module(const PrimFunc &f, AttrMap module_attrs = {}) {
    return make_module({{f->name, f}}, std::move(module_attrs));
}

}  // namespace

PrimFunc gemm_func(const GemmVariant &variant) {
    constexpr int64_t M = 512, N = 512, K = 512, bM = 128, bN = 128, bK = 32;
    auto at = [](int line, int col) { return source_at("examples/gemm.py", line, col); };
    Buffer A = tensor("A", {M, K}, "float16");
    Buffer B = variant.transpose_B ? tensor("B", {N, K}, "float16") : tensor("B", {K, N}, "float16");
    Buffer C = tensor("C", {M, N}, "float16");
    Var bx = make_var("bx", DataType::int32(), at(8, 71));
    Var by = make_var("by", DataType::int32(), at(8, 75));
    Var k = make_var("k", DataType::int32(), at(14, 13));
    Buffer A_shared = tensor("A_shared", {bM, bK}, "float16", MemoryScope::Shared);
    Buffer B_shared = variant.transpose_B ? tensor("B_shared", {bN, bK}, "float16", MemoryScope::Shared)
                                          : tensor("B_shared", {bK, bN}, "float16", MemoryScope::Shared);
    Buffer C_local = tensor("C_local", {bM, bN}, "float32", MemoryScope::Fragment);
    Buffer C_shared = tensor("C_shared", {bM, bN}, "float16", MemoryScope::Shared);

    Expr row = MulNode::make(by, i32(bM));
    Expr col = MulNode::make(bx, i32(bN));
    Expr depth = MulNode::make(k, i32(bK));
    Expr B_tile = variant.transpose_B ? tile_at(B, {col, depth}, {bN, bK}) : tile_at(B, {depth, col}, {bK, bN});
    Stmt k_body = SeqStmtNode::make({
        call_stmt("tl.copy", {tile_at(A, {row, depth}, {bM, bK}), RegionNode::full(A_shared)}, at(15, 13)),
        call_stmt("tl.copy", {B_tile, RegionNode::full(B_shared)}, at(16, 13)),
        call_stmt("tl.gemm",
                  {RegionNode::full(A_shared), RegionNode::full(B_shared), RegionNode::full(C_local), make_bool(false),
                   make_bool(variant.transpose_B), make_bool(false), i32(1), StringImmNode::make("Square")},
                  at(17, 13)),
    });
    Stmt k_loop = ForNode::make(k, i32(0), i32(K / bK), ForKind::Pipelined, k_body, variant.num_stages, {}, at(14, 9));

    Expr C_tile = tile_at(C, {row, col}, {bM, bN});
    std::vector<Stmt> epilogue;
    std::vector<Buffer> on_chip = {A_shared, B_shared, C_local};
    if (variant.shared_epilogue) {
        on_chip.push_back(C_shared);
        epilogue.push_back(call_stmt("tl.copy", {RegionNode::full(C_local), RegionNode::full(C_shared)}, at(18, 9)));
        epilogue.push_back(call_stmt("tl.copy", {RegionNode::full(C_shared), C_tile}, at(19, 9)));
    } else {
        epilogue.push_back(call_stmt("tl.copy", {RegionNode::full(C_local), C_tile}, at(18, 9)));
    }
    std::vector<Stmt> body = {call_stmt("tl.fill", {RegionNode::full(C_local), f32(0.0)}, at(13, 9)), k_loop};
    body.insert(body.end(), epilogue.begin(), epilogue.end());

    Stmt launch = KernelLaunchNode::make({i32(N / bN), i32(M / bM)}, {bx, by}, {128},
                                         allocate_all(on_chip, SeqStmtNode::make(body)), at(8, 9));
    return make_prim_func("gemm", {A, B, C}, launch, {{attr::GLOBAL_SYMBOL, "gemm"}}, at(7, 5));
}

namespace {

// for i, j in T.Parallel(64, 128): C[by*64 + i, bx*128 + j] = A[...] + B[...]
IRModule elementwise_add() {
    constexpr int64_t rows = 256, cols = 512, bM = 64, bN = 128;
    Buffer A = tensor("A", {rows, cols}, "float32");
    Buffer B = tensor("B", {rows, cols}, "float32");
    Buffer C = tensor("C", {rows, cols}, "float32");
    Var bx = make_var("bx"), by = make_var("by"), i = make_var("i"), j = make_var("j");
    std::vector<Expr> at = {AddNode::make(MulNode::make(by, i32(bM)), i),
                            AddNode::make(MulNode::make(bx, i32(bN)), j)};
    Stmt store = BufferStoreNode::make(C, AddNode::make(BufferLoadNode::make(A, at), BufferLoadNode::make(B, at)), at);
    Stmt loops = ForNode::make(i, i32(0), i32(bM), ForKind::Parallel,
                               ForNode::make(j, i32(0), i32(bN), ForKind::Parallel, store));
    Stmt launch = KernelLaunchNode::make({i32(cols / bN), i32(rows / bM)}, {bx, by}, {128}, loops);
    return single_function_module(make_prim_func("elementwise_add", {A, B, C}, launch));
}

// Scalar code: let bindings, if/else on a compound condition, select, cast and math intrinsics.
IRModule scalar_control_flow() {
    Buffer A = tensor("A", {256}, "float16");
    Buffer B = tensor("B", {256}, "float32");
    Var bx = make_var("bx"), i = make_var("i"), idx = make_var("idx");
    Var x = make_var("x", DataType::float32());
    auto math = [](const char *fn, Expr arg) { return CallNode::make(std::string("tl.") + fn, {std::move(arg)}); };
    Expr cond = AndNode::make(LTNode::make(idx, i32(200)), EQNode::make(FloorModNode::make(idx, i32(2)), i32(0)));
    Stmt then_case = BufferStoreNode::make(B, MulNode::make(math("exp", x), f32(0.5)), {idx});
    Expr floor_value = MaxNode::make(math("log", math("abs", x)), f32(-std::numeric_limits<double>::infinity()));
    Stmt else_case = BufferStoreNode::make(B, SelectNode::make(GTNode::make(x, f32(0.0)), math("sqrt", x), floor_value), {idx});
    Stmt body = LetStmtNode::make(
        idx, AddNode::make(MulNode::make(bx, i32(128)), i),
        LetStmtNode::make(x, CastNode::make(DataType::float32(), BufferLoadNode::make(A, {idx})),
                          IfThenElseNode::make(cond, then_case, else_case)));
    Stmt launch = KernelLaunchNode::make({i32(2)}, {bx}, {128}, ForNode::make(i, i32(0), i32(128), ForKind::Serial, body));
    return single_function_module(make_prim_func("scalar_control_flow", {A, B}, launch));
}

// with T.Kernel(8, 4, 2) as (bx, by, bz): a batch of 32x32 tiles through shared memory.
IRModule batched_copy_3d_grid() {
    Buffer A = tensor("A", {2, 128, 256}, "float16");
    Buffer B = tensor("B", {2, 128, 256}, "float16");
    Buffer tile = tensor("A_shared", {1, 32, 32}, "float16", MemoryScope::Shared);
    Var bx = make_var("bx"), by = make_var("by"), bz = make_var("bz");
    std::vector<Expr> origin = {bz, MulNode::make(by, i32(32)), MulNode::make(bx, i32(32))};
    Stmt body = SeqStmtNode::make({
        call_stmt("tl.copy", {tile_at(A, origin, {1, 32, 32}), RegionNode::full(tile)}),
        call_stmt("tl.copy", {RegionNode::full(tile), tile_at(B, origin, {1, 32, 32})}),
    });
    Stmt launch = KernelLaunchNode::make({i32(8), i32(4), i32(2)}, {bx, by, bz}, {128}, AllocateNode::make(tile, body));
    return single_function_module(make_prim_func("batched_copy", {A, B}, launch),
                                  {{attr::TL_SOURCE_FILE, "examples/batched_copy.py"}});
}

// T.reduce_sum over rows of a fragment, then an unrolled loop writes the sums out.
IRModule row_sum_unrolled() {
    Buffer A = tensor("A", {128, 64}, "float32");
    Buffer S = tensor("S", {128}, "float32");
    Buffer A_frag = tensor("A_frag", {32, 64}, "float32", MemoryScope::Fragment);
    Buffer S_frag = tensor("S_frag", {32}, "float32", MemoryScope::Fragment);
    Var bx = make_var("bx"), r = make_var("r");
    Expr row = MulNode::make(bx, i32(32));
    Stmt write_out = BufferStoreNode::make(S, BufferLoadNode::make(S_frag, {r}), {AddNode::make(row, r)});
    Stmt body = SeqStmtNode::make({
        call_stmt("tl.copy", {tile_at(A, {row, i32(0)}, {32, 64}), RegionNode::full(A_frag)}),
        call_stmt("tl.reduce", {RegionNode::full(A_frag), RegionNode::full(S_frag), StringImmNode::make("sum"), i32(1),
                                make_bool(true)}),
        ForNode::make(r, i32(0), i32(32), ForKind::Unrolled, write_out),
    });
    Stmt launch = KernelLaunchNode::make({i32(4)}, {bx}, {128}, allocate_all({A_frag, S_frag}, body));
    return single_function_module(make_prim_func("row_sum", {A, S}, launch));
}

}  // namespace

const std::vector<CorpusCase> &corpus_cases() {
    static const std::vector<CorpusCase> cases = {
        {"gemm_pipelined", [] { return single_function_module(gemm_func({})); }},
        {"gemm_transpose_b", [] { return single_function_module(gemm_func({true, false, 3})); }},
        {"gemm_shared_epilogue", [] { return single_function_module(gemm_func({false, true, 2})); }},
        {"elementwise_add", elementwise_add},
        {"scalar_control_flow", scalar_control_flow},
        {"batched_copy_3d_grid", batched_copy_3d_grid},
        {"row_sum_unrolled", row_sum_unrolled},
    };
    return cases;
}

IRModule build_corpus_case(const std::string &stem) {
    for (const CorpusCase &c : corpus_cases()) {
        if (c.stem == stem) return c.build();
    }
    throw std::out_of_range("no corpus case " + stem);
}

}  // namespace tt::ir::testing
