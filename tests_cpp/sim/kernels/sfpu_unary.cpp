// SFPU unary ops, one per input tile: tile t gets op t of the list below, each right after its
// own init, applied to the tile copied into DST 0.
#include <cstdint>

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/erf_erfc.h"
#include "api/compute/tile_move_copy.h"

namespace {

constexpr uint32_t kQuarter = 0x3e800000;    // 0.25f
constexpr uint32_t kMinusHalf = 0xbf000000;  // -0.5f

void apply(uint32_t op) {
    switch (op) {
    case 0: erf_tile_init(); erf_tile(0); break;
    case 1: erfc_tile_init(); erfc_tile(0); break;
    case 2: exp2_tile_init(); exp2_tile(0); break;
    case 3: log_tile_init(); log_tile(0); break;
    case 4: tanh_tile_init(); tanh_tile(0); break;
    case 5: sigmoid_tile_init(); sigmoid_tile(0); break;
    case 6: silu_tile_init(); silu_tile(0); break;
    case 7: square_tile_init(); square_tile(0); break;
    case 8: abs_tile_init(); abs_tile(0); break;
    case 9: unary_max_tile_init(); unary_max_tile(0, kQuarter); break;
    default: unary_min_tile_init(); unary_min_tile(0, kMinusHalf); break;
    }
}

}  // namespace

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    constexpr auto in = tt::CBIndex::c_0;
    constexpr auto out = tt::CBIndex::c_16;

    init_sfpu(in, out);
    for (uint32_t t = 0; t < count; ++t) {
        cb_wait_front(in, 1);
        tile_regs_acquire();
        copy_tile(in, 0, 0);
        apply(t);
        tile_regs_commit();
        cb_pop_front(in, 1);

        cb_reserve_back(out, 1);
        tile_regs_wait();
        pack_tile(0, out);
        tile_regs_release();
        cb_push_back(out, 1);
    }
}
