// JSON is how IR crosses into Python, into dumps and into the corpus, so it must be lossless and
// must refuse bad input with a Validation error instead of crashing.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "builders.h"
#include "expect_error.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/json.h"

namespace tt::ir::testing {
namespace {

/*! \brief Checks the json.h guarantee on one module: equal after the trip, and the same JSON. */
void expect_lossless(const IRModule &m) {
    Json first = to_json(m);
    IRModule back = module_from_json(first);
    EXPECT_EQ(structural_difference(m, back), "");
    EXPECT_EQ(to_json(back), first);
}

// Every corpus kernel survives the trip; the corpus test repeats this on the committed files.
TEST(Json, CorpusKernelsRoundTrip) {
    for (const CorpusCase &c : corpus_cases()) {
        SCOPED_TRACE(c.stem);
        expect_lossless(c.build());
    }
}

// Spans are not part of equality, so they need their own check: every one must come back.
TEST(Json, SpansArePreserved) {
    PrimFunc f = gemm_func({});
    PrimFunc back = func_from_json(to_json(f));
    EXPECT_EQ(back->span.to_string(), "examples/gemm.py:7:5");
    const auto *launch = back->body.as<KernelLaunchNode>();
    ASSERT_NE(launch, nullptr);
    EXPECT_EQ(launch->span.to_string(), "examples/gemm.py:8:9");
    EXPECT_EQ(launch->block_vars[1]->span.to_string(), "examples/gemm.py:8:75");
}

// Infinities and NaN are not JSON numbers; they travel as strings and come back as themselves.
TEST(Json, NonFiniteFloats) {
    const double inf = std::numeric_limits<double>::infinity();
    Expr e = AddNode::make(AddNode::make(f32(inf), f32(-inf)), f32(std::nan("")));
    Json j = to_json(e);
    EXPECT_EQ(j["root"]["a"]["a"]["v"], "inf");
    EXPECT_EQ(j["root"]["a"]["b"]["v"], "-inf");
    EXPECT_EQ(j["root"]["b"]["v"], "nan");
    Expr back = expr_from_json(j);
    EXPECT_TRUE(structural_equal(e, back));
    EXPECT_TRUE(std::isnan(back.as<AddNode>()->b.as<FloatImmNode>()->value));
    EXPECT_EQ(to_json(back), j);
}

// Doubles keep every bit (0.1 and -0.0 included), so constants never drift over repeated trips.
TEST(Json, FiniteFloatsKeepEveryBit) {
    for (double v : {0.1, -0.0, 1e-300, 3.4028234663852886e38}) {
        Expr back = expr_from_json(to_json(f32(v)));
        double got = back.as<FloatImmNode>()->value;
        EXPECT_EQ(std::signbit(got), std::signbit(v));
        EXPECT_EQ(got, v);
    }
}

// Identity is by object: two variables named "i" must not merge, one variable must not split.
TEST(Json, VariableIdentitySurvives) {
    Stmt s = same_name_loop_nest();
    Stmt back = stmt_from_json(to_json(s));
    EXPECT_TRUE(structural_equal(s, back));
    const auto *o = back.as<ForNode>();
    const auto *i = o->body.as<ForNode>();
    const auto *store = i->body.as<BufferStoreNode>();
    EXPECT_FALSE(o->loop_var.same_as(i->loop_var));
    EXPECT_TRUE(store->indices[0].same_as(Expr(o->loop_var)));
    EXPECT_TRUE(store->indices[1].same_as(Expr(i->loop_var)));
    // Swapping the indices must make a different tree: a merged variable would hide it.
    EXPECT_FALSE(structural_equal(same_name_loop_nest(true), back));
}

// Buffers are shared objects too: every use after the trip is the one parameter object.
TEST(Json, BufferIdentitySurvives) {
    PrimFunc back = func_from_json(to_json(gemm_func({})));
    const Buffer &A = back->params[0];
    int uses = 0;
    post_order_visit(back->body, [&](const Node *n) {
        if (n->kind == NodeKind::Region && static_cast<const RegionNode *>(n)->buffer->name == "A") {
            EXPECT_EQ(static_cast<const RegionNode *>(n)->buffer, A);
            ++uses;
        }
    });
    EXPECT_EQ(uses, 1);
}

// Attributes, annotations and every statement kind keep their values and order.
TEST(Json, AttributesAndAnnotations) {
    Stmt loop = ForNode::make(make_var("i"), i32(0), i32(4), ForKind::Unrolled, EvaluateNode::make(i32(0)), 0,
                              {{"hint", Json::array({1, "two", nullptr})}});
    PrimFunc f = make_prim_func("f", {}, loop, {{"tt.cores", {{"x", 8}, {"y", 8}}}});
    IRModule m = make_module({{"f", f}}, {{"tl.source_file", "k.py"}});
    expect_lossless(m);
    IRModule back = module_from_json(to_json(m));
    EXPECT_EQ(back->attrs.at("tl.source_file"), "k.py");
    EXPECT_EQ(back->functions[0].second->attrs.at("tt.cores")["y"], 8);
    EXPECT_EQ(back->functions[0].second->body.as<ForNode>()->annotations.at("hint")[1], "two");
}

// Statements and expressions serialize on their own, with their own tables.
TEST(Json, StatementAndExpressionRoots) {
    Stmt body = gemm_func({true, true, 2})->body;
    Json j = to_json(body);
    EXPECT_TRUE(structural_equal(stmt_from_json(j), body));
    EXPECT_EQ(to_json(stmt_from_json(j)), j);
    Expr e = SelectNode::make(LTNode::make(make_var("x"), i32(3)), f32(1), f32(2));
    EXPECT_TRUE(structural_equal(expr_from_json(to_json(e)), e));
}

// --- malformed input -------------------------------------------------------------------------

/*! \brief The elementwise kernel's JSON with the value at `pointer` replaced (or removed). */
Json corrupted(const std::string &pointer, const Json *value) {
    Json j = to_json(build_corpus_case("elementwise_add"));
    Json::json_pointer p(pointer);
    if (value) {
        j[p] = *value;
    } else {
        j[p.parent_pointer()].erase(p.back());
    }
    return j;
}

struct Corruption {
    const char *name;
    const char *pointer;  ///< into the elementwise_add module's JSON
    Json value;           ///< discarded when `remove`
    bool remove;
    const char *fragment;
};

class MalformedJson : public ::testing::TestWithParam<Corruption> {};

// Each kind of damage is reported as a Validation error that says what is wrong.
TEST_P(MalformedJson, RaisesValidationError) {
    const Corruption &c = GetParam();
    Json j = corrupted(c.pointer, c.remove ? nullptr : &c.value);
    EXPECT_TRUE(raises(ErrorKind::Validation, c.fragment, [&] { module_from_json(j); }));
}

// Paths below: /functions/0/body is the launch, .../body its i loop, .../body/body the j loop and
// .../body/body/body the store C[...] = A[...] + B[...].
const char *const kStore = "/functions/0/body/body/body/body";
const Corruption kCorruptions[] = {
    {"WrongFormat", "/format", "onnx", false, "not a tilelang-tt IR module"},
    {"FutureVersion", "/version", 2, false, "IR JSON version 2 is not supported"},
    {"MissingFunctions", "/functions", nullptr, true, "malformed IR JSON"},
    {"UnknownStatementKind", "/functions/0/body/k", "Barrier", false, "unknown statement kind 'Barrier'"},
    {"UnknownExpressionKind", "/functions/0/body/body/body/body/value/k", "Pow", false, "unknown expression kind 'Pow'"},
    {"VariableIndexOutOfRange", "/functions/0/body/vars/0", 99, false, "unknown variable 99"},
    {"NegativeVariableIndex", "/functions/0/body/vars/0", -1, false, "unknown variable"},
    {"BufferIndexOutOfRange", "/functions/0/body/body/body/body/buf", 7, false, "unknown buffer 7"},
    {"StringWhereIntegerExpected", "/functions/0/body/extents/0/v", "four", false, "malformed IR JSON"},
    {"UnknownDtype", "/functions/0/body/extents/0/t", "float8", false, "unknown dtype 'float8'"},
    {"UnknownScope", "/functions/0/buffers/0/scope", "l1", false, "unknown memory scope 'l1'"},
    {"UnknownLoopKind", "/functions/0/body/body/kind", "vectorized", false, "unknown loop kind 'vectorized'"},
    {"NullStatement", "/functions/0/body/body", nullptr, false, "malformed IR JSON"},
    {"MissingLoopBody", "/functions/0/body/body/body", nullptr, true, "malformed IR JSON"},
    {"ThreadsNotAList", "/functions/0/body/threads", "many", false, "malformed IR JSON"},
    {"SpanWithTextLine", "/functions/0/body/s", Json::array({"k.py", "x", 1}), false, "malformed IR JSON"},
    {"FloatConstantNamedNonsense", "/functions/0/body/body/body/body/value/b",
     Json({{"k", "FloatImm"}, {"t", "float32"}, {"v", "lots"}}), false, "'lots' is not a float constant"},
    {"IllTypedNodeIsRefusedByTheFactory", "/functions/0/body/body/body/body/value/b",
     Json({{"k", "FloatImm"}, {"t", "float16"}, {"v", 1.0}}), false, "have different dtypes (float32 and float16)"},
    {"NotAnObject", "", Json::array({1, 2}), false, "malformed IR JSON"},
};

INSTANTIATE_TEST_SUITE_P(Json, MalformedJson, ::testing::ValuesIn(kCorruptions),
                         [](const ::testing::TestParamInfo<Corruption> &info) { return std::string(info.param.name); });

/*! \brief Every JSON pointer to a value inside j, the root excluded. */
void collect_pointers(const Json &j, const Json::json_pointer &at, std::vector<Json::json_pointer> *out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            out->push_back(at / it.key());
            collect_pointers(it.value(), at / it.key(), out);
        }
    } else if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) {
            out->push_back(at / i);
            collect_pointers(j[i], at / i, out);
        }
    }
}

// Exhaustive damage: every field of a real module replaced by values of the wrong shape must end
// in a parsed module or a Validation error, never a crash, a foreign exception or an internal error.
TEST(Json, EveryFieldCorruptedIsHandled) {
    const Json original = to_json(build_corpus_case("scalar_control_flow"));
    std::vector<Json::json_pointer> pointers;
    collect_pointers(original, Json::json_pointer(), &pointers);
    const Json replacements[] = {nullptr, -1, 1.5, "x", Json::object(), Json::array(), Json::array({0, 0, 0})};
    int refused = 0;
    for (const auto &p : pointers) {
        for (const Json &r : replacements) {
            Json j = original;
            j[p] = r;
            try {
                module_from_json(j);
            } catch (const Error &e) {
                ASSERT_EQ(e.kind(), ErrorKind::Validation) << p.to_string() << " = " << r.dump() << ": " << e.what();
                ++refused;
            } catch (const std::exception &e) {
                FAIL() << p.to_string() << " = " << r.dump() << " raised a foreign exception: " << e.what();
            }
        }
    }
    EXPECT_GT(refused, static_cast<int>(pointers.size()));
}

}  // namespace
}  // namespace tt::ir::testing
