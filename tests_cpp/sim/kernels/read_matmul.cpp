// Matmul reader for a work split over output tiles: for output tiles [first, first+count) of C
// (row-major over Mt x Nt), streams the Kt tile pairs A(m, k), B(k, n) into CB 0 / CB 1.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2);
    const uint32_t Nt = get_arg_val<uint32_t>(3);
    const uint32_t first = get_arg_val<uint32_t>(4);
    const uint32_t count = get_arg_val<uint32_t>(5);
    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, a_addr);
    const auto b = TensorAccessor(b_args, b_addr);

    for (uint32_t id = first; id < first + count; ++id) {
        const uint32_t m = id / Nt, n = id % Nt;
        for (uint32_t k = 0; k < Kt; ++k) {
            cb_reserve_back(tt::CBIndex::c_0, 1);
            noc_async_read_page(m * Kt + k, a, get_write_ptr(tt::CBIndex::c_0));
            cb_reserve_back(tt::CBIndex::c_1, 1);
            noc_async_read_page(k * Nt + n, b, get_write_ptr(tt::CBIndex::c_1));
            noc_async_read_barrier();
            cb_push_back(tt::CBIndex::c_0, 1);
            cb_push_back(tt::CBIndex::c_1, 1);
        }
    }
}
