// Tile operations split into reader / compute / writer statements (see tt_tile_ops.h).
#include "transform/tt_tile_ops.h"

#include "ir/arith.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/analysis.h"
#include "transform/tt_tile_compute.h"
#include "transform/tt_tile_dataflow.h"

namespace tt::transform {

using namespace ir;

void unsupported(const Span &span, const std::string &what, const std::string &why, const std::string &instead) {
    TT_USER_ERROR(Validation, span) << what << " is not supported on Tenstorrent yet: " << why << "; instead "
                                    << instead;
}

// On-chip operands are whole buffers: a tile operation on part of a shared/fragment buffer would
// need a CB per part.
void require_whole(const RegionNode *r, const CircularBuffer &cb, const char *op, const Span &span) {
    auto [rows, cols] = region_tiles(r, span);
    // A vector's region is one row of tiles whichever way its tiles lie (VectorLayout).
    bool whole = r->ranges.size() == 1 ? rows * cols == cb.rows * cb.cols : rows == cb.rows && cols == cb.cols;
    for (const Range &range : r->ranges) {
        int64_t mn;
        whole = whole && as_const_int(fold_constants(range.min), &mn) && mn == 0;
    }
    if (!whole) {
        unsupported(span, std::string(op) + " on part of " + r->buffer->name,
                    "each shared/fragment buffer is one circular buffer moved whole",
                    "operate on the whole buffer (allocate one of the part's shape)");
    }
}

const CallNode *tile_call(const Stmt &s) {
    const auto *eval = s.as<EvaluateNode>();
    const auto *call = eval ? eval->value.as<CallNode>() : nullptr;
    return call && (call->op->roles & kRoleFrontend) ? call : nullptr;
}

bool is_false(const Expr &flag) {
    const auto *imm = flag.as<IntImmNode>();
    return imm && imm->value == 0;
}

namespace {

bool is_global(const RegionNode *r) {
    return r->buffer->scope == MemoryScope::Global;
}

const RegionNode *region_arg(const CallNode *call, size_t i) {
    return call->args[i].as<RegionNode>();
}

// A T.copy between an integer and a float dtype: the NoC moves bytes, and the unpacker and packer
// convert between float formats only.
void require_same_kind(const RegionNode *src, const RegionNode *dst, const Span &span) {
    const DataType from = src->buffer->dtype, to = dst->buffer->dtype;
    if (!((from.is_int() && to.is_float()) || (from.is_float() && to.is_int()))) return;
    unsupported(span,
                "T.copy from " + from.to_string() + " " + src->buffer->name + " to " + to.to_string() + " " +
                    dst->buffer->name,
                "tile copies convert between float formats only, not between integers and floats",
                "give both the same kind of dtype (convert the tensor on the host, e.g. with numpy's astype)");
}

// A bool argument (a constant: the frontend folds keyword flags).
bool flag(const CallNode *call, size_t i) {
    const auto *imm = call->args[i].as<IntImmNode>();
    TT_ICHECK(imm) << call->op->name << " flag " << call->op->args[i].name << " is not a constant";
    return imm->value != 0;
}

const char *kind_name(TileValue::Kind k) {
    switch (k) {
    case TileValue::Empty: return "nothing";
    case TileValue::Constant: return "a constant from T.clear or T.fill";
    case TileValue::DstResident: return "partial sums kept in DST by the loop around it";
    default: return "tiles";
    }
}

}  // namespace

bool TileOpLowering::is_global_load(const CallNode *call) {
    if (call->op->name != "tl.copy") return false;
    return is_global(region_arg(call, 0)) && is_on_chip(region_arg(call, 1)->buffer);
}

void TileOpLowering::note_compute_init(Stmt init) {
    if (!compute_init_) compute_init_ = std::move(init);
}

Stmt TileOpLowering::compute_init() const {
    if (!compute_init_ || compute_setup_.empty()) return compute_init_;
    std::vector<Stmt> all{compute_init_};
    all.insert(all.end(), compute_setup_.begin(), compute_setup_.end());
    return seq(all);
}

TileValue &TileOpLowering::full_value(const Buffer &buffer, const char *op, const Span &span) {
    TileValue &v = ctx_.value(buffer);
    if (v.kind != TileValue::Full) {
        unsupported(span, std::string(op) + " reading " + buffer->name + " while it holds " + kind_name(v.kind),
                    "only tiles a copy or gemm produced are in its circular buffer",
                    "write " + buffer->name + " with T.copy or T.gemm before reading it");
    }
    return v;
}

const CircularBuffer &TileOpLowering::value_cb(const Buffer &buffer, const Span &span) {
    const TileValue &v = ctx_.value(buffer);
    return v.home ? *v.home : ctx_.cb(buffer, span);
}

Stmt TileOpLowering::define(const Buffer &buffer, const TileOrder &order, const Span &span,
                            const CircularBuffer *home) {
    TileValue &v = ctx_.value(buffer);
    if (v.kind == TileValue::Full && !v.read && !v.carried) {
        TT_USER_ERROR(Validation, span) << buffer->name << " is overwritten before anything read its "
                                        << "previous value, whose tiles would stay in its circular buffer; instead "
                                        << "read it first or remove the earlier write";
    }
    Stmt retired = retire(buffer);
    v = TileValue{TileValue::Full, 0, Expr(), order};
    v.home = home;
    return retired;
}

const CircularBuffer &TileOpLowering::compute_target(const Buffer &buffer, const Span &span) {
    const CircularBuffer &own = ctx_.cb(buffer, span);
    return own.config.flow == CBFlow::Input ? ctx_.scratch_cb(buffer, "computed") : own;
}

Stmt TileOpLowering::retire(const Buffer &buffer) {
    TileValue &v = ctx_.value(buffer);
    if (v.kind != TileValue::Full || !(v.read || v.carried)) return Stmt();
    // Compute waited for the tiles when it read them; a carried value nobody read is waited for here.
    const CircularBuffer &cb = value_cb(buffer, buffer->span);
    Stmt pop = v.read ? tt_call("cb_pop_front", {make_int(cb.config.cb_index), make_int(v.order.rows * v.order.cols)})
                      : emit_discard(cb, v.order);
    if (v.constant_if) pop = IfThenElseNode::make(NotNode::make(v.constant_if), pop);
    v = TileValue{};
    return pop;
}

void TileOpLowering::mark_read(const Buffer &buffer) {
    ctx_.value(buffer).read = true;
}

RoleStmts TileOpLowering::fill_if(const Buffer &buffer, const Expr &cond, double constant) {
    TileValue &v = ctx_.value(buffer);
    TT_ICHECK(v.kind == TileValue::Full && !v.constant_if) << buffer->name << " holds no tiles to fill";
    v.constant = constant;
    v.constant_if = cond;
    Expr whole = RegionNode::full(buffer, buffer->span);
    return materialize_constant(whole.as<RegionNode>());
}

RoleStmts TileOpLowering::materialize_constant(const RegionNode *region) {
    TileValue &v = ctx_.value(region->buffer);
    RoleStmts out;
    if (v.kind == TileValue::Full && v.constant_if) {
        // Still the constant on the loop's first iteration: its tiles are written then, so the
        // CB holds them on every iteration from here on (and is popped unconditionally).
        const CircularBuffer &cb = value_cb(region->buffer, region->span);
        note_compute_init(emit_copy_init(cb, cb));
        out[KernelRole::Compute].push_back(
            IfThenElseNode::make(v.constant_if, emit_constant_tiles(cb, v.constant, ctx_.dst_tiles())));
        v.constant_if = Expr();
        return out;
    }
    if (v.kind != TileValue::Constant) return out;
    const CircularBuffer &own = ctx_.cb(region->buffer, region->span);
    const CircularBuffer &cb = compute_target(region->buffer, region->span);
    note_compute_init(emit_copy_init(cb, cb));
    out[KernelRole::Compute].push_back(emit_constant_tiles(cb, v.constant, ctx_.dst_tiles()));
    v = TileValue{TileValue::Full, 0, Expr(), TileOrder{cb.rows, cb.cols, 1, cb.cols}};
    v.home = &cb == &own ? nullptr : &cb;
    return out;
}

void TileOpLowering::require_unwritten(const Buffer &global, const Span &span) const {
    if (written_globals_.count(global.get())) {
        unsupported(span, "reading " + global->name + " after this kernel wrote it",
                    "the reader and the writer run concurrently, so the read may see the tiles before the write",
                    "keep the value on chip and use the buffer that holds it");
    }
}

RoleStmts TileOpLowering::lower_loads(const std::vector<LocatedCall> &loads) {
    std::vector<GlobalToCB> copies;
    std::vector<Stmt> retire_stmts;  // compute pops the old values it kept before the reader refills
    std::vector<Stmt> transposes;    // compute turns loaded rows of tiles into per-row vectors
    for (const auto &[call, span] : loads) {
        const RegionNode *src = region_arg(call, 0), *dst = region_arg(call, 1);
        require_same_kind(src, dst, span);
        require_unwritten(src->buffer, span);
        // An accumulator's copy lands in its input CB; compute reloads it from there.
        const CircularBuffer &cb = ctx_.fill_cb(dst->buffer, span);
        const CircularBuffer *home = &cb == &ctx_.cb(dst->buffer, span) ? nullptr : &cb;
        require_whole(dst, cb, "T.copy", span);
        const BufferLayout &src_layout = ctx_.layout(src->buffer, span);
        auto [rows, cols] = region_tiles(src, span, src_layout.tile_axes, src_layout.row_block, ctx_.lets());
        if (cb.vector == VectorLayout::Column && rows == 1 && cols == cb.rows) {
            // A per-row vector from a 1-D tensor (one row of tiles in DRAM): the reader loads the
            // row of tiles, compute transposes each so its values land in column 0.
            const CircularBuffer &loaded = ctx_.scratch_cb(dst->buffer, "loaded");
            CircularBuffer as_row = loaded;
            std::swap(as_row.rows, as_row.cols);
            if (Stmt retired = define(dst->buffer, TileOrder{cb.rows, 1, 1, 1}, span)) retire_stmts.push_back(retired);
            copies.push_back({src, &loaded, span});
            note_compute_init(emit_copy_init(loaded, cb));
            transposes.push_back(emit_transpose(as_row, cb, ctx_.dst_tiles()));
            transposes.push_back(tt_call("cb_pop_front", {make_int(loaded.config.cb_index), make_int(cb.rows)}));
            continue;
        }
        if (rows != cb.rows || cols != cb.cols) {
            TT_USER_ERROR(Validation, span)
                << "T.copy of " << rows << "x" << cols << " tiles of " << src->buffer->name << " into "
                << dst->buffer->name << " of " << cb.rows << "x" << cb.cols << " tiles; instead copy equal extents";
        }
        if (Stmt retired = define(dst->buffer, TileOrder{rows, cols, 1, cols}, span, home)) retire_stmts.push_back(retired);
        copies.push_back({src, &cb, span});
    }
    RoleStmts out;
    out[KernelRole::Compute] = retire_stmts;
    out[KernelRole::Compute].insert(out[KernelRole::Compute].end(), transposes.begin(), transposes.end());
    out[KernelRole::Reader].push_back(emit_reader_stage(ctx_, copies));
    return out;
}

RoleStmts TileOpLowering::lower(const CallNode *call, const Span &span) {
    const std::string &name = call->op->name;
    if (name == "tl.gemm") return lower_gemm(call, span);
    if (name == "tl.fill") return lower_fill(call, span);
    if (name == "tl.reduce") return lower_reduce(call, span);
    if (name == "tl.copy") {
        const RegionNode *src = region_arg(call, 0), *dst = region_arg(call, 1);
        require_same_kind(src, dst, span);
        if (is_on_chip(src->buffer) && is_global(dst)) {
            RoleStmts out = lower_store(src, dst, span);
            if (ordered_globals_.count(dst->buffer.get())) {
                const CircularBuffer &token = ctx_.written_cb(dst->buffer, span);
                const Expr cb = make_int(token.config.cb_index), one = make_int(1);
                // After the write's barrier (emit_writer_copy): the tiles are in DRAM.
                out[KernelRole::Writer].push_back(seq({tt_call("cb_reserve_back", {cb, one}),
                                                       tt_call("cb_push_back", {cb, one})}));
                out[KernelRole::Reader].push_back(seq({tt_call("cb_wait_front", {cb, one}),
                                                       tt_call("cb_pop_front", {cb, one})}));
            }
            return out;
        }
        if (is_on_chip(src->buffer) && is_on_chip(dst->buffer)) return lower_onchip_copy(src, dst, span);
        if (is_global(src) && is_on_chip(dst->buffer)) return lower_loads({{call, span}});
        unsupported(span,
                    std::string("T.copy from ") + scope_name(src->buffer->scope) + " " + src->buffer->name + " to " +
                        scope_name(dst->buffer->scope) + " " + dst->buffer->name,
                    "copies move tiles between global memory and shared/fragment buffers",
                    "stage the copy through a T.alloc_shared buffer");
    }
    unsupported(span, "T." + name.substr(3), "only T.copy, T.gemm, T.clear, T.fill and T.reduce_* are lowered",
                "express the kernel with those tile operations");
}

void TileOpLowering::plan_delivery(const GemmDelivery &delivery, const Expr &last) {
    const Buffer &acc = delivery.accumulator;
    delivery_ = Delivery{delivery.loop, acc.get(), &ctx_.drain_cb(acc, delivery.global->dtype), last};
}

const CircularBuffer *TileOpLowering::delivery_for(const Buffer &acc, const CircularBuffer &from) const {
    if (!delivery_ || delivery_->acc != acc.get()) return nullptr;
    // DST holds at least C's precision: packing it into C's format rounds only when that is
    // narrower than float32 and than the output's.
    const std::string &format = from.config.data_format;
    const bool same = format == tt_data_format(DataType::float32()) || format == delivery_->drain->config.data_format;
    return same ? delivery_->drain : nullptr;
}

RoleStmts TileOpLowering::lower_store(const RegionNode *src, const RegionNode *dst, const Span &span) {
    require_whole(src, ctx_.cb(src->buffer, span), "T.copy", span);
    if (delivered_.erase(src->buffer.get())) {
        // The K loop's last step packed the value where the writer drains it (tt_gemm_delivery.h).
        written_globals_.insert(dst->buffer.get());
        RoleStmts out;
        const TileOrder order = ctx_.value(src->buffer).order;
        out[KernelRole::Writer].push_back(
            emit_writer_copy(ctx_, ctx_.drain_cb(src->buffer, dst->buffer->dtype), order, dst, span));
        ctx_.value(src->buffer) = TileValue{};
        return out;
    }
    RoleStmts out = materialize_constant(src);
    const CircularBuffer &cb = value_cb(src->buffer, span);
    TileOrder order = full_value(src->buffer, "T.copy", span).order;
    const BufferLayout &layout = ctx_.layout(dst->buffer, span);
    written_globals_.insert(dst->buffer.get());
    if (cb.vector == VectorLayout::Column) {
        // A per-row vector has its values in column 0 of each tile, a 1-D tensor in DRAM is one row
        // of tiles: compute transposes each tile (column 0 to row 0) into a CB the writer drains.
        const CircularBuffer &drain = ctx_.drain_cb(src->buffer, dst->buffer->dtype);
        note_compute_init(emit_copy_init(cb, drain));
        out[KernelRole::Compute].push_back(emit_transpose(cb, drain, ctx_.dst_tiles()));
        out[KernelRole::Writer].push_back(emit_writer_copy(ctx_, drain, TileOrder{1, cb.rows, 1, cb.rows}, dst, span));
        mark_read(src->buffer);
        return out;
    }
    // A CB has one consumer: when compute reads the buffer (an accumulator's partial sums, an
    // operand of compute), the writer cannot drain its CB; and the NoC does not convert formats.
    // Either way compute copies the tiles into a CB the writer owns, keeping the value.
    if (ctx_.is_accumulator(src->buffer) || ctx_.compute_reads(src->buffer) ||
        cb.config.data_format != layout.data_format) {
        const CircularBuffer &drain = ctx_.drain_cb(src->buffer, dst->buffer->dtype);
        note_compute_init(emit_copy_init(cb, drain));
        out[KernelRole::Compute].push_back(emit_compute_copy(cb, drain, order, ctx_.dst_tiles()));
        out[KernelRole::Writer].push_back(emit_writer_copy(ctx_, drain, order, dst, span));
        mark_read(src->buffer);
    } else {
        out[KernelRole::Writer].push_back(emit_writer_copy(ctx_, cb, order, dst, span));
        ctx_.value(src->buffer) = TileValue{};
    }
    return out;
}

RoleStmts TileOpLowering::lower_onchip_copy(const RegionNode *src, const RegionNode *dst, const Span &span) {
    const CircularBuffer &own = ctx_.cb(dst->buffer, span);
    const CircularBuffer &to = compute_target(dst->buffer, span);
    require_whole(src, ctx_.cb(src->buffer, span), "T.copy", span);
    require_whole(dst, own, "T.copy", span);
    RoleStmts out = materialize_constant(src);
    const CircularBuffer &from = value_cb(src->buffer, span);
    TileOrder order = full_value(src->buffer, "T.copy", span).order;
    mark_read(src->buffer);
    if (Stmt retired = define(dst->buffer, order, span, &to == &own ? nullptr : &to))
        out[KernelRole::Compute].push_back(retired);
    note_compute_init(emit_copy_init(from, to));
    out[KernelRole::Compute].push_back(emit_compute_copy(from, to, order, ctx_.dst_tiles()));
    return out;
}

RoleStmts TileOpLowering::lower_gemm(const CallNode *call, const Span &span) {
    const RegionNode *ra = region_arg(call, 0), *rb = region_arg(call, 1), *rc = region_arg(call, 2);
    const bool transpose_a = flag(call, 3), transpose_b = flag(call, 4), clear_accum = flag(call, 5);
    for (const RegionNode *r : {ra, rb, rc}) {
        if (!is_on_chip(r->buffer)) {
            unsupported(span, "T.gemm on global buffer " + r->buffer->name, "matmul reads and writes circular buffers",
                        "T.copy it into a shared/fragment buffer first");
        }
    }
    GemmTiles g{&value_cb(ra->buffer, span), &value_cb(rb->buffer, span), &value_cb(rc->buffer, span), nullptr,
                transpose_b};
    require_whole(ra, *g.a, "T.gemm", span);
    require_whole(rb, *g.b, "T.gemm", span);
    require_whole(rc, *g.c, "T.gemm", span);
    g.m = g.c->rows;
    g.n = g.c->cols;
    const int64_t a_m = transpose_a ? g.a->cols : g.a->rows;
    g.k = transpose_a ? g.a->rows : g.a->cols;
    const int64_t b_k = transpose_b ? g.b->cols : g.b->rows, b_n = transpose_b ? g.b->rows : g.b->cols;
    if (a_m != g.m || b_k != g.k || b_n != g.n) {
        TT_USER_ERROR(Validation, span) << "T.gemm shapes do not chain: A is " << a_m << "x" << g.k << " tiles, B "
                                        << b_k << "x" << b_n << " (as multiplied), C " << g.m << "x" << g.n
                                        << "; instead give C (M, N), A (M, K) ((K, M) with transpose_A) and B "
                                        << "(K, N) ((N, K) with transpose_B) blocks";
    }
    RoleStmts out;
    for (const RegionNode *r : {ra, rb}) {
        out.append(materialize_constant(r));
        const TileValue &v = full_value(r->buffer, "T.gemm", span);
        if (v.order.group_cols != v.order.cols) {
            unsupported(span, "T.gemm reading " + r->buffer->name + " in subblock order",
                        "matmul indexes its inputs' tiles row-major", "pass a buffer loaded with T.copy");
        }
        mark_read(r->buffer);
    }
    // The matrix engine transposes only its second operand, so A's tiles are transposed first.
    if (transpose_a) {
        const CircularBuffer &transposed = ctx_.transposed_cb(ra->buffer, span);
        out[KernelRole::Compute].push_back(emit_transpose(*g.a, transposed, ctx_.dst_tiles()));
        g.a = &transposed;
        g.pop_a = true;  // the transposed copy is the gemm's own
    }
    note_compute_init(emit_gemm_init(g));
    TileValue c = ctx_.value(rc->buffer);
    if (c.kind == TileValue::DstResident) {
        out[KernelRole::Compute].push_back(emit_gemm_in_dst(g));
        return out;
    }
    if (clear_accum && c.kind == TileValue::Full) {
        Stmt discard = emit_discard(*g.c, c.order);
        out[KernelRole::Compute].push_back(c.constant_if ? IfThenElseNode::make(NotNode::make(c.constant_if), discard)
                                                         : discard);
    }
    if (clear_accum) c = TileValue{TileValue::Constant, 0, Expr(), c.order};
    if (c.kind == TileValue::Empty) {
        TT_USER_ERROR(Validation, span) << "T.gemm accumulates into " << rc->buffer->name
                                        << ", which holds no value yet; instead T.clear(" << rc->buffer->name
                                        << ") before the loop or pass clear_accum=True";
    }
    // Whole rows of tiles per subblock: the plain order other tile operations read. A value only
    // its copy out reads (tt_gemm_delivery.h) may take the subblocks cheapest to unpack.
    const bool only_copied_out = delivery_ && delivery_->acc == rc->buffer.get();
    TileOrder order = only_copied_out ? cheapest_subblocks(g, ctx_.dst_tiles(), ctx_.device().cost)
                                      : TileOrder::row_major(g.m, g.n, ctx_.dst_tiles());
    if (c.kind == TileValue::Full && !c.order.enumerates_like(order)) {
        unsupported(span, "T.gemm accumulating onto " + rc->buffer->name + " in its current tile order",
                    "partial sums are reloaded one DST subblock at a time", "T.clear the accumulator first");
    }
    // The new value goes where compute may write: over a C the reader filled, a CB of compute's.
    const CircularBuffer &target = compute_target(rc->buffer, span);
    if (&target != g.c) g.packed = &target;
    // Partial sums packed back where they were read from, a CB of exactly C's tiles, may stay there
    // and take each step's products by L1 accumulation when that is cheaper than reloading them.
    g.l1_accumulate = c.kind == TileValue::Full && !g.packed && g.c->config.num_pages == g.m * g.n &&
                      packer_accumulation_pays(g, order, ctx_.device(), ctx_.fidelity());
    // The final value packed where the writer drains it (tt_gemm_delivery.h). Partial sums the
    // packer accumulated in L1 are reloaded into DST for that: only where DST holds C's format
    // exactly, since a 16-bit DST would round a float32 sum the copy out takes unrounded.
    const CircularBuffer *drain = delivery_for(rc->buffer, *g.c);
    const bool reload_exact = ctx_.fp32_dest_acc() || g.c->config.data_format != tt_data_format(DataType::float32());
    if (drain && c.kind == TileValue::Full && !g.packed && (!g.l1_accumulate || reload_exact)) {
        g.deliver = drain;
        g.last = delivery_->last;
        mark_delivered(rc->buffer);
    }
    out[KernelRole::Compute].push_back(emit_gemm(g, c, order, ctx_.dst_tiles()));
    ctx_.value(rc->buffer) = TileValue{TileValue::Full, 0, Expr(), order};
    if (&target != &ctx_.cb(rc->buffer, span)) ctx_.value(rc->buffer).home = &target;
    return out;
}

RoleStmts TileOpLowering::lower_fill(const CallNode *call, const Span &span) {
    const RegionNode *dst = region_arg(call, 0);
    double value = 0;
    int64_t int_value = 0;
    const Expr fill = fold_constants(call->args[1]);  // e.g. -T.infinity(dtype)
    if (const auto *f = fill.as<FloatImmNode>()) {
        value = f->value;
    } else if (as_const_int(fill, &int_value)) {
        value = static_cast<double>(int_value);
    } else {
        unsupported(span, "T.fill with the value " + to_text(call->args[1]),
                    "a fill value is a constant of the compiled kernel", "fill with a number known at compile time");
    }
    if (!is_on_chip(dst->buffer)) {
        unsupported(span, "T.fill of global buffer " + dst->buffer->name, "fills act on on-chip buffers",
                    "fill a fragment and T.copy it out");
    }
    const CircularBuffer &cb = ctx_.cb(dst->buffer, span);
    require_whole(dst, cb, "T.fill", span);
    TileValue &v = ctx_.value(dst->buffer);
    RoleStmts out;
    if (v.kind == TileValue::Full) {
        Stmt discard = emit_discard(value_cb(dst->buffer, span), v.order);
        out[KernelRole::Compute].push_back(v.constant_if ? IfThenElseNode::make(NotNode::make(v.constant_if), discard)
                                                         : discard);
    }
    v = TileValue{TileValue::Constant, value, Expr(), TileOrder{cb.rows, cb.cols, 1, cb.cols}};
    return out;
}

}  // namespace tt::transform
