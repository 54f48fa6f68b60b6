// Reader for unary ops: streams tiles [first, first+count) of one tensor into CB 0.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "api/debug/dprint.h"

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0);
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto src = TensorAccessor(args, addr);
    DPRINT << "read_one: tiles " << first << ".." << first + count << ENDL();
    for (uint32_t t = first; t < first + count; ++t) {
        cb_reserve_back(tt::CBIndex::c_0, 1);
        noc_async_read_page(t, src, get_write_ptr(tt::CBIndex::c_0));
        noc_async_read_barrier();
        cb_push_back(tt::CBIndex::c_0, 1);
    }
}
