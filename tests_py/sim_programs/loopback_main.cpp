// A TT-Metalium host program (Mesh API) run by tests_py/test_sim_host.py: copies a DRAM buffer
// through L1 on two cores with tests_cpp/sim/kernels/dram_copy.cpp and checks the result.
#include <cstdio>
#include <vector>

#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>

using namespace tt::tt_metal;

int main() {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    distributed::MeshCommandQueue &cq = mesh->mesh_command_queue();
    constexpr uint32_t pages = 6, page_size = 1024;
    distributed::DeviceLocalBufferConfig dram{.page_size = page_size, .buffer_type = BufferType::DRAM};
    auto src = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = pages * page_size}, dram, mesh.get());
    auto dst = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = pages * page_size}, dram, mesh.get());
    std::vector<uint32_t> input(pages * page_size / 4);
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint32_t>(i * 7 + 3);
    distributed::EnqueueWriteMeshBuffer(cq, src, input, false);

    Program program = CreateProgram();
    CoreRange cores({0, 0}, {1, 0});
    CreateCircularBuffer(program, cores,
                         CircularBufferConfig(2 * page_size, {{tt::CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(tt::CBIndex::c_0, page_size));
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*dst).append_to(ct);
    KernelHandle copy = CreateKernel(program, "dram_copy.cpp", cores,
                                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                        .noc = NOC::RISCV_0_default,
                                                        .compile_args = ct});
    for (uint32_t x = 0; x < 2; ++x)
        SetRuntimeArgs(program, copy, CoreCoord{x, 0},
                       {static_cast<uint32_t>(src->address()), static_cast<uint32_t>(dst->address()), x * pages / 2, pages / 2});

    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh->shape()), std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    std::vector<uint32_t> output;
    distributed::EnqueueReadMeshBuffer(cq, output, dst, true);
    mesh->close();
    const bool ok = output == input;
    std::printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
