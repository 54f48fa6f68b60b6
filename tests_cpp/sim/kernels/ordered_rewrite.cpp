// One half of a program in which a writer kernel writes page 0 of a DRAM buffer and a reader kernel
// of the same core then reads it, with the ordering between them chosen by an ORDER_<name> define
// (the reader's read carries a "race:<name>" marker). Built with ROLE_WRITER or ROLE_READER.
// CB 2 carries a one-page token from the writer to the reader; semaphore 0 is the other channel.
// Runtime args: the buffer's address.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto buf = TensorAccessor(args, addr);
    constexpr uint32_t data = tt::CBIndex::c_0, token = tt::CBIndex::c_2;
    volatile tt_l1_ptr uint32_t *written = reinterpret_cast<volatile tt_l1_ptr uint32_t *>(get_semaphore(0));
#if defined(ROLE_WRITER)
    cb_reserve_back(data, 1);
    noc_async_read_page(1, buf, get_write_ptr(data));
    noc_async_read_barrier();
    noc_async_write_page(0, buf, get_write_ptr(data));
#if defined(ORDER_token_before_barrier)
    cb_reserve_back(token, 1);
    cb_push_back(token, 1);  // the write may still be in flight
    noc_async_write_barrier();
#else
    noc_async_write_barrier();
#endif
#if defined(ORDER_token)
    cb_reserve_back(token, 1);
    cb_push_back(token, 1);
#elif defined(ORDER_semaphore)
    noc_semaphore_set(written, 1);
#endif
    cb_push_back(data, 1);  // the page goes back to no one else: the writer pops it itself
    cb_wait_front(data, 1);
    cb_pop_front(data, 1);
#elif defined(ROLE_READER)
#if defined(ORDER_token) || defined(ORDER_token_before_barrier)
    cb_wait_front(token, 1);
    cb_pop_front(token, 1);
#elif defined(ORDER_semaphore)
    noc_semaphore_wait_min(written, 1);
#endif
    cb_reserve_back(tt::CBIndex::c_1, 1);
    noc_async_read_page(0, buf, get_write_ptr(tt::CBIndex::c_1));  // race:none race:token_before_barrier
    noc_async_read_barrier();
    cb_push_back(tt::CBIndex::c_1, 1);
    cb_wait_front(tt::CBIndex::c_1, 1);
    cb_pop_front(tt::CBIndex::c_1, 1);
#endif
}
