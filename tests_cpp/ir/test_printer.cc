// The printed IR is what users, IR dumps and later the code generators see; these tests pin it.
#include <gtest/gtest.h>

#include <limits>

#include "builders.h"
#include "ir/printer.h"

namespace tt::ir::testing {
namespace {

// The whole reference GEMM, so any change to the format shows up as one readable diff.
TEST(Printer, ReferenceGemm) {
    const char *expected = R"(# examples/gemm.py:7:5
@T.prim_func
def gemm(A: T.Tensor((512, 512), "float16"), B: T.Tensor((512, 512), "float16"), C: T.Tensor((512, 512), "float16")):
    T.func_attr({"global_symbol":"gemm"})
    with T.Kernel(4, 4, threads=128) as (bx, by):
        A_shared = T.alloc_shared((128, 32), "float16")
        B_shared = T.alloc_shared((32, 128), "float16")
        C_local = T.alloc_fragment((128, 128), "float32")
        T.fill(C_local, 0.0)
        for k in T.Pipelined(16, num_stages=3):
            T.copy(A[by * 128:by * 128 + 128, k * 32:k * 32 + 32], A_shared)
            T.copy(B[k * 32:k * 32 + 32, bx * 128:bx * 128 + 128], B_shared)
            T.gemm(A_shared, B_shared, C_local, transpose_A=False, transpose_B=False, clear_accum=False, k_pack=1, policy="Square")
        T.copy(C_local, C[by * 128:by * 128 + 128, bx * 128:bx * 128 + 128])
)";
    EXPECT_EQ(to_text(gemm_func({})), expected);
}

// Control flow, let bindings, select, casts, math and a one-element region in one kernel.
TEST(Printer, ScalarKernelConstructs) {
    Buffer A = tensor("A", {256}, "float16");
    Buffer L = tensor("L", {8}, "float32", MemoryScope::Local);
    Var bx = make_var("bx"), i = make_var("i"), x = make_var("x", DataType::float32());
    Stmt store = BufferStoreNode::make(L, SelectNode::make(GTNode::make(x, f32(0)), CallNode::make("tl.exp", {x}), f32(1)), {i});
    Stmt body = LetStmtNode::make(
        x, CastNode::make(DataType::float32(), BufferLoadNode::make(A, {AddNode::make(bx, i)})),
        IfThenElseNode::make(NotNode::make(EQNode::make(i, i32(3))), store,
                             EvaluateNode::make(CallNode::make("tl.fill", {tile_at(L, {i}, {1}), f32(2)}))));
    Stmt launch = KernelLaunchNode::make({i32(2)}, {bx}, {}, AllocateNode::make(L, ForNode::make(i, i32(2), i32(6), ForKind::Unrolled, body)));
    const char *expected = R"(with T.Kernel(2) as (bx,):
    L = T.alloc_local((8,), "float32")
    for i in T.unroll(2, 8):
        x: T.float32 = T.cast(A[bx + i], "float32")
        if not i == 3:
            L[i] = T.if_then_else(x > 0.0, T.exp(x), 1.0)
        else:
            T.fill(L[i], 2.0)
)";
    EXPECT_EQ(to_text(launch), expected);
}

// Parentheses appear exactly where Python's precedence and left associativity need them.
TEST(Printer, ParenthesizesByPrecedence) {
    Var a = make_var("a"), b = make_var("b"), c = make_var("c");
    EXPECT_EQ(to_text(SubNode::make(a, SubNode::make(b, c))), "a - (b - c)");
    EXPECT_EQ(to_text(SubNode::make(SubNode::make(a, b), c)), "a - b - c");
    EXPECT_EQ(to_text(MulNode::make(AddNode::make(a, b), c)), "(a + b) * c");
    EXPECT_EQ(to_text(AddNode::make(a, MulNode::make(b, c))), "a + b * c");
    EXPECT_EQ(to_text(OrNode::make(AndNode::make(LTNode::make(a, b), LTNode::make(b, c)), make_bool(false))),
              "a < b and b < c or False");
}

// Python chains comparisons (`a < b == c` means `a < b and b == c`), so a comparison operand of a
// comparison must keep its parentheses.
TEST(Printer, ComparisonOfComparisonsIsParenthesized) {
    Var a = make_var("a"), b = make_var("b");
    Expr lt = LTNode::make(a, b);
    EXPECT_EQ(to_text(EQNode::make(lt, make_bool(true))), "(a < b) == True");
    EXPECT_EQ(to_text(NENode::make(make_bool(true), lt)), "True != (a < b)");
}

// Integer division and modulo: C semantics print as functions, Python semantics as operators.
TEST(Printer, DivisionFlavours) {
    Var a = make_var("a");
    EXPECT_EQ(to_text(DivNode::make(a, i32(2))), "T.truncdiv(a, 2)");
    EXPECT_EQ(to_text(ModNode::make(a, i32(2))), "T.truncmod(a, 2)");
    EXPECT_EQ(to_text(FloorDivNode::make(a, i32(2))), "a // 2");
    EXPECT_EQ(to_text(FloorModNode::make(a, i32(2))), "a % 2");
    EXPECT_EQ(to_text(DivNode::make(f32(1), f32(2))), "1.0 / 2.0");
    EXPECT_EQ(to_text(MinNode::make(a, i32(0))), "T.min(a, 0)");
}

// Immediates other than int32/float32 name their dtype; special floats have names.
TEST(Printer, Immediates) {
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(to_text(IntImmNode::make(DataType::parse("int64"), 5)), "T.int64(5)");
    EXPECT_EQ(to_text(FloatImmNode::make(DataType::parse("float16"), 0.5)), "T.float16(0.5)");
    EXPECT_EQ(to_text(f32(-inf)), "-T.infinity");
    EXPECT_EQ(to_text(f32(std::nan(""))), "T.nan");
    EXPECT_EQ(to_text(f32(0.1)), "0.10000000000000001");
    EXPECT_EQ(to_text(StringImmNode::make("a\"b")), R"("a\"b")");
}

// Two distinct variables with one name print differently, so the text stays unambiguous.
TEST(Printer, DistinctVariablesWithOneNameGetDistinctNames) {
    EXPECT_EQ(to_text(same_name_loop_nest()), "for i in T.serial(4):\n    for i_1 in T.serial(4):\n        S[i, i_1] = i - i_1\n");
}

// Regions whose start and extent have different integer dtypes still print (no Add is built).
TEST(Printer, RegionWithMixedIndexDtypes) {
    Buffer S = tensor("S", {64}, "float32", MemoryScope::Shared);
    Var base = make_var("base", DataType::parse("int64"));
    EXPECT_EQ(to_text(RegionNode::make(S, {{base, i32(8)}})), "S[base:base + 8]");
}

// Loop annotations and module attributes are printed, so dumps show every fact a pass relies on.
TEST(Printer, AnnotationsAndModuleAttributes) {
    Stmt s = ForNode::make(make_var("i"), i32(0), i32(4), ForKind::Serial, EvaluateNode::make(i32(0)), 0,
                           {{"hint", Json(2)}});
    EXPECT_EQ(to_text(s), "for i in T.serial(4, annotations={\"hint\":2}):\n    0\n");
    IRModule m = make_module({{"f", make_prim_func("f", {}, s)}}, {{"tl.source_file", "k.py"}});
    EXPECT_EQ(to_text(m).rfind("# module attrs: {\"tl.source_file\":\"k.py\"}\n@T.prim_func\ndef f():\n", 0), 0u);
}

}  // namespace
}  // namespace tt::ir::testing
