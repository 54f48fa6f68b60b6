// SFPU chain per tile: y = recip(1 + exp(relu(x))) computed in DST (relu, exp, add 1.0, recip).
#include <cstdint>

#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/recip.h"
#include "api/compute/eltwise_unary/relu.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t count = get_arg_val<uint32_t>(0);
    constexpr auto in = tt::CBIndex::c_0;
    constexpr auto out = tt::CBIndex::c_16;
    constexpr uint32_t one = 0x3f800000;  // 1.0f

    init_sfpu(in, out);
    relu_tile_init();
    exp_tile_init<APPROX>();
    binop_with_scalar_tile_init();
    recip_tile_init();
    for (uint32_t t = 0; t < count; ++t) {
        cb_wait_front(in, 1);
        tile_regs_acquire();
        copy_tile(in, 0, 0);
        relu_tile(0);
        exp_tile<APPROX>(0);
        add_unary_tile(0, one);
        recip_tile(0);
        tile_regs_commit();
        cb_pop_front(in, 1);

        cb_reserve_back(out, 1);
        tile_regs_wait();
        pack_tile(0, out);
        tile_regs_release();
        cb_push_back(out, 1);
    }
}
