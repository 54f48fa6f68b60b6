/*! \file promote_tt_index_integers.h
 *  \brief PromoteTTIndexIntegers: int32 values a kernel computes on chip (indices: top-k's argmax)
 *  are held as float32, which holds every integer of magnitude at most 2^24 exactly.
 *
 *  TileLang's top-k finds the column of each row's maximum with int32 fragments:
 *      T.fill(expand_max_idx, -1)
 *      for i, j in T.Parallel(blk_m, N):
 *          expand_max_idx[i, j] = T.if_then_else(max_val[i] == logits_frag[i, j], j, expand_max_idx[i, j])
 *      T.reduce_max(expand_max_idx, max_idx, dim=1)
 *      ... topk_indices[bx * blk_m + i, k] = max_idx[i]
 *  Tenstorrent's vector engine computes on floating-point tiles. An int32 buffer compute writes
 *  (T.fill, a T.Parallel store, T.reduce_max / T.reduce_min, or T.copy from another such buffer)
 *  becomes a float32 buffer when every value it can hold is provably an integer of magnitude at most
 *  2^24: built from integer constants, T.Parallel and loop indices (bounded by their extents),
 *  elements of such buffers, with + - * (bounded by interval arithmetic), max, min,
 *  T.if_then_else and integer casts. Every float32 operation on such integers is then exact
 *  (sums, products, comparisons and selections of them stay integers below 2^24). A global int32
 *  tensor the kernel writes from them is held as float32 too; the host converts it back to int32
 *  exactly when it reads the result.
 *
 *  Requires: a parsed kernel. Guarantees: those buffers have dtype float32 and their values are
 *  built in float32 (indices cast to float32); reads of their elements elsewhere appear in
 *  comparisons (made float comparisons) or float casts only. Other buffers are unchanged.
 *  T.reduce_max / T.reduce_min run on the matrix engine in tf32, exact for integers up to 2048: the
 *  range of each buffer (the hull of its fills, stores, copies and reductions) must stay within it.
 *  Errors (Validation, located): a value outside the rule (integer math on data read from memory, a
 *  sum reduction, a max/min reduction of values beyond 2048, a constant or index beyond 2^24), such a buffer also filled from global memory,
 *  a global tensor both read and written this way, or such an element used in other integer math;
 *  each says what to write instead.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Holds func's computed int32 buffers as float32 (see file comment). */
ir::PrimFunc promote_tt_index_integers(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "PromoteTTIndexIntegers". */
Pass promote_tt_index_integers_pass();

}  // namespace tt::transform
