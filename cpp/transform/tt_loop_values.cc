// The values a serial loop carries from iteration to iteration (see tt_loop_values.h), and
// compute's move of a carried value into the CB its updates live in.
#include "transform/tt_loop_values.h"

#include "ir/arith.h"
#include "transform/tt_tile_compute.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

bool same_value(const TileValue &a, const TileValue &b) {
    return a.kind == b.kind && a.constant == b.constant && a.constant_if.same_as(b.constant_if) && a.home == b.home &&
           a.order.group_rows == b.order.group_rows && a.order.group_cols == b.order.group_cols;
}

LoopValues loop_values(const ForNode *op, const LoweringContext &ctx,
                       const std::map<const BufferNode *, TileValue> &entry,
                       const std::map<const BufferNode *, TileValue> &exit, bool runs) {
    LoopValues out{entry, {}, {}, {}};
    const Expr first = EQNode::make(op->loop_var, op->min);
    for (const auto &[buffer, after] : exit) {
        const TileValue before = entry.count(buffer) ? entry.at(buffer) : TileValue{};
        const bool tiles_in = before.kind == TileValue::Full && !before.constant_if;
        const bool tiles_out = after.kind == TileValue::Full && !after.constant_if;
        const bool rewritten = tiles_in && tiles_out && after.loop_mark != before.loop_mark;
        if (same_value(before, after)) {
            if (rewritten) out.carried.push_back(ctx.buffer_of(buffer));
            continue;
        }
        const bool accumulates =
            tiles_out && (before.kind == TileValue::Constant || (before.kind == TileValue::Full && before.constant_if));
        if (accumulates && (runs || !before.constant_if)) {
            const Expr constant_if = before.constant_if ? AndNode::make(before.constant_if, first) : first;
            out.entry[buffer] = TileValue{TileValue::Full, before.constant, constant_if, after.order};
            out.accumulated.push_back({ctx.buffer_of(buffer), before.constant});
            continue;
        }
        if (tiles_in && tiles_out && after.order.enumerates_like(before.order)) {
            TileValue moved{TileValue::Full, 0, Expr(), before.order};
            moved.home = after.home;
            moved.loop_mark = before.loop_mark;
            out.entry[buffer] = moved;
            out.moved.push_back({ctx.buffer_of(buffer), moved});
            out.carried.push_back(ctx.buffer_of(buffer));
            continue;
        }
        TT_USER_ERROR(Validation, op->span)
            << "the loop over " << op->loop_var->name << " changes what " << buffer->name << " holds (from "
            << (before.kind == TileValue::Empty ? "nothing" : "a value") << " to "
            << (after.kind == TileValue::Empty ? "nothing" : "a value") << ") on every iteration; instead "
            << "write and read " << buffer->name << " within one iteration, accumulate it (T.gemm, a T.Parallel "
            << "update, a reduction with clear=False) from a T.fill before the loop, or T.copy it in before the "
            << "loop and update it in place in every iteration";
    }
    return out;
}

RoleStmts TileOpLowering::move_value(const Buffer &buffer, const TileValue &moved, const Span &span) {
    const CircularBuffer &from = value_cb(buffer, span);
    const CircularBuffer &to = moved.home ? *moved.home : ctx_.cb(buffer, span);
    RoleStmts out;
    note_compute_init(emit_copy_init(from, to));
    out[KernelRole::Compute].push_back(emit_compute_copy(from, to, moved.order, ctx_.dst_tiles()));
    mark_read(buffer);
    out[KernelRole::Compute].push_back(retire(buffer));
    ctx_.value(buffer) = moved;
    return out;
}

}  // namespace tt::transform
