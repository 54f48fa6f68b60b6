// The factories are the IR's type checker: these tests pin what they build and what they refuse.
#include <gtest/gtest.h>

#include "builders.h"
#include "expect_error.h"
#include "ir/intrinsics.h"
#include "ir/ir.h"

namespace tt::ir::testing {
namespace {

Stmt nop() {
    return EvaluateNode::make(i32(0));
}

// Arithmetic keeps its operand dtype, comparisons and logic yield bool.
TEST(Factories, BinaryResultDtypes) {
    Var x = make_var("x");
    EXPECT_EQ(AddNode::make(x, i32(1))->dtype, DataType::int32());
    EXPECT_EQ(MulNode::make(f32(2), f32(3))->dtype, DataType::float32());
    EXPECT_EQ(LTNode::make(x, i32(1))->dtype, DataType::boolean());
    EXPECT_EQ(AndNode::make(make_bool(true), make_bool(false))->dtype, DataType::boolean());
    EXPECT_EQ(make_binary(NodeKind::FloorMod, x, i32(4))->kind, NodeKind::FloorMod);
}

// A call's dtype comes from its registry entry: tile ops are void, math follows its argument.
TEST(Factories, CallResultDtypesFollowTheRegistry) {
    Buffer S = tensor("S", {32, 32}, "float16", MemoryScope::Shared);
    EXPECT_TRUE(CallNode::make("tl.fill", {RegionNode::full(S), f32(0)})->dtype.is_handle());
    Expr half = FloatImmNode::make(DataType::parse("float16"), 0.5);
    EXPECT_EQ(CallNode::make("tl.exp", {half})->dtype, DataType::parse("float16"));
    EXPECT_EQ(CallNode::make("tl.sqrt", DataType::float32(), {f32(4)})->dtype, DataType::float32());
}

// Loads take the buffer's dtype; a full region has one [0, extent) range per dimension.
TEST(Factories, BufferAccessAndRegions) {
    Buffer A = tensor("A", {4, 8}, "bfloat16");
    EXPECT_EQ(BufferLoadNode::make(A, {i32(1), i32(2)})->dtype, DataType::parse("bfloat16"));
    const Expr region = RegionNode::full(A);  // owns the node `full` points into
    const auto *full = region.as<RegionNode>();
    ASSERT_NE(full, nullptr);
    ASSERT_EQ(full->ranges.size(), 2u);
    int64_t extent = 0;
    EXPECT_TRUE(as_const_int(full->ranges[1].extent, &extent));
    EXPECT_EQ(extent, 8);
}

// flatten() is what mutators use to splice statements, so its contract matters.
TEST(Factories, SeqFlattenSplicesNestedSequencesAndUnwrapsSingletons) {
    Stmt a = nop(), b = nop(), c = nop();
    EXPECT_TRUE(SeqStmtNode::flatten({a}).same_as(a));
    Stmt flat = SeqStmtNode::flatten({a, SeqStmtNode::make({b, c})});
    ASSERT_NE(flat.as<SeqStmtNode>(), nullptr);
    EXPECT_EQ(flat.as<SeqStmtNode>()->seq.size(), 3u);
}

// dtype and scope spellings from TileLang are accepted and printed canonically.
TEST(Factories, DtypeAndScopeSpellings) {
    EXPECT_EQ(DataType::parse("float"), DataType::float32());
    EXPECT_EQ(DataType::parse("int").to_string(), "int32");
    EXPECT_EQ(DataType::parse("bfloat16").to_string(), "bfloat16");
    EXPECT_TRUE(DataType::is_valid_name("uint8"));
    EXPECT_FALSE(DataType::is_valid_name("float8"));
    EXPECT_EQ(parse_scope("shared.dyn"), MemoryScope::Shared);
    EXPECT_EQ(parse_scope("local.fragment"), MemoryScope::Fragment);
    EXPECT_EQ(parse_for_kind("pipelined"), ForKind::Pipelined);
}

// The reference GEMM builds and carries what the passes will read.
TEST(Factories, ReferenceGemmBuilds) {
    PrimFunc f = gemm_func({});
    ASSERT_EQ(f->params.size(), 3u);
    const auto *launch = f->body.as<KernelLaunchNode>();
    ASSERT_NE(launch, nullptr);
    EXPECT_EQ(launch->block_vars.size(), 2u);
    EXPECT_EQ(launch->threads, std::vector<int64_t>{128});
    EXPECT_EQ(f->attrs.at(attr::GLOBAL_SYMBOL), "gemm");
}

// Errors point at the span of the node that could not be built.
TEST(Factories, RejectionCarriesTheSpan) {
    Span where = source_at("kernel.py", 12, 7);
    try {
        AddNode::make(i32(1), f32(1), where);
        FAIL() << "mismatched Add was built";
    } catch (const Error &e) {
        EXPECT_EQ(e.span().line, 12);
        EXPECT_EQ(e.span().col, 7);
        EXPECT_NE(std::string(e.what()).find("kernel.py:12:7"), std::string::npos);
    }
}

// Registering a name twice is a compiler bug, so it is an internal error, not a user error.
TEST(Factories, DuplicateIntrinsicRegistrationIsInternal) {
    ASSERT_NE(lookup_intrinsic("tl.copy"), nullptr);
    IntrinsicInfo again;
    again.name = "tl.copy";
    EXPECT_TRUE(raises(ErrorKind::Internal, "registered twice", [&] { register_intrinsic(again); }));
}

/*! \brief One ill-typed construction, the message fragment it must produce, and why it matters. */
struct Rejection {
    const char *name;
    std::function<void()> build;
    const char *fragment;
};

class RejectedInput : public ::testing::TestWithParam<Rejection> {};

// Every ill-typed construction is refused with a Validation error saying what is wrong.
TEST_P(RejectedInput, RaisesValidationError) {
    EXPECT_TRUE(raises(ErrorKind::Validation, GetParam().fragment, GetParam().build));
}

Buffer matrix() {
    return tensor("A", {4, 8}, "float16");
}

Stmt loop(ForKind kind, int num_stages, Expr extent = i32(4)) {
    return ForNode::make(make_var("i"), i32(0), extent, kind, nop(), num_stages);
}

const Rejection kRejections[] = {
    {"AddOfMismatchedDtypes", [] { AddNode::make(i32(1), f32(1)); }, "have different dtypes (int32 and float32)"},
    {"AddWithMissingOperand", [] { AddNode::make(Expr(), i32(1)); }, "left operand is missing"},
    {"ModOfFloats", [] { ModNode::make(f32(1), f32(2)); }, "'%' needs integer operands"},
    {"AndOfIntegers", [] { AndNode::make(i32(1), i32(0)); }, "left operand of a logical operator must be a bool"},
    {"NotOfInteger", [] { NotNode::make(i32(1)); }, "operand of 'not' must be a bool condition"},
    {"SelectOfDifferentDtypes", [] { SelectNode::make(make_bool(true), i32(1), f32(1)); }, "have different dtypes"},
    {"SelectWithIntegerCondition", [] { SelectNode::make(i32(1), i32(1), i32(2)); }, "select condition must be a bool"},
    {"CastToHandle", [] { CastNode::make(DataType::handle(), i32(1)); }, "cannot cast"},
    {"BoolConstantTwo", [] { IntImmNode::make(DataType::boolean(), 2); }, "bool constant must be 0 or 1"},
    {"IntConstantOfFloatDtype", [] { IntImmNode::make(DataType::float32(), 1); }, "integer constant of non-integer"},
    {"FloatConstantOfIntDtype", [] { FloatImmNode::make(DataType::int32(), 1.5); }, "float constant of dtype int32"},
    {"IfWithIntegerCondition", [] { IfThenElseNode::make(i32(1), nop()); }, "if condition must be a bool condition"},
    {"IfWithoutBody", [] { IfThenElseNode::make(make_bool(true), Stmt()); }, "if without a body"},
    {"LoadWithTooFewIndices", [] { BufferLoadNode::make(matrix(), {i32(0)}); },
     "buffer A has 2 dimensions but is indexed with 1 indices"},
    {"LoadWithFloatIndex", [] { BufferLoadNode::make(matrix(), {i32(0), f32(1)}); }, "buffer index must be an integer"},
    {"StoreOfWrongDtype", [] { BufferStoreNode::make(matrix(), f32(1), {i32(0), i32(0)}); },
     "storing a float32 value into buffer A of dtype float16"},
    {"RegionWithWrongRank", [] { RegionNode::make(matrix(), {{i32(0), i32(4)}}); }, "has 1 ranges for 2 dimensions"},
    {"RegionWithNegativeExtent", [] { RegionNode::make(matrix(), {{i32(0), i32(4)}, {i32(0), i32(-1)}}); },
     "has empty extent -1"},
    {"EmptySequence", [] { SeqStmtNode::make({}); }, "empty statement sequence"},
    {"SequenceWithHole", [] { SeqStmtNode::make({nop(), Stmt()}); }, "undefined statement in a sequence"},
    {"BufferWithZeroExtent", [] { tensor("Z", {4, 0}, "float16"); }, "has extent 0 in dimension 1"},
    {"BufferWithNegativeExtent", [] { tensor("Z", {-4}, "float16"); }, "every extent must be positive"},
    {"BufferWithoutDimensions", [] { tensor("Z", {}, "float16"); }, "needs at least one dimension"},
    {"BufferWithFloatExtent", [] { make_buffer("Z", {f32(4)}, DataType::float32(), MemoryScope::Shared); },
     "buffer extent must be an integer"},
    {"BufferOfHandles", [] { tensor("Z", {4}, "handle"); }, "must have a scalar dtype"},
    {"BufferWithInvalidName", [] { tensor("A-B", {4}, "float16"); }, "'A-B' is not a valid buffer name"},
    {"VariableWithInvalidName", [] { make_var("1x"); }, "'1x' is not a valid variable name"},
    {"VariableOfHandleDtype", [] { make_var("p", DataType::handle()); }, "must have a scalar dtype"},
    {"NumStagesOnSerialLoop", [] { loop(ForKind::Serial, 2); }, "num_stages is only meaningful on a pipelined loop"},
    {"NegativeNumStages", [] { loop(ForKind::Pipelined, -1); }, "num_stages must be >= 0"},
    {"FloatLoopVariable", [] { ForNode::make(make_var("x", DataType::float32()), f32(0), f32(4), ForKind::Serial, nop()); },
     "loop variable must be an integer"},
    {"LoopBoundsOfOtherDtype", [] { loop(ForKind::Serial, 0, IntImmNode::make(DataType::parse("int64"), 4)); },
     "differ in dtype"},
    {"LoopWithoutBody", [] { ForNode::make(make_var("i"), i32(0), i32(4), ForKind::Serial, Stmt()); }, "has no body"},
    {"LetOfWrongDtype", [] { LetStmtNode::make(make_var("x"), f32(1), nop()); },
     "let x of dtype int32 bound to a float32 value"},
    {"KernelWithFourGridExtents", [] {
         KernelLaunchNode::make({i32(1), i32(1), i32(1), i32(1)}, {make_var("a"), make_var("b"), make_var("c"), make_var("d")},
                                {}, nop());
     },
     "T.Kernel takes 1 to 3 grid extents, got 4"},
    {"KernelWithTooFewBlockVars", [] { KernelLaunchNode::make({i32(2), i32(2)}, {make_var("bx")}, {}, nop()); },
     "has 2 grid extents but binds 1 block variables"},
    {"KernelWithZeroGridExtent", [] { KernelLaunchNode::make({i32(0)}, {make_var("bx")}, {}, nop()); },
     "grid extent 0 is not positive"},
    {"KernelWithZeroThreads", [] { KernelLaunchNode::make({i32(1)}, {make_var("bx")}, {0}, nop()); },
     "threads= must be positive, got 0"},
    {"DuplicateParameters", [] {
         Buffer A = matrix();
         make_prim_func("f", {A, A}, nop());
     },
     "parameter A repeated"},
    {"SharedParameter", [] { make_prim_func("f", {tensor("S", {4}, "float16", MemoryScope::Shared)}, nop()); },
     "parameter S of f must be global"},
    {"FunctionWithInvalidName", [] { make_prim_func("my kernel", {}, nop()); }, "is not a valid function name"},
    {"FunctionDefinedTwice", [] {
         PrimFunc f = make_prim_func("f", {}, nop());
         make_module({{"f", f}, {"f", f}});
     },
     "function f defined twice"},
    {"UnknownIntrinsic", [] { CallNode::make("tl.conv2d", {}); }, "unknown intrinsic 'tl.conv2d'"},
    {"CopyOfIntegers", [] { CallNode::make("tl.copy", {i32(1), i32(2)}); },
     "argument 'src' of tl.copy must be a buffer region, got IntImm of dtype int32"},
    {"GemmWithThreeArguments", [] {
         Expr r = RegionNode::full(tensor("S", {32, 32}, "float16", MemoryScope::Shared));
         CallNode::make("tl.gemm", {r, r, r});
     },
     "tl.gemm takes 8 arguments, got 3"},
    {"GemmPolicyNotAString", [] {
         Expr r = RegionNode::full(tensor("S", {32, 32}, "float16", MemoryScope::Shared));
         CallNode::make("tl.gemm", {r, r, r, make_bool(false), make_bool(false), make_bool(false), i32(1), i32(0)});
     },
     "argument 'policy' of tl.gemm must be a string"},
    {"MathCallOfWrongResultDtype", [] { CallNode::make("tl.exp", DataType::parse("float16"), {f32(1)}); },
     "tl.exp yields float32, not float16"},
    {"UnknownDtypeName", [] { DataType::parse("float8"); }, "unknown dtype 'float8'"},
    {"UnknownScopeName", [] { parse_scope("l1"); }, "unknown memory scope 'l1'"},
    {"UnknownLoopKind", [] { parse_for_kind("vectorized"); }, "unknown loop kind 'vectorized'"},
};

INSTANTIATE_TEST_SUITE_P(Factories, RejectedInput, ::testing::ValuesIn(kRejections),
                         [](const ::testing::TestParamInfo<Rejection> &info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tt::ir::testing
