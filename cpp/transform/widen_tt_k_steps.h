/*! \file widen_tt_k_steps.h
 *  \brief WidenTTKSteps: a GEMM's K loop moves several of the user's K blocks per step.
 *
 *  Every step of a K loop costs the same fixed work whatever its width: the reader's read barrier
 *  and, with multicast, a semaphore handshake and a write barrier per operand; compute reloads the
 *  accumulator's partial sums from L1 and packs them back. With TileLang's usual block_K of 32 that
 *  work is paid per K tile, and it outweighs the matrix engine's (docs/performance.md). This pass
 *  makes one step cover F consecutive K blocks: the loop runs T / F times, each copy reads F blocks
 *  at once into a buffer F times as wide along K, and each T.gemm multiplies the wider blocks. The
 *  sum is the same, term for term and in the same order, and the partial sums between steps are
 *  float32 tiles either way, so the result is bit for bit the original's when the partial sums are
 *  reloaded each step (with L1 accumulation a wider step sums more products in DST before adding
 *  them, which rounds differently; LowerTTTileIntrinsics chooses).
 *
 *      for k in T.Pipelined(32, num_stages=3):          for k in T.Pipelined(4, num_stages=3):
 *          T.copy(A[by * 128, k * 32], A_shared)    ->      T.copy(A[by * 128, k * 256], A_shared)   # 128 x 256
 *          T.copy(B[k * 32, bx * 128], B_shared)            T.copy(B[k * 256, bx * 128], B_shared)   # 256 x 128
 *          T.gemm(A_shared, B_shared, C_local)              T.gemm(A_shared, B_shared, C_local)
 *
 *  Requires: a function before InferTTLayout. Applies, in a function without dynamic dimensions
 *  (SpecializeTTShapes' trip-count formulas stay those of the user's loop) or layout requests that
 *  place tensors (an L1 tensor takes room the budget below does not see; a block-float data_format
 *  only shrinks pages), compiled with DST in float32 (a 16-bit
 *  DST rounds the partial sums at every reload, so fewer steps would change the result), to a loop from 0 with a constant trip count T
 *  whose body is only T.copy from global tensors into whole on-chip buffers followed or preceded by
 *  T.gemm calls, when: every gemm accumulates (no clear_accum) into a float32 buffer, and reads as A
 *  and B only buffers those copies fill; each such buffer is filled by one copy, used nowhere else
 *  in the function, and read by the gemms along its K axis (dimension 1 of A, 0 of B, swapped by
 *  transpose_A / transpose_B); that copy's region starts that axis at exactly `k * bK` (bK the
 *  buffer's extent there, the same for every buffer) in a tensor dimension of exactly T * bK
 *  elements, and the loop variable appears nowhere else. F is the largest divisor of T with
 *  F * bK <= 256 elements whose widened operand CBs (in the wider of each tensor's and buffer's
 *  formats), times the CB depth (max(2, num_stages)), take at most half of the device's L1 less
 *  twice the function's other on-chip buffers. When no F >= 2 fits that way (a large float32
 *  accumulator: JoinTTBlocks' joined blocks), F is the largest whose operand CBs at depth 2 fit
 *  operand_l1_room, and the loop's num_stages becomes 2 (each stage then holds F of the user's K
 *  blocks, at least as many in flight as num_stages narrow ones when F >= num_stages / 2, which
 *  is required). Guarantees: such loops are widened as above (buffers keep
 *  their names); every other statement is unchanged.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief func with its GEMM K loops widened (see file comment). */
ir::PrimFunc widen_tt_k_steps(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The L1 bytes a GEMM's operand CBs may take in a function whose gemm accumulators take
 *  `accumulator_bytes` and whose other on-chip buffers take `other_bytes`: the core's L1 for
 *  buffers less the accumulators once (their partial sums; the value the writer drains passes
 *  through a CB of a few tiles, PropagateTTLayout), the other buffers twice (a CB and a staging or
 *  partials CB) and 64 KiB for the small CBs lowering adds. */
int64_t operand_l1_room(const target::DeviceSpec &device, int64_t accumulator_bytes, int64_t other_bytes);

/*! \brief How WidenTTKSteps widens a GEMM K loop: `factor` of the user's K blocks per step (1:
 *  unchanged), and whether num_stages becomes 2 (the large-accumulator rule). */
struct KStepWidening {
    int64_t factor = 1;
    bool two_stages = false;
};

/*! \brief The widening of a K loop of `trips` steps of `block_k` elements whose operand CBs take
 *  `cb_step_bytes` per step and are `depth` (max(2, num_stages)) steps deep, in a function whose
 *  float32 gemm accumulators take `accumulator_bytes` and whose other non-operand on-chip buffers
 *  take `other_bytes` (the file comment's two rules). */
KStepWidening k_step_widening(const target::DeviceSpec &device, int64_t trips, int64_t block_k, int64_t cb_step_bytes,
                              int depth, int64_t accumulator_bytes, int64_t other_bytes);

/*! \brief Whether the options or the function's layout requests place a tensor (memory, layout or
 *  shards; a data_format alone does not): such a tensor takes L1 room the budgets here do not see. */
bool places_tensors(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "WidenTTKSteps". */
Pass widen_tt_k_steps_pass();

}  // namespace tt::transform
