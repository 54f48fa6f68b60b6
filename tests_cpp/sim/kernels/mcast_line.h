// Reuse across cores by multicast, as TT-Metalium's matmul_multicore_reuse_mcast does it: one core
// of a line (a row or a column of the grid) reads a block from DRAM and multicasts it into the same
// CB slot of the other cores of the line; two semaphores pace it. Each receiver, once its slot is
// free, tells the sender (increments the sender's semaphore); the sender waits for all of them,
// multicasts the block and then the VALID flag into the receivers' semaphore.
// Runtime arguments, from `first`: is_sender, receivers' rectangle x_start, y_start, x_end, y_end
// (physical), num_receivers, sender x, sender y (physical), sender semaphore id, receiver semaphore id.
#pragma once

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

struct McastLine {
    bool is_sender;
    uint32_t x0, y0, x1, y1, receivers, sender_x, sender_y, sender_sem, receiver_sem;

    static McastLine read(uint32_t first) {
        McastLine l;
        l.is_sender = get_arg_val<uint32_t>(first) != 0;
        l.x0 = get_arg_val<uint32_t>(first + 1);
        l.y0 = get_arg_val<uint32_t>(first + 2);
        l.x1 = get_arg_val<uint32_t>(first + 3);
        l.y1 = get_arg_val<uint32_t>(first + 4);
        l.receivers = get_arg_val<uint32_t>(first + 5);
        l.sender_x = get_arg_val<uint32_t>(first + 6);
        l.sender_y = get_arg_val<uint32_t>(first + 7);
        l.sender_sem = get_semaphore(get_arg_val<uint32_t>(first + 8));
        l.receiver_sem = get_semaphore(get_arg_val<uint32_t>(first + 9));
        return l;
    }

    /*! Fills `tiles` pages of `cb` on every core of the line: the sender by `read_block(l1)` (which
     *  issues the DRAM reads), the receivers by the sender's multicast. */
    template <typename ReadBlock>
    void share(uint32_t cb, uint32_t tiles, ReadBlock read_block) const {
        auto *sender = reinterpret_cast<volatile tt_l1_ptr uint32_t *>(sender_sem);
        auto *receiver = reinterpret_cast<volatile tt_l1_ptr uint32_t *>(receiver_sem);
        cb_reserve_back(cb, tiles);
        const uint32_t l1 = get_write_ptr(cb);
        if (is_sender) {
            read_block(l1);
            noc_async_read_barrier();
            noc_semaphore_wait(sender, receivers);
            noc_semaphore_set(sender, 0);
            noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), tiles * get_tile_size(cb),
                                      receivers);
            // The release's VALID / INVALID (hostdevcommon/common_values.hpp).
            noc_semaphore_set(receiver, VALID);
            noc_semaphore_set_multicast(receiver_sem, get_noc_multicast_addr(x0, y0, x1, y1, receiver_sem),
                                        receivers);
        } else {
            noc_semaphore_set(receiver, INVALID);
            noc_semaphore_inc(get_noc_addr(sender_x, sender_y, sender_sem), 1);
            noc_semaphore_wait(receiver, VALID);
        }
        cb_push_back(cb, tiles);
    }

    /*! For every K block (Kt tiles in blocks of block_k), fills `rows` x `cols` tiles of `cb` on every
     *  core of the line; the sender reads tile (r, c) of the block starting at k0 from page
     *  `page(k0, r, c)` of `t`. Ends once the sender's multicasts have left. */
    template <typename Accessor, typename Page>
    void share_blocks(uint32_t cb, uint32_t Kt, uint32_t block_k, uint32_t rows, uint32_t cols, const Accessor &t,
                      Page page) const {
        const uint32_t tile_bytes = get_tile_size(cb);
        for (uint32_t k0 = 0; k0 < Kt; k0 += block_k)
            share(cb, rows * cols, [&](uint32_t l1) {
                for (uint32_t r = 0; r < rows; ++r)
                    for (uint32_t c = 0; c < cols; ++c, l1 += tile_bytes) noc_async_read_page(page(k0, r, c), t, l1);
            });
        noc_async_write_barrier();
    }
};
