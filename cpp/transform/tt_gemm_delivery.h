/*! \file tt_gemm_delivery.h
 *  \brief Where LowerTTTileIntrinsics packs a GEMM's final value straight into the circular buffer
 *  the writer drains, instead of packing it as partial sums and copying it out afterwards.
 *
 *  The form is TileLang's GEMM body, in one statement sequence of the launch:
 *
 *      T.clear(C_local)                      # or T.fill: C is defined here
 *      for k in T.Pipelined(K_trips):        # a serial loop with a constant trip count >= 1
 *          ...                               # C's only use: T.gemm(A, B, C_local), no clear_accum,
 *                                            # a statement of this body (once per step)
 *      T.copy(C_local, C[...])               # the whole accumulator to a global tensor
 *      ...                                   # C_local not used again
 *
 *  The K loop's last step then starts each subblock from C's partial sums, adds its products and
 *  packs the subblock into the writer's CB; the copy is the writer's alone. Partial sums the
 *  packer adds in L1 are reloaded by that step only (float32 ones exactly: the compute kernel
 *  unpacks their CB straight to DST, tt_unpack_to_dest.h), so its products add onto them term by
 *  term, as a reloading K step's do. LowerTTTileIntrinsics delivers where packing DST straight
 *  into the output's format gives what packing into C's format first and converting would (C
 *  float32, or both formats the same).
 *
 *  Requires: the staged function LowerTTTileIntrinsics lowers. Guarantees: find_delivery only
 *  reads; it names the accumulator and the copy's global tensor when the form holds.
 */
#pragma once

#include <optional>
#include <vector>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief A K loop's accumulator and the global tensor it is copied to after the loop. */
struct GemmDelivery {
    const ir::ForNode *loop;
    ir::Buffer accumulator;
    ir::Buffer global;
};

/*! \brief The delivery of the loop at stmts[i], or nullopt when the sequence is not in the form. */
std::optional<GemmDelivery> find_delivery(const std::vector<ir::Stmt> &stmts, size_t i);

}  // namespace tt::transform
