// Writer: drains CB 16 into tiles [first, first+count) of the output tensor.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0);
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    constexpr auto args = TensorAccessorArgs<0>();
    const auto dst = TensorAccessor(args, addr, get_tile_size(cb_out));
    for (uint32_t t = first; t < first + count; ++t) {
        cb_wait_front(cb_out, 1);
        noc_async_write_page(t, dst, get_read_ptr(cb_out));
        noc_async_writes_flushed();
        cb_pop_front(cb_out, 1);
    }
    noc_async_write_barrier();
}
