/*! \file join_tt_blocks.h
 *  \brief JoinTTBlocks: the blocks of a core's patch run as one block, so each operand block a
 *  core reads serves all of them.
 *
 *  With more blocks than cores, each core of the grid owns a patch of blocks (4x4 of TileLang's
 *  128x128 GEMM blocks per core of an n150 at 4096^3). Walking its patch block by block, a core
 *  reads (or receives by multicast) each A block row once per block column of the patch and each
 *  B block column once per block row, so A and B cross DRAM 4 times. Run as one block of
 *  (fy * block_M) x (fx * block_N), the patch reads each of them once:
 *
 *      with T.Kernel(32, 32) as (bx, by):                 with T.Kernel(8, 8) as (bx, by):
 *          A_shared: (128, 32), B_shared: (32, 128)   ->      A_shared: (512, 32), B_shared: (32, 512)
 *          C_local: (128, 128)                                C_local: (512, 512)
 *          T.copy(A[by * 128, k * 32], A_shared)              T.copy(A[by * 512, k * 32], A_shared)
 *          T.copy(C_local, C[by * 128, bx * 128])             T.copy(C_local, C[by * 512, bx * 512])
 *
 *  Each output element is the same sum of the same products in the same order, and blocks never
 *  read each other's results, so the joined block computes exactly what its blocks did.
 *
 *  Requires: a function before WidenTTKSteps and InferTTLayout. Applies to a function without
 *  dynamic dimensions, layout requests that place tensors, T.use_swizzle or a requested
 *  partition_strategy (each fixes what a block is), with one launch over two constant grid
 *  extents (bx, by) whose body holds a T.gemm, when:
 *  - every on-chip buffer has a constant shape and is used whole by T.copy, T.gemm, T.fill and
 *    T.reduce_*, and element by element only in T.Parallel nests from 0, each index a loop variable;
 *  - no global tensor is accessed element by element, and no other tile operation is used;
 *  - the block variables occur only in the starts of the global regions of copies, as
 *    `bx * c + rest` (affine, rest free of them), where the region's dimension spans c elements;
 *  - the dimensions tied together by copies (region dimension to buffer dimension, in order),
 *    T.gemm (M of A and C, N of B and C, K of A and B) and T.Parallel indices each follow at
 *    most one block variable with one stride, equal to their extent; a gemm's K and a
 *    reduction's reduced dimension follow none.
 *  Both block variables must be followed (a GEMM's M and N). Chooses, among factors fx | gx and
 *  fy | gy whose joined buffers fit L1 with each K step at least 64 elements deep (widened by
 *  WidenTTKSteps' rules, k_step_widening in widen_tt_k_steps.h, which count the float32 gemm
 *  accumulators, the other non-operand buffers and the operand blocks the K loop's copies fill;
 *  or, when no widening fits, a block_K of at least 64 whose max(2, num_stages) operand stages
 *  fit operand_l1_room as written) and the unjoined blocks: the fastest by the device's cost numbers (the
 *  busiest of the busiest core's matrix engine or packer (the K steps as k_step_widening makes
 *  them), the chip's DRAM and one core's NoC reads, with the multicast TTTilesToCoreMap's rule
 *  gives the joined grid, multicast_patches), then the
 *  fewest DRAM bytes, the most blocks per joined block, the squarest joined block. When the
 *  unjoined blocks win, nothing changes.
 *  Guarantees: the grid is (gx / fx, gy / fy); every dimension following bx (by) is fx (fy) times
 *  larger, buffers keep their names, and each region start `bx * c + rest` becomes
 *  `bx * (fx * c) + rest`; everything else is unchanged. Never an error: a kernel outside the
 *  form keeps its blocks.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Joins the blocks of each core's patch into one block (see file comment). */
ir::PrimFunc join_tt_blocks(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "JoinTTBlocks". */
Pass join_tt_blocks_pass();

}  // namespace tt::transform
