// Blocked matmul reader: for each K block, one block of A (block_m x block_k tiles, row-major) into
// CB 0 and one block of B (block_k x block_n tiles, row-major) into CB 1.
// Runtime args: a_addr, b_addr, Kt, Nt, m0, n0, block_m, block_n, block_k.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0), b_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2), Nt = get_arg_val<uint32_t>(3);
    const uint32_t m0 = get_arg_val<uint32_t>(4), n0 = get_arg_val<uint32_t>(5);
    const uint32_t block_m = get_arg_val<uint32_t>(6), block_n = get_arg_val<uint32_t>(7), block_k = get_arg_val<uint32_t>(8);
    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, a_addr);
    const auto b = TensorAccessor(b_args, b_addr);
    const uint32_t tile_bytes = get_tile_size(tt::CBIndex::c_0);

    for (uint32_t k0 = 0; k0 < Kt; k0 += block_k) {
        cb_reserve_back(tt::CBIndex::c_0, block_m * block_k);
        uint32_t l1 = get_write_ptr(tt::CBIndex::c_0);
        for (uint32_t m = 0; m < block_m; ++m)
            for (uint32_t k = 0; k < block_k; ++k, l1 += tile_bytes) noc_async_read_page((m0 + m) * Kt + k0 + k, a, l1);
        cb_reserve_back(tt::CBIndex::c_1, block_k * block_n);
        l1 = get_write_ptr(tt::CBIndex::c_1);
        for (uint32_t k = 0; k < block_k; ++k)
            for (uint32_t n = 0; n < block_n; ++n, l1 += tile_bytes) noc_async_read_page((k0 + k) * Nt + n0 + n, b, l1);
        noc_async_read_barrier();
        cb_push_back(tt::CBIndex::c_0, block_m * block_k);
        cb_push_back(tt::CBIndex::c_1, block_k * block_n);
    }
}
