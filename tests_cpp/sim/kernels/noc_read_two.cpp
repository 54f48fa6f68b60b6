// Reader for element-wise binary ops written with the experimental Device 2.0 objects: streams
// tiles [first, first+count) of A and B into CB 0 / CB 1 through an experimental::Noc (A addressed
// by its TensorAccessor, B through a PageView of its accessor). Same arguments as read_two.cpp.
#include <cstdint>

#include "experimental/circular_buffer.h"
#include "experimental/noc.h"
#include "experimental/tensor.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t first = get_arg_val<uint32_t>(2);
    const uint32_t count = get_arg_val<uint32_t>(3);
    experimental::Noc noc;
    experimental::CircularBuffer cb_a(tt::CBIndex::c_0);
    experimental::CircularBuffer cb_b(tt::CBIndex::c_1);
    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, a_addr, cb_a.get_tile_size());
    const auto b = TensorAccessor(b_args, b_addr, cb_b.get_tile_size());
    const PageView b_pages(b);

    for (uint32_t t = first; t < first + count; ++t) {
        cb_a.reserve_back(1);
        cb_b.reserve_back(1);
        noc.async_read(a, cb_a, cb_a.get_tile_size(), {.page_id = t}, {.offset_bytes = 0});
        noc.async_read(b_pages, cb_b, cb_b.get_tile_size(), {.page_id = t}, {});
        noc.async_read_barrier();
        cb_a.push_back(1);
        cb_b.push_back(1);
    }
}
