/*! \file lower_tt_persistent.h
 *  \brief LowerTTPersistent: a TileLang persistent kernel (`T.Persistent`) becomes an ordinary
 *  launch over its tile domain.
 *
 *  TileLang writes persistent kernels as a launch of one wave of CTAs whose body loops over the
 *  tiles dealt to each CTA:
 *      with T.Kernel(sm_num) as block_id:
 *          A_shared = T.alloc_shared(...)
 *          for bx, by in T.Persistent([T.ceildiv(M, bM), T.ceildiv(N, bN)], sm_num, block_id):
 *              ...   # one tile's work, on bx, by
 *  On Tenstorrent every program is already persistent: TTTilesToCoreMap deals a launch grid's
 *  blocks to the cores and GridToPersistentTT has each core loop over its blocks. So the domain
 *  simply becomes the launch grid:
 *      with T.Kernel(T.ceildiv(M, bM), T.ceildiv(N, bN)) as (bx, by):
 *          A_shared = T.alloc_shared(...)
 *          ...   # the loop body
 *
 *  Requires: a parsed kernel. The frontend writes `T.Persistent(domain, wave_size, index,
 *  group_size, num_stages)` as the statement `tl.persistent(wave_size, index, rank, group_size,
 *  num_stages)` directly followed (in the same sequence) by `rank` nested serial loops from 0 over
 *  the domain's extents, first entry outermost.
 *  Guarantees: no tl.persistent call remains. A launch containing one becomes a launch whose
 *  extents are the domain, whose block variables are the loops' variables and whose body is the
 *  innermost loop's body inside the launch's allocations (and lets), in their order; its threads
 *  and span are the launch's. A group_size g > 1 over a domain of 2 or 3 entries becomes the block
 *  order `T.use_swizzle(g)` asks for (function attribute tl.use_swizzle, panel_size g): g
 *  consecutive blocks run along the second domain entry, then the first advances, panel after panel,
 *  the grouping TileLang's persistent GEMM uses for L2 reuse (on Tenstorrent, for the reuse of A's
 *  and B's tiles within a core's range of blocks). A launch without T.Persistent is unchanged.
 *  Errors (Validation, at the T.Persistent loop unless said otherwise): the launch is not
 *  one-dimensional; the index is not the launch's block variable; wave_size is not the launch's
 *  extent; a domain of more than 3 entries; num_stages other than 0 (a Tenstorrent reader already
 *  fetches the next block's tiles while compute works: enable_prefetch); the loop not directly in
 *  the launch body (inside a loop or an if); a second T.Persistent in one launch; a statement
 *  other than an allocation beside the loop (at that statement; there is no per-core code outside
 *  the blocks); the index used inside the loop body (at the statement using it); a function with
 *  T.use_swizzle whose panel differs from group_size.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief func with every T.Persistent launch rewritten as a launch over its domain (see file
 *  comment). */
ir::PrimFunc lower_tt_persistent(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "LowerTTPersistent". */
Pass lower_tt_persistent_pass();

}  // namespace tt::transform
