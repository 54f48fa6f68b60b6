// Multicast matmul, B side and output (RISCV 0): the first core of each grid column reads the
// column's block of B (block_k x block_n tiles, row-major) for every K block and multicasts it down
// the column into CB 1; then every core writes its output block (write_block.h).
// Runtime args: b_addr, c_addr, Kt, block_k, the OutputBlock arguments (Nt, m0, n0, block_m,
// block_n, sub_h, sub_w), then the McastLine arguments (mcast_line.h).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "mcast_line.h"
#include "write_block.h"

void kernel_main() {
    const uint32_t b_addr = get_arg_val<uint32_t>(0), c_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2), block_k = get_arg_val<uint32_t>(3);
    const OutputBlock out = OutputBlock::read(4);
    constexpr auto b_args = TensorAccessorArgs<0>();
    constexpr auto c_args = TensorAccessorArgs<b_args.next_compile_time_args_offset()>();
    McastLine::read(11).share_blocks(tt::CBIndex::c_1, Kt, block_k, block_k, out.block_n,
                                     TensorAccessor(b_args, b_addr), [&](uint32_t k0, uint32_t k, uint32_t n) {
                                         return (k0 + k) * out.Nt + out.n0 + n;
                                     });
    out.write(TensorAccessor(c_args, c_addr));
}
