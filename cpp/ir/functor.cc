// The default visitor and mutator: visit every child; the mutator rebuilds a node only when a
// child changed (functor.h).
#include "ir/functor.h"

#include <map>

#include "ir/intrinsics.h"

namespace tt::ir {

// ---- IRVisitor -------------------------------------------------------------------------------

void IRVisitor::visit_expr(const Expr &e) {
    if (!e) return;
    switch (e->kind) {
#define TT_DISPATCH(N) \
    case NodeKind::N: return visit(static_cast<const N##Node *>(e.get()));
        TT_FOR_EACH_EXPR(TT_DISPATCH)
#undef TT_DISPATCH
    default: TT_ICHECK(false) << "statement kind " << kind_name(e->kind) << " in an expression handle";
    }
}

void IRVisitor::visit_stmt(const Stmt &s) {
    if (!s) return;
    switch (s->kind) {
#define TT_DISPATCH(N) \
    case NodeKind::N: return visit(static_cast<const N##Node *>(s.get()));
        TT_FOR_EACH_STMT(TT_DISPATCH)
#undef TT_DISPATCH
    default: TT_ICHECK(false) << "expression kind " << kind_name(s->kind) << " in a statement handle";
    }
}

void IRVisitor::visit_buffer(const Buffer &b) {
    for (const Expr &e : b->shape) visit_expr(e);
}

void IRVisitor::visit(const IntImmNode *) {
}
void IRVisitor::visit(const FloatImmNode *) {
}
void IRVisitor::visit(const StringImmNode *) {
}
void IRVisitor::visit(const VarNode *) {
}
#define TT_VISIT_BINARY(N, OP)                  \
    void IRVisitor::visit(const N##Node *op) { \
        visit_expr(op->a);                      \
        visit_expr(op->b);                      \
    }
TT_FOR_EACH_BINARY(TT_VISIT_BINARY)
#undef TT_VISIT_BINARY
void IRVisitor::visit(const NotNode *op) {
    visit_expr(op->a);
}
void IRVisitor::visit(const SelectNode *op) {
    visit_expr(op->cond);
    visit_expr(op->true_value);
    visit_expr(op->false_value);
}
void IRVisitor::visit(const CastNode *op) {
    visit_expr(op->value);
}
void IRVisitor::visit(const BufferLoadNode *op) {
    visit_buffer(op->buffer);
    for (const Expr &i : op->indices) visit_expr(i);
}
void IRVisitor::visit(const RegionNode *op) {
    visit_buffer(op->buffer);
    for (const Range &r : op->ranges) {
        visit_expr(r.min);
        visit_expr(r.extent);
    }
}
void IRVisitor::visit(const CallNode *op) {
    for (const Expr &a : op->args) visit_expr(a);
}
void IRVisitor::visit(const ForNode *op) {
    visit_expr(op->loop_var);
    visit_expr(op->min);
    visit_expr(op->extent);
    visit_stmt(op->body);
}
void IRVisitor::visit(const SeqStmtNode *op) {
    for (const Stmt &s : op->seq) visit_stmt(s);
}
void IRVisitor::visit(const IfThenElseNode *op) {
    visit_expr(op->cond);
    visit_stmt(op->then_case);
    visit_stmt(op->else_case);
}
void IRVisitor::visit(const LetStmtNode *op) {
    visit_expr(op->var);
    visit_expr(op->value);
    visit_stmt(op->body);
}
void IRVisitor::visit(const BufferStoreNode *op) {
    visit_buffer(op->buffer);
    visit_expr(op->value);
    for (const Expr &i : op->indices) visit_expr(i);
}
void IRVisitor::visit(const EvaluateNode *op) {
    visit_expr(op->value);
}
void IRVisitor::visit(const AllocateNode *op) {
    visit_buffer(op->buffer);
    visit_stmt(op->body);
}
void IRVisitor::visit(const KernelLaunchNode *op) {
    for (const Expr &e : op->extents) visit_expr(e);
    for (const Var &v : op->block_vars) visit_expr(v);
    visit_stmt(op->body);
}

// ---- IRMutator -------------------------------------------------------------------------------

Expr IRMutator::mutate(const Expr &e) {
    if (!e) return e;
    switch (e->kind) {
#define TT_DISPATCH(N) \
    case NodeKind::N: return visit(static_cast<const N##Node *>(e.get()));
        TT_FOR_EACH_EXPR(TT_DISPATCH)
#undef TT_DISPATCH
    default: TT_ICHECK(false) << "statement kind " << kind_name(e->kind) << " in an expression handle";
    }
    return e;
}

Stmt IRMutator::mutate(const Stmt &s) {
    if (!s) return s;
    switch (s->kind) {
#define TT_DISPATCH(N) \
    case NodeKind::N: return visit(static_cast<const N##Node *>(s.get()));
        TT_FOR_EACH_STMT(TT_DISPATCH)
#undef TT_DISPATCH
    default: TT_ICHECK(false) << "expression kind " << kind_name(s->kind) << " in a statement handle";
    }
    return s;
}

std::vector<Expr> IRMutator::mutate_all(const std::vector<Expr> &v, bool *changed) {
    std::vector<Expr> out;
    out.reserve(v.size());
    for (const Expr &e : v) {
        out.push_back(mutate(e));
        if (!out.back().same_as(e)) *changed = true;
    }
    return out;
}

Expr IRMutator::visit(const IntImmNode *op) {
    return self(op);
}
Expr IRMutator::visit(const FloatImmNode *op) {
    return self(op);
}
Expr IRMutator::visit(const StringImmNode *op) {
    return self(op);
}
Expr IRMutator::visit(const VarNode *op) {
    return self(op);
}
#define TT_MUTATE_BINARY(N, OP)                                 \
    Expr IRMutator::visit(const N##Node *op) {                 \
        Expr a = mutate(op->a), b = mutate(op->b);             \
        if (a.same_as(op->a) && b.same_as(op->b)) return self(op); \
        return N##Node::make(a, b, op->span);                  \
    }
TT_FOR_EACH_BINARY(TT_MUTATE_BINARY)
#undef TT_MUTATE_BINARY
Expr IRMutator::visit(const NotNode *op) {
    Expr a = mutate(op->a);
    return a.same_as(op->a) ? self(op) : NotNode::make(a, op->span);
}
Expr IRMutator::visit(const SelectNode *op) {
    Expr c = mutate(op->cond), t = mutate(op->true_value), f = mutate(op->false_value);
    if (c.same_as(op->cond) && t.same_as(op->true_value) && f.same_as(op->false_value)) return self(op);
    return SelectNode::make(c, t, f, op->span);
}
Expr IRMutator::visit(const CastNode *op) {
    Expr v = mutate(op->value);
    return v.same_as(op->value) ? self(op) : CastNode::make(op->dtype, v, op->span);
}
Expr IRMutator::visit(const BufferLoadNode *op) {
    bool changed = false;
    Buffer b = mutate_buffer(op->buffer);
    std::vector<Expr> idx = mutate_all(op->indices, &changed);
    if (!changed && b == op->buffer) return self(op);
    return BufferLoadNode::make(b, idx, op->span);
}
Expr IRMutator::visit(const RegionNode *op) {
    bool changed = false;
    Buffer b = mutate_buffer(op->buffer);
    std::vector<Range> ranges;
    for (const Range &r : op->ranges) {
        Range n{mutate(r.min), mutate(r.extent)};
        changed |= !n.min.same_as(r.min) || !n.extent.same_as(r.extent);
        ranges.push_back(n);
    }
    if (!changed && b == op->buffer) return self(op);
    return RegionNode::make(b, ranges, op->span);
}
Expr IRMutator::visit(const CallNode *op) {
    bool changed = false;
    std::vector<Expr> args = mutate_all(op->args, &changed);
    if (!changed) return self(op);
    return CallNode::make(op->op->name, op->dtype, args, op->span);
}

Stmt IRMutator::visit(const ForNode *op) {
    Expr mn = mutate(op->min), ext = mutate(op->extent);
    Stmt body = mutate(op->body);
    if (mn.same_as(op->min) && ext.same_as(op->extent) && body.same_as(op->body)) return self(op);
    return ForNode::make(op->loop_var, mn, ext, op->for_kind, body, op->num_stages, op->annotations, op->span);
}
Stmt IRMutator::visit(const SeqStmtNode *op) {
    bool changed = false;
    std::vector<Stmt> seq;
    for (const Stmt &s : op->seq) {
        seq.push_back(mutate(s));
        changed |= !seq.back().same_as(s);
    }
    if (!changed) return self(op);
    return SeqStmtNode::flatten(seq, op->span);
}
Stmt IRMutator::visit(const IfThenElseNode *op) {
    Expr c = mutate(op->cond);
    Stmt t = mutate(op->then_case), e = mutate(op->else_case);
    if (c.same_as(op->cond) && t.same_as(op->then_case) && e.same_as(op->else_case)) return self(op);
    return IfThenElseNode::make(c, t, e, op->span);
}
Stmt IRMutator::visit(const LetStmtNode *op) {
    Expr v = mutate(op->value);
    Stmt b = mutate(op->body);
    if (v.same_as(op->value) && b.same_as(op->body)) return self(op);
    return LetStmtNode::make(op->var, v, b, op->span);
}
Stmt IRMutator::visit(const BufferStoreNode *op) {
    bool changed = false;
    Buffer b = mutate_buffer(op->buffer);
    Expr v = mutate(op->value);
    std::vector<Expr> idx = mutate_all(op->indices, &changed);
    if (!changed && b == op->buffer && v.same_as(op->value)) return self(op);
    return BufferStoreNode::make(b, v, idx, op->span);
}
Stmt IRMutator::visit(const EvaluateNode *op) {
    Expr v = mutate(op->value);
    return v.same_as(op->value) ? self(op) : EvaluateNode::make(v, op->span);
}
Stmt IRMutator::visit(const AllocateNode *op) {
    Buffer b = mutate_buffer(op->buffer);
    Stmt body = mutate(op->body);
    if (b == op->buffer && body.same_as(op->body)) return self(op);
    return AllocateNode::make(b, body, op->span);
}
Stmt IRMutator::visit(const KernelLaunchNode *op) {
    bool changed = false;
    std::vector<Expr> ext = mutate_all(op->extents, &changed);
    Stmt body = mutate(op->body);
    if (!changed && body.same_as(op->body)) return self(op);
    return KernelLaunchNode::make(ext, op->block_vars, op->threads, body, op->span);
}

// ---- helpers ---------------------------------------------------------------------------------

namespace {

class NodeCollector : public IRVisitor {
public:
    explicit NodeCollector(const std::function<void(const Node *)> &f) : f_(f) {
    }
    void visit_expr(const Expr &e) override {
        if (!e) return;
        IRVisitor::visit_expr(e);
        f_(e.get());
    }
    void visit_stmt(const Stmt &s) override {
        if (!s) return;
        IRVisitor::visit_stmt(s);
        f_(s.get());
    }

private:
    const std::function<void(const Node *)> &f_;
};

class Substituter : public IRMutator {
public:
    explicit Substituter(const std::function<Expr(const Var &)> &f) : f_(f) {
    }

protected:
    using IRMutator::visit;
    Expr visit(const VarNode *op) override {
        Var v(std::static_pointer_cast<const VarNode>(op->shared_from_this()));
        Expr r = f_(v);
        return r.defined() ? r : Expr(v);
    }

private:
    const std::function<Expr(const Var &)> &f_;
};

class Rebinder : public IRMutator {
protected:
    using IRMutator::visit;
    Expr visit(const VarNode *op) override {
        auto it = renamed_.find(op);
        return it == renamed_.end() ? IRMutator::visit(op) : Expr(it->second);
    }
    Stmt visit(const LetStmtNode *op) override {
        Expr value = mutate(op->value);
        Var var = renew(op->var);
        return LetStmtNode::make(var, value, mutate(op->body), op->span);
    }
    Stmt visit(const ForNode *op) override {
        Expr min = mutate(op->min), extent = mutate(op->extent);
        Var var = renew(op->loop_var);
        return ForNode::make(var, min, extent, op->for_kind, mutate(op->body), op->num_stages, op->annotations,
                             op->span);
    }

private:
    Var renew(const Var &v) {
        Var fresh = make_var(v->name, v->dtype, v->span);
        renamed_[v.get()] = fresh;
        return fresh;
    }
    std::map<const VarNode *, Var> renamed_;
};

}  // namespace

Stmt rebind(const Stmt &s) {
    Rebinder r;
    return r(s);
}

void post_order_visit(const Stmt &s, const std::function<void(const Node *)> &f) {
    NodeCollector c(f);
    c(s);
}

bool uses_var(const Stmt &s, const Var &var) {
    bool found = false;
    post_order_visit(s, [&](const Node *n) { found = found || n == var.get(); });
    return found;
}

bool uses_var(const Expr &e, const Var &var) {
    return uses_var(EvaluateNode::make(e), var);
}

Stmt substitute(const Stmt &s, const std::function<Expr(const Var &)> &f) {
    Substituter sub(f);
    return sub(s);
}

Expr substitute(const Expr &e, const std::function<Expr(const Var &)> &f) {
    Substituter sub(f);
    return sub(e);
}

}  // namespace tt::ir
