// LowerTTAtomicAdd: before → after on TileLang's split-K GEMM (the split axis joins the K loop, the
// element and tile forms of T.atomic_add become the same read-modify-write), a launch whose blocks
// own their destinations, and the errors of lower_tt_atomic_add.h.
#include <gtest/gtest.h>

#include <functional>

#include "expect_error.h"
#include "ir/equal.h"
#include "ir/printer.h"
#include "transform/lower_tt_atomic_add.h"

namespace tt::transform {
namespace {

using namespace ir;

const DataType kBf16 = DataType::parse("bfloat16");
const DataType kF32 = DataType::float32();
const Span kAt{"splitk.py", 3, 5};
const Span kAddAt{"splitk.py", 20, 13};

PassContext context() {
    return PassContext::from_json(Json::object());
}

Expr times(const Expr &v, int64_t n) {
    return MulNode::make(v, make_int(n));
}
Expr plus(const Expr &a, const Expr &b) {
    return AddNode::make(a, b);
}
Stmt eval(const std::string &op, std::vector<Expr> args, const Span &at = kAt) {
    return EvaluateNode::make(CallNode::make(op, std::move(args), at), at);
}

/*! \code
 *  def gemm(A, B, C):               # A (128, 256), B (256, 64) bfloat16; C (128, 64) float32
 *      with T.Kernel(2, 2, 4) as (bx, by, bz):
 *          A_shared = T.alloc_shared((64, 32)); B_shared = T.alloc_shared((32, 32))
 *          C_shared = T.alloc_shared((64, 32), "float32"); C_local = T.alloc_fragment((64, 32), "float32")
 *          T.clear(C_local)
 *          for ko in T.Pipelined(2, num_stages=0):
 *              T.copy(A[by * 64, bz * 64 + ko * 32], A_shared)
 *              T.copy(B[bz * 64 + ko * 32, bx * 32], B_shared)
 *              T.gemm(A_shared, B_shared, C_local)
 *          T.copy(C_local, C_shared)
 *          for i, j in T.Parallel(64, 32):                          # line 20
 *              T.atomic_add(C[by * 64 + i, bx * 32 + j], C_shared[i, j])
 *  \endcode
 *  and what it becomes (split() with the fused loop and the read-modify-write). */
struct SplitKGemm {
    Buffer A = make_buffer("A", {make_int(128), make_int(256)}, kBf16, MemoryScope::Global, kAt);
    Buffer B = make_buffer("B", {make_int(256), make_int(64)}, kBf16, MemoryScope::Global, kAt);
    Buffer C = make_buffer("C", {make_int(128), make_int(64)}, kF32, MemoryScope::Global, kAt);
    Buffer A_shared = make_buffer("A_shared", {make_int(64), make_int(32)}, kBf16, MemoryScope::Shared, kAt);
    Buffer B_shared = make_buffer("B_shared", {make_int(32), make_int(32)}, kBf16, MemoryScope::Shared, kAt);
    Buffer C_shared = make_buffer("C_shared", {make_int(64), make_int(32)}, kF32, MemoryScope::Shared, kAt);
    Buffer C_local = make_buffer("C_local", {make_int(64), make_int(32)}, kF32, MemoryScope::Fragment, kAt);
    Var bx = make_var("bx"), by = make_var("by"), bz = make_var("bz"), ko = make_var("ko");
    Var i = make_var("i"), j = make_var("j");

    /*! The K loop over `trips` steps whose K offset is `k_offset`. */
    Stmt k_loop(const Var &var, int64_t trips, const Expr &k_offset) {
        Stmt body = SeqStmtNode::make(
            {eval("tl.copy", {RegionNode::make(A, {{times(by, 64), make_int(64)}, {k_offset, make_int(32)}}),
                              RegionNode::full(A_shared)}),
             eval("tl.copy", {RegionNode::make(B, {{k_offset, make_int(32)}, {times(bx, 32), make_int(32)}}),
                              RegionNode::full(B_shared)}),
             eval("tl.gemm", {RegionNode::full(A_shared), RegionNode::full(B_shared), RegionNode::full(C_local),
                              make_bool(false), make_bool(false), make_bool(false), make_int(1),
                              StringImmNode::make("Square")})});
        return ForNode::make(var, make_int(0), make_int(trips), ForKind::Pipelined, body, 0, {}, kAt);
    }
    Stmt parallel(const Stmt &body) {
        return ForNode::make(i, make_int(0), make_int(64), ForKind::Parallel,
                             ForNode::make(j, make_int(0), make_int(32), ForKind::Parallel, body, 0, {}, kAddAt), 0,
                             {}, kAddAt);
    }
    std::vector<Expr> c_index() { return {plus(times(by, 64), i), plus(times(bx, 32), j)}; }
    /*! The element form; tile_form: T.atomic_add(C[by * 64, bx * 32], C_shared) instead. */
    Stmt atomic_add(bool tile_form) {
        if (tile_form) {
            return eval("tl.atomic_add",
                        {RegionNode::make(C, {{times(by, 64), make_int(64)}, {times(bx, 32), make_int(32)}}, kAddAt),
                         RegionNode::full(C_shared, kAddAt)},
                        kAddAt);
        }
        std::vector<Expr> index = c_index();
        return parallel(eval("tl.atomic_add",
                             {RegionNode::make(C, {{index[0], make_int(1)}, {index[1], make_int(1)}}, kAddAt),
                              BufferLoadNode::make(C_shared, {i, j})},
                             kAddAt));
    }
    Stmt read_modify_write() {
        Expr sum = AddNode::make(BufferLoadNode::make(C, c_index()), BufferLoadNode::make(C_shared, {i, j}));
        return parallel(BufferStoreNode::make(C, sum, c_index(), kAddAt));
    }
    Stmt launch(std::vector<Expr> extents, std::vector<Var> vars, Stmt loop, Stmt add, std::vector<Stmt> extra = {}) {
        std::vector<Stmt> seq{eval("tl.fill", {RegionNode::full(C_local), FloatImmNode::make(kF32, 0.0)}), loop};
        for (const Stmt &s : extra) seq.push_back(s);
        seq.push_back(eval("tl.copy", {RegionNode::full(C_local), RegionNode::full(C_shared)}));
        seq.push_back(add);
        Stmt body = SeqStmtNode::make(seq);
        for (const Buffer &b : {C_local, C_shared, B_shared, A_shared}) body = AllocateNode::make(b, body, kAt);
        return KernelLaunchNode::make(std::move(extents), std::move(vars), {128}, body, kAt);
    }
    Stmt split_k(bool tile_form = false, std::vector<Stmt> extra = {}) {
        return launch({make_int(2), make_int(2), make_int(4)}, {bx, by, bz},
                      k_loop(ko, 2, plus(times(bz, 64), times(ko, 32))), atomic_add(tile_form), std::move(extra));
    }
    PrimFunc func(Stmt body) { return make_prim_func("gemm", {A, B, C}, body, {}, kAt); }
};

TEST(LowerTTAtomicAdd, TheSplitAxisJoinsTheKLoop) {
    SplitKGemm g;
    PrimFunc after = lower_tt_atomic_add(g.func(g.split_k()), context());
    // bz = t // 2 and ko = t % 2 over 4 * 2 steps; C += C_shared once per output block.
    Var t = make_var("bz_ko");
    Expr k_offset = plus(times(FloorDivNode::make(t, make_int(2)), 64), times(FloorModNode::make(t, make_int(2)), 32));
    Stmt expected = g.launch({make_int(2), make_int(2)}, {g.bx, g.by}, g.k_loop(t, 8, k_offset), g.read_modify_write());
    EXPECT_EQ(structural_difference(after->body, expected), "") << to_text(after);
    EXPECT_NE(to_text(after).find("for bz_ko in T.Pipelined(8"), std::string::npos) << to_text(after);
}

TEST(LowerTTAtomicAdd, TheTileFormIsTheSameUpdate) {
    SplitKGemm g;
    PrimFunc element = lower_tt_atomic_add(g.func(g.split_k(false)), context());
    PrimFunc tile = lower_tt_atomic_add(g.func(g.split_k(true)), context());
    EXPECT_EQ(structural_difference(tile, element), "");
}

TEST(LowerTTAtomicAdd, BlocksThatOwnTheirDestinationsKeepTheGrid) {
    SplitKGemm g;
    Stmt before = g.launch({make_int(2), make_int(2)}, {g.bx, g.by}, g.k_loop(g.ko, 8, times(g.ko, 32)),
                           g.atomic_add(false));
    Stmt expected = g.launch({make_int(2), make_int(2)}, {g.bx, g.by}, g.k_loop(g.ko, 8, times(g.ko, 32)),
                             g.read_modify_write());
    EXPECT_EQ(structural_difference(lower_tt_atomic_add(g.func(before), context())->body, expected), "");
}

TEST(LowerTTAtomicAdd, AFunctionWithoutAtomicsIsUnchanged) {
    SplitKGemm g;
    PrimFunc before = g.func(g.launch({make_int(2), make_int(2)}, {g.bx, g.by}, g.k_loop(g.ko, 8, times(g.ko, 32)),
                                      eval("tl.copy", {RegionNode::full(g.C_shared), RegionNode::full(g.C_shared)})));
    EXPECT_EQ(lower_tt_atomic_add(before, context()).get(), before.get());
}

TEST(LowerTTAtomicAdd, AnotherBodyRunsTheSplitAxisAsALoop) {
    // The split axis read outside the K loop: not the split-K form, so the blocks of the axis run
    // whole, one after another, and their adds are read-modify-writes in that order.
    SplitKGemm g;
    const Span copy_at{"splitk.py", 17, 9};
    Stmt outside = EvaluateNode::make(
        CallNode::make("tl.copy", {RegionNode::make(g.A, {{times(g.bz, 32), make_int(64)}, {make_int(0), make_int(32)}}),
                                   RegionNode::full(g.A_shared)},
                       copy_at),
        copy_at);
    PrimFunc after = lower_tt_atomic_add(g.func(g.split_k(false, {outside})), context());
    const auto *launch = after->body.as<KernelLaunchNode>();
    ASSERT_NE(launch, nullptr);
    const auto *loop = launch->body.as<ForNode>();
    ASSERT_NE(loop, nullptr) << to_text(after);
    EXPECT_EQ(loop->loop_var.get(), g.bz.get());
    EXPECT_EQ(loop->for_kind, ForKind::Serial);
    EXPECT_EQ(to_text(loop->extent), "4");
    EXPECT_EQ(launch->block_vars.size(), 2u);
    const std::string text = to_text(after);
    EXPECT_NE(text.find("C[by * 64 + i, bx * 32 + j] = C[by * 64 + i, bx * 32 + j] + C_shared[i, j]"), std::string::npos)
        << text;
}

TEST(LowerTTAtomicAdd, APlainWriteSharedByTheSplitIsAnError) {
    // Every block of the split writes the same elements of D without T.atomic_add: a race in
    // TileLang, which running the blocks in order would hide.
    SplitKGemm g;
    const Span copy_at{"splitk.py", 17, 9};
    Buffer D = make_buffer("D", {make_int(128), make_int(64)}, kF32, MemoryScope::Global, kAt);
    Stmt partial_out = EvaluateNode::make(
        CallNode::make("tl.copy", {RegionNode::full(g.C_local),
                                   RegionNode::make(D, {{times(g.by, 64), make_int(64)}, {times(g.bx, 32), make_int(32)}})},
                       copy_at),
        copy_at);
    testing::expect_validation_error(
        [&] { lower_tt_atomic_add(make_prim_func("gemm", {g.A, g.B, g.C, D}, g.split_k(false, {partial_out})), context()); },
        "blocks that differ only in 'bz' all write the same elements of D", copy_at);
}

TEST(LowerTTAtomicAdd, DestinationsMustBeFloatGlobalsOfOneBlock) {
    SplitKGemm g;
    Buffer S = make_buffer("S", {make_int(64), make_int(32)}, kF32, MemoryScope::Shared, kAt);
    Stmt into_shared = KernelLaunchNode::make(
        {make_int(2)}, {g.bx}, {128},
        AllocateNode::make(S, eval("tl.atomic_add", {RegionNode::full(S), RegionNode::full(S)}, kAddAt), kAt), kAt);
    testing::expect_validation_error([&] { lower_tt_atomic_add(g.func(into_shared), context()); }, "a shared buffer", kAddAt);

    Buffer I = make_buffer("I", {make_int(64), make_int(64)}, DataType::int32(), MemoryScope::Global, kAt);
    Stmt integer = KernelLaunchNode::make(
        {make_int(2)}, {g.bx}, {128},
        eval("tl.atomic_add", {RegionNode::make(I, {{make_int(0), make_int(1)}, {g.bx, make_int(1)}}), make_int(1)},
             kAddAt),
        kAt);
    testing::expect_validation_error([&] { lower_tt_atomic_add(make_prim_func("f", {I}, integer), context()); }, "integer atomics",
                 kAddAt);

    // Rows by * 16 + i for i < 64: blocks 16 apart each cover 64 rows.
    Stmt overlapping = KernelLaunchNode::make(
        {make_int(2), make_int(2)}, {g.bx, g.by}, {128},
        AllocateNode::make(g.C_shared, g.parallel(eval("tl.atomic_add",
                                                       {RegionNode::make(g.C, {{plus(times(g.by, 16), g.i), make_int(1)},
                                                                               {plus(times(g.bx, 32), g.j), make_int(1)}}),
                                                        BufferLoadNode::make(g.C_shared, {g.i, g.j})},
                                                       kAddAt)),
                           kAt),
        kAt);
    testing::expect_validation_error([&] { lower_tt_atomic_add(g.func(overlapping), context()); },
                 "blocks by = b and b + 1 are 16 elements apart but each covers 64", kAddAt);
}

}  // namespace
}  // namespace tt::transform
