// SpecializeTTShapes before → after, and the formulas of shape_formula.h: a copy kernel over a
// tensor of dynamic extent m becomes the kernel at m's size with m's formulas recorded; formulas
// evaluate, print as C++ and specialize a plan; misuse is a located Validation error.
#include <gtest/gtest.h>

#include "../ir/expect_error.h"
#include "ir/printer.h"
#include "transform/pass.h"
#include "transform/shape_formula.h"
#include "transform/specialize_tt_shapes.h"
#include "transform/tt_attrs.h"

namespace {

using namespace tt;
using namespace tt::ir;
using namespace tt::transform;
using tt::ir::testing::raises;

const DataType kF32 = DataType::float32();

Expr ceildiv(const Expr &a, int64_t b) {
    return FloorDivNode::make(AddNode::make(a, make_int(b - 1)), make_int(b));
}

/*! A(m, 64) -> B(m, 64) in blocks of 32 rows: T.Kernel(ceildiv(m, 32)), and a serial loop over
 *  ceildiv(m, 32) copies of nothing but its own body (so its trip count depends on m). `use` is
 *  stored into B's first element when given (a dimension used in the computation). */
PrimFunc copy_rows(const Var &m, const Expr &use = Expr()) {
    Buffer a = make_buffer("A", {m, make_int(64)}, kF32, MemoryScope::Global);
    Buffer b = make_buffer("B", {m, make_int(64)}, kF32, MemoryScope::Global);
    Buffer s = make_buffer("S", {make_int(32), make_int(64)}, kF32, MemoryScope::Shared);
    Var bx = make_var("bx"), k = make_var("k");
    Expr rows = MulNode::make(bx, make_int(32));
    std::vector<Stmt> body = {
        EvaluateNode::make(
            CallNode::make("tl.copy", {RegionNode::make(a, {{rows, make_int(32)}, {make_int(0), make_int(64)}}),
                                       RegionNode::full(s)})),
        EvaluateNode::make(
            CallNode::make("tl.copy", {RegionNode::full(s),
                                       RegionNode::make(b, {{rows, make_int(32)}, {make_int(0), make_int(64)}})}))};
    if (use.defined()) body.push_back(BufferStoreNode::make(b, CastNode::make(kF32, use), {make_int(0), make_int(0)}));
    Stmt loop = ForNode::make(k, make_int(0), ceildiv(m, 32), ForKind::Serial, SeqStmtNode::make(body));
    Stmt launch = KernelLaunchNode::make({ceildiv(m, 32)}, {bx}, {}, AllocateNode::make(s, loop));
    return make_prim_func("copy_rows", {a, b}, launch);
}

PassContext sizes(std::map<std::string, int64_t> values) {
    PassOptions options;
    options.shape_values = std::move(values);
    return PassContext(options);
}

TEST(SpecializeTTShapes, SizesTheKernelAndRecordsTheFormulas) {
    Var m = make_var("m");
    PrimFunc after = specialize_tt_shapes(copy_rows(m), sizes({{"m", 100}}));
    const std::string text = to_text(after);
    EXPECT_NE(text.find("A: T.Tensor((100, 64)"), std::string::npos) << text;
    EXPECT_NE(text.find("T.Kernel(4"), std::string::npos) << text;
    EXPECT_NE(text.find("for k in T.serial(4, annotations={\"tt.dynamic_extent\":[\"floordiv\",[\"+\",\"m\",31],32]})"),
              std::string::npos)
        << text;
    const DynamicShape shape = after->attrs.at(attr::TT_DYNAMIC_SHAPE).get<DynamicShape>();
    ASSERT_EQ(shape.dims.size(), 1u);
    EXPECT_EQ(shape.dims[0].name, "m");
    EXPECT_EQ(shape.dims[0].tensor, "A");
    EXPECT_EQ(shape.dims[0].value, 100);
    EXPECT_EQ(shape.tensor_axes.at("B"), (std::vector<std::string>{"m", ""}));
    EXPECT_EQ(shape.grid, (std::vector<Json>{Json::parse(R"(["floordiv", ["+", "m", 31], 32])")}));
}

TEST(SpecializeTTShapes, DimensionInTheComputationIsARuntimeConstant) {
    Var m = make_var("m");
    const std::string text = to_text(specialize_tt_shapes(copy_rows(m, m), sizes({{"m", 40}})));
    EXPECT_NE(text.find(R"(tt.runtime_constant("m", 40, "\"m\""))"), std::string::npos) << text;
}

TEST(SpecializeTTShapes, StaticKernelIsUnchanged) {
    Var m = make_var("m");
    PrimFunc func = copy_rows(m);
    PrimFunc specialized = specialize_tt_shapes(func, sizes({{"m", 64}}));
    EXPECT_EQ(specialize_tt_shapes(specialized, PassContext()).get(), specialized.get());
}

TEST(SpecializeTTShapes, MisuseIsAValidationError) {
    Var m = make_var("m", DataType::int32(), Span{"k.py", 7, 5});
    EXPECT_TRUE(raises(ErrorKind::Validation, "has the dynamic dimension m (axis 0 of A); give its size",
                       [&] { specialize_tt_shapes(copy_rows(m), PassContext()); }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "sizes must be positive", [&] {
        specialize_tt_shapes(copy_rows(m), sizes({{"m", 0}}));
    }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "shape_values gives a size for n, which is not a dynamic dimension", [&] {
        specialize_tt_shapes(copy_rows(m), sizes({{"m", 32}, {"n", 3}}));
    }));
    Buffer twice = make_buffer("T", {MulNode::make(m, make_int(2))}, kF32, MemoryScope::Global);
    EXPECT_TRUE(raises(ErrorKind::Validation, "a dynamic extent must be a T.dynamic dimension itself", [&] {
        specialize_tt_shapes(make_prim_func("f", {twice}, EvaluateNode::make(make_int(0))), sizes({}));
    }));
}

TEST(ShapeFormula, FromExpressionsEvaluatedAndPrinted) {
    Var m = make_var("m"), n = make_var("n");
    const Json f = formula_of(MulNode::make(ceildiv(m, 64), MinNode::make(n, make_int(3))), "a test value");
    EXPECT_EQ(f, Json::parse(R"(["*", ["floordiv", ["+", "m", 63], 64], ["min", "n", 3]])"));
    EXPECT_EQ(evaluate_formula(f, {{"m", 200}, {"n", 5}}), 4 * 3);
    EXPECT_EQ(evaluate_formula(Json::parse(R"(["floormod", -7, 3])"), {}), 2);  // Python's %
    EXPECT_EQ(evaluate_formula(Json::parse(R"(["floordiv", -7, 2])"), {}), -4);
    EXPECT_EQ(formula_cpp(f, "dim_"), "(tilelang_tt_floordiv((dim_m + 63), 64) * std::min<int64_t>(dim_n, 3))");
    EXPECT_TRUE(raises(ErrorKind::Validation, "no value for dynamic dimension n", [&] {
        evaluate_formula(f, {{"m", 1}});
    }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "depends on a dynamic dimension through an expression",
                       [&] { formula_of(LTNode::make(m, make_int(3)), "a test value"); }));
}

TEST(ShapeFormula, CoreBlockRangesCoverTheBlocksOnce) {
    const Json total = Json::parse(R"(["*", "gx", "gy"])");
    for (int64_t blocks : {1, 5, 64, 130}) {
        int64_t next = 0;
        for (int64_t k = 0; k < 8; ++k) {
            const auto [start, count] = core_block_range(total, 8, k);
            const DimValues v = {{"gx", blocks}, {"gy", 1}};
            EXPECT_EQ(evaluate_formula(start, v), next) << blocks << " blocks, core " << k;
            next += evaluate_formula(count, v);
        }
        EXPECT_EQ(next, blocks);
    }
}

TEST(ShapeFormula, SpecializePlanReplacesFormulas) {
    const Json plan = Json::parse(R"({"kernel_name": "k", "dynamic_dims": [{"name": "m", "tensor": "A", "axis": 0}],
        "buffers": [{"name": "A", "shape": [{"formula": "m"}, 64], "num_pages": {"formula": ["*", 2, "m"]}}]})");
    const Json concrete = specialize_plan(plan, {{"m", 3}});
    EXPECT_EQ(concrete,
              Json::parse(R"({"kernel_name": "k", "buffers": [{"name": "A", "shape": [3, 64], "num_pages": 6}]})"));
    EXPECT_TRUE(
        raises(ErrorKind::Validation, "no size given for dynamic dimension m", [&] { specialize_plan(plan, {}); }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "q is not a dynamic dimension of k", [&] {
        specialize_plan(plan, {{"m", 1}, {"q", 1}});
    }));
}

}  // namespace
