// TileOpLowering's element-wise T.Parallel nests: operands bound to their circular buffers and
// values, first-iteration variants, and the update of an accumulator kept in DST (see
// tt_tile_elementwise.h and tt_tile_ops.h).
#include <algorithm>

#include "transform/tt_gather_loads.h"
#include "transform/tt_tile_compute.h"
#include "transform/tt_tile_elementwise.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

RoleStmts TileOpLowering::lower_parallel(const ForNode *loop) {
    RoleStmts out;
    for (EltwiseStore &store : parse_parallel_nest(loop, ctx_.lets())) {
        const Span &span = store.span;
        bind_indices(store);
        const CircularBuffer *own = &ctx_.cb(store.target, span);
        const CircularBuffer &target = compute_target(store.target, span);
        const CircularBuffer *home = &target == own ? nullptr : &target;
        std::vector<Buffer> tiles;
        collect_tiles(store.value, &tiles);
        // A value carried around a loop from a T.fill holds the constant on the first iteration
        // only (TileValue::constant_if): the program then reads the constant, later the tiles.
        Expr first_iteration;
        for (const Buffer &buffer : tiles) {
            const TileValue &v = ctx_.value(buffer);
            if (v.kind == TileValue::Constant) continue;
            full_value(buffer, "T.Parallel", span);
            if (v.constant_if && first_iteration && !v.constant_if.same_as(first_iteration)) {
                unsupported(span, "T.Parallel reading values carried around different loops",
                            "each operand's first-iteration constant is decided by one loop",
                            "initialize " + buffer->name + " with a T.copy or a T.Parallel store before its loop");
            }
            if (v.constant_if) first_iteration = v.constant_if;
        }
        auto program = [&](bool first, const TileOrder *fixed_order, TileOrder *chosen,
                           std::map<const BufferNode *, EltwiseOperand> *operands) {
            std::map<const BufferNode *, double> constants;
            const TileOrder *first_order = nullptr;
            for (const Buffer &buffer : tiles) {
                const TileValue &v = ctx_.value(buffer);
                if (v.kind == TileValue::Constant || (first && v.constant_if)) {
                    constants[buffer.get()] = v.constant;
                    continue;
                }
                (*operands)[buffer.get()] = EltwiseOperand{&value_cb(buffer, span), v.order, buffer == store.target};
                const bool same_shape = buffer->shape.size() == store.target->shape.size();  // not a broadcast
                if ((!first_order && same_shape) || buffer == store.target)
                    first_order = &(*operands)[buffer.get()].order;
            }
            EltwiseStore bound = store;
            bind_operands(bound.value, constants, ctx_.fp32_dest_acc());
            count_eltwise_slots(bound.value);
            *chosen = fixed_order   ? *fixed_order
                      : first_order ? *first_order
                                    : TileOrder{target.rows, target.cols, 1, target.cols};
            auto first_operand =
                std::find_if(tiles.begin(), tiles.end(), [&](const Buffer &b) { return operands->count(b.get()) > 0; });
            note_compute_init(
                emit_copy_init(first_operand == tiles.end() ? target : *operands->at(first_operand->get()).cb, target));
            return emit_elementwise(bound, target, *chosen, *operands, ctx_.dst_tiles(), ctx_.fp32_dest_acc());
        };
        TileOrder order, first_order;
        std::map<const BufferNode *, EltwiseOperand> operands, first_operands;
        Stmt compute = program(false, nullptr, &order, &operands);
        if (first_iteration) {  // both variants produce the target in the same order
            compute =
                IfThenElseNode::make(first_iteration, program(true, &order, &first_order, &first_operands), compute);
        }
        for (const auto &[buffer, in] : operands) {
            if (in.streamed)
                ctx_.values()[buffer] = TileValue{};  // its tiles were popped as they were replaced
            else
                ctx_.values()[buffer].read = true;
        }
        // The target's old value dies before the new one is packed behind it.
        if (Stmt retired = define(store.target, order, span, home)) out[KernelRole::Compute].push_back(retired);
        out[KernelRole::Compute].push_back(compute);
    }
    return out;
}

RoleStmts TileOpLowering::lower_gather(const GatherLoad &gather) {
    const Buffer &destination = gather.store->buffer;
    const Span &span = gather.store->span;
    require_unwritten(gather.source->buffer, span);
    const CircularBuffer &cb = ctx_.cb(destination, span);
    RoleStmts out;
    // Compute pops the old value it kept before the reader refills the CB.
    if (Stmt retired = define(destination, TileOrder{cb.rows, cb.cols, 1, cb.cols}, span))
        out[KernelRole::Compute].push_back(retired);
    out[KernelRole::Reader].push_back(emit_gather_reader(ctx_, gather, cb));
    return out;
}

void TileOpLowering::bind_indices(EltwiseStore &store) {
    EltwiseExpr probe = store.value;
    if (!bind_index_tiles(probe, nullptr)) return;
    // The offsets compared with zero grow with the tensor: exact in float32, not in 16-bit DST.
    if (!ctx_.fp32_dest_acc()) {
        unsupported(store.span, "the loop indices in a condition or as a value in a kernel without float32 in DST",
                    "the index offsets it computes with are exact in float32 only",
                    "compute in float32 (a float32 fragment, or run_pipeline(fp32_dest_acc_en=True))");
    }
    bind_index_tiles(store.value, &ctx_.index_cb(&compute_setup_, &compute_teardown_, store.span));
}

Stmt TileOpLowering::lower_parallel_in_dst(const ForNode *loop, const Buffer &acc) {
    std::vector<EltwiseStore> stores = parse_parallel_nest(loop, ctx_.lets());
    if (stores.size() != 1 || stores.front().target != acc) return Stmt();
    EltwiseStore store = stores.front();
    bind_indices(store);
    const CircularBuffer &cb = ctx_.cb(acc, loop->span);
    const TileOrder order{cb.rows, cb.cols, 1, cb.cols};
    std::vector<Buffer> tiles;
    collect_tiles(store.value, &tiles);
    std::map<const BufferNode *, double> constants;
    std::map<const BufferNode *, EltwiseOperand> operands;
    for (const Buffer &buffer : tiles) {
        const TileValue &v = ctx_.value(buffer);
        if (buffer == acc) {
            operands[buffer.get()] = EltwiseOperand{&cb, order, false, true};
        } else if (v.kind == TileValue::Constant) {
            constants[buffer.get()] = v.constant;
        } else if (v.kind == TileValue::Full && !v.constant_if) {
            operands[buffer.get()] = EltwiseOperand{&value_cb(buffer, store.span), v.order};
        } else {
            return Stmt();  // lowered after the pack, where lower_parallel says what it needs
        }
    }
    bind_operands(store.value, constants, ctx_.fp32_dest_acc(), acc.get());
    count_eltwise_slots(store.value);
    Stmt program = emit_elementwise_in_dst(store, cb, order, operands, ctx_.dst_tiles(), ctx_.fp32_dest_acc());
    if (!program) return Stmt();
    for (const auto &[buffer, in] : operands) {
        if (!in.in_dst) ctx_.values()[buffer].read = true;
    }
    return program;
}

}  // namespace tt::transform
