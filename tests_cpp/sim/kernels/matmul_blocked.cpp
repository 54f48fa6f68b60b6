// Blocked matmul compute with output subblocks: the block_m x block_n output is computed in
// sub_h x sub_w subblocks (each fits DST). Partial sums of every K block but the last go to CB 24
// and are reloaded with copy_tile before the next K block accumulates onto them.
// A core computes num_blocks such output blocks, one after the other.
// Compile args: num_k_blocks, block_m, block_n, block_k, sub_h, sub_w, num_blocks.
#include <cstdint>

#include "api/compute/matmul.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t num_k_blocks = get_compile_time_arg_val(0);
    constexpr uint32_t block_m = get_compile_time_arg_val(1);
    constexpr uint32_t block_n = get_compile_time_arg_val(2);
    constexpr uint32_t block_k = get_compile_time_arg_val(3);
    constexpr uint32_t sub_h = get_compile_time_arg_val(4);
    constexpr uint32_t sub_w = get_compile_time_arg_val(5);
    constexpr uint32_t num_blocks = get_compile_time_arg_val(6);
    constexpr uint32_t sub_tiles = sub_h * sub_w;
    constexpr auto in0 = tt::CBIndex::c_0;
    constexpr auto in1 = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;
    constexpr auto partials = tt::CBIndex::c_24;

    mm_init(in0, in1, out);
    for (uint32_t block = 0; block < num_blocks; ++block) {
        for (uint32_t kb = 0; kb < num_k_blocks; ++kb) {
            const bool last = kb + 1 == num_k_blocks;
            cb_wait_front(in0, block_m * block_k);
            cb_wait_front(in1, block_k * block_n);
            for (uint32_t sh = 0; sh < block_m / sub_h; ++sh) {
                for (uint32_t sw = 0; sw < block_n / sub_w; ++sw) {
                    tile_regs_acquire();
                    if (kb > 0) {
                        copy_tile_to_dst_init_short(partials);
                        cb_wait_front(partials, sub_tiles);
                        for (uint32_t i = 0; i < sub_tiles; ++i) copy_tile(partials, i, i);
                        cb_pop_front(partials, sub_tiles);
                        mm_init_short(in0, in1);
                    }
                    for (uint32_t h = 0; h < sub_h; ++h)
                        for (uint32_t w = 0; w < sub_w; ++w)
                            for (uint32_t k = 0; k < block_k; ++k)
                                matmul_tiles(in0, in1, (sh * sub_h + h) * block_k + k, k * block_n + sw * sub_w + w, h * sub_w + w);
                    tile_regs_commit();
                    const uint32_t dest = last ? out : partials;
                    cb_reserve_back(dest, sub_tiles);
                    tile_regs_wait();
                    for (uint32_t i = 0; i < sub_tiles; ++i) pack_tile(i, dest);
                    tile_regs_release();
                    cb_push_back(dest, sub_tiles);
                }
            }
            cb_pop_front(in0, block_m * block_k);
            cb_pop_front(in1, block_k * block_n);
        }
    }
}
