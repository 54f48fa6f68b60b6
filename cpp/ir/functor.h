/*! \file functor.h
 *  \brief Visitor and mutator bases over the IR.
 *
 *  IRVisitor walks every child by default; override the visit() of the kinds you care about and
 *  call the base to keep walking. IRMutator rebuilds a node only when a child changed and otherwise
 *  returns the very same node, so unchanged subtrees are shared between input and output.
 *  Buffers are visited through visit_buffer / mutate_buffer (default: shape extents only, identity),
 *  which lets a pass swap a buffer everywhere it is used by overriding one method.
 */
#pragma once

#include <functional>

#include "ir/ir.h"

namespace tt::ir {

class IRVisitor {
public:
    virtual ~IRVisitor() = default;
    void operator()(const Expr &e) {
        visit_expr(e);
    }
    void operator()(const Stmt &s) {
        visit_stmt(s);
    }
    /*! \brief Dispatches on the node kind. */
    virtual void visit_expr(const Expr &e);
    virtual void visit_stmt(const Stmt &s);
    virtual void visit_buffer(const Buffer &b);

protected:
#define TT_VISIT_DECL(N) virtual void visit(const N##Node *op);
    TT_FOR_EACH_EXPR(TT_VISIT_DECL) TT_FOR_EACH_STMT(TT_VISIT_DECL)
#undef TT_VISIT_DECL
};

/*! \brief An IRVisitor that knows the span of the innermost statement it is in that has one
 *  (variables carry the span of their definition, so a use is located by its statement). */
class LocatingVisitor : public IRVisitor {
public:
    void visit_stmt(const Stmt &s) override {
        if (!s) return;
        const Span outer = statement_span_;
        if (s->span.defined()) statement_span_ = s->span;
        IRVisitor::visit_stmt(s);
        statement_span_ = outer;
    }

protected:
    const Span &statement_span() const { return statement_span_; }

private:
    Span statement_span_;
};

class IRMutator {
public:
    virtual ~IRMutator() = default;
    Expr operator()(const Expr &e) {
        return mutate(e);
    }
    Stmt operator()(const Stmt &s) {
        return mutate(s);
    }
    virtual Expr mutate(const Expr &e);
    virtual Stmt mutate(const Stmt &s);
    /*! \brief Replaces a buffer at each use; the default keeps it. */
    virtual Buffer mutate_buffer(const Buffer &b) {
        return b;
    }

protected:
#define TT_MUTATE_EXPR_DECL(N) virtual Expr visit(const N##Node *op);
#define TT_MUTATE_STMT_DECL(N) virtual Stmt visit(const N##Node *op);
    TT_FOR_EACH_EXPR(TT_MUTATE_EXPR_DECL) TT_FOR_EACH_STMT(TT_MUTATE_STMT_DECL)
#undef TT_MUTATE_EXPR_DECL
#undef TT_MUTATE_STMT_DECL

    /*! \brief The handle of a node being visited (to return it unchanged). */
    static Expr self(const ExprNode *op) {
        return Expr(std::static_pointer_cast<const ExprNode>(op->shared_from_this()));
    }
    static Stmt self(const StmtNode *op) {
        return Stmt(std::static_pointer_cast<const StmtNode>(op->shared_from_this()));
    }
    /*! \brief Mutates each element; sets *changed when any element changed. */
    std::vector<Expr> mutate_all(const std::vector<Expr> &v, bool *changed);
};

/*! \brief Calls f on every node of s, children before parents (statements and expressions). */
void post_order_visit(const Stmt &s, const std::function<void(const Node *)> &f);

/*! \brief Whether the variable occurs in s / e. */
bool uses_var(const Stmt &s, const Var &var);
bool uses_var(const Expr &e, const Var &var);

/*! \brief Replaces variables by expressions throughout s (free occurrences only by construction,
 *  since every Var is bound once). */
Stmt substitute(const Stmt &s, const std::function<Expr(const Var &)> &f);
Expr substitute(const Expr &e, const std::function<Expr(const Var &)> &f);

/*! \brief A copy of s whose lets and loops bind new variables of the same names, so that it can
 *  stand beside s in one function (every Var is bound once); free variables stay. */
Stmt rebind(const Stmt &s);

}  // namespace tt::ir
