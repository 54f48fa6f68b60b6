// Multicast reader written with the experimental Device 2.0 objects (same arguments, mcast_args.h,
// and protocol as mcast_reader.cpp): the sender reads tile 0 of X into its CB 0 page, multicasts
// that page to the receivers' CB 0 (the CB as the multicast destination, its write pointer as the
// source through use<WRITE_PTR>) and the VALID flag to their receiver semaphore (raw endpoints);
// every core then reads its own tile of B into CB 1.
#include <cstdint>

#include "experimental/circular_buffer.h"
#include "experimental/endpoints.h"
#include "experimental/noc.h"
#include "experimental/tensor.h"
#include "mcast_args.h"

void kernel_main() {
    const McastArgs a = McastArgs::read();
    experimental::Noc noc(noc_index);
    experimental::CircularBuffer cb_x(tt::CBIndex::c_0);
    experimental::CircularBuffer cb_b(tt::CBIndex::c_1);
    constexpr auto x_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<x_args.next_compile_time_args_offset()>();
    const auto x = TensorAccessor(x_args, a.x_addr);
    const auto b = TensorAccessor(b_args, a.b_addr);

    cb_x.reserve_back(1);
    if (a.is_sender) {
        noc.async_read(x, cb_x, cb_x.get_tile_size(), {.page_id = 0}, {});
        noc.async_read_barrier();
        noc_semaphore_wait(a.sender_sem(), a.num_receivers);
        noc_semaphore_set(a.sender_sem(), 0);
        noc.async_write_multicast(experimental::use<experimental::CircularBuffer::AddrSelector::WRITE_PTR>(cb_x), cb_x,
                                  cb_x.get_tile_size(), a.num_receivers, {},
                                  {.noc_x_start = a.mx0, .noc_y_start = a.my0, .noc_x_end = a.mx1, .noc_y_end = a.my1});
        noc_semaphore_set(a.receiver_sem(), VALID);
        noc.async_write_multicast(experimental::UnicastEndpoint{}, experimental::MulticastEndpoint{}, 4,
                                  a.num_receivers, {.addr = a.receiver_sem_addr},
                                  {.noc_x_start = a.mx0,
                                   .noc_y_start = a.my0,
                                   .noc_x_end = a.mx1,
                                   .noc_y_end = a.my1,
                                   .addr = a.receiver_sem_addr});
        noc.async_write_barrier();
    } else {
        noc_semaphore_set(a.receiver_sem(), INVALID);
        noc_semaphore_inc(get_noc_addr(a.sender_x, a.sender_y, a.sender_sem_addr), 1);
        noc_semaphore_wait(a.receiver_sem(), VALID);
    }
    cb_x.push_back(1);

    cb_b.reserve_back(1);
    noc.async_read(b, cb_b, cb_b.get_tile_size(), {.page_id = a.b_tile}, {});
    noc.async_read_barrier();
    cb_b.push_back(1);
}
