/*! \file tt_tile_dataflow.h
 *  \brief The reader's and the writer's part of LowerTTTileIntrinsics: tile transfers between a
 *  global buffer region and a circular buffer.
 *
 *  Tile indices come from the copy region: the region [r0:r0+R, c0:c0+C] of a global buffer with
 *  Gc tile columns covers tiles (r0/32 + i) * Gc + c0/32 + j for i < R/32, j < C/32 (interleaved
 *  pages are tiles in row-major tile order). Region starts must be provably multiples of 32.
 */
#pragma once

#include <vector>

#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief One copy from a global region into an on-chip buffer's circular buffer. */
struct GlobalToCB {
    const ir::RegionNode *source;
    const CircularBuffer *destination;
    Span span;
};

/*! \brief The reader's statements for one stage of copies (consecutive copies from global memory
 *  in one block of the program). Each destination CB gets one reserve and one push of all its
 *  tiles. A copy of a tensor ctx.multicast() names is read only on its row's (column's) sender
 *  core, which then multicasts the reserved pages to the others' same pages: receivers count
 *  themselves ready on the sender's semaphore, the sender writes the pages and VALID into theirs
 *  (docs/codegen.md, "Multicast readers"); per-core values are tt.multicast_arg markers that
 *  GridToPersistentTT replaces with runtime arguments. With prefetch every tile read of the stage
 *  is issued before a single read barrier, so
 *  the NoC overlaps them; without it each tile read is followed by its own barrier. While
 *  ctx.read_condition() is defined the reads run only when it holds; otherwise the reader writes
 *  zeros into the reserved pages through their L1 pointer (no DRAM read), and pushes them alike. */
ir::Stmt emit_reader_stage(LoweringContext &ctx, const std::vector<GlobalToCB> &copies);

/*! \brief The reader's read of one element of a global tensor of a 32-bit integer dtype (the block
 *  mask a data-dependent if tests): it reserves the page of the tensor's element CB
 *  (LoweringContext::element_cb), reads the DRAM-aligned chunk of the element's tile that holds it
 *  (ctx.device().dram_alignment bytes, with the accessor's get_noc_addr(page, offset) and
 *  noc_async_read), waits, binds `value` to the element's word (tiles hold four 16x16 faces,
 *  each row-major), and releases the page (push, wait, pop: the reader is the CB's producer and
 *  consumer) before `body`. A Validation error for tensors of other dtypes or layouts. */
ir::Stmt emit_element_read(LoweringContext &ctx, const ir::BufferLoadNode *load, const ir::Var &value,
                           const ir::Stmt &body, const Span &span);

/*! \brief Whether elements of `global` can be addressed one by one (tile_element): an interleaved
 *  tensor of `rank` >= 2 static dimensions tiled over its last two, not in blocks of rows. */
bool element_addressable(LoweringContext &ctx, const ir::Buffer &global, const BufferLayout &layout, size_t rank);

/*! \brief Where element `indices` of such a tensor lies: its page (tile id) and its position in
 *  the tile in elements (four 16x16 faces, each row-major). */
struct TileElement {
    ir::Expr page;
    ir::Expr position;
};
TileElement tile_element(LoweringContext &ctx, const ir::Buffer &global, const BufferLayout &layout,
                         const std::vector<ir::Expr> &indices);

/*! \brief The writer's statements for copying the tiles of `source` (held in `order`) to the
 *  global region `destination`: per group, wait, write each tile, one write barrier, pop. */
ir::Stmt emit_writer_copy(LoweringContext &ctx, const CircularBuffer &source, const TileOrder &order,
                          const ir::RegionNode *destination, const Span &span);

/*! \brief Values of the lets around a copy, by variable. */
using Lets = std::map<const ir::VarNode *, ir::Expr>;

/*! \brief The tile-row/column index of an element index: element_index / 32, folded so that
 *  `by * 128` becomes `by * 4`, looking through `lets`. A Validation error when the index is not
 *  provably a multiple of 32. */
ir::Expr tile_index_of(const ir::Expr &element_index, const std::string &what, const Span &span, const Lets &lets = {});

/*! \brief e with the variables `lets` names replaced by their values, recursively. */
ir::Expr through_lets(const ir::Expr &e, const Lets &lets);

/*! \brief The tile (row, column) where a region of a global tensor starts, in the storage order and
 *  padded extents of its layout (tile_axes, padded_shape, see BufferLayout): a 1-D region (a vector
 *  in DRAM, tilized as one row of tiles) starts in tile row 0; in an N-D tensor, rows count through
 *  the matrices of its batch axes (with row_block, each block of that many rows is a matrix of one
 *  tile row). The stored extents it multiplies by are runtime constants of ctx where they depend
 *  on dynamic dimensions. A Validation error when a start is not provably a multiple of 32 (of
 *  row_block). */
std::pair<ir::Expr, ir::Expr> first_tile(LoweringContext &ctx, const ir::RegionNode *region, const BufferLayout &layout,
                                         const std::string &what, const Span &span);

/*! \brief The region's tile extents (rows, cols) over its tile axes (empty: the last two), a 1-D
 *  region being one row of tiles; a Validation error unless those extents are constant multiples
 *  of 32 (or all of a dimension, starting at 0 through `lets`, padded to whole tiles, or row_block
 *  rows) and every other dimension is a single index. */
std::pair<int64_t, int64_t> region_tiles(const ir::RegionNode *region, const Span &span,
                                         const std::vector<int> &tile_axes = {}, int64_t row_block = 0,
                                         const Lets &lets = {});

}  // namespace tt::transform
