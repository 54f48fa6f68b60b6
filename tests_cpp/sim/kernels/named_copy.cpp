// Copies pages [first, first + count) of one interleaved buffer to another through CB 0, where first
// and count are named compile-time arguments. Runtime args: src address, dst address.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t dst_addr = get_arg_val<uint32_t>(1);
    constexpr uint32_t first = get_named_compile_time_arg_val("first");
    constexpr uint32_t count = get_named_compile_time_arg_val("count");
    constexpr uint32_t cb = tt::CBIndex::c_0;

    constexpr auto src_args = TensorAccessorArgs<0>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto src = TensorAccessor(src_args, src_addr);
    const auto dst = TensorAccessor(dst_args, dst_addr);

    for (uint32_t page = first; page < first + count; ++page) {
        cb_reserve_back(cb, 1);
        noc_async_read_page(page, src, get_write_ptr(cb));
        noc_async_read_barrier();
        cb_push_back(cb, 1);

        cb_wait_front(cb, 1);
        noc_async_write_page(page, dst, get_read_ptr(cb));
        noc_async_write_barrier();
        cb_pop_front(cb, 1);
    }
}
