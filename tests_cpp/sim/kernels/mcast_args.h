// The runtime arguments of the multicast readers (mcast_reader.cpp with the classic calls,
// noc_mcast_reader.cpp with the experimental objects): x_addr, b_addr, b_tile, is_sender, mcast
// x_start, y_start, x_end, y_end (physical), num_receivers, sender x, sender y (physical), sender
// semaphore id, receiver semaphore id. The semaphores come as their L1 addresses.
#pragma once

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

struct McastArgs {
    uint32_t x_addr, b_addr, b_tile;
    bool is_sender;
    uint32_t mx0, my0, mx1, my1;
    uint32_t num_receivers;
    uint32_t sender_x, sender_y;
    uint32_t sender_sem_addr, receiver_sem_addr;

    static McastArgs read() {
        McastArgs a;
        a.x_addr = get_arg_val<uint32_t>(0);
        a.b_addr = get_arg_val<uint32_t>(1);
        a.b_tile = get_arg_val<uint32_t>(2);
        a.is_sender = get_arg_val<uint32_t>(3) != 0;
        a.mx0 = get_arg_val<uint32_t>(4);
        a.my0 = get_arg_val<uint32_t>(5);
        a.mx1 = get_arg_val<uint32_t>(6);
        a.my1 = get_arg_val<uint32_t>(7);
        a.num_receivers = get_arg_val<uint32_t>(8);
        a.sender_x = get_arg_val<uint32_t>(9);
        a.sender_y = get_arg_val<uint32_t>(10);
        a.sender_sem_addr = get_semaphore(get_arg_val<uint32_t>(11));
        a.receiver_sem_addr = get_semaphore(get_arg_val<uint32_t>(12));
        return a;
    }
    volatile tt_l1_ptr uint32_t *sender_sem() const {
        return reinterpret_cast<volatile tt_l1_ptr uint32_t *>(sender_sem_addr);
    }
    volatile tt_l1_ptr uint32_t *receiver_sem() const {
        return reinterpret_cast<volatile tt_l1_ptr uint32_t *>(receiver_sem_addr);
    }
};
