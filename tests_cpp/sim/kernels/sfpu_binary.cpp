// SFPU max and min of two DST tiles: for tile pair t, DST 0 = in0 tile, DST 1 = in1 tile, then
// DST 0 = binary_max (even t) or binary_min (odd t) of the two.
#include <cstdint>

#include "api/compute/binary_max_min.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    constexpr auto in0 = tt::CBIndex::c_0;
    constexpr auto in1 = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;

    init_sfpu(in0, out);
    for (uint32_t t = 0; t < count; ++t) {
        cb_wait_front(in0, 1);
        cb_wait_front(in1, 1);
        tile_regs_acquire();
        copy_tile_to_dst_init_short(in0);
        copy_tile(in0, 0, 0);
        copy_tile_to_dst_init_short(in1);
        copy_tile(in1, 0, 1);
        if (t % 2 == 0) {
            binary_max_tile_init();
            binary_max_tile(0, 1, 0);
        } else {
            binary_min_tile_init();
            binary_min_tile(0, 1, 0);
        }
        tile_regs_commit();
        cb_pop_front(in0, 1);
        cb_pop_front(in1, 1);

        cb_reserve_back(out, 1);
        tile_regs_wait();
        pack_tile(0, out);
        tile_regs_release();
        cb_push_back(out, 1);
    }
}
