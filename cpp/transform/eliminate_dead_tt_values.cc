// EliminateDeadTTValues: backward liveness of on-chip buffers removes the writes nothing reads
// (contract in eliminate_dead_tt_values.h).
#include "transform/eliminate_dead_tt_values.h"

#include <algorithm>
#include <optional>
#include <set>

#include "ir/functor.h"
#include "ir/intrinsics.h"

namespace tt::transform {

namespace {

using namespace ir;

using BufferSet = std::set<const BufferNode *>;

/*! The region operand a TileLang operation writes, and whether it also reads it first (the gemm
 *  accumulator, a reduction with clear=False). */
struct TileWrite {
    size_t arg;
    bool also_reads;
};
std::optional<TileWrite> tile_write(const CallNode *call) {
    const std::string &op = call->op->name;
    if (op == "tl.copy") return TileWrite{1, false};
    if (op == "tl.fill") return TileWrite{0, false};
    if (op == "tl.gemm") return TileWrite{2, true};
    if (op == "tl.reduce") {
        int64_t clear = 1;
        return TileWrite{1, !as_const_int(call->args[4], &clear) || clear == 0};
    }
    return std::nullopt;
}

/*! Every buffer s reads (loads and tile-operation regions) joins live. */
void add_reads(const Stmt &s, BufferSet &live) {
    post_order_visit(s, [&](const Node *n) {
        if (n->kind == NodeKind::BufferLoad) live.insert(static_cast<const BufferLoadNode *>(n)->buffer.get());
        if (n->kind == NodeKind::Region) live.insert(static_cast<const RegionNode *>(n)->buffer.get());
    });
}

void add_reads(const Expr &e, BufferSet &live) {
    add_reads(EvaluateNode::make(e), live);
}

bool has_effect(const Expr &e) {
    bool effect = false;
    post_order_visit(EvaluateNode::make(e), [&](const Node *n) {
        effect = effect || (n->kind == NodeKind::Call && !static_cast<const CallNode *>(n)->op->pure);
    });
    return effect;
}

bool mentions(const Stmt &s, const BufferNode *buffer) {
    bool found = false;
    post_order_visit(s, [&](const Node *n) {
        if (n->kind == NodeKind::BufferLoad)
            found = found || static_cast<const BufferLoadNode *>(n)->buffer.get() == buffer;
        if (n->kind == NodeKind::BufferStore) {
            found = found || static_cast<const BufferStoreNode *>(n)->buffer.get() == buffer;
        }
        if (n->kind == NodeKind::Region) found = found || static_cast<const RegionNode *>(n)->buffer.get() == buffer;
    });
    return found;
}

bool on_chip(const Buffer &b) {
    return b->scope != MemoryScope::Global;
}

/*! One backward sweep. Each eliminate(s, live) takes the buffers read after s, returns s without its
 *  dead writes (null when nothing is left) and leaves in live the buffers read from s onwards. */
class DeadValueEliminator {
public:
    Stmt eliminate(const Stmt &s, BufferSet &live) {
        switch (s->kind) {
        case NodeKind::SeqStmt: return eliminate_seq(static_cast<const SeqStmtNode *>(s.get()), s, live);
        case NodeKind::For: return eliminate_for(static_cast<const ForNode *>(s.get()), s, live);
        case NodeKind::IfThenElse: return eliminate_if(static_cast<const IfThenElseNode *>(s.get()), s, live);
        case NodeKind::LetStmt: return eliminate_let(static_cast<const LetStmtNode *>(s.get()), s, live);
        case NodeKind::Allocate: return eliminate_allocate(static_cast<const AllocateNode *>(s.get()), s, live);
        case NodeKind::KernelLaunch: {
            const auto *op = static_cast<const KernelLaunchNode *>(s.get());
            BufferSet inside;  // no on-chip value outlives the kernel's block
            Stmt body = eliminate(op->body, inside);
            if (!body || body.same_as(op->body)) return s;  // a block that computes nothing stays as written
            return KernelLaunchNode::make(op->extents, op->block_vars, op->threads, body, op->span);
        }
        case NodeKind::BufferStore: {
            const auto *op = static_cast<const BufferStoreNode *>(s.get());
            if (on_chip(op->buffer) && !live.count(op->buffer.get())) return Stmt();
            add_reads(op->value, live);
            for (const Expr &index : op->indices) add_reads(index, live);
            return s;
        }
        case NodeKind::Evaluate: return eliminate_evaluate(static_cast<const EvaluateNode *>(s.get()), s, live);
        default: break;  // expression kinds: a Stmt is never one
        }
        TT_ICHECK(false) << "EliminateDeadTTValues: unknown statement kind " << kind_name(s->kind);
        return s;
    }

private:
    Stmt eliminate_seq(const SeqStmtNode *op, const Stmt &s, BufferSet &live) {
        std::vector<Stmt> kept;
        bool changed = false;
        for (auto it = op->seq.rbegin(); it != op->seq.rend(); ++it) {
            Stmt out = eliminate(*it, live);
            changed = changed || !out.same_as(*it);
            if (out) kept.push_back(out);
        }
        if (!changed) return s;
        if (kept.empty()) return Stmt();
        std::reverse(kept.begin(), kept.end());
        return SeqStmtNode::flatten(kept, op->span);
    }

    Stmt eliminate_for(const ForNode *op, const Stmt &s, BufferSet &live) {
        // Another iteration of a sequential loop runs after the body, so what the body reads is live
        // at its end; T.Parallel iterations are independent.
        BufferSet inside = live;
        if (op->for_kind != ForKind::Parallel) add_reads(op->body, inside);
        Stmt body = eliminate(op->body, inside);
        live.insert(inside.begin(), inside.end());
        add_reads(op->min, live);
        add_reads(op->extent, live);
        if (!body) return Stmt();
        if (body.same_as(op->body)) return s;
        return ForNode::make(op->loop_var, op->min, op->extent, op->for_kind, body, op->num_stages, op->annotations,
                             op->span);
    }

    Stmt eliminate_if(const IfThenElseNode *op, const Stmt &s, BufferSet &live) {
        BufferSet after_else = live;
        Stmt then_case = eliminate(op->then_case, live);
        Stmt else_case = op->else_case ? eliminate(op->else_case, after_else) : Stmt();
        live.insert(after_else.begin(), after_else.end());
        add_reads(op->cond, live);
        if (then_case.same_as(op->then_case) && else_case.same_as(op->else_case)) return s;
        if (!then_case && !else_case) return has_effect(op->cond) ? s : Stmt();
        if (!then_case)
            return IfThenElseNode::make(NotNode::make(op->cond, op->cond->span), else_case, Stmt(), op->span);
        return IfThenElseNode::make(op->cond, then_case, else_case, op->span);
    }

    Stmt eliminate_let(const LetStmtNode *op, const Stmt &s, BufferSet &live) {
        Stmt body = eliminate(op->body, live);
        add_reads(op->value, live);
        if (body.same_as(op->body)) return s;
        if (!body) return has_effect(op->value) ? s : Stmt();
        return LetStmtNode::make(op->var, op->value, body, op->span);
    }

    Stmt eliminate_allocate(const AllocateNode *op, const Stmt &s, BufferSet &live) {
        Stmt body = eliminate(op->body, live);
        if (!body) return Stmt();
        if (!mentions(body, op->buffer.get())) return body;
        if (body.same_as(op->body)) return s;
        return AllocateNode::make(op->buffer, body, op->span);
    }

    Stmt eliminate_evaluate(const EvaluateNode *op, const Stmt &s, BufferSet &live) {
        const auto *call = op->value.as<CallNode>();
        std::optional<TileWrite> write = call ? tile_write(call) : std::nullopt;
        if (!write) {
            add_reads(op->value, live);
            return s;
        }
        const auto *target = call->args[write->arg].as<RegionNode>();
        if (on_chip(target->buffer) && !live.count(target->buffer.get())) return Stmt();
        for (size_t i = 0; i < call->args.size(); ++i) {
            if (i != write->arg) add_reads(call->args[i], live);
        }
        if (write->also_reads) live.insert(target->buffer.get());
        for (const Range &range : target->ranges) {
            add_reads(range.min, live);
            add_reads(range.extent, live);
        }
        return s;
    }
};

}  // namespace

PrimFunc eliminate_dead_tt_values(const PrimFunc &func, const PassContext &) {
    // Removing a write can leave the reads it made dead in turn (a chain of temporaries), so sweep
    // until a sweep changes nothing.
    Stmt body = func->body;
    for (;;) {
        BufferSet live;
        Stmt swept = DeadValueEliminator().eliminate(body, live);
        if (!swept || swept.same_as(body)) break;
        body = swept;
    }
    if (body.same_as(func->body)) return func;
    return make_prim_func(func->name, func->params, body, func->attrs, func->span);
}

Pass eliminate_dead_tt_values_pass() {
    return Pass{"EliminateDeadTTValues", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return eliminate_dead_tt_values(f, ctx); });
                }};
}

}  // namespace tt::transform
