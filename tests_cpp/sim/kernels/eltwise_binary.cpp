// Element-wise binary op over `count` tile pairs; the op comes from the BINARY_OP define
// (add_tiles / sub_tiles / mul_tiles) and BINARY_INIT (its init); RELEASE_DST_AFTER_ROUND adds a
// release_dst() after each DST round.
#include <cstdint>

#include "api/compute/eltwise_binary.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    constexpr auto in0 = tt::CBIndex::c_0;
    constexpr auto in1 = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;

    binary_op_init_common(in0, in1, out);
    BINARY_INIT(in0, in1);
    for (uint32_t t = 0; t < count; ++t) {
        cb_wait_front(in0, 1);
        cb_wait_front(in1, 1);
        tile_regs_acquire();
        BINARY_OP(in0, in1, 0, 0, 0);
        tile_regs_commit();
        cb_pop_front(in0, 1);
        cb_pop_front(in1, 1);

        cb_reserve_back(out, 1);
        tile_regs_wait();
        pack_tile(0, out);
        tile_regs_release();
        cb_push_back(out, 1);
#if defined(RELEASE_DST_AFTER_ROUND)
        // The deprecated pair's release after a full round, as tt-metal's vecadd_multi_core does: a no-op.
        release_dst();
#endif
    }
}
