// Padded copy, reader: streams this core's tiles of X into c_0.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t total_tiles = get_compile_time_arg_val(0);
    constexpr auto x_layout = TensorAccessorArgs<1>();
    const uint32_t x_address = get_arg_val<uint32_t>(0);
    const uint32_t first_tile = get_arg_val<uint32_t>(1);
    const uint32_t num_tiles = get_arg_val<uint32_t>(2);
    constexpr uint32_t cb_x = tt::CBIndex::c_0;
    const auto x = TensorAccessor(x_layout, x_address, get_tile_size(cb_x));

    for (uint32_t tile = first_tile; tile < first_tile + num_tiles && tile < total_tiles; ++tile) {
        cb_reserve_back(cb_x, 1);
        noc_async_read_page(tile, x, get_write_ptr(cb_x));
        noc_async_read_barrier();
        cb_push_back(cb_x, 1);
    }
}
