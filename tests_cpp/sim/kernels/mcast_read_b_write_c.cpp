// Multicast matmul, B side and output (RISCV 0): the first core of each grid column reads the
// column's blocks of B (block_k x block_n tiles, row-major) for every K block and multicasts them
// down the column into CB 1; after each output block's K blocks, every core writes that block
// (write_block.h). A core's output is blocks_m x blocks_n blocks, done in row-major order.
// Runtime args: b_addr, c_addr, Kt, block_k, blocks_m, blocks_n, the OutputBlock arguments of the
// core's first block (Nt, m0, n0, block_m, block_n, sub_h, sub_w), then the McastLine arguments
// (mcast_line.h).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "mcast_line.h"
#include "write_block.h"

void kernel_main() {
    const uint32_t b_addr = get_arg_val<uint32_t>(0), c_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2), block_k = get_arg_val<uint32_t>(3);
    const uint32_t blocks_m = get_arg_val<uint32_t>(4), blocks_n = get_arg_val<uint32_t>(5);
    const OutputBlock first = OutputBlock::read(6);
    const McastLine line = McastLine::read(13);
    constexpr auto b_args = TensorAccessorArgs<0>();
    constexpr auto c_args = TensorAccessorArgs<b_args.next_compile_time_args_offset()>();
    const auto b = TensorAccessor(b_args, b_addr);
    const auto c = TensorAccessor(c_args, c_addr);
    for (uint32_t i = 0; i < blocks_m; ++i)
        for (uint32_t j = 0; j < blocks_n; ++j) {
            OutputBlock out = first;
            out.m0 += i * first.block_m;
            out.n0 += j * first.block_n;
            line.share_blocks(tt::CBIndex::c_1, Kt, block_k, block_k, out.block_n, b,
                              [&](uint32_t k0, uint32_t k, uint32_t n) { return (k0 + k) * out.Nt + out.n0 + n; });
            out.write(c);
        }
}
