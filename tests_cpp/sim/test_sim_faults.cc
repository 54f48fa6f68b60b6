// Faulty TT-Metalium programs: each must fail with a SimulationError that names the core, the
// kernel and the source line of the faulty call (found through its "fault:<name>" marker).
#include <fstream>

#include "ir/diagnostics.h"
#include "sim_test_util.h"

namespace sim_test {
namespace {

const ::testing::Environment *const kEnv = ::testing::AddGlobalTestEnvironment(new SimEnvironment);

struct Fault {
    const char *kernel;  ///< faulty_dm.cpp or faulty_compute.cpp
    const char *name;
    const char *expect;  ///< a phrase the message must contain
};

int marker_line(const std::string &path, const std::string &name, const std::string &kind = "fault:") {
    std::ifstream in(path);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(kind + name) != std::string::npos && line.find(kind + name + "_") == std::string::npos) return n;
    return -1;
}

/*! Builds the fault's program on core (0,0); compute faults get a reader feeding CB 0 / CB 1. */
void run_fault(const Fault &f) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto buf = dram_tiles(*mesh, 4);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), buf, random_bf16(4 * 1024, 11));
    Program program = CreateProgram();
    const CoreRange cores({0, 0}, {1, 0});
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) bf16_cb(program, cores, cb, 2);
    bf16_cb(program, cores, tt::CBIndex::c_17, 2, tt::DataFormat::Float32);
    CreateSemaphore(program, cores, 0);
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*buf).append_to(ct);
    const std::map<std::string, std::string> defines = {{std::string("FAULT_") + f.name, "1"}};
    const uint32_t addr = static_cast<uint32_t>(buf->address());
    const CoreCoord core{0, 0};
    if (std::string(f.kernel) == "faulty_dm.cpp") {
        auto k = CreateKernel(program, kernel(f.kernel), core,
                              DataMovementConfig{.processor = DataMovementProcessor::RISCV_1, .compile_args = ct, .defines = defines});
        SetRuntimeArgs(program, k, core, {addr, 0, 0, 0});
    } else {
        std::vector<uint32_t> rct = ct;
        TensorAccessorArgs(*buf).append_to(rct);
        auto reader = CreateKernel(program, kernel("read_two.cpp"), core, ReaderDataMovementConfig(rct));
        SetRuntimeArgs(program, reader, core, {addr, addr, 0, 1});
        CreateKernel(program, kernel(f.kernel), core, ComputeConfig{.defines = defines});
    }
    run(*mesh, std::move(program));
}

class SimFaults : public ::testing::TestWithParam<Fault> {};

TEST_P(SimFaults, ReportsCoreKernelAndLine) {
    const Fault &f = GetParam();
    const std::string path = kernel(f.kernel);
    const int line = marker_line(path, f.name);
    ASSERT_GT(line, 0) << "no marker for " << f.name;
    try {
        run_fault(f);
        FAIL() << "expected a SimulationError for " << f.name;
    } catch (const tt::Error &e) {
        const std::string what = e.what();
        EXPECT_EQ(e.kind(), tt::ErrorKind::Simulation) << what;
        EXPECT_NE(what.find("core (0,0)"), std::string::npos) << what;
        EXPECT_NE(what.find(f.kernel), std::string::npos) << what;
        EXPECT_NE(what.find(f.expect), std::string::npos) << what;
        EXPECT_EQ(e.span().line, line) << what;
        EXPECT_NE(e.span().file.find(f.kernel), std::string::npos) << what;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Protocol, SimFaults,
    ::testing::Values(Fault{"faulty_dm.cpp", "push_without_reserve", "missing cb_reserve_back"},
                      Fault{"faulty_dm.cpp", "pop_beyond_available", "only 1 are available"},
                      Fault{"faulty_dm.cpp", "cb_overflow", "CB overflow"},
                      Fault{"faulty_dm.cpp", "l1_out_of_bounds", "L1 out of bounds"},
                      Fault{"faulty_dm.cpp", "dram_outside_buffer", "outside every DRAM buffer"},
                      Fault{"faulty_dm.cpp", "tile_size_of_no_cb", "get_tile_size: cb index 40 is out of range"},
                      Fault{"faulty_dm.cpp", "runtime_arg_out_of_range", "runtime argument index 7 is out of range"},
                      Fault{"faulty_dm.cpp", "ends_with_reserved", "reserved but never pushed"},
                      Fault{"faulty_dm.cpp", "deadlock", "deadlock"},
                      Fault{"faulty_dm.cpp", "push_before_barrier", "missing noc_async_read_barrier"},
                      Fault{"faulty_dm.cpp", "pop_before_write_barrier", "missing noc_async_write_barrier"},
                      Fault{"faulty_dm.cpp", "page_beyond_buffer", "page 4 is beyond the 4 pages"},
                      Fault{"faulty_dm.cpp", "mcast_num_dests", "num_dests is 2"},
                      Fault{"faulty_dm.cpp", "mcast_sender_in_rectangle", "lies in the rectangle"},
                      Fault{"faulty_dm.cpp", "semaphore_deadlock", "noc_semaphore_wait"},
                      Fault{"faulty_compute.cpp", "matmul_without_init", "call mm_init"},
                      Fault{"faulty_compute.cpp", "math_before_acquire", "before tile_regs_acquire"},
                      Fault{"faulty_compute.cpp", "dst_beyond_capacity", "DST capacity of 8 tiles"},
                      Fault{"faulty_compute.cpp", "pack_before_commit", "pack before tile_regs_commit"},
                      Fault{"faulty_compute.cpp", "tile_not_waited", "only 1 page(s) were waited for"},
                      Fault{"faulty_compute.cpp", "sfpu_without_init", "without exp_tile_init"},
                      Fault{"faulty_compute.cpp", "pack_format_mismatch", "pack_reconfig_data_format"},
                      Fault{"faulty_compute.cpp", "commit_without_acquire", "was not acquired"},
                      Fault{"faulty_compute.cpp", "binary_max_without_init", "without binary_max_tile_init"},
                      Fault{"faulty_compute.cpp", "sfpu_dst_beyond_capacity", "DST capacity of 8 tiles"},
                      Fault{"faulty_compute.cpp", "sfpu_after_reduce_init", "after reduce_init without reduce_uninit"},
                      Fault{"faulty_compute.cpp", "unary_bcast_without_init", "call unary_bcast_init first"},
                      Fault{"faulty_compute.cpp", "unary_bcast_other_broadcast", "differs from unary_bcast_init"},
                      Fault{"faulty_compute.cpp", "unary_bcast_dst_beyond_capacity", "DST index 9"},
                      Fault{"faulty_compute.cpp", "reduce_other_accumulation", "enforce_fp32_accumulation differs"},
                      Fault{"faulty_compute.cpp", "read_unfilled_page", "pushed without filling it"},
                      Fault{"faulty_compute.cpp", "where_format_mismatch", "DataFormat::Float32 while DST holds 16-bit"},
                      Fault{"faulty_compute.cpp", "l1_acc_onto_unwritten_page", "which holds no packed tile"},
                      Fault{"faulty_compute.cpp", "matmul_block_other_dims", "differ from the init's 2, 1, 1"},
                      Fault{"faulty_compute.cpp", "matmul_tiles_after_block_init", "call mm_init_short before"}),
    [](const ::testing::TestParamInfo<Fault> &info) { return std::string(info.param.name); });

/*! A writer kernel writes page 0 of a buffer, a reader kernel of the same core then reads it,
 *  ordered as ordered_rewrite.cpp's ORDER_<order> says. The simulator runs the writer first, so
 *  the read sees the write here whatever the order; on the device it need not. */
void run_rewrite(const std::string &order) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto buf = dram_tiles(*mesh, 2);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), buf, random_bf16(2 * 1024, 12));
    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_2}) bf16_cb(program, core, cb, 1);
    CreateSemaphore(program, core, 0);
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*buf).append_to(ct);
    const uint32_t addr = static_cast<uint32_t>(buf->address());
    for (const char *role : {"ROLE_WRITER", "ROLE_READER"}) {
        const std::map<std::string, std::string> defines = {{role, "1"}, {"ORDER_" + order, "1"}};
        const auto processor = std::string(role) == "ROLE_WRITER" ? DataMovementProcessor::RISCV_0
                                                                  : DataMovementProcessor::RISCV_1;
        auto k = CreateKernel(program, kernel("ordered_rewrite.cpp"), core,
                              DataMovementConfig{.processor = processor, .compile_args = ct, .defines = defines});
        SetRuntimeArgs(program, k, core, {addr});
    }
    run(*mesh, std::move(program));
}

TEST(SimRaces, AReadOfAnotherKernelsWriteNeedsAnOrderAfterItsBarrier) {
    const std::string path = kernel("ordered_rewrite.cpp");
    for (const std::string order : {"none", "token_before_barrier"}) {
        try {
            run_rewrite(order);
            ADD_FAILURE() << "expected a SimulationError for ORDER_" << order;
        } catch (const tt::Error &e) {
            const std::string what = e.what();
            EXPECT_EQ(e.kind(), tt::ErrorKind::Simulation) << what;
            EXPECT_NE(what.find("reads DRAM bytes that"), std::string::npos) << what;
            EXPECT_NE(what.find("ordered_rewrite.cpp:20"), std::string::npos) << what;  // the writer's write
            EXPECT_EQ(e.span().line, marker_line(path, order, "race:")) << what;
        }
    }
    for (const std::string order : {"token", "semaphore"}) EXPECT_NO_THROW(run_rewrite(order)) << order;
}

}  // namespace
}  // namespace sim_test
