// Structural equality is how pass tests compare before/after trees, so its notion of "same" is
// pinned here: up to renaming, ignoring spans, with hashes that agree.
#include <gtest/gtest.h>

#include <set>

#include "builders.h"
#include "ir/equal.h"

namespace tt::ir::testing {
namespace {

/*! \brief for <var> in T.serial(4): dst[<var>] = src[<var>] + <addend> */
Stmt copy_loop(const std::string &var_name, const Buffer &src, const Buffer &dst, Expr addend, Span span = Span()) {
    Var v = make_var(var_name, DataType::int32(), span);
    return ForNode::make(v, i32(0), i32(4), ForKind::Serial,
                         BufferStoreNode::make(dst, AddNode::make(BufferLoadNode::make(src, {v}), addend, span), {v}, span),
                         0, {}, span);
}

// Two independent builds of one kernel are equal: fresh Var and Buffer objects do not matter.
TEST(Equal, IndependentBuildsAreEqual) {
    EXPECT_TRUE(structural_equal(gemm_func({}), gemm_func({})));
    EXPECT_EQ(structural_difference(gemm_func({}), gemm_func({})), "");
}

// Renaming a bound variable or a buffer does not change meaning, so it does not break equality.
TEST(Equal, AlphaRenamedTreesAreEqual) {
    Buffer A = tensor("A", {4}, "int32", MemoryScope::Shared), B = tensor("B", {4}, "int32", MemoryScope::Shared);
    Buffer X = tensor("X", {4}, "int32", MemoryScope::Shared), Y = tensor("Y", {4}, "int32", MemoryScope::Shared);
    EXPECT_TRUE(structural_equal(copy_loop("i", A, B, i32(1)), copy_loop("j", X, Y, i32(1))));
}

// A different constant, loop kind or stage count is a different program.
TEST(Equal, DifferentConstantsAreUnequal) {
    Buffer A = tensor("A", {4}, "int32", MemoryScope::Shared), B = tensor("B", {4}, "int32", MemoryScope::Shared);
    Stmt one = copy_loop("i", A, B, i32(1)), two = copy_loop("i", A, B, i32(2));
    EXPECT_FALSE(structural_equal(one, two));
    EXPECT_EQ(structural_difference(one, two), "expressions 1 and 2 differ");
    std::string stages = structural_difference(gemm_func({false, false, 3}), gemm_func({false, false, 2}));
    EXPECT_EQ(stages, "loops over k and k differ in kind, stages or annotations "
                      "(left at examples/gemm.py:14:9) (right at examples/gemm.py:14:9)");
}

// The mapping must be one-to-one: x + x is not x + y, and src -> dst is not dst -> src.
TEST(Equal, InconsistentRenamingIsUnequal) {
    Var x = make_var("x"), y = make_var("y");
    EXPECT_FALSE(structural_equal(AddNode::make(x, x), AddNode::make(x, y)));
    Buffer A = tensor("A", {4}, "int32", MemoryScope::Shared), B = tensor("B", {4}, "int32", MemoryScope::Shared);
    Stmt forward = SeqStmtNode::make({copy_loop("i", A, B, i32(1)), copy_loop("i", A, B, i32(1))});
    Stmt mixed = SeqStmtNode::make({copy_loop("i", A, B, i32(1)), copy_loop("i", B, A, i32(1))});
    EXPECT_EQ(structural_difference(forward, mixed), "buffer B does not correspond to A");
}

// Source locations are diagnostics only: equal trees from different lines are equal and hash alike.
TEST(Equal, SpansAreIgnored) {
    Buffer A = tensor("A", {4}, "int32", MemoryScope::Shared), B = tensor("B", {4}, "int32", MemoryScope::Shared);
    Stmt located = copy_loop("i", A, B, i32(1), source_at("k.py", 3, 5));
    Stmt bare = copy_loop("i", A, B, i32(1));
    EXPECT_TRUE(structural_equal(located, bare));
    EXPECT_EQ(structural_hash(located), structural_hash(bare));
}

// Dtypes are part of the program: an int64 loop is not an int32 loop.
TEST(Equal, DtypesMatter) {
    EXPECT_FALSE(structural_equal(make_var("x"), make_var("x", DataType::parse("int64"))));
    EXPECT_FALSE(structural_equal(f32(1), FloatImmNode::make(DataType::parse("bfloat16"), 1)));
}

// NaN constants are equal to each other here (unlike ==), and hash alike.
TEST(Equal, NanConstantsAreEqual) {
    Expr a = f32(std::nan("")), b = f32(-std::nan("1"));
    EXPECT_TRUE(structural_equal(a, b));
    EXPECT_EQ(structural_hash(a), structural_hash(b));
}

// Hash agrees with equality on real kernels: equal builds hash alike, the distinct corpus kernels
// hash apart (a collision here would make hash-keyed caches useless).
TEST(Equal, HashAgreesWithEquality) {
    std::set<size_t> hashes;
    for (const CorpusCase &c : corpus_cases()) {
        SCOPED_TRACE(c.stem);
        IRModule a = c.build(), b = c.build();
        ASSERT_TRUE(structural_equal(a, b));
        EXPECT_EQ(structural_hash(a), structural_hash(b));
        hashes.insert(structural_hash(a));
    }
    EXPECT_EQ(hashes.size(), corpus_cases().size());
}

// Attributes are facts passes hand on, so a changed attribute is a changed function.
TEST(Equal, AttributesMatter) {
    PrimFunc f = gemm_func({});
    PrimFunc g = with_attr(f, "tt.cores", 64);
    EXPECT_EQ(structural_difference(f, g), "function attributes differ");
    EXPECT_NE(structural_hash(f), structural_hash(g));
}

}  // namespace
}  // namespace tt::ir::testing
