// Padded copy, compute: moves each tile through DST slot 0 into OUTPUT_CB (a define the host
// program sets).
#include <cstdint>

#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_x = tt::CBIndex::c_0;

    compute_kernel_hw_startup(cb_x, OUTPUT_CB);
    copy_tile_init(cb_x);
    for (uint32_t tile = 0; tile < num_tiles; ++tile) {
        cb_wait_front(cb_x, 1);
        tile_regs_acquire();
        copy_tile(cb_x, 0, 0);
        tile_regs_commit();
        cb_pop_front(cb_x, 1);
        cb_reserve_back(OUTPUT_CB, 1);
        tile_regs_wait();
        pack_tile(0, OUTPUT_CB);
        tile_regs_release();
        cb_push_back(OUTPUT_CB, 1);
    }
}
