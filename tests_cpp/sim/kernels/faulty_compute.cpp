// Compute kernel with one deliberate protocol error, chosen by a FAULT_<name> define; faulty calls
// carry a "fault:<name>" marker. CB 0 and CB 1 hold input tiles, CB 16 and CB 17 are outputs.
#include <cstdint>

// reduce.h's default template arguments name these, as in the release.
#define REDUCE_OP PoolType::SUM
#define REDUCE_DIM ReduceDim::REDUCE_ROW

#include "api/compute/bcast.h"
#include "api/compute/binary_max_min.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/where.h"
#include "api/compute/matmul.h"
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr auto in0 = tt::CBIndex::c_0;
    constexpr auto in1 = tt::CBIndex::c_1;
    constexpr auto out = tt::CBIndex::c_16;

#if defined(FAULT_matmul_without_init)
    cb_wait_front(in0, 1);
    cb_wait_front(in1, 1);
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 0);  // fault:matmul_without_init
#else
    mm_init(in0, in1, out);
    cb_wait_front(in0, 1);
    cb_wait_front(in1, 1);
#if defined(FAULT_math_before_acquire)
    matmul_tiles(in0, in1, 0, 0, 0);  // fault:math_before_acquire
#elif defined(FAULT_dst_beyond_capacity)
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 8);  // fault:dst_beyond_capacity
#elif defined(FAULT_pack_before_commit)
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 0);
    cb_reserve_back(out, 1);
    pack_tile(0, out);  // fault:pack_before_commit
#elif defined(FAULT_tile_not_waited)
    tile_regs_acquire();
    matmul_tiles(in0, in1, 1, 0, 0);  // fault:tile_not_waited
#elif defined(FAULT_sfpu_without_init)
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 0);
    exp_tile(0);  // fault:sfpu_without_init
#elif defined(FAULT_pack_format_mismatch)
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(tt::CBIndex::c_17, 1);
    pack_tile(0, tt::CBIndex::c_17);  // fault:pack_format_mismatch
#elif defined(FAULT_commit_without_acquire)
    tile_regs_commit();  // fault:commit_without_acquire
#elif defined(FAULT_binary_max_without_init)
    tile_regs_acquire();
    binary_max_tile(0, 1, 0);  // fault:binary_max_without_init
#elif defined(FAULT_sfpu_dst_beyond_capacity)
    binary_min_tile_init();
    tile_regs_acquire();
    binary_min_tile(0, 8, 0);  // fault:sfpu_dst_beyond_capacity
#elif defined(FAULT_sfpu_after_reduce_init)
    reduce_init(in0, in1, out);
    unary_max_tile_init();
    tile_regs_acquire();
    unary_max_tile(0, 0);  // fault:sfpu_after_reduce_init
#elif defined(FAULT_unary_bcast_without_init)
    tile_regs_acquire();
    unary_bcast<BroadcastType::COL>(in0, 0, 0);  // fault:unary_bcast_without_init
#elif defined(FAULT_unary_bcast_other_broadcast)
    unary_bcast_init<BroadcastType::COL>(in0, out);
    tile_regs_acquire();
    unary_bcast<BroadcastType::ROW>(in0, 0, 0);  // fault:unary_bcast_other_broadcast
#elif defined(FAULT_unary_bcast_dst_beyond_capacity)
    unary_bcast_init<BroadcastType::ROW>(in0, out);
    tile_regs_acquire();
    unary_bcast<BroadcastType::ROW>(in0, 0, 9);  // fault:unary_bcast_dst_beyond_capacity
#elif defined(FAULT_reduce_other_accumulation)
    reduce_init(in0, in1, out);
    tile_regs_acquire();
    reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW, true>(in0, in1, 0, 0, 0);  // fault:reduce_other_accumulation
#elif defined(FAULT_read_unfilled_page)
    copy_tile_init(out);
    cb_reserve_back(out, 1);
    cb_push_back(out, 1);  // pushed, but nothing wrote the page
    cb_wait_front(out, 1);
    tile_regs_acquire();
    copy_tile(out, 0, 0);  // fault:read_unfilled_page
#elif defined(FAULT_l1_acc_onto_unwritten_page)
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(out, 1);
    pack_reconfig_l1_acc(1);
    pack_tile(0, out);  // fault:l1_acc_onto_unwritten_page
#elif defined(FAULT_where_format_mismatch)
    where_tile_init();
    tile_regs_acquire();
    where_tile<DataFormat::Float32>(0, 1, 2, 0);  // fault:where_format_mismatch
#elif defined(FAULT_matmul_block_other_dims)
    mm_block_init_short(in0, in1, 0, 2, 1, 1);
    tile_regs_acquire();
    matmul_block(in0, in1, 0, 0, 0, 0, 1, 1, 1);  // fault:matmul_block_other_dims
#elif defined(FAULT_matmul_tiles_after_block_init)
    mm_block_init_short(in0, in1, 0, 2, 1, 1);
    tile_regs_acquire();
    matmul_tiles(in0, in1, 0, 0, 0);  // fault:matmul_tiles_after_block_init
#else
#error "define FAULT_<name>"
#endif
#endif
}
