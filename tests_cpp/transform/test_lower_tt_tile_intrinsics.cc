// LowerTTTileIntrinsics, before → after on the reference GEMM and its variants, plus every
// "not supported yet" diagnostic it raises.
#include <limits>

#include <gtest/gtest.h>

#include "../ir/expect_error.h"
#include "corpus_pipeline.h"
#include "gemm_ir.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/pass.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::ir::testing::raises;
using tt::testing::count_calls;

constexpr const char *kUpToLowering = "InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap -> LowerTTTileIntrinsics";

IRModule lower(const IRModule &mod, transform::PassOptions options = {}) {
    return transform::Pipeline::parse(kUpToLowering).run(mod, transform::PassContext(options));
}

IRModule lower(const tt::testing::GemmConfig &cfg, transform::PassOptions options = {}) {
    return lower(tt::testing::make_gemm_module(cfg), options);
}

/*! The reference GEMM becomes three kernels; the tile operations are gone. */
TEST(LowerTTTileIntrinsics, SplitsTheGemmIntoReaderComputeAndWriter) {
    IRModule out = lower(tt::testing::GemmConfig{});
    ASSERT_EQ(out->functions.size(), 3u);
    EXPECT_EQ(out->functions[0].first, "gemm_reader");
    EXPECT_EQ(out->functions[1].first, "gemm_compute");
    EXPECT_EQ(out->functions[2].first, "gemm_writer");
    for (const auto &[name, func] : out->functions) {
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::Call) {
                const IntrinsicInfo *op = static_cast<const CallNode *>(n)->op;
                EXPECT_TRUE(op->name.rfind("tt.", 0) == 0) << name << " still calls " << op->name;
            }
        });
    }
    const PrimFunc reader = out->lookup("gemm_reader"), compute = out->lookup("gemm_compute"),
                   writer = out->lookup("gemm_writer");
    EXPECT_EQ(reader->attrs.at(attr::TT_KERNEL_ROLE), "reader");
    EXPECT_EQ(count_calls(reader->body, "tt.noc_async_read_page"), 2);  // one tile loop per copy
    EXPECT_EQ(count_calls(reader->body, "tt.matmul_tiles"), 0);
    EXPECT_EQ(count_calls(compute->body, "tt.noc_async_read_page"), 0);
    EXPECT_EQ(count_calls(writer->body, "tt.noc_async_write_page"), 1);
}

/*! mm_init runs once, before the launch (the persistent loop), never inside a loop. */
TEST(LowerTTTileIntrinsics, MatmulInitOnceOutsideTheLaunch) {
    PrimFunc compute = lower(tt::testing::GemmConfig{})->lookup("gemm_compute");
    const auto *seq = compute->body.as<SeqStmtNode>();
    ASSERT_NE(seq, nullptr);
    ASSERT_EQ(seq->seq.size(), 2u);
    EXPECT_EQ(to_text(seq->seq[0]), "tt.mm_init(0, 1, 24, 0)\n");
    EXPECT_NE(seq->seq[1].as<KernelLaunchNode>(), nullptr);
    EXPECT_EQ(count_calls(compute->body, "tt.mm_init"), 1);
}

/*! A 128x128 fp32 accumulator is 16 tiles; DST holds 4: subblocks of 1x4 with partial sums in
 *  C_local.partials and one matmul_block(in0, in1, ...) of 1x4 tiles per K tile. With one K tile
 *  per step the partial sums are reloaded (copy_tile) except on the first K iteration: packing
 *  them by L1 accumulation would cost the packer 128 cycles per fp32 tile against the matrix
 *  engine's 64. The last K step packs the final value straight into C_local's output CB (16):
 *  no copy out after the loop. */
TEST(LowerTTTileIntrinsics, SubblocksTheAccumulatorToDstCapacity) {
    tt::testing::GemmConfig cfg;
    std::string text = to_text(lower(cfg)->lookup("gemm_compute"));
    EXPECT_NE(text.find("for subblock_row in T.serial(4):"), std::string::npos) << text;
    EXPECT_NE(text.find("if not k == 0:"), std::string::npos);
    EXPECT_NE(text.find("tt.copy_tile(24, dst_index, dst_index)"), std::string::npos);
    EXPECT_NE(text.find("tt.mm_block_init_short(0, 1, 0, 4, 1, 1)"), std::string::npos) << text;
    EXPECT_NE(text.find("tt.matmul_block(0, 1, subblock_row, 0, 0, 0, 4, 1, 1)"), std::string::npos) << text;
    EXPECT_EQ(text.find("tt.matmul_tiles"), std::string::npos);
    const size_t last = text.find("if k == tt.runtime_constant(\"k_trip_count\", 32) - 1:");
    ASSERT_NE(last, std::string::npos) << text;
    EXPECT_LT(last, text.find("tt.pack_tile(dst_index_1, 16)"));
    EXPECT_LT(text.find("tt.pack_tile(dst_index_1, 16)"), text.find("tt.pack_tile(dst_index_2, 24)"));
    EXPECT_EQ(count_calls(lower(cfg)->lookup("gemm_compute")->body, "tt.copy_tile"), 1);  // the reload only
    EXPECT_EQ(text.find("pack_reconfig_l1_acc"), std::string::npos);
}

/*! With two K tiles per step the matrix engine's 128 cycles per output tile cover the packer's L1
 *  accumulation, and a reload would keep the unpacker busier than both: the partial sums stay in
 *  L1. Each step after the first pops the subblock's pages and packs onto them, adding. The last
 *  step reloads them instead (exactly: the compute kernel unpacks CB 24 straight to DST), adds its
 *  products and packs straight into the output CB 16: nothing is copied out after the loop. */
TEST(LowerTTTileIntrinsics, WideKStepsAddOntoThePartialSumsInL1) {
    tt::testing::GemmConfig cfg;
    cfg.block_K = 64;
    const IRModule out = lower(cfg);
    std::string text = to_text(out->lookup("gemm_compute"));
    const size_t last = text.find("if k == tt.runtime_constant(\"k_trip_count\", 16) - 1:");
    const size_t reload = text.find("tt.copy_tile(24, dst_index, dst_index)");
    const size_t pop = text.find("tt.cb_pop_front(24, 4)", reload), matmul = text.find("tt.matmul_block(0, 1");
    const size_t deliver = text.find("tt.pack_tile(dst_index_1, 16)");
    const size_t on = text.find("tt.pack_reconfig_l1_acc(T.if_then_else(k == 0, 0, 1))");
    const size_t pack = text.find("tt.pack_tile(dst_index_2, 24)"), off = text.find("tt.pack_reconfig_l1_acc(0)");
    ASSERT_NE(on, std::string::npos) << text;
    ASSERT_NE(reload, std::string::npos) << text;
    EXPECT_LT(last, reload);
    EXPECT_LT(reload, pop);  // the last step's reload; the other steps only pop
    EXPECT_LT(pop, matmul);
    EXPECT_LT(matmul, deliver);
    EXPECT_LT(deliver, on);
    EXPECT_LT(on, pack);
    EXPECT_LT(pack, off);
    EXPECT_EQ(count_calls(out->lookup("gemm_compute")->body, "tt.copy_tile"), 1);  // no copy out
    EXPECT_NE(text.find("if not k == 0:"), std::string::npos);
}

/*! A 128x64 fp32 accumulator (4x2 tiles, DST 4) only copied out after its loop may take any tile
 *  order: 4x1 subblocks unpack one B tile and four A tiles per K tile (147 cycles for 4 products)
 *  where the whole-row 2x2 ones unpack two of each twice (166). */
TEST(LowerTTTileIntrinsics, AValueOnlyCopiedOutTakesTheCheapestSubblocks) {
    tt::testing::GemmConfig cfg;
    cfg.block_N = 64;
    std::string text = to_text(lower(cfg)->lookup("gemm_compute"));
    EXPECT_NE(text.find("tt.mm_block_init_short(0, 1, 0, 1, 4, 1)"), std::string::npos) << text;
    EXPECT_NE(text.find("for subblock_col in T.serial(2):"), std::string::npos) << text;
}

/*! With 16-bit accumulation DST holds 8 tiles: subblocks of 2x4. */
TEST(LowerTTTileIntrinsics, Bf16AccumulationUsesEightTileSubblocks) {
    tt::testing::GemmConfig cfg;
    cfg.accum_dtype = "bfloat16";
    std::string text = to_text(lower(cfg)->lookup("gemm_compute"));
    EXPECT_NE(text.find("for subblock_row in T.serial(2):"), std::string::npos) << text;
    EXPECT_NE(text.find("tt.cb_reserve_back(24, 8)"), std::string::npos) << text;
}

/*! transpose_B: B_shared is (bN, bK); in1 tiles are indexed (n, k) and transposed by the init.
 *  One K row's B tiles are bK apart, not adjacent as matmul_block reads them: one matmul_tiles
 *  per product. */
TEST(LowerTTTileIntrinsics, TransposeBIndexesAndInitsTransposed) {
    tt::testing::GemmConfig cfg;
    cfg.transpose_B = true;
    cfg.block_K = 64;
    std::string text = to_text(lower(cfg)->lookup("gemm_compute"));
    EXPECT_NE(text.find("tt.mm_init(0, 1, 24, 1)"), std::string::npos) << text;
    EXPECT_NE(text.find("tt.matmul_tiles(0, 1, subblock_row * 2 + kt, col * 2 + kt, col)"), std::string::npos) << text;
    EXPECT_NE(text.find("tt.mm_init_short(0, 1, 1)"), std::string::npos);
    EXPECT_EQ(text.find("tt.matmul_block"), std::string::npos);
}

/*! The tile ids come from the copy regions: A[by*128 + 32i, k*32] is tile (by*4 + i, k); the
 *  tensor widths in tiles are named runtime constants (kernels serve every shape). */
TEST(LowerTTTileIntrinsics, ReaderTileIdsComeFromTheRegions) {
    std::string text = to_text(lower(tt::testing::GemmConfig{})->lookup("gemm_reader"));
    EXPECT_NE(text.find("tt.noc_async_read_page((by * 4 + tile_row) * tt.runtime_constant(\"A_width_tiles\", 32) + k, A, A_shared_write_ptr + tile_row * 2048)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("tt.noc_async_read_page(k * tt.runtime_constant(\"B_width_tiles\", 32) + (bx * 4 + tile_col), B, B_shared_write_ptr + tile_col * 2048)"),
              std::string::npos);
}

/*! enable_prefetch: one read barrier per stage of copies; without it, one per tile. */
TEST(LowerTTTileIntrinsics, PrefetchIssuesAllReadsBeforeOneBarrier) {
    // Every core reading its own operands (a strategy given): no sender's `if` around the reads.
    transform::PassOptions on, off;
    on.partition_strategy = off.partition_strategy = transform::PartitionStrategy::RowMajor;
    off.enable_prefetch = false;
    PrimFunc with = lower(tt::testing::GemmConfig{}, on)->lookup("gemm_reader");
    PrimFunc without = lower(tt::testing::GemmConfig{}, off)->lookup("gemm_reader");
    EXPECT_EQ(count_calls(with->body, "tt.noc_async_read_barrier"), 1);
    EXPECT_EQ(count_calls(without->body, "tt.noc_async_read_barrier"), 2);  // inside each tile loop
    std::string text = to_text(without);
    EXPECT_NE(text.find("    tt.noc_async_read_page((by * 4 + tile_row) * tt.runtime_constant(\"A_width_tiles\", 32) + k, A, A_shared_write_ptr + tile_row * "
                        "2048)\n                tt.noc_async_read_barrier()"),
              std::string::npos)
        << text;
}

/*! The shared epilogue: compute copies the accumulator into C_shared's CB, the writer drains it. */
TEST(LowerTTTileIntrinsics, SharedEpilogueGoesThroughComputeThenWriter) {
    tt::testing::GemmConfig cfg;
    cfg.shared_epilogue = true;
    IRModule out = lower(cfg);
    const Json cbs = out->lookup("gemm_writer")->attrs.at(attr::TT_CB_DESC);
    const int64_t c_shared = cbs.at("C_shared").at("cb_index").get<int64_t>();
    std::string writer = to_text(out->lookup("gemm_writer"));
    EXPECT_NE(writer.find("tt.cb_wait_front(" + std::to_string(c_shared) + ", 4)"), std::string::npos) << writer;
    std::string compute = to_text(out->lookup("gemm_compute"));
    EXPECT_NE(compute.find("tt.pack_tile(dst_index_3, " + std::to_string(c_shared) + ")"), std::string::npos)
        << compute;
}

/*! Each unsupported construct names itself, says why, and what to do instead. */
TEST(LowerTTTileIntrinsics, UnsupportedConstructsAreClearErrors) {
    tt::testing::GemmConfig cfg;
    PrimFunc f = tt::testing::make_gemm(cfg);
    struct FillComputed : IRMutator {
        using IRMutator::visit;
        Expr visit(const CallNode *op) override {
            if (op->op->name != "tl.fill") return IRMutator::visit(op);
            Expr computed = CallNode::make("tl.exp", {FloatImmNode::make(DataType::float32(), 1.0)});
            return CallNode::make("tl.fill", {op->args[0], computed}, op->span);
        }
    };
    PrimFunc filled = with_body(f, FillComputed()(f->body));
    EXPECT_TRUE(raises(ErrorKind::Validation, "T.fill with the value T.exp(1.0) is not supported on Tenstorrent yet",
                       [&] { lower(make_module({{"gemm", filled}})); }));

    struct MisalignK : IRMutator {
        using IRMutator::visit;
        Expr visit(const RegionNode *op) override {
            if (op->buffer->name != "A") return IRMutator::visit(op);
            std::vector<Range> r = op->ranges;
            r[1].min = FloorDivNode::make(r[1].min, make_int(2));  // k * 16: inside A, not whole tiles
            return RegionNode::make(op->buffer, r, op->span);
        }
    };
    PrimFunc misaligned = with_body(f, MisalignK()(f->body));
    EXPECT_TRUE(raises(ErrorKind::Validation, "not provably a multiple of 32",
                       [&] { lower(make_module({{"gemm", misaligned}})); }));
}

/*! T.fill(C_local, 1.5) before the K loop: the first K step fills DST with fill_tile instead of
 *  reloading partial sums; later steps reload them. Nothing is materialized in L1. */
TEST(LowerTTTileIntrinsics, NonZeroFillStartsTheAccumulatorWithFillTile) {
    tt::testing::GemmConfig cfg;
    cfg.fill_value = 1.5;
    std::string text = to_text(lower(cfg)->lookup("gemm_compute"));
    EXPECT_NE(text.find("if not k == 0:"), std::string::npos) << text;
    EXPECT_NE(text.find("else:\n                    tt.fill_tile_init()"), std::string::npos) << text;
    EXPECT_NE(text.find("tt.fill_tile(dst_index_1, 1.5)"), std::string::npos) << text;
}

/*! -inf (the start of a running max) is a fill value like any other. */
TEST(LowerTTTileIntrinsics, FillWithMinusInfinity) {
    tt::testing::GemmConfig cfg;
    cfg.fill_value = -std::numeric_limits<double>::infinity();
    std::string text = to_text(lower(cfg)->lookup("gemm_compute"));
    EXPECT_NE(text.find("tt.fill_tile(dst_index_1, -T.infinity)"), std::string::npos) << text;
}

/*! transpose_A: compute transposes A's (bK, bM) block tile by tile into a staging CB of (bM, bK)
 *  tiles, which matmul reads as in0. */
TEST(LowerTTTileIntrinsics, TransposeAStagesTransposedTiles) {
    tt::testing::GemmConfig cfg;
    cfg.transpose_A = true;
    cfg.block_K = 64;
    IRModule out = lower(cfg);
    const Json cbs = out->lookup("gemm_compute")->attrs.at(attr::TT_CB_DESC);
    ASSERT_TRUE(cbs.contains("A_shared.transposed")) << cbs.dump();
    const std::string staged = std::to_string(cbs.at("A_shared.transposed").at("cb_index").get<int64_t>());
    EXPECT_EQ(cbs.at("A_shared.transposed").at("num_pages"), 8);
    std::string text = to_text(out->lookup("gemm_compute"));
    EXPECT_NE(text.find("tt.transpose_wh_tile(0, dst_index * 4 + tile_row, dst_index)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("tt.pack_tile(dst_index_1, " + staged + ")"), std::string::npos) << text;
    EXPECT_NE(text.find("tt.matmul_block(" + staged + ", 1, "), std::string::npos) << text;
    std::string reader = to_text(out->lookup("gemm_reader"));
    EXPECT_NE(reader.find("(k * 2 + tile_row) * tt.runtime_constant(\"A_width_tiles\", 32) + (by * 4 + tile_col)"),
              std::string::npos)
        << reader;
}

/*! A 64x64 fp32 accumulator (4 tiles) fits DST (4 tiles): it stays there for the whole K loop,
 *  one acquire before the loop and one pack after it, no partial sums reloaded. The copy out
 *  follows, so the pack goes straight into C_local's output CB (16). */
TEST(LowerTTTileIntrinsics, AccumulatorThatFitsDstStaysInDstAcrossTheKLoop) {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 256;
    cfg.block_M = cfg.block_N = 64;
    cfg.fill_value = 1.5;
    IRModule out = lower(cfg);
    PrimFunc compute = out->lookup("gemm_compute");
    std::string text = to_text(compute);
    EXPECT_NE(text.find("tt.tile_regs_acquire()\n        tt.fill_tile_init()"), std::string::npos) << text;
    const size_t loop = text.find("for k in T.serial");
    const size_t pack = text.find("tt.pack_tile(dst_index_1, 16)");
    ASSERT_NE(loop, std::string::npos);
    EXPECT_GT(pack, loop) << text;
    EXPECT_EQ(text.find("tt.copy_tile(24", loop), text.find("tt.copy_tile(24", pack)) << "no reload in the loop\n"
                                                                                    << text;
    EXPECT_EQ(count_calls(compute->body, "tt.tile_regs_acquire"), 1);  // the K loop; no copy out
    EXPECT_EQ(count_calls(compute->body, "tt.copy_tile"), 0);
    EXPECT_EQ(out->lookup("gemm_compute")->attrs.at(attr::TT_CB_DESC).count("C_local.partials"), 1u);
}

/*! Element-wise stores inside the kernel are refused, never dropped. */
TEST(LowerTTTileIntrinsics, ElementStoreIsRefusedNotDropped) {
    PrimFunc f = tt::testing::make_gemm();
    struct AddStore : IRMutator {
        using IRMutator::visit;
        Stmt visit(const AllocateNode *op) override {
            if (op->buffer->name != "C_local") return IRMutator::visit(op);
            Stmt store = BufferStoreNode::make(op->buffer, FloatImmNode::make(DataType::float32(), 0.0),
                                               {make_int(0), make_int(0)});
            return AllocateNode::make(op->buffer, SeqStmtNode::make({store, op->body}), op->span);
        }
    };
    PrimFunc stored = with_body(f, AddStore()(f->body));
    EXPECT_TRUE(raises(ErrorKind::Validation, "an element-wise store to C_local is not supported on Tenstorrent yet",
                       [&] { lower(make_module({{"gemm", stored}})); }));
}

}  // namespace

namespace {

tt::testing::GemmConfig block_sparse_config() {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 256;
    cfg.block_M = cfg.block_N = 64;
    cfg.block_K = 32;
    cfg.block_mask = true;
    return cfg;
}

// The K loop's body (inside the if on the block mask) with `edit` applied to each statement.
PrimFunc edit_masked_body(const std::function<std::vector<Stmt>(const std::vector<Stmt> &)> &edit) {
    PrimFunc f = tt::testing::make_gemm(block_sparse_config());
    struct Editor : IRMutator {
        const std::function<std::vector<Stmt>(const std::vector<Stmt> &)> &edit;
        explicit Editor(const std::function<std::vector<Stmt>(const std::vector<Stmt> &)> &e) : edit(e) {}
        using IRMutator::visit;
        Stmt visit(const IfThenElseNode *op) override {
            return IfThenElseNode::make(op->cond, SeqStmtNode::make(edit(op->then_case.as<SeqStmtNode>()->seq)),
                                        Stmt(), op->span);
        }
    };
    return with_body(f, Editor(edit)(f->body));
}

}  // namespace

/*! Block-sparse GEMM, before:
 *      for k in T.Pipelined(8):
 *          if BlockMask[by, bx, k] != 0:
 *              T.copy(A[...], A_shared); T.copy(B[...], B_shared); T.gemm(A_shared, B_shared, C_local)
 *  after, reader: the mask element's chunk of its tile read into BlockMask.element's page, the word
 *  taken, the page released; A's and B's pages reserved, read when the word is not 0 and zeroed
 *  otherwise, pushed either way. Compute runs the gemm on every iteration, without the if; the
 *  writer is the unmasked GEMM's. */
TEST(LowerTTTileIntrinsics, BlockMaskIfBecomesTheReadersReadsOrZeros) {
    IRModule out = lower(block_sparse_config());
    const PrimFunc reader = out->lookup("gemm_reader"), compute = out->lookup("gemm_compute");
    const std::string text = to_text(reader);
    const std::vector<std::string> in_order = {
        "tt.cb_reserve_back(25, 1)",
        "BlockMask_element_ptr: T.int32 = tt.get_write_ptr(25)",
        "tt.noc_async_read(tt.get_noc_addr(",
        "tt.noc_async_read_barrier()",
        "BlockMask_value: T.int32 = tt.l1_read_u32(BlockMask_element_ptr, ",
        "tt.cb_push_back(25, 1)",
        "tt.cb_wait_front(25, 1)",
        "tt.cb_pop_front(25, 1)",
        "tt.cb_reserve_back(0, 2)",
        "if BlockMask_value != 0:",
        "tt.noc_async_read_page(",
        "else:",
        "tt.l1_write_u32(A_shared_write_ptr, word, 0)",
        "tt.l1_write_u32(B_shared_write_ptr, word_1, 0)",
        "tt.cb_push_back(0, 2)",
    };
    size_t at = 0;
    for (const std::string &piece : in_order) {
        const size_t found = text.find(piece, at);
        ASSERT_NE(found, std::string::npos) << "missing, in order: " << piece << "\n" << text;
        at = found + piece.size();
    }
    EXPECT_NE(text.find("for word in T.serial(1024)"), std::string::npos) << text;  // 2 bf16 tiles, 4-byte words
    EXPECT_EQ(count_calls(reader->body, "tt.get_noc_addr"), 1);

    // Compute: the same matmuls as without the mask, never conditional; no data read.
    IRModule plain = lower([] {
        tt::testing::GemmConfig cfg = block_sparse_config();
        cfg.block_mask = false;
        return cfg;
    }());
    EXPECT_EQ(to_text(compute->body), to_text(plain->lookup("gemm_compute")->body));
    EXPECT_EQ(to_text(out->lookup("gemm_writer")->body), to_text(plain->lookup("gemm_writer")->body));
    EXPECT_EQ(reader->attrs.at(attr::TT_CB_DESC).count("BlockMask.element"), 1u);
}

/*! Other shapes of an if on data are located errors naming what differs from the supported one. */
TEST(LowerTTTileIntrinsics, OtherIfsOnDataAreLocatedErrors) {
    auto refused = [](const PrimFunc &f, const std::string &why) {
        return raises(ErrorKind::Validation, why, [&] { lower(make_module({{"gemm", f}})); });
    };
    // Only the gemm under the mask: its operands come from elsewhere.
    EXPECT_TRUE(refused(edit_masked_body([](const std::vector<Stmt> &s) { return std::vector<Stmt>{s[2]}; }),
                        "copies no operand of the T.gemm"));
    // Copies and no gemm.
    EXPECT_TRUE(refused(edit_masked_body([](const std::vector<Stmt> &s) { return std::vector<Stmt>{s[0], s[1]}; }),
                        "does not end with a T.gemm"));
    // One operand loaded under the mask, the other not at all.
    EXPECT_TRUE(refused(edit_masked_body([](const std::vector<Stmt> &s) { return std::vector<Stmt>{s[0], s[2]}; }),
                        "do not fill exactly the two operands"));
    // A gemm that clears the accumulator would differ from skipping it.
    EXPECT_TRUE(refused(edit_masked_body([](const std::vector<Stmt> &s) {
                            const auto *call = s[2].as<EvaluateNode>()->value.as<CallNode>();
                            std::vector<Expr> args = call->args;
                            args[5] = make_bool(true);
                            return std::vector<Stmt>{s[0], s[1],
                                                     EvaluateNode::make(CallNode::make("tl.gemm", args, call->span),
                                                                        s[2]->span)};
                        }),
                        "clear_accum=True"));
}
