// One tile of CB 0 (and CB 1) into DST and packed to CB 16, through the path UNPACK_OP names:
// COPY (copy_tile: straight into DST when CB 0 is UnpackToDestFp32, else through srcA), ADD
// (add_tiles: both operands through the source registers), TRANSPOSE (transpose_wh_tile: srcA).
#include <cstdint>

#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/transpose_wh.h"

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    constexpr auto in0 = tt::CBIndex::c_0;
    constexpr auto in1 = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(in0, in1, out);
#if defined(UNPACK_COPY)
    copy_tile_to_dst_init_short(in0);
#elif defined(UNPACK_ADD)
    add_tiles_init(in0, in1);
#else
    transpose_wh_init_short(in0);
#endif
    for (uint32_t t = 0; t < count; ++t) {
        cb_wait_front(in0, 1);
        cb_wait_front(in1, 1);
        tile_regs_acquire();
#if defined(UNPACK_COPY)
        copy_tile(in0, 0, 0);  // marker: copy
#elif defined(UNPACK_ADD)
        add_tiles(in0, in1, 0, 0, 0);  // marker: add
#else
        transpose_wh_tile(in0, 0, 0);
#endif
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
