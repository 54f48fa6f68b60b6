/*! \file sim_test_util.h
 *  \brief Helpers shared by the simulator's GoogleTest programs: kernel paths, random bf16 data,
 *  a float golden matmul and the Pearson correlation the bf16 checks use. */
#pragma once

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>

namespace sim_test {

using namespace tt::tt_metal;

/*! \brief Absolute path of a test kernel. */
inline std::string kernel(const std::string &name) {
    return std::string(TT_SIM_TEST_KERNELS) + "/" + name;
}

/*! \brief Keeps the kernel cache inside the build tree and selects the n150 device. */
class SimEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        setenv("TT_SIM_CACHE_DIR", TT_SIM_TEST_CACHE, 0);
        setenv("TT_SIM_DEVICE", "n150", 0);
    }
};

inline std::vector<bfloat16> random_bf16(size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<bfloat16> v(n);
    for (bfloat16 &x : v) x = bfloat16(dist(rng));
    return v;
}

/*! \brief C = A x B in float from row-major bf16 inputs. */
inline std::vector<float> golden_matmul(const std::vector<bfloat16> &a, const std::vector<bfloat16> &b, uint32_t M,
                                        uint32_t N, uint32_t K) {
    std::vector<float> c(size_t(M) * N, 0.0f);
    for (uint32_t i = 0; i < M; ++i)
        for (uint32_t k = 0; k < K; ++k) {
            const float av = a[size_t(i) * K + k].to_float();
            for (uint32_t j = 0; j < N; ++j) c[size_t(i) * N + j] += av * b[size_t(k) * N + j].to_float();
        }
    return c;
}

inline double pcc(const std::vector<float> &x, const std::vector<float> &y) {
    double mx = 0, my = 0;
    for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
    mx /= x.size();
    my /= y.size();
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

inline std::vector<float> to_float(const std::vector<bfloat16> &v) {
    std::vector<float> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) out[i] = v[i].to_float();
    return out;
}

/*! \brief A DRAM buffer of `tiles` bf16 tiles, one tile per page. */
inline std::shared_ptr<distributed::MeshBuffer> dram_tiles(distributed::MeshDevice &mesh, uint32_t tiles) {
    return distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{tiles * 2048ull},
                                           distributed::DeviceLocalBufferConfig{2048, BufferType::DRAM}, &mesh);
}

/*! \brief A bf16 CB of `pages` tiles at `index` on `cores`. */
inline void bf16_cb(Program &program, const std::variant<CoreCoord, CoreRange, CoreRangeSet> &cores, uint8_t index, uint32_t pages,
                    tt::DataFormat format = tt::DataFormat::Float16_b) {
    const uint32_t tile = tt::tile_size(format);
    CreateCircularBuffer(program, cores, CircularBufferConfig(pages * tile, {{index, format}}).set_page_size(index, tile));
}

/*! \brief Runs one program on the mesh's queue. */
inline void run(distributed::MeshDevice &mesh, Program &&program) {
    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh.shape()), std::move(program));
    distributed::EnqueueMeshWorkload(mesh.mesh_command_queue(), workload, true);
}

}  // namespace sim_test
