// Copy compute kernel whose CB protocol goes through experimental::CircularBuffer objects (their
// compute-side variant): `count` tiles from CB 0 to CB 16. It DPRINTs the first 32-bit word of each
// input tile as read_tile_value sees it, and whether get_tile_address agrees with get_read_ptr
// (16-byte units on the compute side).
#include <cstdint>

#include "api/compute/common.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/tile_move_copy.h"
#include "experimental/circular_buffer.h"

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    experimental::CircularBuffer cb_in(tt::CBIndex::c_0);
    experimental::CircularBuffer cb_out(tt::CBIndex::c_16);

    init_sfpu(cb_in.get_cb_id(), cb_out.get_cb_id());
    copy_tile_init(cb_in.get_cb_id());
    for (uint32_t t = 0; t < count; ++t) {
        cb_in.wait_front(1);
        const bool address_agrees = cb_in.get_tile_address(0) == cb_in.get_read_ptr() << 4;
        DPRINT << "tile " << t << " word " << cb_in.read_tile_value(0, 0) << " address " << address_agrees << ENDL();
        tile_regs_acquire();
        copy_tile(cb_in.get_cb_id(), 0, 0);
        tile_regs_commit();
        cb_out.reserve_back(1);
        tile_regs_wait();
        pack_tile(0, cb_out.get_cb_id());
        tile_regs_release();
        cb_out.push_back(1);
        cb_in.pop_front(1);
    }
}
