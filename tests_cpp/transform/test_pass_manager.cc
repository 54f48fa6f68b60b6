// The pass infrastructure: PassContext options, pipelines as text, timing, verify-after-each-pass
// and the IR dump after each pass.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gemm_ir.h"
#include "transform/pass.h"

namespace tt::transform {
namespace {

using namespace ir;

/*! The message of the Error `f` throws; fails the test when it throws nothing. */
template<typename F>
std::string error_of(F &&f, ErrorKind kind = ErrorKind::Validation) {
    try {
        f();
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "expected an error";
    return "";
}

Pass identity_pass(const std::string &name) {
    return Pass{name, [](const IRModule &m, const PassContext &) { return m; }};
}

/*! A pass that breaks scoping: it wraps the body in a store that uses an unbound variable. */
Pass breaking_pass() {
    return Pass{"Breaker", [](const IRModule &m, const PassContext &) {
                    return map_functions(m, [](const PrimFunc &f) {
                        Var ghost = make_var("ghost", DataType::int32(), Span{"examples/gemm.py", 99, 1});
                        Stmt bad = BufferStoreNode::make(f->params[0], FloatImmNode::make(f->params[0]->dtype, 0.0),
                                                         {ghost, ghost}, Span{"examples/gemm.py", 99, 1});
                        return with_body(f, SeqStmtNode::make({f->body, bad}));
                    });
                }};
}

TEST(PassContext, DefaultsAreWormholeCompilersPartitionHiFi4) {
    PassContext ctx;
    EXPECT_EQ(ctx.device().name, "n150");
    EXPECT_FALSE(ctx.options().partition_strategy.has_value());  // the compiler's choice
    EXPECT_EQ(ctx.options().math_fidelity, target::MathFidelity::HiFi4);
    EXPECT_FALSE(ctx.options().fp32_dest_acc_en.has_value());
    EXPECT_TRUE(ctx.options().verify_each);
}

TEST(PassContext, FromJsonReadsEveryOption) {
    PassContext ctx = PassContext::from_json(Json{{"target_device", "blackhole"},
                                                  {"partition_strategy", "block"},
                                                  {"enable_double_buffer", false},
                                                  {"enable_prefetch", false},
                                                  {"plan_path", "/tmp/x.json"},
                                                  {"math_fidelity", "LoFi"},
                                                  {"fp32_dest_acc_en", false},
                                                  {"layouts", {{"A", {{"memory", "l1"}}}}},
                                                  {"dump_dir", "/tmp/d"},
                                                  {"verify_each", false}});
    const PassOptions &o = ctx.options();
    EXPECT_EQ(ctx.device().name, "p150");
    EXPECT_EQ(o.partition_strategy, PartitionStrategy::Block);
    EXPECT_FALSE(o.enable_double_buffer);
    EXPECT_FALSE(o.enable_prefetch);
    EXPECT_EQ(o.plan_path, "/tmp/x.json");
    EXPECT_EQ(o.math_fidelity, target::MathFidelity::LoFi);
    EXPECT_EQ(o.fp32_dest_acc_en, std::optional<bool>(false));
    EXPECT_EQ(o.layouts.at("A").memory, std::optional<MemoryKind>(MemoryKind::L1));
    EXPECT_EQ(o.dump_dir, "/tmp/d");
    EXPECT_FALSE(o.verify_each);
    // to_json is accepted back unchanged.
    EXPECT_EQ(PassContext::from_json(ctx.to_json()).to_json(), ctx.to_json());
}

TEST(PassContext, InvalidValuesAreClearErrors) {
    EXPECT_NE(error_of([] { PassContext::from_json({{"partition_strategy", "diagonal"}}); })
                  .find("invalid partition_strategy \"diagonal\"; expected one of \"row_major\", \"column_major\", \"block\""),
              std::string::npos);
    EXPECT_NE(error_of([] { PassContext::from_json({{"target_device", "gpu"}}); }).find("gpu"), std::string::npos);
    EXPECT_NE(error_of([] { PassContext::from_json({{"math_fidelity", "HiFi9"}}); }).find("HiFi9"), std::string::npos);
    EXPECT_NE(error_of([] { PassContext::from_json({{"enable_prefetch", "yes"}}); }).find("enable_prefetch must be a bool"),
              std::string::npos);
    EXPECT_NE(error_of([] { PassContext::from_json({{"num_cores", 4}}); }).find("unknown run_pipeline option num_cores"),
              std::string::npos);
    EXPECT_NE(error_of([] { PassContext::from_json({{"target_device", "grayskull"}, {"fp32_dest_acc_en", true}}); })
                  .find("cannot accumulate in fp32"),
              std::string::npos);
    EXPECT_NE(error_of([] { PassContext::from_json({{"layouts", {{"A", {{"layout", "sharded"}, {"memory", "l1"}}}}}}); })
                  .find("needs shard_grid"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  PassContext::from_json(
                      {{"layouts", {{"A", {{"layout", "sharded"}, {"memory", "l1"}, {"shard_grid", {9, 1}}}}}}});
              }).find("does not fit the n150 worker grid of 8x8"),
              std::string::npos);
}

TEST(Pipeline, PrintsAndParsesAsText) {
    Pipeline p({identity_pass("A"), identity_pass("B"), identity_pass("C")});
    EXPECT_EQ(p.to_string(), "A -> B -> C");
    EXPECT_NE(error_of([] { Pipeline::parse("NoSuchPass"); }).find("no pass named NoSuchPass"), std::string::npos);
}

TEST(Pipeline, RunTimesEveryPass) {
    PipelineReport report;
    IRModule in = testing::make_gemm_module();
    IRModule out = Pipeline({identity_pass("A"), identity_pass("B")}).run(in, PassContext(), &report);
    EXPECT_TRUE(out == in);
    ASSERT_EQ(report.passes.size(), 2u);
    EXPECT_EQ(report.passes[1].pass, "B");
    EXPECT_GE(report.total_milliseconds, report.passes[0].milliseconds);
    EXPECT_NE(report.to_string().find("total"), std::string::npos);
}

/*! The verifier runs after every pass and its failure names the pass, the node and the line. */
TEST(Pipeline, VerifierFailureNamesPassNodeAndLine) {
    const std::string msg = error_of(
        [] { Pipeline({identity_pass("A"), breaking_pass()}).run(testing::make_gemm_module(), PassContext()); },
        ErrorKind::Internal);
    EXPECT_NE(msg.find("IR verification failed after pass Breaker"), std::string::npos) << msg;
    EXPECT_NE(msg.find("variable ghost"), std::string::npos) << msg;
    EXPECT_NE(msg.find("examples/gemm.py:99"), std::string::npos) << msg;
    PassOptions no_verify;
    no_verify.verify_each = false;
    EXPECT_NO_THROW(Pipeline({breaking_pass()}).run(testing::make_gemm_module(), PassContext(no_verify)));
}

TEST(Pipeline, DumpsIRAfterEachPass) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "tt_pass_dump_test";
    std::filesystem::remove_all(dir);
    PassOptions o;
    o.dump_dir = dir.string();
    PipelineReport report;
    Pipeline({identity_pass("First"), identity_pass("Second")}).run(testing::make_gemm_module(), PassContext(o), &report);
    ASSERT_EQ(report.dumped_files.size(), 3u);
    EXPECT_TRUE(std::filesystem::exists(dir / "00_input.txt"));
    EXPECT_TRUE(std::filesystem::exists(dir / "01_First.txt"));
    std::ifstream second(dir / "02_Second.txt");
    std::string text((std::istreambuf_iterator<char>(second)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("T.Pipelined"), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tt::transform
