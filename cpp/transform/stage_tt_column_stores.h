/*! \file stage_tt_column_stores.h
 *  \brief StageTTColumnStores: a loop that writes one column of a global tensor per iteration
 *  builds the block on chip and writes it once.
 *
 *  TileLang's top-k writes its k-th result as a column, one element per row of the block:
 *      for k in T.serial(topk):
 *          ...
 *          for i in T.Parallel(blk_m): topk_gates[bx * blk_m + i, k] = max_val[i]
 *  Tenstorrent moves whole 32x32 tiles between DRAM and the cores, so a column narrower than a tile
 *  cannot be written by itself. The block of rows the nest covers, all columns of the tensor, is
 *  kept in a shared buffer across the loop instead; each iteration's nest updates its column, and
 *  the block is written after the loop:
 *      topk_gates_block = T.alloc_shared((blk_m, topk), topk_gates.dtype)
 *      T.fill(topk_gates_block, 0)               # every column is written by the loop
 *      for k in T.serial(topk):
 *          ...
 *          for i, col in T.Parallel(blk_m, topk):
 *              topk_gates_block[i, col] = T.if_then_else(col == k, max_val[i], topk_gates_block[i, col])
 *      T.copy(topk_gates_block, topk_gates[bx * blk_m, 0])
 *  When the loop does not provably write every column (its column is not its own index running
 *  over the whole width), the block is first read from the tensor, so the columns it leaves keep
 *  their values.
 *
 *  Requires: a parsed kernel. Applies to a 1-D T.Parallel nest inside a serial loop whose statements
 *  all store into 2-D global tensors at `[base + i, column]`, base free of i and of the loop's
 *  variable, column free of i; other nests are unchanged (StageTTElementwise handles them).
 *  Guarantees: such nests store into the shared block buffers only; each tensor is read (if at all)
 *  before the loop and written once after it.
 *  Errors (Validation, at the store): a column that is not the loop's variable plus a constant or a
 *  constant, or one outside the tensor's width; a tensor whose width is not a constant; two stores
 *  of the same tensor at different row blocks in one loop; each says what to write instead.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Stages the column stores of func's serial loops (see file comment). */
ir::PrimFunc stage_tt_column_stores(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "StageTTColumnStores". */
Pass stage_tt_column_stores_pass();

}  // namespace tt::transform
