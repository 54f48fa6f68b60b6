/*! \file tt_gather_loads.h
 *  \brief Element-wise gathers from a global tensor into an on-chip buffer, read by the reader row
 *  by row: TileLang's im2col convolution,
 *
 *      for i, j in T.Parallel(block_M, block_K):
 *          k = k_iter * block_K + j;  m = by * block_M + i;  ...
 *          data_shared[i, j] = T.if_then_else(in_bound, data[m // (OH * OW), access_h, access_w, k % C], 0)
 *
 *  A nest whose store reads one element of a global tensor with indices other than StageTTElementwise's
 *  `[row0 + i, col0 + j]` cannot be moved as whole tiles. It can be moved as rows of tiles: when
 *  every 32 consecutive j (a tile row of the destination) read 32 consecutive elements of the
 *  tensor's last dimension starting at a multiple of 32 (a tile row of the source) and the other
 *  indices and the condition do not change along them, the reader copies each destination tile row
 *  from the source tile row it names (two face rows of 16 elements, one NoC read each) or writes
 *  zeros where the condition fails. check_gather proves that property from the index expressions
 *  (floordiv and floormod by multiples of 32 of `32 * tile + j` keep it); what it cannot prove is a
 *  located error.
 */
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief A gather nest: `for i, j in T.Parallel(R, C): <lets>; dst[i, j] = src[...]` or
 *  `... = T.if_then_else(cond, src[...], 0)`. */
struct GatherLoad {
    const ir::ForNode *rows = nullptr;             ///< the loop over i
    const ir::ForNode *cols = nullptr;             ///< the loop over j
    std::vector<const ir::LetStmtNode *> lets;     ///< inside the nest, outermost first
    const ir::BufferStoreNode *store = nullptr;    ///< dst[i, j] = value
    const ir::BufferLoadNode *source = nullptr;    ///< the one global element read
    ir::Expr condition;                            ///< undefined without T.if_then_else
};

/*! \brief The nest as a gather, or nullopt when it does not have the form above or its global read
 *  is StageTTElementwise's block form (`[row0 + i, col0 + j]` over a 2-D tensor). */
std::optional<GatherLoad> match_gather(const ir::ForNode *nest);

/*! \brief base when `index`, its constants folded, is `base + var` (or var alone) with base free
 *  of `nest_vars`: the block form of an element-wise access (StageTTElementwise). */
bool block_offset(const ir::Expr &index, const ir::Var &var, const std::vector<ir::Var> &nest_vars, ir::Expr *base);

/*! \brief The reader's statements of a gather into the circular buffer `cb` (the destination's):
 *  one reserve of its tiles, per destination tile row two face-row reads (or zeros), one barrier,
 *  one push. A Validation error at the access when the rows are not provably contiguous (see the
 *  file comment), the source is not an interleaved tensor of static shape with its last two
 *  dimensions as tile axes, or the formats differ. */
ir::Stmt emit_gather_reader(LoweringContext &ctx, const GatherLoad &gather, const CircularBuffer &cb);

}  // namespace tt::transform
