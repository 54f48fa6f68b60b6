// Reader for reductions: the scaler tile (page 0 of the second tensor) into CB 1 once, unless the
// compute kernel makes it (read_scaler = 0), then tiles [first, first+count) of the input into CB 0.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t input_addr = get_arg_val<uint32_t>(0);
    const uint32_t scaler_addr = get_arg_val<uint32_t>(1);
    const uint32_t first = get_arg_val<uint32_t>(2);
    const uint32_t count = get_arg_val<uint32_t>(3);
    const uint32_t read_scaler = get_arg_val<uint32_t>(4);
    constexpr auto input_args = TensorAccessorArgs<0>();
    constexpr auto scaler_args = TensorAccessorArgs<input_args.next_compile_time_args_offset()>();
    const auto input = TensorAccessor(input_args, input_addr, get_tile_size(tt::CBIndex::c_0));
    const auto scaler = TensorAccessor(scaler_args, scaler_addr, get_tile_size(tt::CBIndex::c_1));

    if (read_scaler) {
        cb_reserve_back(tt::CBIndex::c_1, 1);
        noc_async_read_page(0, scaler, get_write_ptr(tt::CBIndex::c_1));
        noc_async_read_barrier();
        cb_push_back(tt::CBIndex::c_1, 1);
    }
    for (uint32_t t = first; t < first + count; ++t) {
        cb_reserve_back(tt::CBIndex::c_0, 1);
        noc_async_read_page(t, input, get_write_ptr(tt::CBIndex::c_0));
        noc_async_read_barrier();
        cb_push_back(tt::CBIndex::c_0, 1);
    }
}
