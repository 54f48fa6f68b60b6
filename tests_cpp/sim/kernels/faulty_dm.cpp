// Data-movement kernel with one deliberate protocol error, chosen by a FAULT_<name> define. Each
// faulty call carries a "fault:<name>" marker that the tests use to find its line.
// CB 0 holds 2 pages of the buffer's tiles; runtime args: buffer address, then 3 more words.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto buf = TensorAccessor(args, addr);
    constexpr uint32_t cb = tt::CBIndex::c_0;

#if defined(FAULT_push_without_reserve)
    cb_push_back(cb, 1);  // fault:push_without_reserve
#elif defined(FAULT_pop_beyond_available)
    cb_reserve_back(cb, 1);
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    cb_pop_front(cb, 2);  // fault:pop_beyond_available
#elif defined(FAULT_cb_overflow)
    cb_reserve_back(cb, 3);  // fault:cb_overflow
#elif defined(FAULT_l1_out_of_bounds)
    noc_async_read(get_noc_addr_from_bank_id<true>(0, addr), 0x7ffff000, 2048);  // fault:l1_out_of_bounds
#elif defined(FAULT_dram_outside_buffer)
    cb_reserve_back(cb, 1);
    noc_async_read(get_noc_addr_from_bank_id<true>(0, addr + (1u << 24)), get_write_ptr(cb), 2048);  // fault:dram_outside_buffer
#elif defined(FAULT_tile_size_of_no_cb)
    const uint32_t operand = get_arg_val<uint32_t>(1) + 40;  // a run-time value: not a constant expression
    DPRINT << get_tile_size(operand) << ENDL();  // fault:tile_size_of_no_cb
#elif defined(FAULT_runtime_arg_out_of_range)
    const uint32_t missing = get_arg_val<uint32_t>(7);  // fault:runtime_arg_out_of_range
    (void)missing;
#elif defined(FAULT_ends_with_reserved)
    cb_reserve_back(cb, 1);  // fault:ends_with_reserved
#elif defined(FAULT_deadlock)
    cb_wait_front(cb, 1);  // fault:deadlock
#elif defined(FAULT_push_before_barrier)
    cb_reserve_back(cb, 1);
    noc_async_read_page(0, buf, get_write_ptr(cb));
    cb_push_back(cb, 1);  // fault:push_before_barrier
#elif defined(FAULT_pop_before_write_barrier)
    cb_reserve_back(cb, 1);
    noc_async_read_page(0, buf, get_write_ptr(cb));
    noc_async_read_barrier();
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    noc_async_write_page(1, buf, get_read_ptr(cb));
    cb_pop_front(cb, 1);  // fault:pop_before_write_barrier
#elif defined(FAULT_page_beyond_buffer)
    cb_reserve_back(cb, 1);
    noc_async_read_page(4, buf, get_write_ptr(cb));  // fault:page_beyond_buffer
#elif defined(FAULT_mcast_num_dests)
    cb_reserve_back(cb, 1);
    const uint32_t l1 = get_write_ptr(cb);
    noc_async_write_multicast(l1, get_noc_multicast_addr(my_x[0] + 1, my_y[0], my_x[0] + 1, my_y[0], l1), 2048, 2);  // fault:mcast_num_dests
#elif defined(FAULT_mcast_sender_in_rectangle)
    cb_reserve_back(cb, 1);
    const uint32_t l1 = get_write_ptr(cb);
    noc_async_write_multicast(l1, get_noc_multicast_addr(my_x[0], my_y[0], my_x[0] + 1, my_y[0], l1), 2048, 1);  // fault:mcast_sender_in_rectangle
#elif defined(FAULT_semaphore_deadlock)
    volatile tt_l1_ptr uint32_t *sem = reinterpret_cast<volatile tt_l1_ptr uint32_t *>(get_semaphore(0));
    noc_semaphore_wait(sem, 1);  // fault:semaphore_deadlock
#else
#error "define FAULT_<name>"
#endif
}
