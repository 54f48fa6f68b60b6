// One test per diagnostic of the pass infrastructure and the metadata passes not already provoked
// by the per-pass tests: each checks the error kind, the message and, where the IR has one, the
// source line.
#include <gtest/gtest.h>

#include "gemm_ir.h"
#include "transform/infer_tt_layout.h"
#include "transform/plan.h"
#include "transform/propagate_tt_layout.h"
#include "transform/tt_tiles_to_core_map.h"
#include "transform/verify_well_formed.h"

namespace tt::transform {
namespace {

using namespace ir;

/*! Runs f and returns the Error it throws (kind checked); fails when it throws nothing. */
template<typename F>
Error error_of(F &&f, ErrorKind kind) {
    try {
        f();
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        return e;
    }
    ADD_FAILURE() << "expected an error";
    return Error(kind, "");
}

bool contains(const Error &e, const std::string &text) {
    return std::string(e.what()).find(text) != std::string::npos;
}

const DataType kBf16 = DataType::parse("bfloat16");

/*! A kernel copying `count` 32x32 shared buffers from A: `count` input CBs. */
PrimFunc many_inputs(int count, const std::string &shared_name_prefix = "S") {
    Buffer A = make_buffer("A", {make_int(32), make_int(32)}, kBf16, MemoryScope::Global, Span{"k.py", 2, 1});
    std::vector<Buffer> shared;
    std::vector<Stmt> copies;
    for (int i = 0; i < count; ++i) {
        shared.push_back(make_buffer(shared_name_prefix + (count > 1 && shared_name_prefix == "S" ? std::to_string(i) : ""),
                                     {make_int(32), make_int(32)}, kBf16, MemoryScope::Shared));
        copies.push_back(EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(A), RegionNode::full(shared.back())})));
    }
    Stmt body = SeqStmtNode::flatten(copies);
    for (auto it = shared.rbegin(); it != shared.rend(); ++it) body = AllocateNode::make(*it, body);
    Var bx = make_var("bx");
    return make_prim_func("k", {A}, KernelLaunchNode::make({make_int(1)}, {bx}, {128}, body, Span{"k.py", 3, 1}),
                          {}, Span{"k.py", 1, 1});
}

PrimFunc metadata(const PrimFunc &f, const PassContext &ctx = PassContext()) {
    return tt_tiles_to_core_map(propagate_tt_layout(infer_tt_layout(f, ctx), ctx), ctx);
}

TEST(Diagnostics, TooManyInputCircularBuffers) {
    EXPECT_NO_THROW(metadata(many_inputs(16)));
    const Error e = error_of([] { metadata(many_inputs(17)); }, ErrorKind::Validation);
    EXPECT_TRUE(contains(e, "17 input circular buffers are needed but the device has indices c_0..c_15 (16)")) << e.what();
    EXPECT_TRUE(contains(e, "S16: 4096 bytes (4 KiB)")) << e.what();
    EXPECT_EQ(e.span().line, 1);
}

TEST(Diagnostics, TwoOnChipBuffersWithOneName) {
    const Error e = error_of([] { metadata(many_inputs(2, "T")); }, ErrorKind::Validation);
    EXPECT_TRUE(contains(e, "has two on-chip buffers named T")) << e.what();
}

TEST(Diagnostics, LaunchMustBeUniqueAndConstant) {
    Buffer A = make_buffer("A", {make_int(32), make_int(32)}, kBf16, MemoryScope::Global);
    PrimFunc none = make_prim_func("k", {A}, EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(A), FloatImmNode::make(kBf16, 0.0)})),
                                   {}, Span{"k.py", 1, 1});
    const Error e1 = error_of([&] { metadata(none); }, ErrorKind::Validation);
    EXPECT_TRUE(contains(e1, "has 0 T.Kernel launches; a Tenstorrent program runs one launch")) << e1.what();
    EXPECT_EQ(e1.span().line, 1);
    Var n = make_var("n"), bx = make_var("bx");
    Stmt launch = KernelLaunchNode::make({n}, {bx}, {128}, EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(A), FloatImmNode::make(kBf16, 0.0)})),
                                         Span{"k.py", 4, 1});
    PrimFunc dynamic = make_prim_func("k", {A}, LetStmtNode::make(n, make_int(4), launch));
    const Error e2 = error_of([&] { metadata(dynamic); }, ErrorKind::Validation);
    EXPECT_TRUE(contains(e2, "T.Kernel grid extent 0 of k must be a positive compile-time constant")) << e2.what();
    EXPECT_EQ(e2.span().line, 4);
}

TEST(Diagnostics, BufferShapesMustBeStatic) {
    Var n = make_var("n");
    Buffer dyn = make_buffer("D", {n, make_int(32)}, kBf16, MemoryScope::Global, Span{"k.py", 2, 1});
    const Error e1 = error_of([&] { infer_tt_layout(make_prim_func("k", {dyn}, KernelLaunchNode::make({make_int(1)}, {make_var("bx")}, {1}, EvaluateNode::make(make_int(0)))), PassContext()); },
                              ErrorKind::Validation);
    EXPECT_TRUE(contains(e1, "buffer D: dimension 0 is not a compile-time constant")) << e1.what();
    EXPECT_EQ(e1.span().line, 2);
    // Any constant extent is fine: a vector of 100 is stored as 4 tiles, padded with zeros.
    Buffer vec = make_buffer("V", {make_int(100)}, kBf16, MemoryScope::Global, Span{"k.py", 2, 1});
    const PrimFunc f = infer_tt_layout(make_prim_func("k", {vec}, KernelLaunchNode::make({make_int(1)}, {make_var("bx")}, {1}, EvaluateNode::make(make_int(0)))), PassContext());
    EXPECT_EQ(f->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>().at("V").shape_tiles, (std::vector<int64_t>{4}));
}

TEST(Diagnostics, GemmOverPaddedRowsIsRefused) {
    testing::GemmConfig cfg;
    cfg.block_K = 16;
    cfg.K = 512;
    const Error e = error_of([&] { metadata(testing::make_gemm(cfg)); }, ErrorKind::Validation);
    // A_shared (128, 16) and B_shared (16, 128) are padded to whole tiles, but the gemm would sum
    // over B_shared's padding rows.
    EXPECT_TRUE(contains(e, "T.gemm summing over the rows of B_shared is not supported")) << e.what();
    EXPECT_EQ(e.span().line, 23);
}

TEST(Diagnostics, LayoutRequestShapes) {
    auto request = [](Json layout) { return PassContext::from_json({{"layouts", {{"A", layout}}}}); };
    EXPECT_TRUE(contains(error_of([&] { request({{"layout", "sharded"}, {"memory", "dram"}, {"shard_grid", {1, 1}}}); }, ErrorKind::Validation),
                         "sharded layouts live in L1"));
    EXPECT_TRUE(contains(error_of([&] { request({{"shard_grid", {1, 1}}}); }, ErrorKind::Validation),
                         "shard_grid / shard_shape_tiles need layout=\"sharded\""));
    EXPECT_TRUE(contains(error_of([&] { request({{"memory", "l1"}, {"banks", 3}}); }, ErrorKind::Validation),
                         "unknown layout request key \"banks\""));
    EXPECT_TRUE(contains(error_of([&] { request({{"shard_grid", {1, 2, 3}}}); }, ErrorKind::Validation), "shard_grid must be [x, y]"));
    EXPECT_TRUE(contains(error_of([&] { PassContext::from_json({{"layouts", {1, 2}}}); }, ErrorKind::Validation),
                         "layouts must map buffer names to dicts"));
}

TEST(Diagnostics, ShardGridsMustAgree) {
    const PassContext ctx = PassContext::from_json(
        {{"layouts",
          {{"A", {{"layout", "sharded"}, {"shard_grid", {2, 2}}}}, {"B", {{"layout", "sharded"}, {"shard_grid", {4, 4}}}}}}});
    EXPECT_TRUE(contains(error_of([&] { infer_tt_layout(testing::make_gemm(), ctx); }, ErrorKind::Validation),
                         "layouts[B]: its shard grid [4, 4] differs from A's [2, 2]"));
}

TEST(Diagnostics, VerifierScopeRules) {
    Buffer S = make_buffer("S", {make_int(32), make_int(32)}, kBf16, MemoryScope::Shared);
    Buffer G = make_buffer("G", {make_int(32), make_int(32)}, kBf16, MemoryScope::Global);
    auto fill = [&](const Buffer &b) {
        return EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(b), FloatImmNode::make(kBf16, 0.0)}));
    };
    Stmt inner = KernelLaunchNode::make({make_int(1)}, {make_var("b")}, {1}, fill(G));
    Stmt twice = AllocateNode::make(S, AllocateNode::make(S, fill(S)));
    Stmt nested = KernelLaunchNode::make({make_int(1)}, {make_var("a")}, {1}, SeqStmtNode::make({inner, twice}));
    const std::vector<WellFormedViolation> v = check_well_formed(
        make_module({{"f", make_prim_func("f", {G}, nested)}, {"g", make_prim_func("f", {G}, fill(G))}}));
    std::string all;
    for (const WellFormedViolation &x : v) all += x.to_string() + "\n";
    EXPECT_NE(all.find("buffer S is allocated twice (or allocated and also a parameter)"), std::string::npos) << all;
    EXPECT_NE(all.find("KernelLaunch nested inside another KernelLaunch"), std::string::npos) << all;
    EXPECT_NE(all.find("module entry \"g\" holds function \"f\""), std::string::npos) << all;
}

TEST(Diagnostics, UnwritablePlanAndDumpPaths) {
    EXPECT_TRUE(contains(error_of([] { write_plan(Json::object(), "/proc/no/such/dir/tt.plan.json"); }, ErrorKind::Validation),
                         "cannot write the runtime plan to /proc/no/such/dir/tt.plan.json"));
    PassOptions o;
    o.dump_dir = "/proc/no/such/dir";
    EXPECT_TRUE(contains(error_of([&] { Pipeline().run(testing::make_gemm_module(), PassContext(o)); }, ErrorKind::Validation),
                         "cannot write IR dump /proc/no/such/dir/00_input.txt (dump_dir /proc/no/such/dir)"));
}

TEST(Diagnostics, MalformedAttributeValues) {
    EXPECT_TRUE(contains(error_of([] { Json::parse(R"({"x": 1})").get<KernelArg>(); }, ErrorKind::Validation),
                         "a kernel argument must be a uint32 or a one-key marker"));
    EXPECT_TRUE(contains(error_of([] { Json::parse("[1, 2, 3]").get<CoreRange>(); }, ErrorKind::Validation),
                         "a core range must be [[x0, y0], [x1, y1]]"));
    EXPECT_TRUE(contains(error_of([] { Json::parse(R"({"cb_index": 0})").get<CBConfig>(); }, ErrorKind::Validation),
                         "lacks field \"flow\""));
    EXPECT_TRUE(contains(error_of([] { Json("spiral").get<PartitionStrategy>(); }, ErrorKind::Validation),
                         "invalid partition_strategy \"spiral\""));
}

}  // namespace
}  // namespace tt::transform
