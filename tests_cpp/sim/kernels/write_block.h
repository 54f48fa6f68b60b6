// A core's block of output tiles and its writing to C: the block_m x block_n tiles at (m0, n0) of a
// C Nt tiles wide arrive in CB 16 as sub_h x sub_w subblocks in (sh, sw) order (the order
// matmul_blocked.cpp packs them). Runtime arguments, from `first`: Nt, m0, n0, block_m, block_n,
// sub_h, sub_w.
#pragma once

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

struct OutputBlock {
    uint32_t Nt, m0, n0, block_m, block_n, sub_h, sub_w;

    static OutputBlock read(uint32_t first) {
        OutputBlock b;
        uint32_t *fields[] = {&b.Nt, &b.m0, &b.n0, &b.block_m, &b.block_n, &b.sub_h, &b.sub_w};
        for (uint32_t i = 0; i < 7; ++i) *fields[i] = get_arg_val<uint32_t>(first + i);
        return b;
    }

    template <typename Accessor>
    void write(const Accessor &c) const {
        const uint32_t tile_bytes = get_tile_size(tt::CBIndex::c_16);
        for (uint32_t sh = 0; sh < block_m / sub_h; ++sh)
            for (uint32_t sw = 0; sw < block_n / sub_w; ++sw) {
                cb_wait_front(tt::CBIndex::c_16, sub_h * sub_w);
                uint32_t l1 = get_read_ptr(tt::CBIndex::c_16);
                for (uint32_t h = 0; h < sub_h; ++h)
                    for (uint32_t w = 0; w < sub_w; ++w, l1 += tile_bytes)
                        noc_async_write_page((m0 + sh * sub_h + h) * Nt + n0 + sw * sub_w + w, c, l1);
                noc_async_write_barrier();
                cb_pop_front(tt::CBIndex::c_16, sub_h * sub_w);
            }
    }
};
