// T.reduce_sum / max / min / absmax / abssum as compute programs: each output tile of the 1-D
// result is one reduce_tile chain over a row (dim 1) or a column (dim 0) of the source's tiles.
//
// reduce_tile<SUM|MAX, REDUCE_ROW> folds a tile's columns into its column 0 (REDUCE_COL: its rows
// into row 0), scaled by a scaler tile, and accumulates into DST across the tiles of a row; the
// result is exactly a Column (Row) vector tile (VectorLayout). The scaler is a tile of ones that
// compute fills once per kernel. Kinds the matrix engine has no pool for are rewritten around
// it: absmax and abssum reduce |x| (the SFPU's abs into a scratch CB first), min is -max(-x). A
// float32 source other operations read too is copied into a scratch CB the pool reads, so that
// only copies read the source's own CB (they then read it exactly, tt_unpack_to_dest.h).
// clear=False combines the result with the vector's current value in DST before packing. The
// reduction folds the elements of its source region along the folded axis: the whole buffer, or
// those inside the tensors its blocks come from (`x[0:32, 0:T.min(128, X_extent_1 - s * 128)]`, as
// InferTTLayout writes it, verify_tt_padding.h). Past that extent (and past an extent that is not a
// multiple of 32, as a row of 200 columns) its tiles hold padding that element-wise math may have
// made anything (exp(0) is 1): the pool reads it masked to the reduction's identity (0 for sums,
// -inf for maxima) through the index tiles, the extent computed in the kernel when it is not a
// constant (the tensor extents it names are runtime arguments).
#include <limits>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_tile_compute.h"
#include "transform/tt_tile_elementwise.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

namespace {

Expr cb_of(const CircularBuffer &cb) {
    return make_int(cb.config.cb_index);
}

EltwiseExpr tile_of(const Buffer &source) {
    EltwiseExpr leaf;
    leaf.kind = EltwiseExpr::Tile;
    leaf.buffer = source;
    return leaf;
}

EltwiseExpr unary(const char *name, EltwiseExpr operand) {
    EltwiseExpr e;
    e.kind = EltwiseExpr::Unary;
    e.op = lookup_eltwise_op(name);
    e.operands = {std::move(operand)};
    return e;
}

/*! value where the element's index along the folded axis is below `extent`, `identity` elsewhere. */
EltwiseExpr masked(EltwiseExpr value, bool along_columns, const Expr &extent, double identity,
                   const CircularBuffer *index) {
    EltwiseExpr inside;
    inside.kind = EltwiseExpr::IndexCompare;
    inside.op = lookup_eltwise_op("ltz");  // index - extent < 0
    inside.index_row = along_columns ? 0 : 1;
    inside.index_col = along_columns ? 1 : 0;
    inside.offset = fold_constants(SubNode::make(make_int(0), extent));
    inside.index_cb = index;
    EltwiseExpr otherwise;
    otherwise.kind = EltwiseExpr::Constant;
    otherwise.constant = identity;
    EltwiseExpr e;
    e.kind = EltwiseExpr::Select;
    e.operands = {std::move(inside), std::move(value), std::move(otherwise)};
    return e;
}

/*! e with each shape-dependent value it names (tt.runtime_constant) named by ctx, which passes
 *  them to the kernels as runtime arguments. */
Expr named_by(LoweringContext &ctx, const Expr &e) {
    struct Named : IRMutator {
        LoweringContext &ctx;
        explicit Named(LoweringContext &c) : ctx(c) {}
        using IRMutator::visit;
        Expr visit(const CallNode *op) override {
            if (op->op->name != "tt.runtime_constant") return IRMutator::visit(op);
            int64_t value = 0;
            as_const_int(op->args[1], &value);
            const Json formula = op->args.size() > 2 ? Json::parse(op->args[2].as<StringImmNode>()->value) : Json();
            return ctx.runtime_constant(op->args[0].as<StringImmNode>()->value, value, formula);
        }
    } named(ctx);
    return named(e);
}

/*! The extent that masks elements of a folded axis of `reach` elements (its tiles): a bound at or
 *  past the reach masks nothing, so min(128, X_extent_1 - s * 128) over 128 elements masks as its
 *  second operand. */
Expr masking_extent(const Expr &extent, int64_t reach) {
    const auto *min = extent.as<MinNode>();
    if (!min) return extent;
    int64_t bound = 0;
    if (as_const_int(min->a, &bound) && bound >= reach) return masking_extent(min->b, reach);
    if (as_const_int(min->b, &bound) && bound >= reach) return masking_extent(min->a, reach);
    return extent;
}

}  // namespace

RoleStmts TileOpLowering::lower_reduce(const CallNode *call, const Span &span) {
    const auto *src = call->args[0].as<RegionNode>(), *dst = call->args[1].as<RegionNode>();
    const std::string kind = call->args[2].as<StringImmNode>()->value;
    int64_t dim = 1;
    as_const_int(call->args[3], &dim);
    const auto *clear_flag = call->args[4].as<IntImmNode>();
    if (!clear_flag) {
        unsupported(span, "T.reduce_" + kind + " with clear=" + to_text(call->args[4]),
                    "whether the reduction starts afresh is decided when the kernel is compiled",
                    "pass clear=True or clear=False");
    }
    const bool clear = clear_flag->value != 0;
    for (const RegionNode *r : {src, dst}) {
        if (r->buffer->scope != MemoryScope::Shared && r->buffer->scope != MemoryScope::Fragment) {
            unsupported(span, "T.reduce_" + kind + " of global buffer " + r->buffer->name,
                        "reductions read and write circular buffers", "T.copy it into a fragment first");
        }
    }
    for (const RegionNode *r : {src, dst}) {
        if (!r->buffer->dtype.is_float()) {
            unsupported(span,
                        "T.reduce_" + kind + " of the " + r->buffer->dtype.to_string() + " buffer " + r->buffer->name,
                        "reductions run on floating-point tiles", "reduce a float16, bfloat16 or float32 buffer");
        }
    }
    if (src->buffer->shape.size() != 2 || dst->buffer->shape.size() != 1) {
        unsupported(span,
                    "T.reduce_" + kind + " from a " + std::to_string(src->buffer->shape.size()) + "-D into a " +
                        std::to_string(dst->buffer->shape.size()) + "-D buffer",
                    "reductions fold a 2-D tile block into a 1-D vector", "reduce a 2-D fragment into a 1-D one");
    }
    const CircularBuffer &out = ctx_.cb(dst->buffer, span), &shape = ctx_.cb(src->buffer, span);
    const bool rows = dim == 1;  // one value per row: fold each row of tiles into a Column vector tile
    // The folded axis may be read up to an extent of its own (the elements inside a tensor), the
    // rest of the buffer whole.
    const size_t folded_axis = rows ? 1 : 0;
    const Range folded_range = src->ranges.at(folded_axis);
    int64_t folded_start = -1;
    if (!as_const_int(fold_constants(folded_range.min), &folded_start) || folded_start != 0) {
        unsupported(span,
                    "T.reduce_" + kind + " of part of " + src->buffer->name + " starting at " +
                        to_text(folded_range.min) + " along dim " + std::to_string(dim),
                    "a reduction reads its source's circular buffer from its first element",
                    "reduce the whole buffer, or its elements from 0 to an extent");
    }
    std::vector<Range> whole_ranges = src->ranges;
    whole_ranges[folded_axis] = Range{make_int(0), src->buffer->shape[folded_axis]};
    require_whole(RegionNode::make(src->buffer, whole_ranges).as<RegionNode>(), shape, "T.reduce", span);
    const int64_t outputs = rows ? shape.rows : shape.cols, folded = rows ? shape.cols : shape.rows;
    if (out.vector != (rows ? VectorLayout::Column : VectorLayout::Row) || out.rows * out.cols != outputs) {
        TT_USER_ERROR(Validation, span) << "T.reduce_" << kind << " along dim " << dim << " of " << src->buffer->name
                                        << " gives " << outputs * 32 << " values, but " << dst->buffer->name
                                        << " holds " << out.rows * out.cols * 32 << "; instead reduce into a 1-D "
                                        << "fragment of the other dimension's extent";
    }
    RoleStmts result = materialize_constant(src);
    std::vector<Stmt> &compute = result[KernelRole::Compute];
    const TileOrder order = full_value(src->buffer, "T.reduce", span).order;
    const CircularBuffer &in = value_cb(src->buffer, span);
    note_compute_init(emit_copy_init(in, out));

    // The tiles the pool reads: the source's (kept: popped where the value dies), or |source|, -source
    // or the source masked past its extent in a scratch CB.
    compute.push_back(tt_call("cb_wait_front", {cb_of(in), make_int(shape.rows * shape.cols)}));
    const CircularBuffer *pooled = &in;
    TileOrder pooled_order = order;
    const bool sums = kind == "sum" || kind == "abssum";
    const Expr extent = masking_extent(named_by(ctx_, fold_constants(folded_range.extent)), folded * kTileCols);
    int64_t constant_extent = 0;
    const bool padded = !as_const_int(extent, &constant_extent) || constant_extent < folded * kTileCols;
    // The scaler first: staging below is optional and must not take the room it needs.
    const CircularBuffer &scaler = ctx_.scaler_cb(&compute_setup_, &compute_teardown_, span);
    // A float32 source that something else reads too is staged: the pool reads a copy of it
    // through the source registers (tf32), so the source's own CB is read by copies alone, which
    // unpack it straight into a float32 DST, exactly (tt_unpack_to_dest.h). Where L1 has no room
    // for the copy, the other reads see the source as tf32, as the pool does.
    const bool staged = ctx_.fp32_dest_acc() && in.config.data_format == tt_data_format(DataType::float32()) &&
                        ctx_.reads(src->buffer) > 1 && ctx_.scratch_fits(src->buffer, "staged");
    if (kind == "absmax" || kind == "abssum" || kind == "min" || padded || staged) {
        EltwiseExpr value = kind == "min"                          ? unary("neg", tile_of(src->buffer))
                            : kind == "absmax" || kind == "abssum" ? unary("abs", tile_of(src->buffer))
                                                                   : tile_of(src->buffer);
        if (padded) {
            value = masked(std::move(value), rows, extent, sums ? 0.0 : -std::numeric_limits<double>::infinity(),
                           &ctx_.index_cb(&compute_setup_, &compute_teardown_, span));
        }
        const CircularBuffer &scratch = ctx_.scratch_cb(src->buffer, padded                                 ? "masked"
                                                                     : kind == "min"                        ? "negated"
                                                                     : kind == "absmax" || kind == "abssum" ? "abs"
                                                                                                            : "staged");
        EltwiseStore pre{scratch.buffer, std::move(value), span};
        count_eltwise_slots(pre.value);
        compute.push_back(emit_elementwise(pre, scratch, order, {{src->buffer.get(), {&in, order, false}}},
                                           ctx_.dst_tiles(), ctx_.fp32_dest_acc()));
        compute.push_back(tt_call("cb_wait_front", {cb_of(scratch), make_int(in.rows * in.cols)}));
        pooled = &scratch;
    }
    mark_read(src->buffer);
    const std::string pool = sums ? "sum" : "max";
    // With fp32 in DST the pool accumulates in fp32 too (enforce_fp32_accumulation).
    const std::string variant = pool + (rows ? "_row" : "_col") + (ctx_.fp32_dest_acc() ? "_fp32" : "");

    // clear=False: the vector's value before the reduction, combined in DST slot 1. A value carried
    // around a loop from a T.fill (online softmax's running max) is written out on the first
    // iteration, so the combination reads tiles on every iteration.
    if (!clear && ctx_.value(dst->buffer).constant_if) {
        RoleStmts constant = materialize_constant(dst);  // kept alive while its statements are copied
        for (Stmt &s : constant[KernelRole::Compute]) compute.push_back(s);
    }
    TileValue old = ctx_.value(dst->buffer);
    if (!clear && (old.kind == TileValue::Empty || old.kind == TileValue::DstResident)) {
        unsupported(span, "T.reduce_" + kind + "(clear=False) into " + dst->buffer->name + " here",
                    "it must hold a value (from T.fill or an earlier reduction)",
                    "T.fill it before the loop or pass clear=True");
    }
    const bool combine = !clear;
    const std::string combine_op = pool == "sum" ? "add" : kind == "min" ? "min" : "max";
    compute.push_back(tile_loop("out_tile", outputs, [&](const Expr &o) {
        std::vector<Stmt> body{tt_call("tile_regs_acquire", {}),
                               tt_call("reconfig_data_format", {cb_of(*pooled), cb_of(scaler)}),
                               tt_call("reduce_init_" + variant, {cb_of(*pooled), cb_of(scaler), cb_of(out)})};
        body.push_back(tile_loop("fold", folded, [&](const Expr &f) {
            Expr row = rows ? o : f, col = rows ? f : o;
            return tt_call("reduce_tile_" + variant, {cb_of(*pooled), cb_of(scaler), pooled_order.position_of(row, col),
                                                      make_int(0), make_int(0)});
        }));
        body.push_back(ctx_.fp32_dest_acc() ? tt_call("reduce_uninit_fp32", {cb_of(*pooled)})
                                            : tt_call("reduce_uninit", {}));
        if (kind == "min")
            body.insert(body.end(), {tt_call("negative_tile_init", {}), tt_call("negative_tile", {make_int(0)})});
        if (combine && old.kind == TileValue::Constant) {
            const EltwiseOp *op = lookup_eltwise_op(combine_op);
            body.insert(body.end(), {tt_call(op->scalar_init, {}),
                                     tt_call(op->scalar + "_tile",
                                             {make_int(0), FloatImmNode::make(DataType::float32(), old.constant)})});
        } else if (combine) {
            const EltwiseOp *op = lookup_eltwise_op(combine_op);
            body.insert(body.end(),
                        {tt_call("cb_wait_front", {cb_of(out), make_int(1)}),
                         tt_call("reconfig_data_format_srca", {cb_of(out)}),
                         tt_call("copy_tile_to_dst_init_short", {cb_of(out)}),
                         tt_call("copy_tile", {cb_of(out), make_int(0), make_int(1)}),
                         tt_call("cb_pop_front", {cb_of(out), make_int(1)}), tt_call(op->sfpu + "_tile_init", {}),
                         tt_call(op->sfpu + "_tile", {make_int(0), make_int(1), make_int(0)})});
        }
        for (Stmt &s : emit_pack(out, 1)) body.push_back(s);
        return seq(body);
    }));
    if (pooled != &in) compute.push_back(tt_call("cb_pop_front", {cb_of(*pooled), make_int(in.rows * in.cols)}));
    if (combine && old.kind == TileValue::Full) ctx_.value(dst->buffer) = TileValue{};  // streamed, tile by tile
    if (Stmt retired = define(dst->buffer, TileOrder{out.rows, out.cols, 1, out.cols}, span)) {
        compute.insert(compute.begin(), retired);
    }
    return result;
}

}  // namespace tt::transform
