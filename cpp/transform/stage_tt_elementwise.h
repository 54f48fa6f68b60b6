/*! \file stage_tt_elementwise.h
 *  \brief StageTTElementwise: element-wise loops over global tensors read and write on-chip tiles.
 *
 *  TileLang kernels often compute element-wise directly on global tensors:
 *      for i, j in T.Parallel(bM, bN): C[by * bM + i, bx * bN + j] = A[by * bM + i, bx * bN + j] + 1
 *  On Tenstorrent, compute only sees tiles in circular buffers, so each global tensor such a loop
 *  touches is staged through a shared buffer of the loop's extents, exactly as if the kernel had
 *  written the copies itself:
 *      A_tile = T.alloc_shared((bM, bN), A.dtype);  C_tile = T.alloc_shared((bM, bN), C.dtype)
 *      T.copy(A[by * bM, bx * bN], A_tile)
 *      for i, j in T.Parallel(bM, bN): C_tile[i, j] = A_tile[i, j] + 1
 *      T.copy(C_tile, C[by * bM, bx * bN])
 *
 *  Requires: a T.Parallel nest of two loops (or one) with constant extents; every global access in
 *  it indexed `[..., base0 + i, base1 + j]` (`[..., base + i]`; lets are looked through), where the
 *  leading indices (a batch and a head before the rows and columns) and the bases do not depend on
 *  i or j and are the same for every access of that tensor in the nest; the staged block is the
 *  2-D (1-D) slice they name.
 *  Guarantees: no global buffer is accessed element-wise inside a T.Parallel nest, except the
 *  gathers the reader reads row by row (tt_gather_loads.h), which are left as they are; the reads of a
 *  tensor share one staging buffer, copied in before the nest; its writes go to another, copied
 *  out after it. Nests without global accesses, and everything outside nests, are unchanged.
 *  Errors (Validation, at the access): another index pattern, or bases that differ between
 *  accesses of the same tensor, saying what to write instead.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Stages the global accesses of every element-wise nest of func (see file comment). */
ir::PrimFunc stage_tt_elementwise(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "StageTTElementwise". */
Pass stage_tt_elementwise_pass();

}  // namespace tt::transform
