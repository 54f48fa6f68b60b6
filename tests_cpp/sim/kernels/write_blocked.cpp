// Blocked matmul writer: output subblocks arrive in (sh, sw) order in CB 16; each tile goes to its
// place in C. Runtime args: c_addr, Nt, m0, n0, block_m, block_n, sub_h, sub_w.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t c_addr = get_arg_val<uint32_t>(0), Nt = get_arg_val<uint32_t>(1);
    const uint32_t m0 = get_arg_val<uint32_t>(2), n0 = get_arg_val<uint32_t>(3);
    const uint32_t block_m = get_arg_val<uint32_t>(4), block_n = get_arg_val<uint32_t>(5);
    const uint32_t sub_h = get_arg_val<uint32_t>(6), sub_w = get_arg_val<uint32_t>(7);
    constexpr auto c_args = TensorAccessorArgs<0>();
    const auto c = TensorAccessor(c_args, c_addr);
    const uint32_t tile_bytes = get_tile_size(tt::CBIndex::c_16);

    for (uint32_t sh = 0; sh < block_m / sub_h; ++sh)
        for (uint32_t sw = 0; sw < block_n / sub_w; ++sw) {
            cb_wait_front(tt::CBIndex::c_16, sub_h * sub_w);
            uint32_t l1 = get_read_ptr(tt::CBIndex::c_16);
            for (uint32_t h = 0; h < sub_h; ++h)
                for (uint32_t w = 0; w < sub_w; ++w, l1 += tile_bytes)
                    noc_async_write_page((m0 + sh * sub_h + h) * Nt + n0 + sw * sub_w + w, c, l1);
            noc_async_write_barrier();
            cb_pop_front(tt::CBIndex::c_16, sub_h * sub_w);
        }
}
