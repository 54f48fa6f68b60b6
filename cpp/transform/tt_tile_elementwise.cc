// Element-wise T.Parallel loops as compute programs over tiles: the DST program of one store (see
// tt_tile_elementwise.h).
#include "transform/tt_tile_elementwise.h"

#include <algorithm>
#include <functional>

#include "ir/arith.h"
#include "ir/equal.h"
#include "ir/intrinsics.h"
#include "transform/tt_tile_compute.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

namespace {

Expr cb_of(const CircularBuffer &cb) {
    return make_int(cb.config.cb_index);
}

Expr float_arg(double value) {
    return FloatImmNode::make(DataType::float32(), value);
}

/*! Where a tile's evaluation keeps its values: the DST index of each of its slots (0 holds the result). */
using SlotMap = std::function<Expr(int slot)>;

/*! One operation of the program, applied to every output tile of a DST group: its inits once,
 *  then `call(slots, position, in_group)` per tile, where slots places that tile's evaluation in
 *  DST and position is its place in the output order. */
struct Step {
    std::vector<Stmt> init;
    std::function<Stmt(const SlotMap &slots, const Expr &position, const Expr &in_group)> call;
};

class ProgramBuilder {
public:
    ProgramBuilder(const CircularBuffer &target, const TileOrder &order,
                   const std::map<const BufferNode *, EltwiseOperand> &operands, bool fp32_dest)
        : target_(target), order_(order), operands_(operands), fp32_dest_(fp32_dest) {}

    // Appends the steps that leave e's value in DST slot `slot` (relative to the tile's base).
    void eval(const EltwiseExpr &e, int slot) {
        auto at = [slot](const SlotMap &slots, int offset = 0) { return slots(slot + offset); };
        switch (e.kind) {
        case EltwiseExpr::Tile: {
            const EltwiseOperand &in = operand(e.buffer);
            if (in.in_dst) {  // already in the tile's slot 0 (emit_elementwise_in_dst checks)
                TT_ICHECK(slot == 0) << e.buffer->name << " is in DST but read into slot " << slot;
                return;
            }
            Expr cb = cb_of(*in.cb);
            if (e.broadcast != VectorLayout::None) {  // the vector's tile, spread over the whole tile
                const std::string dim = e.broadcast == VectorLayout::Column ? "cols" : "rows";
                const VectorLayout layout = e.broadcast;
                steps_.push_back({{tt_call("reconfig_data_format_srca", {cb}),
                                   tt_call("unary_bcast_init_" + dim, {cb, cb_of(target_)})},
                                  [=](const SlotMap &base, const Expr &pos, const Expr &) {
                                      Expr along =
                                          layout == VectorLayout::Column ? order_.row_at(pos) : order_.col_at(pos);
                                      return tt_call("unary_bcast_" + dim, {cb, along, at(base)});
                                  }});
                return;
            }
            steps_.push_back(
                {{tt_call("reconfig_data_format_srca", {cb}), tt_call("copy_tile_to_dst_init_short", {cb})},
                 [=](const SlotMap &base, const Expr &pos, const Expr &q) {
                     return tt_call("copy_tile", {cb, tile_index(e.buffer, pos, q), at(base)});
                 }});
            return;
        }
        case EltwiseExpr::IndexCompare:
        case EltwiseExpr::IndexValue: eval_index(e, slot); return;
        case EltwiseExpr::Constant:
            steps_.push_back({{tt_call("fill_tile_init", {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                                  return tt_call("fill_tile", {at(base), float_arg(e.constant)});
                              }});
            return;
        case EltwiseExpr::Unary:
            eval(e.operands[0], slot);
            steps_.push_back(
                {{tt_call(e.op->sfpu + "_tile_init", {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                     return tt_call(e.op->sfpu + "_tile", {at(base)});
                 }});
            return;
        case EltwiseExpr::Scalar:
        case EltwiseExpr::ScalarReversed: {
            eval(e.operands[0], slot);
            const std::string form = e.kind == EltwiseExpr::Scalar ? e.op->scalar : e.op->scalar_reversed;
            steps_.push_back({{tt_call(e.op->scalar_init, {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                                  return tt_call(form + "_tile", {at(base), float_arg(e.constant)});
                              }});
            return;
        }
        case EltwiseExpr::FpuBinary: {
            const EltwiseExpr &a = e.operands[0], &b = e.operands[1];
            Expr cb_a = cb_of(*operand(a.buffer).cb), cb_b = cb_of(*operand(b.buffer).cb);
            steps_.push_back(
                {{tt_call("reconfig_data_format", {cb_a, cb_b}), tt_call(e.op->fpu + "_tiles_init", {cb_a, cb_b})},
                 [=](const SlotMap &base, const Expr &pos, const Expr &q) {
                     return tt_call(e.op->fpu + "_tiles",
                                    {cb_a, cb_b, tile_index(a.buffer, pos, q), tile_index(b.buffer, pos, q), at(base)});
                 }});
            return;
        }
        case EltwiseExpr::Binary:
        case EltwiseExpr::Select: {
            // The operands needing more slots go first, so the others fit in the slots above them.
            std::vector<size_t> order(e.operands.size());
            for (size_t k = 0; k < order.size(); ++k) order[k] = k;
            std::stable_sort(order.begin(), order.end(),
                             [&](size_t x, size_t y) { return e.operands[x].slots > e.operands[y].slots; });
            std::vector<int> offset(order.size());
            for (size_t k = 0; k < order.size(); ++k) {
                eval(e.operands[order[k]], slot + static_cast<int>(k));
                offset[order[k]] = static_cast<int>(k);
            }
            const std::string name = e.kind == EltwiseExpr::Select ? "where" : e.op->sfpu;
            const std::string call =
                e.kind == EltwiseExpr::Select ? (fp32_dest_ ? "where_tile_fp32" : "where_tile_16b") : name + "_tile";
            steps_.push_back({{tt_call(name + "_tile_init", {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                                  std::vector<Expr> args;
                                  for (int k : offset) args.push_back(at(base, k));
                                  args.push_back(at(base));
                                  return tt_call(call, args);
                              }});
            return;
        }
        }
    }

    const std::vector<Step> &steps() const { return steps_; }

private:
    // row * i + col * j + offset for the elements of one tile: the index tiles combined on the
    // matrix engine (i, j, i + j or i - j; negated when both coefficients are), plus the tile's own
    // offset from the block's first element; for an IndexCompare then compared with zero. Every
    // step is exact in float32 for indices below 2^24.
    void eval_index(const EltwiseExpr &e, int slot) {
        Expr cb = cb_of(*e.index_cb);
        const bool negate = e.index_row <= 0 && e.index_col <= 0;
        const int row = negate ? -e.index_row : e.index_row, col = negate ? -e.index_col : e.index_col;
        if (row == 0 || col == 0) {
            Expr tile = make_int(row == 0 ? 1 : 0);
            steps_.push_back(
                {{tt_call("reconfig_data_format_srca", {cb}), tt_call("copy_tile_to_dst_init_short", {cb})},
                 [=](const SlotMap &at, const Expr &, const Expr &) {
                     return tt_call("copy_tile", {cb, tile, at(slot)});
                 }});
        } else {
            const std::string op = row == col ? "add" : "sub";
            Expr first = make_int(row > 0 ? 0 : 1), second = make_int(row > 0 ? 1 : 0);
            steps_.push_back({{tt_call("reconfig_data_format", {cb, cb}), tt_call(op + "_tiles_init", {cb, cb})},
                              [=](const SlotMap &at, const Expr &, const Expr &) {
                                  return tt_call(op + "_tiles", {cb, cb, first, second, at(slot)});
                              }});
        }
        if (negate) {
            steps_.push_back({{tt_call("negative_tile_init", {})}, [=](const SlotMap &at, const Expr &, const Expr &) {
                                  return tt_call("negative_tile", {at(slot)});
                              }});
        }
        const TileOrder order = order_;
        steps_.push_back(
            {{tt_call("fill_tile_init", {})}, [=](const SlotMap &at, const Expr &pos, const Expr &) {
                 Expr offset = AddNode::make(
                     e.offset, AddNode::make(MulNode::make(make_int(32 * e.index_row), order.row_at(pos)),
                                             MulNode::make(make_int(32 * e.index_col), order.col_at(pos))));
                 return tt_call("fill_tile",
                                {at(slot + 1), CastNode::make(DataType::float32(), fold_constants(offset))});
             }});
        steps_.push_back({{tt_call("add_binary_tile_init", {})}, [=](const SlotMap &at, const Expr &, const Expr &) {
                              return tt_call("add_binary_tile", {at(slot), at(slot + 1), at(slot)});
                          }});
        if (e.kind == EltwiseExpr::IndexValue) return;
        steps_.push_back({{tt_call(e.op->sfpu + "_tile_init", {})}, [=](const SlotMap &at, const Expr &, const Expr &) {
                              return tt_call(e.op->sfpu + "_tile", {at(slot)});
                          }});
    }

public:
private:
    const EltwiseOperand &operand(const Buffer &buffer) const {
        auto it = operands_.find(buffer.get());
        TT_ICHECK(it != operands_.end()) << "no circular buffer for element-wise operand " << buffer->name;
        return it->second;
    }

    // A streamed operand's tile is at the front of its CB; any other operand's is found by its
    // place in that operand's order.
    Expr tile_index(const Buffer &buffer, const Expr &position, const Expr &in_group) const {
        const EltwiseOperand &in = operand(buffer);
        if (in.streamed) return in_group;
        if (in.order.enumerates_like(order_)) return position;
        return in.order.position_of(order_.row_at(position), order_.col_at(position));
    }

    const CircularBuffer &target_;
    const TileOrder &order_;
    const std::map<const BufferNode *, EltwiseOperand> &operands_;
    const bool fp32_dest_;
    std::vector<Step> steps_;
};

// The leaf whose value the evaluation of e places first, into e's own slot: the operand
// evaluated first (the most demanding one), down to a leaf; null when a matrix-engine node writes
// the slot straight from CBs.
const EltwiseExpr *first_placed(const EltwiseExpr &e) {
    switch (e.kind) {
    case EltwiseExpr::Tile:
    case EltwiseExpr::Constant: return &e;
    case EltwiseExpr::FpuBinary: return nullptr;
    case EltwiseExpr::Binary:
    case EltwiseExpr::Select: {
        const EltwiseExpr *first = &e.operands[0];
        for (const EltwiseExpr &operand : e.operands) first = operand.slots > first->slots ? &operand : first;
        return first_placed(*first);
    }
    default: return first_placed(e.operands[0]);
    }
}

int count_reads(const EltwiseExpr &e, const BufferNode *buffer) {
    int n = e.kind == EltwiseExpr::Tile && e.buffer.get() == buffer;
    for (const EltwiseExpr &operand : e.operands) n += count_reads(operand, buffer);
    return n;
}

/*! The program of one store, `group` output tiles at a time; slot_of(q, position, slot) is the DST
 *  index of a slot of the evaluation of the q-th tile of a group (at `position` in the output
 *  order). With own_dst each group acquires DST and packs its results into the target's CB. */
Stmt emit_program(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                  const std::map<const BufferNode *, EltwiseOperand> &operands, bool fp32_dest, int64_t group,
                  const std::function<Expr(const Expr &q, const Expr &position, int slot)> &slot_of, bool own_dst) {
    const int64_t total = order.rows * order.cols;
    ProgramBuilder program(target, order, operands, fp32_dest);
    program.eval(store.value, 0);
    const EltwiseOperand *streamed = nullptr;
    std::map<int64_t, Stmt> waits;  // by CB index: the generated code does not depend on addresses
    for (const auto &[buffer, in] : operands) {
        if (in.in_dst) continue;
        if (in.streamed) {
            streamed = &in;
            continue;
        }
        // Operands other than the target stay in their CBs (popped where their values die).
        waits[in.cb->config.cb_index] =
            tt_call("cb_wait_front", {cb_of(*in.cb), make_int(in.order.rows * in.order.cols)});
    }
    std::vector<Stmt> out;
    for (const auto &[index, wait] : waits) out.push_back(wait);
    Stmt per_group = tile_loop("tile_group", total / group, [&](const Expr &g) {
        std::vector<Stmt> body;
        if (own_dst) body.push_back(tt_call("tile_regs_acquire", {}));
        if (streamed) body.push_back(tt_call("cb_wait_front", {cb_of(*streamed->cb), make_int(group)}));
        const Step *previous = nullptr;
        for (const Step &step : program.steps()) {
            // The same op again right after itself (two scalar forms in a row) is still initialized.
            const bool same_init = previous && previous->init.size() == step.init.size() &&
                                   std::equal(step.init.begin(), step.init.end(), previous->init.begin(),
                                              [](const Stmt &a, const Stmt &b) { return structural_equal(a, b); });
            if (!same_init) body.insert(body.end(), step.init.begin(), step.init.end());
            previous = &step;
            body.push_back(tile_loop("tile", group, [&](const Expr &q) {
                Expr position = fold_constants(AddNode::make(MulNode::make(g, make_int(group)), q));
                return step.call([&](int slot) { return slot_of(q, position, slot); }, position, q);
            }));
        }
        if (streamed) body.push_back(tt_call("cb_pop_front", {cb_of(*streamed->cb), make_int(group)}));
        if (own_dst) {
            for (Stmt &s : emit_pack(target, group, store.value.slots)) body.push_back(s);
        }
        return seq(body);
    });
    out.push_back(per_group);
    return seq(out);
}

}  // namespace

Stmt emit_elementwise(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                      const std::map<const BufferNode *, EltwiseOperand> &operands, int dst_tiles, bool fp32_dest) {
    const int slots = store.value.slots;
    if (slots > dst_tiles) {
        TT_USER_ERROR(Validation, store.span)
            << "this element-wise expression needs " << slots << " DST tiles at once, but DST holds " << dst_tiles
            << "; instead split it into several T.Parallel loops through a fragment buffer";
    }
    const int64_t group = largest_divisor_at_most(order.rows * order.cols, dst_tiles / slots);
    return emit_program(
        store, target, order, operands, fp32_dest, group,
        [&](const Expr &q, const Expr &, int slot) {
            return fold_constants(AddNode::make(MulNode::make(q, make_int(slots)), make_int(slot)));
        },
        true);
}

Stmt emit_elementwise_in_dst(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                             const std::map<const BufferNode *, EltwiseOperand> &operands, int dst_tiles,
                             bool fp32_dest) {
    const BufferNode *resident = nullptr;
    for (const auto &[buffer, in] : operands) resident = in.in_dst ? buffer : resident;
    const EltwiseExpr *first = first_placed(store.value);
    if (!resident || count_reads(store.value, resident) != 1 || !first || first->kind != EltwiseExpr::Tile ||
        first->buffer.get() != resident) {
        return Stmt();
    }
    const int64_t total = order.rows * order.cols, scratch = store.value.slots - 1, free = dst_tiles - total;
    if (scratch > free) return Stmt();
    const int64_t group = scratch == 0 ? total : largest_divisor_at_most(total, free / scratch);
    return emit_program(
        store, target, order, operands, fp32_dest, group,
        [&](const Expr &q, const Expr &position, int slot) {
            if (slot == 0) return position;  // the accumulator's own tile
            return fold_constants(AddNode::make(MulNode::make(q, make_int(scratch)), make_int(total + slot - 1)));
        },
        false);
}

}  // namespace tt::transform
