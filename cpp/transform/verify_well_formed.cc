// The well-formedness verifier: scoping of variables and buffers (see verify_well_formed.h).
#include "transform/verify_well_formed.h"

#include <set>
#include <sstream>

#include "ir/functor.h"
#include "ir/printer.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! Walks one function keeping the variables and buffers in scope. A statement's span stands in
 *  for an expression without one, so every violation points at a source line when any exists. */
class ScopeChecker : public IRVisitor {
public:
    ScopeChecker(const PrimFunc &func, std::vector<WellFormedViolation> &out) : func_(func), out_(out) {
        span_stack_.push_back(func->span);
        // Parameter and allocation scopes are checked by the factories (ir.h); scoping is not.
        // The variables of the parameters' extents (dynamic dimensions) are bound by the call.
        for (const Buffer &param : func->params) {
            for (const Expr &extent : param->shape) {
                substitute(extent, [&](const Var &dim) {
                    bound_ever_.insert(dim.get());
                    vars_in_scope_.insert(dim.get());
                    return dim;
                });
            }
        }
        for (const Buffer &param : func->params) {
            if (!declared_buffers_.insert(param.get()).second) {
                report("buffer " + param->name + " is a parameter twice", param->name, param->span);
            }
            buffers_in_scope_.insert(param.get());
            visit_buffer(param);
        }
    }

    using IRVisitor::visit;

    void visit_stmt(const Stmt &s) override {
        if (!s) return;
        const bool located = s->span.defined();
        if (located) span_stack_.push_back(s->span);
        stmt_stack_.push_back(s);
        IRVisitor::visit_stmt(s);
        stmt_stack_.pop_back();
        if (located) span_stack_.pop_back();
    }

    void visit_buffer(const Buffer &b) override {
        if (!buffers_in_scope_.count(b.get())) {
            report("buffer " + b->name +
                       " is used outside the scope that allocates it (not a parameter, no enclosing "
                       "Allocate)",
                   b->name, b->span);
        }
        IRVisitor::visit_buffer(b);
    }

protected:
    void visit(const VarNode *op) override {
        if (!vars_in_scope_.count(op)) {
            report("variable " + op->name + " is used where it is not bound (no enclosing loop, let or block binding)",
                   op->name, op->span);
        }
    }

    void visit(const ForNode *op) override {
        visit_expr(op->min);
        visit_expr(op->extent);
        with_bound({op->loop_var}, op->span, [&] { visit_stmt(op->body); });
    }

    void visit(const LetStmtNode *op) override {
        visit_expr(op->value);
        with_bound({op->var}, op->span, [&] { visit_stmt(op->body); });
    }

    void visit(const KernelLaunchNode *op) override {
        if (launch_depth_ > 0) report("KernelLaunch nested inside another KernelLaunch", "T.Kernel", op->span);
        for (const Expr &e : op->extents) visit_expr(e);
        ++launch_depth_;
        with_bound(op->block_vars, op->span, [&] { visit_stmt(op->body); });
        --launch_depth_;
    }

    void visit(const AllocateNode *op) override {
        const Buffer &b = op->buffer;
        if (!declared_buffers_.insert(b.get()).second) {
            report("buffer " + b->name + " is allocated twice (or allocated and also a parameter)", b->name, op->span);
        }
        for (const Expr &e : b->shape) visit_expr(e);
        buffers_in_scope_.insert(b.get());
        visit_stmt(op->body);
        buffers_in_scope_.erase(b.get());
    }

private:
    template<typename F> void with_bound(const std::vector<Var> &vars, const Span &span, F &&body) {
        for (const Var &v : vars) {
            if (!bound_ever_.insert(v.get()).second) {
                report("variable " + v->name + " is bound twice; every variable has exactly one binding site", v->name,
                       v->span.defined() ? v->span : span);
            }
            vars_in_scope_.insert(v.get());
        }
        body();
        for (const Var &v : vars) vars_in_scope_.erase(v.get());
    }

    /*! Records a violation; the node is shown with the first line of its innermost statement. */
    void report(const std::string &message, const std::string &node, const Span &span) {
        const Span &where = span.defined() ? span : span_stack_.back();
        std::string text = node;
        if (!stmt_stack_.empty()) {
            const std::string stmt = to_text(stmt_stack_.back());
            text += " in `" + stmt.substr(0, stmt.find('\n')) + "`";
        }
        out_.push_back(WellFormedViolation{func_->name, message, text, where});
    }

    const PrimFunc &func_;
    std::vector<WellFormedViolation> &out_;
    std::set<const VarNode *> vars_in_scope_;
    std::set<const VarNode *> bound_ever_;
    std::set<const BufferNode *> buffers_in_scope_;
    std::set<const BufferNode *> declared_buffers_;
    std::vector<Span> span_stack_;
    std::vector<Stmt> stmt_stack_;
    int launch_depth_ = 0;
};

}  // namespace

std::string WellFormedViolation::to_string() const {
    std::ostringstream os;
    os << "function " << function << ": " << message << "\n  at: " << node_text;
    if (span.defined()) os << " (" << span.to_string() << ")";
    return os.str();
}

std::vector<WellFormedViolation> check_well_formed(const IRModule &mod) {
    std::vector<WellFormedViolation> out;
    for (const auto &[name, func] : mod->functions) {
        if (name != func->name) {
            out.push_back({func->name,
                           "module entry \"" + name + "\" holds function \"" + func->name +
                               "\"; entries are named after their function",
                           name, func->span});
        }
        ScopeChecker(func, out)(func->body);
    }
    return out;
}

void verify_well_formed(const IRModule &mod, const std::string &after_pass) {
    const std::vector<WellFormedViolation> violations = check_well_formed(mod);
    if (violations.empty()) return;
    std::ostringstream os;
    if (after_pass.empty()) {
        os << "the input module is not well formed:";
    } else {
        os << "IR verification failed after pass " << after_pass << ":";
    }
    for (const WellFormedViolation &v : violations) os << "\n" << v.to_string();
    if (after_pass.empty()) TT_USER_ERROR(Validation, violations.front().span) << os.str();
    ErrorBuilder(ErrorKind::Internal, violations.front().span) << os.str();
}

}  // namespace tt::transform
