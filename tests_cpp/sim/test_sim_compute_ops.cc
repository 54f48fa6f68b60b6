// Compute calls of element-wise and reduction kernels, run on the simulator and checked against
// independently computed values: SFPU unary ops (erf, erfc, exp2, log, tanh, sigmoid, silu, square,
// abs, unary_max, unary_min), binary_max / binary_min of two DST tiles, unary_bcast in each
// broadcast, and reduce_tile: sums and maxima along rows and columns, accumulation across tiles,
// which part of the scaler tile weights the reduction, the packer's edge mask, and what fp32 DST
// does to a row reduction.
#include <tt-metalium/tilize_utils.hpp>

#include "sim_test_util.h"

namespace sim_test {
namespace {

const ::testing::Environment *const kEnv = ::testing::AddGlobalTestEnvironment(new SimEnvironment);

using Tile = std::vector<float>;  ///< one 32x32 tile, row-major

/*! A DRAM buffer holding `tiles` (row-major each) as the device stores them: bf16, tilized. */
std::shared_ptr<distributed::MeshBuffer> upload(distributed::MeshDevice &mesh, const std::vector<Tile> &tiles) {
    std::vector<bfloat16> faces;
    for (const Tile &t : tiles) {
        const auto tilized = tilize_nfaces(std::vector<bfloat16>(t.begin(), t.end()), 32, 32);
        faces.insert(faces.end(), tilized.begin(), tilized.end());
    }
    auto buffer = dram_tiles(mesh, static_cast<uint32_t>(tiles.size()));
    distributed::EnqueueWriteMeshBuffer(mesh.mesh_command_queue(), buffer, faces);
    return buffer;
}

/*! The tiles of `buffer`, row-major each. */
std::vector<Tile> download(distributed::MeshDevice &mesh, std::shared_ptr<distributed::MeshBuffer> buffer) {
    std::vector<bfloat16> faces;
    distributed::EnqueueReadMeshBuffer(mesh.mesh_command_queue(), faces, buffer);
    std::vector<Tile> tiles;
    for (size_t t = 0; t < faces.size() / 1024; ++t) {
        const std::vector<bfloat16> tile(faces.begin() + t * 1024, faces.begin() + (t + 1) * 1024);
        tiles.push_back(to_float(untilize_nfaces(tile, 32, 32)));
    }
    return tiles;
}

/*! Streams `inputs` (one or two tensors of whole tiles) through `compute` on core (0,0) and returns
 *  the output tiles. */
std::vector<Tile> stream(const std::vector<std::vector<Tile>> &inputs, const std::string &compute) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    const uint32_t tiles = static_cast<uint32_t>(inputs[0].size());
    std::vector<std::shared_ptr<distributed::MeshBuffer>> in_buffers;  // alive until the program ran
    std::vector<uint32_t> rct, wct, reader_args;
    for (const std::vector<Tile> &tensor : inputs) {
        in_buffers.push_back(upload(*mesh, tensor));
        TensorAccessorArgs(*in_buffers.back()).append_to(rct);
        reader_args.push_back(uint32_t(in_buffers.back()->address()));
    }
    reader_args.insert(reader_args.end(), {0, tiles});
    auto out_buffer = dram_tiles(*mesh, tiles);
    TensorAccessorArgs(*out_buffer).append_to(wct);
    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) bf16_cb(program, core, cb, 2);
    const char *reader_kernel = inputs.size() == 2 ? "read_two.cpp" : "read_one.cpp";
    auto reader = CreateKernel(program, kernel(reader_kernel), core, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_tiles.cpp"), core, WriterDataMovementConfig(wct));
    auto comp = CreateKernel(program, kernel(compute), core, ComputeConfig{});
    SetRuntimeArgs(program, reader, core, reader_args);
    SetRuntimeArgs(program, writer, core, {uint32_t(out_buffer->address()), 0, tiles});
    SetRuntimeArgs(program, comp, core, {tiles});
    run(*mesh, std::move(program));
    return download(*mesh, out_buffer);
}

/*! A tile of bf16-representable values drawn uniformly from [lo, hi]. */
Tile random_tile(unsigned seed, float lo, float hi) {
    return to_float(random_bf16(1024, seed, lo, hi));
}

/*! A tile of small integers in [lo, hi], so sums of a few tiles are exact in bf16 and fp32. */
Tile integer_tile(unsigned seed, int lo, int hi) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> dist(lo, hi);
    Tile t(1024);
    for (float &v : t) v = static_cast<float>(dist(rng));
    return t;
}

float bf16(double v) {
    return bfloat16(static_cast<float>(v)).to_float();
}

TEST(SimComputeOps, SfpuUnaryOpsComputeTheFunctionRoundedToDst) {
    struct Op {
        const char *name;
        double (*reference)(double);
        float lo, hi;
    };
    const std::vector<Op> ops = {
        {"erf", [](double x) { return std::erf(x); }, -3, 3},
        {"erfc", [](double x) { return std::erfc(x); }, -3, 3},
        {"exp2", [](double x) { return std::exp2(x); }, -8, 8},
        {"log", [](double x) { return std::log(x); }, 0.01f, 100},
        {"tanh", [](double x) { return std::tanh(x); }, -4, 4},
        {"sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); }, -8, 8},
        {"silu", [](double x) { return x / (1 + std::exp(-x)); }, -8, 8},
        {"square", [](double x) { return x * x; }, -10, 10},
        {"abs", [](double x) { return std::fabs(x); }, -10, 10},
        {"unary_max(x, 0.25)", [](double x) { return std::max(x, 0.25); }, -1, 1},
        {"unary_min(x, -0.5)", [](double x) { return std::min(x, -0.5); }, -1, 1},
    };
    std::vector<Tile> inputs;
    for (size_t i = 0; i < ops.size(); ++i) inputs.push_back(random_tile(100 + i, ops[i].lo, ops[i].hi));
    const std::vector<Tile> outputs = stream({inputs}, "sfpu_unary.cpp");
    for (size_t op = 0; op < ops.size(); ++op)
        for (int i = 0; i < 1024; ++i) {
            // Computed in float, then rounded to bf16 once: within half a bf16 ulp (2^-8 relative).
            const double want = ops[op].reference(inputs[op][i]);
            ASSERT_NEAR(outputs[op][i], want, std::fabs(want) / 256 + 1e-30) << ops[op].name << " of " << inputs[op][i];
        }
}

TEST(SimComputeOps, BinaryMaxAndMinOfTwoDstTiles) {
    const std::vector<Tile> a = {random_tile(1, -1, 1), random_tile(2, -1, 1)};
    const std::vector<Tile> b = {random_tile(3, -1, 1), random_tile(4, -1, 1)};
    const std::vector<Tile> out = stream({a, b}, "sfpu_binary.cpp");
    for (int i = 0; i < 1024; ++i) {
        ASSERT_EQ(out[0][i], std::max(a[0][i], b[0][i])) << i;
        ASSERT_EQ(out[1][i], std::min(a[1][i], b[1][i])) << i;
    }
}

TEST(SimComputeOps, UnaryBcastReplicatesColumnRowOrElement) {
    std::vector<Tile> in;
    for (unsigned t = 0; t < 4; ++t) in.push_back(random_tile(10 + t, -4, 4));
    const std::vector<Tile> out = stream({in}, "unary_bcast.cpp");
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c) {
            const int i = r * 32 + c;
            ASSERT_EQ(out[0][i], in[0][r * 32]) << "COL at " << r << "," << c;
            ASSERT_EQ(out[1][i], in[1][c]) << "ROW at " << r << "," << c;
            ASSERT_EQ(out[2][i], in[2][0]) << "SCALAR at " << r << "," << c;
            ASSERT_EQ(out[3][i], in[3][i]) << "NONE at " << r << "," << c;
        }
}

/*! One reduction program: reduce_tiles.cpp over `inputs` with the scaler tile `scaler` (none: the
 *  kernel fills a tile of ones itself). Returns the packed DST tile, row-major. */
struct Reduction {
    std::string op = "PoolType::SUM", dim = "ReduceDim::REDUCE_ROW";
    bool uninit_before_pack = false, fp32_dest = false, enforce_fp32 = false;

    Tile reduce(const std::vector<Tile> &inputs, const Tile &scaler) const {
        auto mesh = distributed::MeshDevice::create_unit_mesh(0);
        const uint32_t tiles = static_cast<uint32_t>(inputs.size());
        auto in_buffer = upload(*mesh, inputs), out_buffer = dram_tiles(*mesh, 1);
        // With no scaler the buffer holds an unused tile and the reader skips it.
        auto scaler_buffer = upload(*mesh, {scaler.empty() ? Tile(1024, 0.0f) : scaler});
        Program program = CreateProgram();
        const CoreCoord core{0, 0};
        for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) bf16_cb(program, core, cb, 2);
        std::vector<uint32_t> rct, wct;
        TensorAccessorArgs(*in_buffer).append_to(rct);
        TensorAccessorArgs(*scaler_buffer).append_to(rct);
        TensorAccessorArgs(*out_buffer).append_to(wct);
        auto reader = CreateKernel(program, kernel("read_reduce.cpp"), core, ReaderDataMovementConfig(rct));
        auto writer = CreateKernel(program, kernel("write_tiles.cpp"), core, WriterDataMovementConfig(wct));
        const std::map<std::string, std::string> defines = {{"REDUCE_OP", op},
                                                            {"REDUCE_DIM", dim},
                                                            {"ENFORCE_FP32", enforce_fp32 ? "true" : "false"},
                                                            {"UNINIT_BEFORE_PACK", uninit_before_pack ? "1" : "0"},
                                                            {"FILL_SCALER", scaler.empty() ? "1" : "0"}};
        auto compute = CreateKernel(program, kernel("reduce_tiles.cpp"), core,
                                    ComputeConfig{.fp32_dest_acc_en = fp32_dest, .defines = defines});
        const uint32_t read_scaler = scaler.empty() ? 0 : 1;
        SetRuntimeArgs(program, reader, core,
                       {uint32_t(in_buffer->address()), uint32_t(scaler_buffer->address()), 0, tiles, read_scaler});
        SetRuntimeArgs(program, writer, core, {uint32_t(out_buffer->address()), 0, 1});
        SetRuntimeArgs(program, compute, core, {tiles});
        run(*mesh, std::move(program));
        return download(*mesh, out_buffer)[0];
    }
};

/*! Weight of input element (r, c) when reducing along rows (`along_rows`) or columns: element r%16
 *  (columns) or c%16 (rows) of row 0 of the scaler's face that holds (r, c). */
float weight(const Tile &scaler, int r, int c, bool along_rows) {
    const int face_row = (r / 16) * 16, face_col = (c / 16) * 16;
    return scaler[face_row * 32 + face_col + (along_rows ? c % 16 : r % 16)];
}

struct Expected {
    std::vector<double> value;      ///< one per output row (REDUCE_ROW) or column (REDUCE_COL)
    std::vector<double> magnitude;  ///< sum of |terms|: what the rounding error is measured against
};

/*! Weighted sums (or maxima) of every input row (`along_rows`) or column over all tiles. */
Expected reference(const std::vector<Tile> &inputs, const Tile &scaler, bool along_rows, bool is_max) {
    Expected e{std::vector<double>(32, is_max ? -INFINITY : 0.0), std::vector<double>(32, 0.0)};
    for (const Tile &t : inputs)
        for (int r = 0; r < 32; ++r)
            for (int c = 0; c < 32; ++c) {
                const int k = along_rows ? r : c;
                const double term = double(t[r * 32 + c]) * weight(scaler, r, c, along_rows);
                e.value[k] = is_max ? std::max(e.value[k], term) : e.value[k] + term;
                e.magnitude[k] += std::fabs(term);
            }
    return e;
}

Tile filled(float v) {
    return Tile(1024, v);
}

/*! What tt-metal's generate_reduce_scaler writes: `v` in row 0 of each face, zero elsewhere. */
Tile face_row0_scaler(float v) {
    Tile t(1024, 0.0f);
    for (int face_row : {0, 16})
        for (int c = 0; c < 32; ++c) t[face_row * 32 + c] = v;
    return t;
}

/*! Checks a packed reduction: the result column 0 (rows) or row 0 (columns) within `steps` DST
 *  roundings of the reference, and zero everywhere else (the packer's edge mask). */
void expect_reduced(const Tile &got, const Expected &want, bool along_rows, int steps) {
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c) {
            const bool result = along_rows ? c == 0 : r == 0;
            const float v = got[r * 32 + c];
            if (!result) {
                ASSERT_EQ(v, 0.0f) << "outside the result at " << r << "," << c;
                continue;
            }
            const int k = along_rows ? r : c;
            ASSERT_NEAR(v, want.value[k], steps * want.magnitude[k] / 256 + 1e-6)
                << (along_rows ? "row " : "column ") << k;
        }
}

TEST(SimComputeOps, ReduceSumAccumulatesAcrossTilesAlongRowsAndColumns) {
    const std::vector<Tile> inputs = {random_tile(20, -1, 1), random_tile(21, -1, 1), random_tile(22, -1, 1)};
    const Tile ones = filled(1.0f);
    for (bool along_rows : {true, false}) {
        Reduction sum;
        sum.dim = along_rows ? "ReduceDim::REDUCE_ROW" : "ReduceDim::REDUCE_COL";
        // Two faces per tile accumulate in 16-bit DST, then the bf16 pack: 7 roundings.
        expect_reduced(sum.reduce(inputs, ones), reference(inputs, ones, along_rows, false), along_rows, 7);
    }
}

TEST(SimComputeOps, ReduceMaxOfNegativeValuesStartsFromTheFirstTileNotFromZero) {
    // DST that nothing wrote since tile_regs_acquire reads as -inf for the max pool.
    const std::vector<Tile> inputs = {random_tile(30, -8, -1), random_tile(31, -8, -1)};
    const Tile ones = filled(1.0f);
    for (bool along_rows : {true, false}) {
        Reduction max;
        max.op = "PoolType::MAX";
        max.dim = along_rows ? "ReduceDim::REDUCE_ROW" : "ReduceDim::REDUCE_COL";
        expect_reduced(max.reduce(inputs, ones), reference(inputs, ones, along_rows, true), along_rows, 0);
    }
}

TEST(SimComputeOps, ReduceReadsOnlyRowZeroOfEachScalerFace) {
    const std::vector<Tile> inputs = {integer_tile(40, -4, 4), integer_tile(41, -4, 4)};
    Reduction sum;
    // A tile of ones (as fill_tile makes it in the kernel) and ones in row 0 of each face only
    // (tt-metal's generate_reduce_scaler) give the same exact sums.
    const Expected plain = reference(inputs, filled(1.0f), true, false);
    expect_reduced(sum.reduce(inputs, {}), plain, true, 0);
    expect_reduced(sum.reduce(inputs, face_row0_scaler(1.0f)), plain, true, 0);
    // Each weight scales its column of the face: 0.5 halves every sum.
    const Tile halves = face_row0_scaler(0.5f);
    expect_reduced(sum.reduce(inputs, halves), reference(inputs, halves, true, false), true, 0);
    // A scaler with only element [0][0] set weights column 0 of face 0 and nothing else: on the
    // hardware too, row r < 16 gets input[r][0] and rows 16..31 get zero.
    Tile corner(1024, 0.0f);
    corner[0] = 1.0f;
    const Tile got = sum.reduce(inputs, corner);
    for (int r = 0; r < 32; ++r) ASSERT_EQ(got[r * 32], r < 16 ? inputs[0][r * 32] + inputs[1][r * 32] : 0.0f) << r;
    // The max pool uses only the weight's power of two: 3.0 doubles the maxima.
    Reduction max;
    max.op = "PoolType::MAX";
    const Tile threes = face_row0_scaler(3.0f);
    expect_reduced(max.reduce(inputs, threes), reference(inputs, face_row0_scaler(2.0f), true, true), true, 0);
}

TEST(SimComputeOps, ReduceScalarAppliesTheScalerTwice) {
    const std::vector<Tile> inputs = {random_tile(50, -1, 1)};
    Reduction scalar;
    scalar.dim = "ReduceDim::REDUCE_SCALAR";
    const Tile got = scalar.reduce(inputs, face_row0_scaler(0.5f));
    double sum = 0, magnitude = 0;
    for (float v : inputs[0]) sum += v, magnitude += std::fabs(v);
    // Four face pools and the final one round in DST, then the pack.
    ASSERT_NEAR(got[0], 0.25 * sum, 6 * 0.25 * magnitude / 256);
    for (int i = 1; i < 1024; ++i) ASSERT_EQ(got[i], 0.0f) << i;
}

TEST(SimComputeOps, ReducedDstHoldsStaleDataOutsideTheResultAfterReduceUninit) {
    // Packing after reduce_uninit shows the whole DST tile: REDUCE_ROW leaves the results in column
    // 0 and in row 0 of faces 0 and 2 (the accumulator form) and stale srcB rows in the rest of
    // those faces; REDUCE_COL's sum pool writes three stale rows under row 0.
    const std::vector<Tile> inputs = {integer_tile(60, -4, 4)};
    const Tile ones = filled(1.0f);
    Reduction rows;
    rows.uninit_before_pack = true;
    const Tile got = rows.reduce(inputs, ones);
    const Expected want = reference(inputs, ones, true, false);
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c) {
            const float v = got[r * 32 + c];
            if (c >= 16) {
                ASSERT_EQ(v, 0.0f) << r << "," << c;
            } else if (c == 0) {
                ASSERT_EQ(v, want.value[r]) << r;
            } else if (r % 16 == 0) {
                ASSERT_EQ(v, want.value[r + c]) << r << "," << c;
            } else {
                ASSERT_TRUE(std::isnan(v)) << r << "," << c;
            }
        }
    Reduction columns = rows;
    columns.dim = "ReduceDim::REDUCE_COL";
    const Tile col = columns.reduce(inputs, ones);
    const Expected col_want = reference(inputs, ones, false, false);
    for (int c = 0; c < 32; ++c) {
        ASSERT_EQ(col[c], col_want.value[c]) << c;
        for (int r = 1; r < 4; ++r) ASSERT_TRUE(std::isnan(col[r * 32 + c])) << r << "," << c;
        for (int r = 4; r < 32; ++r) ASSERT_EQ(col[r * 32 + c], 0.0f) << r << "," << c;
    }
}

TEST(SimComputeOps, ReduceRowWithFp32DstTruncatesItsResultUnlessFp32AccumulationIsEnforced) {
    // Row 0 and column 0 both sum to 259 = 130 + 129 (exact in fp32, not in bf16). The row
    // reduction's transpose moves fp32 DST through srcB, truncating to bf16 (258); with
    // enforce_fp32_accumulation it moves exactly, and the bf16 pack rounds 259 to even (260), as does
    // 16-bit DST on its second accumulation.
    Tile t(1024, 0.0f);
    t[0] = 130;
    t[16] = 129;
    t[16 * 32] = 129;
    const Tile ones = filled(1.0f);
    Reduction row;
    EXPECT_EQ(row.reduce({t}, ones)[0], 260.0f);
    row.fp32_dest = true;
    EXPECT_EQ(row.reduce({t}, ones)[0], 258.0f);
    row.enforce_fp32 = true;
    EXPECT_EQ(row.reduce({t}, ones)[0], 260.0f);
    Reduction column;
    column.dim = "ReduceDim::REDUCE_COL";
    column.fp32_dest = true;
    EXPECT_EQ(column.reduce({t}, ones)[0], 260.0f);
}

}  // namespace
}  // namespace sim_test
