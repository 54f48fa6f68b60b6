// KernelSplitter: walks a kernel body in program order and splits it into reader, compute and
// writer statements (contract in tt_kernel_splitter.h). The tile operations themselves are in
// tt_tile_ops.cc; this file handles statements, loops, lets and ifs.
#include "transform/tt_kernel_splitter.h"

#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/analysis.h"
#include "transform/tt_tile_compute.h"
#include "transform/tt_gather_loads.h"
#include "transform/tt_gemm_delivery.h"
#include "transform/tt_loop_values.h"
#include "transform/tt_masked_loads.h"
#include "transform/tt_tile_dataflow.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

namespace {

// Gives the statements lowered from one tile operation that operation's source span, so the
// generated kernels point back to the TileLang line (loops and lets keep their own spans).
class SpanStamp : public IRMutator {
public:
    explicit SpanStamp(Span span) : span_(std::move(span)) {}

protected:
    using IRMutator::visit;
    Stmt visit(const EvaluateNode *op) override {
        return op->span.defined() ? self(op) : EvaluateNode::make(op->value, span_);
    }
    Stmt visit(const ForNode *op) override {
        Stmt body = mutate(op->body);
        return ForNode::make(op->loop_var, op->min, op->extent, op->for_kind, body, op->num_stages, op->annotations,
                             op->span.defined() ? op->span : span_);
    }
    Stmt visit(const LetStmtNode *op) override {
        return LetStmtNode::make(op->var, op->value, mutate(op->body), op->span.defined() ? op->span : span_);
    }
    Stmt visit(const IfThenElseNode *op) override {
        Stmt e = op->else_case ? mutate(op->else_case) : Stmt();
        return IfThenElseNode::make(op->cond, mutate(op->then_case), e, op->span.defined() ? op->span : span_);
    }

private:
    Span span_;
};

RoleStmts stamped(RoleStmts stmts, const Span &span) {
    SpanStamp stamp(span);
    for (auto &role : stmts.of) {
        for (Stmt &s : role) s = stamp(s);
    }
    return stmts;
}

class KernelSplitter {
public:
    explicit KernelSplitter(LoweringContext &ctx) : ctx_(ctx), ops_(ctx) {}

    RoleStmts lower(const Stmt &s) {
        switch (s->kind) {
        case NodeKind::SeqStmt: return lower_seq(static_cast<const SeqStmtNode *>(s.get())->seq);
        case NodeKind::For: return lower_for(static_cast<const ForNode *>(s.get()));
        case NodeKind::Allocate: return lower(static_cast<const AllocateNode *>(s.get())->body);
        case NodeKind::LetStmt: return lower_let(static_cast<const LetStmtNode *>(s.get()));
        case NodeKind::IfThenElse: return lower_if(static_cast<const IfThenElseNode *>(s.get()));
        case NodeKind::Evaluate: return lower_seq({s});
        case NodeKind::BufferStore:
            unsupported(s->span,
                        "an element-wise store to " + static_cast<const BufferStoreNode *>(s.get())->buffer->name,
                        "kernels are lowered tile by tile", "use T.copy, T.gemm and T.clear on whole tiles");
        default:
            unsupported(s->span, std::string("a ") + kind_name(s->kind) + " statement here",
                        "only loops, lets, ifs and tile operations appear inside T.Kernel",
                        "keep one T.Kernel per function");
        }
    }

    TileOpLowering &ops() { return ops_; }

    /*! At the end of the kernel's block every value dies: compute pops those it kept for reading
     *  (returned, for the compute kernel); a value never read is an error, since its tiles would
     *  block the next block's producer. */
    std::vector<Stmt> retire_all(const Span &span) {
        std::vector<Stmt> pops = retire_where([](const BufferNode *, const TileValue &) { return true; });
        for (auto &[buffer, value] : ctx_.values()) {
            if (value.kind == TileValue::Full) {
                TT_USER_ERROR(Validation, span) << "the last value written to " << buffer->name << " is never read, so "
                                                << "its tiles would stay in its circular buffer; instead copy it to "
                                                << "a global buffer or remove the write";
            }
        }
        return pops;
    }

private:
    // Consecutive loads from global memory form one reader stage (one barrier with prefetch).
    RoleStmts lower_seq(const std::vector<Stmt> &stmts) {
        RoleStmts out;
        std::vector<LocatedCall> stage;
        auto flush = [&] {
            if (!stage.empty()) out.append(stamped(ops_.lower_loads(stage), stage.front().second));
            stage.clear();
        };
        for (size_t i = 0; i < stmts.size(); ++i) {
            const Stmt &s = stmts[i];
            const auto *loop = s.as<ForNode>();
            const auto *next = i + 1 < stmts.size() ? stmts[i + 1].as<ForNode>() : nullptr;
            if (loop && loop->for_kind != ForKind::Parallel && next && next->for_kind == ForKind::Parallel) {
                if (Buffer acc = dst_resident_accumulator(loop)) {
                    flush();
                    bool fused = false;
                    out.append(lower_dst_resident_for(loop, acc, next, &fused));
                    i += fused;
                    continue;
                }
            }
            const CallNode *call = tile_call(s);
            if (call && TileOpLowering::is_global_load(call)) {
                stage.push_back({call, s->span});
                continue;
            }
            flush();
            if (call) {
                out.append(stamped(ops_.lower(call, s->span), s->span));
            } else if (s->kind == NodeKind::Evaluate) {
                unsupported(s->span, "evaluating " + to_text(static_cast<const EvaluateNode *>(s.get())->value),
                            "only tile operations are evaluated inside a kernel", "remove the expression");
            } else if (std::optional<GemmDelivery> delivery = find_delivery(stmts, i)) {
                const ForNode *k_loop = s.as<ForNode>();
                const Expr last =
                    fold_constants(AddNode::make(k_loop->min, SubNode::make(trip_count(k_loop), make_int(1))));
                ops_.plan_delivery(*delivery, EQNode::make(k_loop->loop_var, last));
                out.append(lower(s));
                ops_.end_delivery();
            } else {
                out.append(lower(s));
            }
        }
        flush();
        return out;
    }

    // The body is lowered once to learn which values it changes: an accumulator that is zero on
    // entry and full on exit is zero exactly on the first iteration (its reload is skipped then).
    RoleStmts lower_for(const ForNode *op) {
        if (op->for_kind == ForKind::Parallel) {
            if (std::optional<GatherLoad> gather = match_gather(op)) return stamped(ops_.lower_gather(*gather), op->span);
            return stamped(ops_.lower_parallel(op), op->span);
        }
        if (Buffer acc = dst_resident_accumulator(op)) return lower_dst_resident_for(op, acc, nullptr, nullptr);
        // A loop of one trip (T.ceildiv(N, block_N) steps when the block is the whole row) binds its
        // variable to its start, so `X[rows, s * block_N]` is known to copy the whole dimension. Not
        // when the count depends on a dynamic dimension: one trip at these sizes is more at others,
        // and the program serves them all.
        int64_t trips = 0;
        const bool once = !op->annotations.count(attr::TT_DYNAMIC_EXTENT) &&
                          as_const_int(fold_constants(through_lets(op->extent, ctx_.lets())), &trips) && trips == 1;
        if (once) ctx_.lets()[op->loop_var.get()] = op->min;
        RoleStmts out = lower_loop(op);
        if (once) ctx_.lets().erase(op->loop_var.get());
        return out;
    }

    // The accumulator a loop can keep in DST from its first to its last iteration: the loop's
    // only compute work is T.gemm into it (no transpose_A, which transposes through DST; no
    // clear_accum), its tiles fit DST, and it holds a constant or row-major tiles on entry.
    Buffer dst_resident_accumulator(const ForNode *op) {
        Buffer acc;
        bool only_gemms_into_one = true;
        post_order_visit(op->body, [&](const Node *n) {
            // An element-wise nest is compute work that needs DST too (a gather is the reader's).
            const auto *nest = n->kind == NodeKind::For ? static_cast<const ForNode *>(n) : nullptr;
            if (nest && nest->for_kind == ForKind::Parallel && !match_gather(nest)) only_gemms_into_one = false;
            if (n->kind != NodeKind::Call) return;
            const auto *call = static_cast<const CallNode *>(n);
            if (!(call->op->roles & kRoleFrontend) || TileOpLowering::is_global_load(call)) return;
            const auto *c = call->op->name == "tl.gemm" ? call->args[2].as<RegionNode>() : nullptr;
            // (a gemm on a global tensor is left to the gemm's lowering, which says what to do)
            const bool plain_gemm = c && is_on_chip(c->buffer) && is_false(call->args[3]) && is_false(call->args[5]);
            if (!plain_gemm || (acc && acc != c->buffer)) {
                only_gemms_into_one = false;
                return;
            }
            acc = c->buffer;
        });
        if (!acc || !only_gemms_into_one) return Buffer();
        for (const auto &[buffer, value] : ctx_.values()) {
            if (value.kind == TileValue::DstResident) return Buffer();  // an enclosing loop keeps one
        }
        const CircularBuffer &cb = ctx_.cb(acc, op->span);
        const TileValue &entry = ctx_.value(acc);
        const bool row_major_entry = entry.kind == TileValue::Full && entry.order.group_cols == entry.order.cols;
        if (cb.rows * cb.cols > ctx_.dst_tiles() || !(entry.kind == TileValue::Constant || row_major_entry)) {
            return Buffer();
        }
        return acc;
    }

    // The loop keeps acc in DST; an element-wise update of acc right after it (`epilogue`, may be
    // null) is applied there before the pack when it fits (*fused says whether it was).
    RoleStmts lower_dst_resident_for(const ForNode *op, const Buffer &acc, const ForNode *epilogue, bool *fused) {
        const CircularBuffer &cb = ctx_.cb(acc, op->span);
        // The entry value is reloaded from where it is, the result packed where compute may write
        // (over an accumulator the reader filled, a CB of compute's).
        const CircularBuffer &entry_cb = ops_.value_cb(acc, op->span), &target = ops_.compute_target(acc, op->span);
        const TileValue entry = ctx_.value(acc);
        const TileOrder order{cb.rows, cb.cols, 1, cb.cols};
        ctx_.value(acc) = TileValue{TileValue::DstResident, 0, Expr(), order};
        RoleStmts out = lower_loop(op);
        ctx_.value(acc) = TileValue{TileValue::Full, 0, Expr(), order};
        if (&target != &cb) ctx_.value(acc).home = &target;
        auto &compute = out[KernelRole::Compute];
        compute.insert(compute.begin(), emit_dst_accumulator_begin(entry_cb, entry));
        out = stamped(out, op->span);
        if (Stmt update = epilogue ? ops_.lower_parallel_in_dst(epilogue, acc) : Stmt()) {
            RoleStmts fused_update;
            fused_update[KernelRole::Compute].push_back(update);
            out.append(stamped(fused_update, epilogue->span));
            *fused = true;
        }
        // Packed where the writer drains it when its copy out follows (tt_gemm_delivery.h).
        const CircularBuffer *drain = ops_.delivers_after(op) ? ops_.delivery_for(acc, target) : nullptr;
        if (drain) ops_.mark_delivered(acc);
        RoleStmts pack;
        pack[KernelRole::Compute].push_back(emit_dst_accumulator_end(drain ? *drain : target));
        out.append(stamped(pack, op->span));
        return out;
    }

    // One iteration of a loop body: the values it defines and keeps for several reads die at its
    // end (compute pops them), so every iteration starts from the same state.
    RoleStmts lower_iteration(const Stmt &body) {
        auto entry = ctx_.values();
        RoleStmts out = lower(body);
        for (Stmt &pop : retire_where([&](const BufferNode *buffer, const TileValue &) {
                 auto before = entry.find(buffer);
                 return before == entry.end() || before->second.kind == TileValue::Empty;  // defined here
             })) {
            out[KernelRole::Compute].push_back(pop);
        }
        return out;
    }

    // Compute's pops of the values it has read that `dies` selects, in CB order (deterministic).
    std::vector<Stmt> retire_where(const std::function<bool(const BufferNode *, const TileValue &)> &dies) {
        std::map<int64_t, Buffer> dying;
        for (const auto &[buffer, value] : ctx_.values()) {
            if (value.kind != TileValue::Full || !(value.read || value.carried) || !dies(buffer, value)) continue;
            const Buffer &b = ctx_.buffer_of(buffer);
            dying.emplace(ctx_.cb(b, b->span).config.cb_index, b);
        }
        std::vector<Stmt> pops;
        for (const auto &[index, buffer] : dying) pops.push_back(ops_.retire(buffer));
        return pops;
    }

    // A constant trip count follows from the tensor shapes (T.ceildiv(K, block_K)): a runtime
    // argument, so the kernel serves every K.
    Expr trip_count(const ForNode *op) {
        int64_t trips;
        auto formula = op->annotations.find(attr::TT_DYNAMIC_EXTENT);
        if (!as_const_int(fold_constants(op->extent), &trips)) return op->extent;
        return ctx_.runtime_constant(op->loop_var->name + "_trip_count", trips,
                                     formula == op->annotations.end() ? Json() : formula->second);
    }

    RoleStmts lower_loop(const ForNode *op) {
        // Every value the loop finds holding tiles gets the loop's mark; one its body rewrites
        // comes out without it (tt_loop_values.h).
        const int mark = ++loop_marks_;
        for (auto &[buffer, value] : ctx_.values()) {
            if (value.kind == TileValue::Full) value.loop_mark = mark;
        }
        auto entry = ctx_.values();
        const auto written = ops_.written_globals();
        lower_iteration(op->body);
        ops_.written_globals() = written;
        auto exit = ctx_.values();
        int64_t constant_extent;
        const bool runs = as_const_int(fold_constants(op->extent), &constant_extent) && constant_extent >= 1;
        const LoopValues loop = loop_values(op, ctx_, entry, exit, runs);
        ctx_.values() = entry;
        RoleStmts moves;
        for (const auto &[buffer, moved] : loop.moved) moves.append(ops_.move_value(buffer, moved, op->span));
        ctx_.values() = loop.entry;
        RoleStmts body = lower_iteration(op->body);
        ctx_.values() = exit;
        for (const Buffer &buffer : loop.carried) ctx_.value(buffer).carried = true;
        const auto &accumulated = loop.accumulated;
        Expr extent = trip_count(op);
        // A trip count known only at run time may be zero: the values the loop accumulates are then
        // still their constants, whose tiles compute writes after it. The count is named once for
        // the loop and that test.
        Var named;
        RoleStmts skipped;
        if (!runs && !accumulated.empty()) {
            if (!extent.as<VarNode>()) {
                named = make_var(op->loop_var->name + "_trips", extent->dtype, op->span);
                extent = named;
            }
            Expr never = LENode::make(extent, make_int(0));
            for (const auto &[buffer, constant] : accumulated) skipped.append(ops_.fill_if(buffer, never, constant));
        }
        // Multicast copies in a loop whose count depends on the block (tt_multicast.h): every reader
        // of the core row goes on to the row's largest count, so each transfer reaches all
        // receivers, and compute discards the tiles past its own count.
        RoleStmts row_trips;
        if (std::vector<Stmt> discards = multicast_discards(op); !discards.empty()) {
            std::optional<int64_t> most = ctx_.row_trip_count(op->extent);
            TT_ICHECK(most) << "the multicast loop over " << op->loop_var->name << " has no largest trip count";
            const Expr extra = SubNode::make(ctx_.runtime_constant(op->loop_var->name + "_row_trip_count", *most),
                                             extent);
            row_trips[KernelRole::Reader].push_back(rebind(ForNode::make(op->loop_var, AddNode::make(op->min, extent),
                                                                         extra, ForKind::Serial,
                                                                         seq(body[KernelRole::Reader]), 0, {}, op->span)));
            row_trips[KernelRole::Compute].push_back(
                ForNode::make(make_var(op->loop_var->name + "_discarded", op->loop_var->dtype, op->span), make_int(0),
                              extra, ForKind::Serial, seq(discards), 0, {}, op->span));
        }
        RoleStmts out = stamped(moves, op->span);
        for (KernelRole role : kKernelRoles) {
            if (body[role].empty()) continue;
            std::vector<Stmt> stmts{
                ForNode::make(op->loop_var, op->min, extent, ForKind::Serial, seq(body[role]), 0, {}, op->span)};
            stmts.insert(stmts.end(), row_trips[role].begin(), row_trips[role].end());
            stmts.insert(stmts.end(), skipped[role].begin(), skipped[role].end());
            out[role].push_back(named ? LetStmtNode::make(named, op->extent, seq(stmts), op->span) : seq(stmts));
        }
        return out;
    }

    // Compute's discard of one trip's multicast tiles in `op` when its trip count depends on the
    // block (nothing otherwise): it waits for the pages the reader pushed and pops them.
    std::vector<Stmt> multicast_discards(const ForNode *op) {
        std::vector<Stmt> out;
        int64_t trips;
        if (as_const_int(fold_constants(through_lets(op->extent, ctx_.lets())), &trips)) return out;
        post_order_visit(op->body, [&](const Node *n) {
            if (n->kind != NodeKind::Call) return;
            const auto *call = static_cast<const CallNode *>(n);
            if (call->op->name != "tl.copy" || call->args.size() < 2) return;
            const auto *source = call->args[0].as<RegionNode>();
            const auto *destination = call->args[1].as<RegionNode>();
            if (!source || !destination || !ctx_.multicast(source->buffer)) return;
            const BufferLayout &layout = ctx_.layout(source->buffer, call->span);
            auto [rows, cols] = region_tiles(source, call->span, layout.tile_axes, layout.row_block, ctx_.lets());
            const Expr cb = make_int(ctx_.cb(destination->buffer, call->span).config.cb_index);
            out.push_back(tt_call("cb_wait_front", {cb, make_int(rows * cols)}));
            out.push_back(tt_call("cb_pop_front", {cb, make_int(rows * cols)}));
        });
        return out;
    }

    RoleStmts lower_let(const LetStmtNode *op) {
        ctx_.lets()[op->var.get()] = op->value;  // element-wise constants may be named by lets
        RoleStmts body = lower(op->body), out;
        ctx_.lets().erase(op->var.get());
        for (KernelRole role : kKernelRoles) {
            if (!body[role].empty())
                out[role].push_back(LetStmtNode::make(op->var, op->value, seq(body[role]), op->span));
        }
        return out;
    }

    // A branch of an if: the values it defines and reads die at its end (compute pops them), as in a
    // loop iteration, so that the kernels leave the if in the same state whichever branch ran.
    RoleStmts lower_branch(const Stmt &branch, const std::map<const BufferNode *, TileValue> &entry) {
        if (!branch) return RoleStmts{};
        RoleStmts out = lower(branch);
        for (Stmt &pop : retire_where([&](const BufferNode *buffer, const TileValue &) {
                 auto before = entry.find(buffer);
                 return before == entry.end() || before->second.kind == TileValue::Empty;
             })) {
            out[KernelRole::Compute].push_back(pop);
        }
        return out;
    }

    RoleStmts lower_if(const IfThenElseNode *op) {
        if (!global_loads(op->cond).empty()) return lower_masked_loads(op);
        auto entry = ctx_.values();
        RoleStmts then_case = lower_branch(op->then_case, entry);
        auto after_then = ctx_.values();
        ctx_.values() = entry;
        RoleStmts else_case = lower_branch(op->else_case, entry);
        auto holds = [](const std::map<const BufferNode *, TileValue> &values, const BufferNode *buffer) {
            auto it = values.find(buffer);
            return it == values.end() ? TileValue{} : it->second;
        };
        std::set<const BufferNode *> buffers;
        for (const auto &[buffer, value] : ctx_.values()) buffers.insert(buffer);
        for (const auto &[buffer, value] : after_then) buffers.insert(buffer);
        for (const BufferNode *buffer : buffers) {
            if (!same_value(holds(after_then, buffer), holds(ctx_.values(), buffer))) {
                TT_USER_ERROR(Validation, op->span) << "the branches of this if leave " << buffer->name
                                                    << " holding different values; instead write it in both or neither";
            }
        }
        RoleStmts out;
        for (KernelRole role : kKernelRoles) {
            if (then_case[role].empty() && else_case[role].empty()) continue;
            Stmt t = then_case[role].empty() ? EvaluateNode::make(make_int(0)) : seq(then_case[role]);
            Stmt e = else_case[role].empty() ? Stmt() : seq(else_case[role]);
            out[role].push_back(IfThenElseNode::make(op->cond, t, e, op->span));
        }
        return out;
    }

    // `if <condition on elements of global tensors>` around the operand loads of an accumulating
    // T.gemm (tt_masked_loads.h): the reader reads the elements, then the operands' tiles when the
    // condition holds and zeros otherwise; compute runs the gemm either way and the writer is
    // unaffected, so the three kernels exchange the same tiles whatever the data.
    RoleStmts lower_masked_loads(const IfThenElseNode *op) {
        const MaskedLoads masked = check_masked_loads(op);
        auto entry = ctx_.values();
        ctx_.read_condition() = masked.condition;
        RoleStmts out = lower_branch(op->then_case, entry);
        ctx_.read_condition() = Expr();
        if (!out[KernelRole::Writer].empty()) refuse_masked_if(op, "its body writes global memory");
        Stmt reader = seq(out[KernelRole::Reader]);
        for (auto it = masked.elements.rbegin(); it != masked.elements.rend(); ++it) {
            reader = emit_element_read(ctx_, it->first, it->second, reader, op->span);
        }
        out[KernelRole::Reader] = {reader};
        return out;
    }

    LoweringContext &ctx_;
    TileOpLowering ops_;
    int loop_marks_ = 0;  ///< the marks handed to loops so far (lower_loop)
};

}  // namespace

namespace {

/*! The global buffers some loop of `body` both reads (into on-chip buffers, or element by element)
 *  and writes (TileOpLowering::order_rewrites). */
std::set<const BufferNode *> rewritten_in_loops(const Stmt &body) {
    std::set<const BufferNode *> out;
    post_order_visit(body, [&](const Node *n) {
        const auto *loop = n->kind == NodeKind::For ? static_cast<const ForNode *>(n) : nullptr;
        if (!loop || loop->for_kind == ForKind::Parallel) return;
        std::set<const BufferNode *> read, written;
        post_order_visit(loop->body, [&](const Node *m) {
            if (m->kind == NodeKind::BufferLoad) {
                const Buffer &b = static_cast<const BufferLoadNode *>(m)->buffer;
                if (b->scope == MemoryScope::Global) read.insert(b.get());
            }
            const auto *call = m->kind == NodeKind::Call ? static_cast<const CallNode *>(m) : nullptr;
            if (!call || call->op->name != "tl.copy") return;
            const auto *src = call->args[0].as<RegionNode>(), *dst = call->args[1].as<RegionNode>();
            if (src->buffer->scope == MemoryScope::Global) read.insert(src->buffer.get());
            if (dst->buffer->scope == MemoryScope::Global) written.insert(dst->buffer.get());
        });
        for (const BufferNode *b : written)
            if (read.count(b)) out.insert(b);
    });
    return out;
}

}  // namespace

SplitKernel split_kernel_body(LoweringContext &ctx, const Stmt &body, const Span &span) {
    KernelSplitter splitter(ctx);
    splitter.ops().order_rewrites(rewritten_in_loops(body));
    SplitKernel out;
    out.roles = splitter.lower(body);
    for (Stmt &pop : splitter.retire_all(span)) out.roles[KernelRole::Compute].push_back(pop);
    out.compute_init = splitter.ops().compute_init();
    out.compute_teardown = splitter.ops().compute_teardown();
    return out;
}

}  // namespace tt::transform
