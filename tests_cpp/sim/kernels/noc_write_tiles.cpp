// Writer written with the experimental Device 2.0 objects: drains CB 16 into tiles
// [first, first+count) of the output tensor through an experimental::Noc. Same arguments as
// write_tiles.cpp.
#include <cstdint>

#include "experimental/circular_buffer.h"
#include "experimental/noc.h"
#include "experimental/tensor.h"

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0);
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    experimental::Noc noc;
    experimental::CircularBuffer cb_out(tt::CBIndex::c_16);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto dst = TensorAccessor(args, addr, cb_out.get_tile_size());
    for (uint32_t t = first; t < first + count; ++t) {
        cb_out.wait_front(1);
        noc.async_write(cb_out, dst, cb_out.get_tile_size(), {}, {.page_id = t});
        noc.async_writes_flushed();
        cb_out.pop_front(1);
    }
    noc.async_write_barrier();
}
