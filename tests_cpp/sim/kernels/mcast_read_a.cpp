// Multicast matmul, A side (RISCV 1): the first core of each grid row reads the row's blocks of A
// (block_m x block_k tiles, row-major) for every K block and multicasts them along the row into
// CB 0. A core's output is blocks_m x blocks_n blocks, done in row-major order.
// Runtime args: a_addr, Kt, m0, block_m, block_k, blocks_m, blocks_n, then the McastLine arguments
// (mcast_line.h).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "mcast_line.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0), Kt = get_arg_val<uint32_t>(1), m0 = get_arg_val<uint32_t>(2);
    const uint32_t block_m = get_arg_val<uint32_t>(3), block_k = get_arg_val<uint32_t>(4);
    const uint32_t blocks_m = get_arg_val<uint32_t>(5), blocks_n = get_arg_val<uint32_t>(6);
    const McastLine line = McastLine::read(7);
    constexpr auto a_args = TensorAccessorArgs<0>();
    const auto a = TensorAccessor(a_args, a_addr);
    for (uint32_t i = 0; i < blocks_m; ++i)
        for (uint32_t j = 0; j < blocks_n; ++j)
            line.share_blocks(tt::CBIndex::c_0, Kt, block_k, block_m, block_k, a,
                              [&](uint32_t k0, uint32_t m, uint32_t k) { return (m0 + i * block_m + m) * Kt + k0 + k; });
}
