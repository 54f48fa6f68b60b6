// One reduction of `count` tiles of CB 0 into DST 0 with reduce_tile (kind and direction from the
// REDUCE_OP / REDUCE_DIM defines, enforce_fp32_accumulation from ENFORCE_FP32), weighted by the
// scaler tile in CB 1, packed to CB 16. As in tt-metal's reduce kernels the pack comes before
// reduce_uninit, under the packer's edge mask; UNINIT_BEFORE_PACK packs the whole DST tile instead.
// With FILL_SCALER the kernel fills the scaler tile with ones itself (fill_tile, then pack).
#include <cstdint>

#include "api/compute/eltwise_unary/fill.h"
#include "api/compute/reduce.h"

#ifndef ENFORCE_FP32
#define ENFORCE_FP32 false
#endif

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    constexpr auto in = tt::CBIndex::c_0;
    constexpr auto scaler = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;

#if FILL_SCALER
    compute_kernel_hw_startup(in, scaler, scaler);
    fill_tile_init();
    cb_reserve_back(scaler, 1);
    tile_regs_acquire();
    fill_tile(0, 1.0f);
    tile_regs_commit();
    tile_regs_wait();
    pack_tile(0, scaler);
    tile_regs_release();
    cb_push_back(scaler, 1);
#endif

    reduce_init<REDUCE_OP, REDUCE_DIM, ENFORCE_FP32>(in, scaler, out);
    cb_wait_front(scaler, 1);
    tile_regs_acquire();
    for (uint32_t t = 0; t < count; ++t) {
        cb_wait_front(in, 1);
        reduce_tile<REDUCE_OP, REDUCE_DIM, ENFORCE_FP32>(in, scaler, 0, 0, 0);
        cb_pop_front(in, 1);
    }
#if UNINIT_BEFORE_PACK
    reduce_uninit<ENFORCE_FP32>(in);
#endif
    tile_regs_commit();
    cb_reserve_back(out, 1);
    tile_regs_wait();
    pack_tile(0, out);
    tile_regs_release();
    cb_push_back(out, 1);
#if !UNINIT_BEFORE_PACK
    reduce_uninit<ENFORCE_FP32>(in);
#endif
    cb_pop_front(scaler, 1);
}
