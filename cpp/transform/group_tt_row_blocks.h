/*! \file group_tt_row_blocks.h
 *  \brief GroupTTRowBlocks: kernels whose blocks cover fewer rows than a tile run as whole tile rows.
 *
 *  TileLang's row-wise kernels (RMSNorm, LayerNorm, softmax) are written with blocks of r < 32 rows,
 *  typically one: `with T.Kernel(M) as bx`, `rows = T.alloc_shared((1, N))`,
 *  `T.copy(X[bx, 0:N], rows)`, `for i, j in T.Parallel(1, N)`. Tenstorrent computes on 32x32 tiles, so
 *  one block cannot own a single row. When every block only touches its own rows and computes each
 *  row on its own, 32 / r consecutive blocks do exactly the work of one block of 32 rows; this pass
 *  rewrites the kernel into that block:
 *      with T.Kernel(M // 32) as bx:  rows = T.alloc_shared((32, N))
 *          T.copy(X[bx * 32, 0:N], rows);  for i, j in T.Parallel(32, N): ...
 *
 *  Requires: the 2-D shared/fragment buffers with fewer than 32 rows all have the same row count r,
 *  a divisor of 32 (1-D fragments of length r are their per-row vectors). A block variable g whose
 *  extent E has E * r a multiple of 32, used only as the row start `g * r` of copies between a
 *  global tensor's rows [g * r, g * r + r) and one of those buffers (lets are looked through). Rows
 *  of those buffers indexed only by T.Parallel variables of extent r that index nothing else; copies,
 *  fills, T.gemm (as its A and C) and reductions along dim 1 on whole buffers.
 *  Guarantees: those buffers and vectors have 32 rows, their row loops extent 32, g's extent is
 *  E * r / 32 and the row starts `g * 32`; results are element for element those of the original
 *  kernel. Kernels without such buffers are unchanged, and so are kernels whose block index is
 *  also used outside the copies of its rows (decode's block of the query heads of one K/V head
 *  also picks that K/V head): their blocks cannot share a tile row, so each stays a block of r
 *  rows padded to a tile (InferTTLayout's row blocks, verify_tt_padding.h).
 *  Errors (Validation, at the construct): anything that would make the blocks of a tile row
 *  depend on each other or on their index (another use of g or of a row variable, a reduction
 *  over rows, a partial region, a row count that does not divide 32), saying what to write instead.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Groups blocks of fewer than 32 rows into tile rows (see file comment). */
ir::PrimFunc group_tt_row_blocks(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "GroupTTRowBlocks". */
Pass group_tt_row_blocks_pass();

}  // namespace tt::transform
