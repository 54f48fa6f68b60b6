// Each core counts the pages of a sharded tensor that live in its own L1 (is_local_page), adds up
// their ids, and checks that is_local_addr of each page's NoC address agrees; it writes
// {count, id sum, agreements} as page `core_id` of an interleaved result buffer.
// Runtime args: sharded address, number of pages, result address, core id.
// Compile args: the sharded tensor's accessor, then the result's.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t sharded_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_pages = get_arg_val<uint32_t>(1);
    const uint32_t result_addr = get_arg_val<uint32_t>(2);
    const uint32_t core_id = get_arg_val<uint32_t>(3);
    constexpr uint32_t cb = tt::CBIndex::c_0;

    constexpr auto sharded_args = TensorAccessorArgs<0>();
    constexpr auto result_args = TensorAccessorArgs<sharded_args.next_compile_time_args_offset()>();
    const auto sharded = TensorAccessor(sharded_args, sharded_addr);
    const auto result = TensorAccessor(result_args, result_addr);

    uint32_t local = 0, id_sum = 0, agreements = 0;
    for (uint32_t page = 0; page < num_pages; ++page) {
        const bool here = sharded.is_local_page(page);
        local += here;
        id_sum += here ? page : 0;
        agreements += sharded.is_local_addr(sharded.get_noc_addr(page)) == here;
    }
    cb_reserve_back(cb, 1);
    volatile uint32_t *out = reinterpret_cast<volatile uint32_t *>(get_write_ptr(cb));
    out[0] = local;
    out[1] = id_sum;
    out[2] = agreements;
    noc_async_write_page(core_id, result, get_write_ptr(cb));
    noc_async_write_barrier();
    cb_push_back(cb, 1);
}
