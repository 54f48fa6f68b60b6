// unary_bcast of four input tiles, one broadcast each: column 0 of tile 0 (COL), row 0 of tile 1
// (ROW), element [0][0] of tile 2 (SCALAR), tile 3 unchanged (NONE). The first is set by
// unary_bcast_init, the others by reconfigure_unary_bcast.
#include <cstdint>

#include "api/compute/bcast.h"

namespace {

constexpr auto in = tt::CBIndex::c_0;
constexpr auto out = tt::CBIndex::c_16;

template <BroadcastType bcast_type>
void broadcast_one_tile() {
    cb_wait_front(in, 1);
    tile_regs_acquire();
    unary_bcast<bcast_type>(in, 0, 0);
    tile_regs_commit();
    cb_pop_front(in, 1);

    cb_reserve_back(out, 1);
    tile_regs_wait();
    pack_tile(0, out);
    tile_regs_release();
    cb_push_back(out, 1);
}

}  // namespace

void kernel_main() {
    unary_bcast_init<BroadcastType::COL>(in, out);
    broadcast_one_tile<BroadcastType::COL>();
    reconfigure_unary_bcast<BroadcastType::COL, BroadcastType::ROW>(in, in, out, out);
    broadcast_one_tile<BroadcastType::ROW>();
    reconfigure_unary_bcast<BroadcastType::ROW, BroadcastType::SCALAR>(in, in, out, out);
    broadcast_one_tile<BroadcastType::SCALAR>();
    reconfigure_unary_bcast<BroadcastType::SCALAR, BroadcastType::NONE>(in, in, out, out);
    broadcast_one_tile<BroadcastType::NONE>();
    unary_bcast_uninit<BroadcastType::NONE>(in);
}
