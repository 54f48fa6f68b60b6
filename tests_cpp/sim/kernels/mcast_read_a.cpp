// Multicast matmul, A side (RISCV 1): the first core of each grid row reads the row's block of A
// (block_m x block_k tiles, row-major) for every K block and multicasts it along the row into CB 0.
// Runtime args: a_addr, Kt, m0, block_m, block_k, then the McastLine arguments (mcast_line.h).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "mcast_line.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0), Kt = get_arg_val<uint32_t>(1), m0 = get_arg_val<uint32_t>(2);
    const uint32_t block_m = get_arg_val<uint32_t>(3), block_k = get_arg_val<uint32_t>(4);
    constexpr auto a_args = TensorAccessorArgs<0>();
    McastLine::read(5).share_blocks(tt::CBIndex::c_0, Kt, block_k, block_m, block_k, TensorAccessor(a_args, a_addr),
                                    [&](uint32_t k0, uint32_t m, uint32_t k) { return (m0 + m) * Kt + k0 + k; });
}
