// Reader and writer tile transfers of LowerTTTileIntrinsics (see tt_tile_dataflow.h).
#include "transform/tt_tile_dataflow.h"

#include "transform/shape_formula.h"

#include <algorithm>
#include <functional>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/shape_formula.h"

namespace tt::transform {

using namespace ir;

namespace {

// x / d when x is provably a multiple of d, else an undefined Expr.
Expr exact_quotient(const Expr &x, int64_t d) {
    int64_t c;
    if (as_const_int(x, &c)) return c % d == 0 ? make_int(c / d) : Expr();
    Expr a, b;
    if (!binary_operands(x, &a, &b)) return Expr();
    switch (x->kind) {
    case NodeKind::Add:
    case NodeKind::Sub: {
        Expr qa = exact_quotient(a, d), qb = exact_quotient(b, d);
        return qa && qb ? make_binary(x->kind, qa, qb) : Expr();
    }
    case NodeKind::Mul: {
        if (as_const_int(b, &c) && c % d == 0) return MulNode::make(a, make_int(c / d));
        if (as_const_int(a, &c) && c % d == 0) return MulNode::make(b, make_int(c / d));
        Expr qa = exact_quotient(a, d);
        if (qa) return MulNode::make(qa, b);
        Expr qb = exact_quotient(b, d);
        return qb ? MulNode::make(a, qb) : Expr();
    }
    default: return Expr();
    }
}

// Page id of tile (row, col) of a global buffer, in row-major tile order. The buffer's width in
// tiles follows from its shape, so it is a runtime argument (the kernel serves every shape).
Expr tile_id(LoweringContext &ctx, const Buffer &global, const BufferLayout &layout, const Expr &row, const Expr &col) {
    const std::vector<std::string> dims = ctx.dynamic_axes(global);
    Expr width = ctx.runtime_constant(global->name + "_width_tiles", layout.shape_tiles.back(),
                                      dims.empty() ? Json() : layout_formulas(layout, dims).shape_tiles.back());
    return fold_constants(AddNode::make(MulNode::make(row, width), col));
}

Expr page_address(const Var &base, const Expr &page, int64_t page_size) {
    return fold_constants(AddNode::make(base, MulNode::make(page, make_int(page_size))));
}

void require_matching_format(const CircularBuffer &cb, const BufferLayout &layout, const Buffer &global,
                             const Span &span) {
    if (cb.config.data_format != layout.data_format) {
        const bool block_float = block_float_tile_bytes(cb.config.data_format) || block_float_tile_bytes(layout.data_format);
        TT_USER_ERROR(Validation, span) << "copying between " << global->name << " (" << layout.data_format << ") and "
                                        << cb.buffer->name << " (" << cb.config.data_format
                                        << ") is not supported on Tenstorrent yet: the NoC moves tiles without "
                                        << "converting them; instead "
                                        << (block_float ? "copy the block-float tensor into an on-chip buffer of its "
                                                          "own (its circular buffer takes the tensor's format), or "
                                                          "give the tensors the same data_format"
                                                        : "give both buffers the same dtype");
    }
}

}  // namespace

Expr through_lets(const Expr &e, const Lets &lets) {
    return substitute(e, [&](const Var &v) {
        auto it = lets.find(v.get());
        return it == lets.end() ? Expr(v) : through_lets(it->second, lets);
    });
}

Expr block_index_of(const Expr &element_index, int64_t block, const std::string &what, const Span &span,
                    const Lets &lets) {
    // Through lets: `row0 = by * 64` then A[row0, k * 32] starts at a tile row like by * 64 does.
    Expr q = exact_quotient(fold_constants(through_lets(element_index, lets)), block);
    if (!q) {
        const std::string b = std::to_string(block);
        TT_USER_ERROR(Validation, span) << what << " starts at element " << to_text(element_index)
                                        << ", which is not provably a multiple of " << b << "; Tenstorrent moves whole "
                                        << (block == kTileRows ? "32x32 tiles"
                                                               : "blocks of " + b + " rows, a tile each")
                                        << ", so instead start tile regions at multiples of " << b;
    }
    return fold_constants(q);
}

Expr tile_index_of(const Expr &element_index, const std::string &what, const Span &span, const Lets &lets) {
    return block_index_of(element_index, kTileRows, what, span, lets);
}

std::pair<Expr, Expr> first_tile(LoweringContext &ctx, const RegionNode *region, const BufferLayout &layout,
                                 const std::string &what, const Span &span) {
    const Lets &lets = ctx.lets();
    const std::vector<Range> &r = region->ranges;
    const std::vector<int> &tile_axes = layout.tile_axes;
    // A stored extent (or its tiles) the page index multiplies by: a runtime argument when it
    // depends on a dynamic dimension, so the kernel serves every size.
    const std::vector<std::string> dims = ctx.dynamic_axes(region->buffer);
    const std::optional<LayoutFormulas> formulas =
        dims.empty() ? std::nullopt : std::optional<LayoutFormulas>(layout_formulas(layout, dims));
    auto extent = [&](const std::string &name, int64_t value, const Json &formula) -> Expr {
        if (formula.is_null() || formula.is_number_integer()) return make_int(value);
        return ctx.runtime_constant(region->buffer->name + "_" + name, value, formula);
    };
    auto tiles = [](const Json &f) {
        return Json::array({"floordiv", Json::array({"+", f, kTileRows - 1}), kTileRows});
    };
    // The batch axes index one matrix (one row of tiles for a vector): its tile rows follow those
    // of the matrices before it (pages are batch-major in storage order, then row-major tiles of
    // the stored, padded extents).
    const std::vector<int64_t> &stored = layout.padded_shape;
    Expr matrix = make_int(0);
    for (int d : storage_order(r.size(), tile_axes)) {
        if (std::find(tile_axes.begin(), tile_axes.end(), d) == tile_axes.end()) {
            Expr stored_d =
                extent("extent" + std::to_string(d), stored[d], formulas ? formulas->padded_shape[d] : Json());
            matrix = AddNode::make(MulNode::make(matrix, stored_d), r[d].min);
        }
    }
    const int col_axis = tile_axes.back();
    Expr row = matrix;
    if (layout.row_block) {  // each block of row_block rows is a matrix of one tile row
        const int row_axis = tile_axes[0];
        row = AddNode::make(MulNode::make(matrix, make_int(stored[row_axis] / layout.row_block)),
                            block_index_of(r[row_axis].min, layout.row_block, what, span, lets));
    } else if (tile_axes.size() == 2) {
        const int row_axis = tile_axes[0];
        const int64_t row_tiles = (stored[row_axis] + kTileRows - 1) / kTileRows;
        Expr height = extent("height_tiles", row_tiles, formulas ? tiles(formulas->padded_shape[row_axis]) : Json());
        row = AddNode::make(MulNode::make(matrix, height), tile_index_of(r[row_axis].min, what, span, lets));
    }
    return {fold_constants(row), tile_index_of(r[col_axis].min, what, span, lets)};
}

std::pair<int64_t, int64_t> region_tiles(const RegionNode *region, const Span &span, const std::vector<int> &tile_axes,
                                         int64_t row_block, const Lets &lets) {
    // A tensor of more dimensions is a batch of matrices (or vectors) over its tile axes: the region
    // must lie in one of them (one index in each other dimension, as Q[b, h, rows, cols]).
    const std::vector<int> axes = tile_axes.empty() ? default_tile_axes(region->ranges.size()) : tile_axes;
    auto axes_text = [&] {
        return axes.size() == 1
                   ? "vectors along dimension " + std::to_string(axes[0])
                   : "2-D blocks of dimensions " + std::to_string(axes[0]) + " and " + std::to_string(axes[1]);
    };
    for (size_t d = 0; d < region->ranges.size(); ++d) {
        int64_t one;
        if (std::find(axes.begin(), axes.end(), int(d)) != axes.end()) continue;
        if (!as_const_int(fold_constants(region->ranges[d].extent), &one) || one != 1) {
            TT_USER_ERROR(Validation, span) << "dimension " << d << " of the region of " << region->buffer->name
                                            << " spans " << to_text(region->ranges[d].extent) << " elements, which is "
                                            << "not supported on Tenstorrent yet: tile operations on "
                                            << region->buffer->name << " move " << axes_text() << "; instead index "
                                            << "dimension " << d << " with a single value (a block index or a loop "
                                            << "variable)";
        }
    }
    int64_t ext[2] = {kTileRows, 0};  // a vector is one row of tiles
    for (size_t i = 0; i < axes.size(); ++i) {
        const Range &range = region->ranges[axes[i]];
        const int slot = static_cast<int>(i + 2 - axes.size());
        // A block of a tensor stored one block of row_block rows per tile is one tile row.
        if (row_block && slot == 0 && as_const_int(fold_constants(range.extent), &ext[slot]) &&
            ext[slot] == row_block) {
            ext[slot] = kTileRows;
            continue;
        }
        // All of a dimension padded to whole tiles (a head dim of 16, a block of 4 rows of an
        // on-chip buffer) is its whole tiles.
        int64_t whole = -1, start = -1;
        const bool whole_padded = (slot == 1 || region->buffer->scope != MemoryScope::Global) &&
                                  as_const_int(fold_constants(range.extent), &ext[slot]) &&
                                  as_const_int(region->buffer->shape[axes[i]], &whole) && ext[slot] == whole &&
                                  as_const_int(fold_constants(through_lets(range.min, lets)), &start) && start == 0;
        if (whole_padded) {
            ext[slot] = (ext[slot] + kTileCols - 1) / kTileCols * kTileCols;
            continue;
        }
        if (!as_const_int(fold_constants(range.extent), &ext[slot]) || ext[slot] % kTileRows != 0) {
            TT_USER_ERROR(Validation, span)
                << "dimension " << axes[i] << " of the region of " << region->buffer->name << " has extent "
                << to_text(range.extent) << ", which is not a constant multiple of 32; instead use "
                << (axes.size() == 1 ? "vector lengths" : "block sizes") << " that are multiples of the 32x32 tile";
        }
    }
    return {axes.size() == 1 ? 1 : ext[0] / kTileRows, ext[1] / kTileCols};
}

namespace {

Expr multicast_arg(const MulticastOperand &operand, const char *field) {
    return CallNode::make("tt.multicast_arg", {StringImmNode::make(operand.buffer), StringImmNode::make(field)});
}

// The multicast address of l1_address in every core of the operand's row (column).
Expr multicast_address(const MulticastOperand &operand, const Expr &l1_address) {
    return CallNode::make("tt.get_noc_multicast_addr",
                          {multicast_arg(operand, "x0"), multicast_arg(operand, "y0"), multicast_arg(operand, "x1"),
                           multicast_arg(operand, "y1"), l1_address});
}

// After the sender's reads have landed in the `bytes` reserved at write_ptr: the sender waits
// until every receiver has reserved the same pages (counted on its sender semaphore), multicasts
// them and then VALID (1) into the receivers' semaphore; a receiver marks its semaphore INVALID (0),
// counts itself ready on the sender's semaphore and waits for VALID. The semaphore values are the
// release's VALID / INVALID (hostdevcommon/common_values.hpp).
Stmt multicast_handoff(const MulticastOperand &operand, const Var &write_ptr, int64_t bytes) {
    Var sender_semaphore = make_var(operand.buffer + "_sender_semaphore");
    Var receiver_semaphore = make_var(operand.buffer + "_receiver_semaphore");
    // The rectangle holds the sender too: the loopback forms write its own pages onto themselves.
    Expr destinations = multicast_arg(operand, "destinations");
    Stmt send = seq({tt_call("noc_semaphore_wait", {sender_semaphore, multicast_arg(operand, "receivers")}),
                     tt_call("noc_semaphore_set", {sender_semaphore, make_int(0)}),
                     tt_call("noc_async_write_multicast_loopback_src",
                             {write_ptr, multicast_address(operand, write_ptr), make_int(bytes), destinations}),
                     tt_call("noc_semaphore_set", {receiver_semaphore, make_int(1)}),
                     tt_call("noc_semaphore_set_multicast_loopback_src",
                             {receiver_semaphore, multicast_address(operand, receiver_semaphore), destinations}),
                     // The pages go back to the reader's next reads only once they have left.
                     tt_call("noc_async_write_barrier", {})});
    Expr sender_at = CallNode::make("tt.get_core_noc_addr",
                                    {multicast_arg(operand, "sender_x"), multicast_arg(operand, "sender_y"), sender_semaphore});
    Stmt receive = seq({tt_call("noc_semaphore_set", {receiver_semaphore, make_int(0)}),
                        tt_call("noc_semaphore_inc", {sender_at, make_int(1)}),
                        tt_call("noc_semaphore_wait", {receiver_semaphore, make_int(1)})});
    Stmt body = IfThenElseNode::make(NENode::make(multicast_arg(operand, "sender"), make_int(0)), send, receive);
    body = LetStmtNode::make(receiver_semaphore,
                             CallNode::make("tt.get_semaphore", {multicast_arg(operand, "receiver_semaphore")}), body);
    return LetStmtNode::make(sender_semaphore,
                             CallNode::make("tt.get_semaphore", {multicast_arg(operand, "sender_semaphore")}), body);
}

}  // namespace

Stmt emit_reader_stage(LoweringContext &ctx, const std::vector<GlobalToCB> &copies) {
    std::vector<Stmt> reserves, reads, zero_fills, pushes, handoffs;
    std::vector<std::pair<Var, Expr>> write_pointers;
    for (const GlobalToCB &copy : copies) {
        const Buffer &global = copy.source->buffer;
        const BufferLayout &layout = ctx.layout(global, copy.span);
        const CBConfig &cb = copy.destination->config;
        require_matching_format(*copy.destination, layout, global, copy.span);
        auto [rows, cols] = region_tiles(copy.source, copy.span, layout.tile_axes, layout.row_block, ctx.lets());
        auto [row0, col0] = first_tile(ctx, copy.source, layout, "the copy from " + global->name, copy.span);
        Expr accessor = ctx.accessor(KernelRole::Reader, global);
        Var write_ptr = make_var(copy.destination->buffer->name + "_write_ptr");
        Expr cb_index = make_int(cb.cb_index);
        reserves.push_back(tt_call("cb_reserve_back", {cb_index, make_int(rows * cols)}));
        write_pointers.push_back({write_ptr, CallNode::make("tt.get_write_ptr", {cb_index})});
        Stmt copy_reads = tile_loop("tile_row", rows, [&](const Expr &i) {
            return tile_loop("tile_col", cols, [&](const Expr &j) {
                Expr page = fold_constants(AddNode::make(MulNode::make(i, make_int(cols)), j));
                Expr id = tile_id(ctx, global, layout, AddNode::make(row0, i), AddNode::make(col0, j));
                Stmt read = tt_call("noc_async_read_page", {id, accessor, page_address(write_ptr, page, cb.page_size)});
                return ctx.prefetch() ? read : seq({read, tt_call("noc_async_read_barrier", {})});
            });
        });
        if (const MulticastOperand *operand = ctx.multicast(global)) {
            // Only the sender reads from DRAM; the pages reach the others by multicast.
            TT_ICHECK(!ctx.read_condition()) << "multicast copy of " << global->name << " under a condition";
            copy_reads = IfThenElseNode::make(NENode::make(multicast_arg(*operand, "sender"), make_int(0)), copy_reads);
            handoffs.push_back(multicast_handoff(*operand, write_ptr, rows * cols * cb.page_size));
        }
        reads.push_back(copy_reads);
        if (ctx.read_condition()) {
            // The pages the reads would fill, word by word: zero is 0x0 in every tile format.
            zero_fills.push_back(tile_loop("word", rows * cols * cb.page_size / 4, [&](const Expr &w) {
                return tt_call("l1_write_u32", {write_ptr, w, make_int(0)});
            }));
        }
        pushes.push_back(tt_call("cb_push_back", {cb_index, make_int(rows * cols)}));
    }
    if (ctx.prefetch()) reads.push_back(tt_call("noc_async_read_barrier", {}));
    reads.insert(reads.end(), handoffs.begin(), handoffs.end());
    Stmt body = seq(reads);
    if (ctx.read_condition()) body = IfThenElseNode::make(ctx.read_condition(), body, seq(zero_fills));
    for (auto it = write_pointers.rbegin(); it != write_pointers.rend(); ++it) {
        body = LetStmtNode::make(it->first, it->second, body);
    }
    std::vector<Stmt> out = reserves;
    out.push_back(body);
    out.insert(out.end(), pushes.begin(), pushes.end());
    return seq(out);
}

bool element_addressable(LoweringContext &ctx, const Buffer &global, const BufferLayout &layout, size_t rank) {
    return layout.layout == LayoutKind::Interleaved && !layout.row_block && rank >= 2 &&
           layout.tile_axes == default_tile_axes(rank) && ctx.dynamic_axes(global).empty();
}

TileElement tile_element(LoweringContext &ctx, const Buffer &global, const BufferLayout &layout,
                         const std::vector<Expr> &indices) {
    // Pages are the tiles of the matrices over the last two axes, batch-major (see first_tile).
    const size_t rank = indices.size();
    const std::vector<int64_t> &stored = layout.padded_shape;
    Expr matrix = make_int(0);
    for (size_t d = 0; d + 2 < rank; ++d) matrix = AddNode::make(MulNode::make(matrix, make_int(stored[d])), indices[d]);
    const Expr row = indices[rank - 2], col = indices[rank - 1];
    const Expr tile = make_int(kTileRows), half = make_int(kTileRows / 2);
    Expr tile_row = AddNode::make(MulNode::make(matrix, make_int((stored[rank - 2] + kTileRows - 1) / kTileRows)),
                                  FloorDivNode::make(row, tile));
    Expr page = tile_id(ctx, global, layout, tile_row, FloorDivNode::make(col, tile));
    // Inside the tile: face (r / 16, c / 16), each face 16x16 row-major.
    Expr r = FloorModNode::make(row, tile), c = FloorModNode::make(col, tile);
    Expr face = AddNode::make(MulNode::make(FloorDivNode::make(r, half), make_int(2)), FloorDivNode::make(c, half));
    Expr position = AddNode::make(MulNode::make(face, make_int(kTileRows * kTileCols / 4)),
                                  AddNode::make(MulNode::make(FloorModNode::make(r, half), half), FloorModNode::make(c, half)));
    return {fold_constants(page), fold_constants(position)};
}

Stmt emit_element_read(LoweringContext &ctx, const BufferLoadNode *load, const Var &value, const Stmt &body,
                       const Span &span) {
    const Buffer &global = load->buffer;
    const BufferLayout &layout = ctx.layout(global, span);
    const std::string dtype = global->dtype.to_string();
    const size_t rank = load->indices.size();
    if (dtype != "int32" && dtype != "uint32") {
        TT_USER_ERROR(Validation, span) << "the condition reads an element of " << global->name << ", held on the "
                                        << "device as " << dtype << ", which is not supported on Tenstorrent yet: the "
                                        << "reader tests 32-bit integer elements; instead give " << global->name
                                        << " dtype int32 or uint32";
    }
    if (!element_addressable(ctx, global, layout, rank)) {
        TT_USER_ERROR(Validation, span) << "the condition reads an element of " << global->name
                                        << ", which is not supported on Tenstorrent yet for a tensor that is sharded, "
                                        << "dynamic, of fewer than 2 dimensions or copied in blocks; instead "
                                        << "pass the mask as an interleaved tensor of 2 or more static dimensions "
                                        << "that the kernel only reads elements of";
    }
    const auto [page, position] = tile_element(ctx, global, layout, load->indices);
    const Expr word = position;  // 32-bit elements: one word each
    // DRAM reads start at multiples of the DRAM alignment: read that chunk of the tile.
    const int64_t chunk = ctx.device().dram_alignment, words_per_chunk = chunk / 4;
    Expr offset = fold_constants(MulNode::make(FloorDivNode::make(word, make_int(words_per_chunk)), make_int(chunk)));
    const CircularBuffer &cb = ctx.element_cb(global, span);
    const Expr cb_index = make_int(cb.config.cb_index);
    Var l1 = make_var(global->name + "_element_ptr");
    Expr noc_addr = CallNode::make("tt.get_noc_addr", {page, ctx.accessor(KernelRole::Reader, global), offset});
    // The word is in a register once read: the page goes back at once (pushed and popped by the
    // reader itself, so that the CB is balanced and no other kernel sees it).
    Stmt release = seq({tt_call("cb_push_back", {cb_index, make_int(1)}), tt_call("cb_wait_front", {cb_index, make_int(1)}),
                        tt_call("cb_pop_front", {cb_index, make_int(1)}), body});
    Expr element = CallNode::make("tt.l1_read_u32", {l1, fold_constants(FloorModNode::make(word, make_int(words_per_chunk)))});
    if (!(element->dtype == value->dtype)) element = CastNode::make(value->dtype, element, span);  // a uint32 mask
    Stmt read = seq({tt_call("noc_async_read", {noc_addr, l1, make_int(chunk)}), tt_call("noc_async_read_barrier", {}),
                     LetStmtNode::make(value, element, release, span)});
    return seq({tt_call("cb_reserve_back", {cb_index, make_int(1)}),
                LetStmtNode::make(l1, CallNode::make("tt.get_write_ptr", {cb_index}), read, span)});
}

Stmt emit_writer_copy(LoweringContext &ctx, const CircularBuffer &source, const TileOrder &order,
                      const RegionNode *destination, const Span &span) {
    const Buffer &global = destination->buffer;
    const BufferLayout &layout = ctx.layout(global, span);
    require_matching_format(source, layout, global, span);
    auto [rows, cols] = region_tiles(destination, span, layout.tile_axes, layout.row_block, ctx.lets());
    if (rows != order.rows || cols != order.cols) {
        TT_USER_ERROR(Validation, span) << "T.copy from " << source.buffer->name << " (" << order.rows << "x"
                                        << order.cols << " tiles) to a region of " << global->name << " of " << rows
                                        << "x" << cols << " tiles; instead copy regions of equal extents";
    }
    auto [row0, col0] = first_tile(ctx, destination, layout, "the copy to " + global->name, span);
    Expr accessor = ctx.accessor(KernelRole::Writer, global);
    Expr cb_index = make_int(source.config.cb_index);
    Expr group = make_int(order.group_tiles());
    return tile_loop("group_row", order.groups_down(), [&](const Expr &gr) {
        return tile_loop("group_col", order.groups_across(), [&](const Expr &gc) {
            Var read_ptr = make_var(source.buffer->name + "_read_ptr");
            Stmt writes = tile_loop("tile_row", order.group_rows, [&](const Expr &i) {
                return tile_loop("tile_col", order.group_cols, [&](const Expr &j) {
                    Expr row = AddNode::make(row0, AddNode::make(MulNode::make(gr, make_int(order.group_rows)), i));
                    Expr col = AddNode::make(col0, AddNode::make(MulNode::make(gc, make_int(order.group_cols)), j));
                    Expr page = fold_constants(AddNode::make(MulNode::make(i, make_int(order.group_cols)), j));
                    return tt_call("noc_async_write_page", {tile_id(ctx, global, layout, row, col), accessor,
                                                            page_address(read_ptr, page, source.config.page_size)});
                });
            });
            Stmt body = LetStmtNode::make(read_ptr, CallNode::make("tt.get_read_ptr", {cb_index}),
                                          seq({writes, tt_call("noc_async_write_barrier", {})}));
            return seq({tt_call("cb_wait_front", {cb_index, group}), body, tt_call("cb_pop_front", {cb_index, group})});
        });
    });
}

}  // namespace tt::transform
