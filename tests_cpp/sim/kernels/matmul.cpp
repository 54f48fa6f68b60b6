// Matmul compute: `count` output tiles, each the sum over Kt of A x B tile products in DST[0].
#include <cstdint>

#include "api/compute/matmul.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    const uint32_t Kt = get_arg_val<uint32_t>(1);
    constexpr auto in0 = tt::CBIndex::c_0;
    constexpr auto in1 = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;

    mm_init(in0, in1, out);
    for (uint32_t t = 0; t < count; ++t) {
        tile_regs_acquire();
        for (uint32_t k = 0; k < Kt; ++k) {
            cb_wait_front(in0, 1);
            cb_wait_front(in1, 1);
            matmul_tiles(in0, in1, 0, 0, 0);
            cb_pop_front(in0, 1);
            cb_pop_front(in1, 1);
        }
        tile_regs_commit();
        cb_reserve_back(out, 1);
        tile_regs_wait();
        pack_tile(0, out);
        tile_regs_release();
        cb_push_back(out, 1);
    }
}
