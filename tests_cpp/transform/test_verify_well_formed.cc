// The well-formedness verifier: no false positives on the reference kernels, and each rule's
// violation reported with function, node and source line.
#include <gtest/gtest.h>

#include "gemm_ir.h"
#include "ir/functor.h"
#include "transform/verify_well_formed.h"

namespace tt::transform {
namespace {

using namespace ir;

/*! The reference GEMM and its variants are well formed: the verifier has no false positives on
 *  what the frontend produces. */
TEST(VerifyWellFormed, ReferenceGemmVariantsPass) {
    for (bool transpose_B : {false, true}) {
        for (bool shared_epilogue : {false, true}) {
            testing::GemmConfig cfg;
            cfg.transpose_B = transpose_B;
            cfg.shared_epilogue = shared_epilogue;
            EXPECT_TRUE(check_well_formed(testing::make_gemm_module(cfg)).empty());
        }
    }
}

/*! A variable used outside its loop is reported with the function, the node and its source line. */
TEST(VerifyWellFormed, UnboundVariableNamesNodeAndLine) {
    Var i = make_var("i");
    Var stray = make_var("stray", DataType::int32(), Span{"kernel.py", 7, 5});
    Buffer A = make_buffer("A", {make_int(32)}, DataType::float32(), MemoryScope::Global);
    Stmt body = ForNode::make(i, make_int(0), make_int(32), ForKind::Serial,
                              BufferStoreNode::make(A, FloatImmNode::make(DataType::float32(), 1.0), {stray}, Span{"kernel.py", 7, 5}),
                              0, {}, Span{"kernel.py", 6, 5});
    IRModule mod = make_module({{"f", make_prim_func("f", {A}, body)}});
    std::vector<WellFormedViolation> v = check_well_formed(mod);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].message.find("variable stray is used where it is not bound"), std::string::npos);
    EXPECT_EQ(v[0].span.line, 7);
    EXPECT_NE(v[0].to_string().find("kernel.py:7"), std::string::npos);
    try {
        verify_well_formed(mod, "SomePass");
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Internal);
        EXPECT_NE(std::string(e.what()).find("after pass SomePass"), std::string::npos);
        EXPECT_EQ(e.span().line, 7);
    }
    try {
        verify_well_formed(mod, "");
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
    }
}

/*! A loop variable bound by two loops breaks the one-binding rule. */
TEST(VerifyWellFormed, DoubleBindingIsReported) {
    Var i = make_var("i");
    Buffer A = make_buffer("A", {make_int(32)}, DataType::float32(), MemoryScope::Global);
    Stmt store = BufferStoreNode::make(A, FloatImmNode::make(DataType::float32(), 1.0), {i});
    Stmt loop = ForNode::make(i, make_int(0), make_int(32), ForKind::Serial, store);
    IRModule mod = make_module({{"f", make_prim_func("f", {A}, SeqStmtNode::make({loop, loop}))}});
    std::vector<WellFormedViolation> v = check_well_formed(mod);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].message.find("bound twice"), std::string::npos);
}

/*! A shared buffer used after its Allocate ends is out of scope. */
TEST(VerifyWellFormed, BufferOutsideAllocationIsReported) {
    Buffer A = make_buffer("A", {make_int(32), make_int(32)}, DataType::float32(), MemoryScope::Global);
    Buffer S = make_buffer("S", {make_int(32), make_int(32)}, DataType::float32(), MemoryScope::Shared);
    auto copy = [](Buffer src, Buffer dst) {
        return EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(src), RegionNode::full(dst)}));
    };
    Stmt body = SeqStmtNode::make({AllocateNode::make(S, copy(A, S)), copy(S, A)});
    std::vector<WellFormedViolation> v = check_well_formed(make_module({{"f", make_prim_func("f", {A}, body)}}));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].message.find("buffer S is used outside the scope"), std::string::npos);
    EXPECT_NE(v[0].node_text.find("T.copy"), std::string::npos);
}

}  // namespace
}  // namespace tt::transform
