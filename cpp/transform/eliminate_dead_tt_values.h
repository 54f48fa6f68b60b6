/*! \file eliminate_dead_tt_values.h
 *  \brief EliminateDeadTTValues: on-chip values that nothing reads are never computed.
 *
 *  On Tenstorrent every value compute produces lives in a circular buffer until a consumer pops it,
 *  so a value nobody reads would block its producer forever, and every on-chip buffer takes one of
 *  the device's few circular buffers. TileLang kernels often compute values they never use (the
 *  decode kernel's final `logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale`, which only the
 *  split-KV version stores) or allocate buffers they never touch. This pass removes both, as a GPU
 *  compiler's dead-code elimination would:
 *      for i in T.Parallel(bH): logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale   # removed
 *      T.copy(acc_o, O_shared)                                                         # kept
 *
 *  Requires: a parsed kernel (TileLang level: tl.* tile operations, T.Parallel nests of stores).
 *  Guarantees: a store to an on-chip (shared, fragment, local) buffer, or a tl.copy / tl.fill /
 *  tl.gemm / tl.reduce whose destination is one, is removed when no statement that can run after it
 *  reads that buffer: later statements, the rest of an enclosing serial or pipelined loop's body
 *  (the next iteration), never another iteration of a T.Parallel loop (they are independent). The
 *  analysis is per buffer and no write hides an earlier one, so it only removes what is certainly
 *  dead, repeated until nothing changes. Loops, ifs and lets left empty go too, and so does the
 *  allocation of an on-chip buffer no statement mentions any more (it takes no circular buffer).
 *  Writes to global buffers and any other call are always kept. Never raises.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Removes func's dead on-chip writes and unused allocations (see file comment). */
ir::PrimFunc eliminate_dead_tt_values(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "EliminateDeadTTValues". */
Pass eliminate_dead_tt_values_pass();

}  // namespace tt::transform
