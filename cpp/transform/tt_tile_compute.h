/*! \file tt_tile_compute.h
 *  \brief The compute kernel's part of LowerTTTileIntrinsics: matmul in DST with partial sums kept
 *  in L1, tile copies between circular buffers through DST, and the once-per-kernel init.
 *
 *  DST holds ctx.dst_tiles() tiles per tile_regs_acquire (8 in 16-bit, 4 with fp32 accumulation,
 *  half sync), fewer than a 128x128 accumulator's 16. The accumulator is therefore computed in
 *  subblocks of h x w <= DST tiles (TileOrder), as TT-Metalium's blocked matmul does: for each
 *  subblock, acquire DST, reload the partial sums of earlier K blocks from the accumulator's CB
 *  with copy_tile (unless the accumulator is still zero), run matmul_tiles over the K block, and
 *  pack the subblock back to the accumulator's CB. The CB thus holds the accumulator in subblock
 *  order, which every later consumer (copy, writer) follows.
 *
 *  An accumulator that fits DST and is the only compute work of a loop stays in DST for the
 *  whole loop instead (emit_dst_accumulator_begin / emit_gemm_in_dst / _end): one acquire before
 *  the loop, matmuls per iteration, one pack after it, so no partial sums travel through L1.
 *
 *  A value that is a constant (T.clear, T.fill) is never materialized in L1 before a gemm: DST is
 *  zero after tile_regs_acquire, and fill_tile writes any other constant into it.
 *
 *  Every op group starts with its short init and data-format reconfiguration, because another
 *  kind of op (a reload, a copy of the previous block) may have run in between; the full
 *  mm_init / compute_kernel_hw_startup runs once, before the kernel's block loop.
 */
#pragma once

#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief One T.gemm with its operands' circular buffers, all tile counts. */
struct GemmTiles {
    const CircularBuffer *a;
    const CircularBuffer *b;
    const CircularBuffer *c;   ///< where C's value is (reloaded from)
    const CircularBuffer *packed = nullptr;  ///< where C's new value goes, when not c (compute's CB
                                             ///< for a C the reader filled: a CB has one producer)
    bool transpose_b = false;  ///< transpose_A is lowered before: `a` holds A's transposed tiles
    bool pop_a = false;        ///< `a` is a staging CB of this gemm (transposed A), popped after it; the
                               ///< buffers' own values stay until they die (TileValue::read)
    int64_t m = 0;  ///< tile rows of C
    int64_t n = 0;  ///< tile columns of C
    int64_t k = 0;  ///< tiles of the reduction dimension
    /*! C's partial sums stay in `c`: each K step packs only its own products, added onto them by
     *  the packer's L1 accumulation, instead of reloading them into DST first (packer_accumulation_pays). */
    bool l1_accumulate = false;
    /*! When set, C's final value goes straight to this CB (the one the writer drains) on the K
     *  step where `last` holds: each subblock starts from C's partial sums (reloaded, or the
     *  constant), adds the step's products and is packed there, so the partial sums are never
     *  packed and copied out again. */
    const CircularBuffer *deliver = nullptr;
    ir::Expr last;
};

/*! \brief The subblocks for a gemm whose value only its copy out reads, so any tile order serves
 *  (tt_gemm_delivery.h): among h x w with h | m, w | n and h * w <= dst_tiles, the fewest unpack
 *  cycles per product as the subblock's products are issued, then the most tiles per DST handoff,
 *  then the widest. */
TileOrder cheapest_subblocks(const GemmTiles &gemm, int dst_tiles, const target::CostNumbers &cost);

/*! \brief Whether packing a gemm's partial sums with the packer's L1 accumulation costs its
 *  compute kernel less, per subblock of `order` and K step, than reloading them (copy_tile) and
 *  packing them plainly: under the device's cost numbers (docs/devices.md), the busiest of
 *  unpack, math and pack decides. Both compute the same sums; L1 accumulation adds a step's
 *  products as one value, so its rounding differs from the reload's term-by-term sums. */
bool packer_accumulation_pays(const GemmTiles &gemm, const TileOrder &order, const target::DeviceSpec &device,
                              target::MathFidelity fidelity);

/*! \brief The compute statements of C (+)= A @ op(B): waits for A and B, accumulates onto C's
 *  value `c` (Constant: fill DST unless zero; Full: reload; Full with constant_if: reload unless
 *  constant_if) and packs C back in `order`. A and B stay in their CBs (popped where they die).
 *  With gemm.l1_accumulate the reload is replaced by popping the subblock's partial sums and
 *  packing onto the same pages (the CB holds exactly C's tiles, so the reservation after the pop
 *  is those pages) with pack_reconfig_l1_acc(1), reset to 0 after each pack. With gemm.deliver, the step where
 *  gemm.last holds packs into gemm.deliver instead (with l1_accumulate, that step reloads the
 *  partial sums, once, rather than adding onto them in L1). */
ir::Stmt emit_gemm(const GemmTiles &gemm, const TileValue &c, const TileOrder &order, int dst_tiles);

/*! \brief Before a loop that keeps accumulator `acc` (at most DST's tiles) in DST: acquire DST
 *  and start it from the accumulator's value `c` (as emit_gemm does per subblock). */
ir::Stmt emit_dst_accumulator_begin(const CircularBuffer &acc, const TileValue &c);
/*! \brief One K step of a DST-resident accumulator: wait for A and B, DST[row-major C tile] +=
 *  A @ op(B). */
ir::Stmt emit_gemm_in_dst(const GemmTiles &gemm);
/*! \brief After the loop: pack the accumulator from DST into `acc` (its CB, or the CB the writer
 *  drains), row-major, and release DST. */
ir::Stmt emit_dst_accumulator_end(const CircularBuffer &acc);

/*! \brief transpose_A: compute transposes the k x m tiles of `source` (transpose_wh_tile through
 *  DST) into `transposed`, m x k tiles row-major, the A operand matmul expects. `source` stays. */
ir::Stmt emit_transpose(const CircularBuffer &source, const CircularBuffer &transposed, int dst_tiles);

/*! \brief Compute materializes a constant value (T.fill) in `destination`'s CB, row-major. */
ir::Stmt emit_constant_tiles(const CircularBuffer &destination, double value, int dst_tiles);

/*! \brief The once-per-kernel hardware init of a compute kernel whose first op is this gemm. */
ir::Stmt emit_gemm_init(const GemmTiles &gemm);

/*! \brief Compute copies the tiles of `source` into `destination` through DST in chunks of at most
 *  dst_tiles, keeping their order; the packer converts to the destination's data format. `source`
 *  stays in its CB. */
ir::Stmt emit_compute_copy(const CircularBuffer &source, const CircularBuffer &destination, const TileOrder &order,
                           int dst_tiles);

/*! \brief The once-per-kernel init of a compute kernel whose first op is a copy. */
ir::Stmt emit_copy_init(const CircularBuffer &source, const CircularBuffer &destination);

/*! \brief DST[0], DST[stride], ... (count tiles) hold finished tiles: hand them to the packer and
 *  pack them, in order, into the next `count` pages of `out` (commit, reserve, wait, pack, release,
 *  push). With `accumulate` defined, pack_reconfig_l1_acc(accumulate) before the packs (1: add onto
 *  the pages' L1 contents) and pack_reconfig_l1_acc(0) after them. */
std::vector<ir::Stmt> emit_pack(const CircularBuffer &out, int64_t count, int64_t stride = 1,
                                const ir::Expr &accumulate = ir::Expr());


/*! \brief Compute consumes a value nobody reads (it is overwritten): wait for its tiles, pop them. */
ir::Stmt emit_discard(const CircularBuffer &cb, const TileOrder &order);

}  // namespace tt::transform
