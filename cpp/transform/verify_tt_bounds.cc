// VerifyTTBounds: every buffer access of a kernel proven in bounds at compile time (see
// verify_tt_bounds.h).
#include "transform/verify_tt_bounds.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::transform {

using namespace ir;

namespace {

// 128-bit bounds so products of 64-bit indices cannot overflow; clamped far beyond any shape.
using Wide = __int128;
constexpr Wide kWideLimit = Wide{1} << 100;

Wide clamp(Wide v) {
    return std::max(-kWideLimit, std::min(kWideLimit, v));
}

/*! The values an integer expression takes, inclusive at both ends. */
struct Interval {
    Wide lo, hi;
};

Interval hull(std::initializer_list<Wide> values) {
    return {clamp(std::min(values)), clamp(std::max(values))};
}

Wide floor_div(Wide a, Wide b) {
    Wide q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::string text_of(Wide v) {
    if (v >= -(Wide{1} << 62) && v <= (Wide{1} << 62)) return std::to_string(static_cast<int64_t>(v));
    return v < 0 ? "-2**62 or less" : "2**62 or more";
}

// e as constant + sum of coefficient * atom; atoms are variables (a let's through its value)
// and the sub-expressions that are not affine.
struct Linear {
    Wide constant = 0;
    std::map<const Node *, std::pair<Wide, Expr>> terms;
};

/*! The values of an integer expression over the variables' ranges, the counters it depends on,
 *  and whether the range is exact (every end attained) rather than only a bound. */
struct Reach {
    Interval values;
    std::set<const VarNode *> vars;
    bool exact;
};
using MaybeReach = std::optional<Reach>;

static Reach combine(const Reach &x, const Reach &y, Interval values) {
    Reach r{values, x.vars, x.exact && y.exact};
    for (const VarNode *v : y.vars) r.exact = r.vars.insert(v).second && r.exact;  // shared: not independent
    return r;
}

/*! A `var < constant`-like condition, the form an enclosing if can narrow a variable with. */
struct Bound {
    const VarNode *var;
    NodeKind cmp;  // LT, LE, GT, GE or EQ, with var on the left
    Wide value;
};

NodeKind mirrored(NodeKind cmp) {
    switch (cmp) {
    case NodeKind::LT: return NodeKind::GT;
    case NodeKind::LE: return NodeKind::GE;
    case NodeKind::GT: return NodeKind::LT;
    case NodeKind::GE: return NodeKind::LE;
    default: return cmp;
    }
}

NodeKind negated(NodeKind cmp) {
    switch (cmp) {
    case NodeKind::LT: return NodeKind::GE;
    case NodeKind::LE: return NodeKind::GT;
    case NodeKind::GT: return NodeKind::LE;
    case NodeKind::GE: return NodeKind::LT;
    default: return NodeKind::NE;
    }
}

// The conjuncts of cond as bounds on variables; false when some conjunct has another form.
bool conjunct_bounds(const Expr &cond, std::vector<Bound> *out) {
    Expr a, b;
    if (!binary_operands(cond, &a, &b)) return false;
    if (cond->kind == NodeKind::And) return conjunct_bounds(a, out) && conjunct_bounds(b, out);
    if (cond->kind != NodeKind::LT && cond->kind != NodeKind::LE && cond->kind != NodeKind::GT &&
        cond->kind != NodeKind::GE && cond->kind != NodeKind::EQ) {
        return false;
    }
    int64_t c;
    if (a.as<VarNode>() && as_const_int(b, &c)) {
        out->push_back({a.as<VarNode>(), cond->kind, c});
        return true;
    }
    if (b.as<VarNode>() && as_const_int(a, &c)) {
        out->push_back({b.as<VarNode>(), mirrored(cond->kind), c});
        return true;
    }
    return false;
}

/*! Walks one kernel with the range of every variable in scope and checks each access. */
class BoundsChecker : public LocatingVisitor {
public:
    /*! The ifs whose condition holds, or fails, for every value of the variables in range. */
    std::map<const IfThenElseNode *, bool> decided;
    /*! Per tensor, per dimension: one past the last element a T.copy reaches (0: none overhangs). */
    std::map<const BufferNode *, std::vector<int64_t>> block_reach;

private:
    std::map<const VarNode *, Expr> block_starts_;  ///< the T.Parallel loops in scope: variable → first value

public:

protected:
    using IRVisitor::visit;

    void visit(const KernelLaunchNode *op) override {
        for (size_t i = 0; i < op->block_vars.size(); ++i)
            bind_counter(op->block_vars[i].get(), make_int(0), op->extents[i]);
        visit_stmt(op->body);
    }
    void visit(const ForNode *op) override {
        MaybeReach extent = reach_of(op->extent);
        if (extent && extent->exact && extent->values.lo < 0 && unknown_guards_ == 0) {
            // Trip counts are unsigned on the device: a negative one would run about 2**32 times.
            TT_USER_ERROR(Validation, op->span.defined() ? op->span : statement_span())
                << "the loop over " << op->loop_var->name << " runs " << to_text(op->extent) << " times, which is "
                << text_of(extent->values.lo) << " for some values of the grid and loop variables; trip counts "
                << "must not be negative (the device counts them unsigned), so instead give a stop at or after the "
                << "start for every block";
        }
        if (extent && extent->values.hi <= 0) return;  // the body never runs
        bind_counter(op->loop_var.get(), op->min, op->extent);
        if (op->for_kind == ForKind::Parallel) block_starts_[op->loop_var.get()] = op->min;
        visit_stmt(op->body);
        block_starts_.erase(op->loop_var.get());
    }
    void visit(const LetStmtNode *op) override {
        visit_expr(op->value);
        if (op->value->dtype.is_int()) let_values_[op->var.get()] = op->value;
        visit_stmt(op->body);
    }
    void visit(const IfThenElseNode *op) override {
        visit_expr(op->cond);
        if (std::optional<bool> taken = decide(op->cond)) {
            // Decided by the ranges (`if bx < 100` on a grid of 8): only the taken branch ever runs.
            decided[op] = *taken;
            if (*taken)
                visit_stmt(op->then_case);
            else if (op->else_case)
                visit_stmt(op->else_case);
            return;
        }
        std::vector<Bound> bounds;
        const bool usable = conjunct_bounds(op->cond, &bounds);
        branch(op->then_case, usable, bounds);
        if (!op->else_case) return;
        // Only the negation of a single bound is again a bound.
        const bool single = usable && bounds.size() == 1 && bounds[0].cmp != NodeKind::EQ;
        if (single) bounds[0].cmp = negated(bounds[0].cmp);
        branch(op->else_case, single, bounds);
    }
    void visit(const SelectNode *op) override {
        visit_expr(op->cond);
        ++unknown_guards_;  // each value is typically guarded by the condition (a mask); not checked
        visit_expr(op->true_value);
        visit_expr(op->false_value);
        --unknown_guards_;
    }
    void visit(const CallNode *op) override {
        const std::string saved = operation_;
        operation_ = op->op->name;
        IRVisitor::visit(op);
        operation_ = saved;
    }
    void visit(const RegionNode *op) override {
        IRVisitor::visit(op);
        for (size_t d = 0; d < op->ranges.size(); ++d) {
            MaybeReach start = reach_of(op->ranges[d].min), extent = reach_of(op->ranges[d].extent);
            if (!start || !extent) continue;
            Reach region = combine(*start, *extent, {start->values.lo, start->values.hi + extent->values.hi - 1});
            region.exact = region.exact && extent->values.lo == extent->values.hi;
            if (operation_ == "tl.copy" && overhanging_block(op->buffer, d, *start, region)) continue;
            check(op->buffer, d, op->ranges[d].min, op->ranges[d].extent, region, op->span);
        }
    }
    void visit(const BufferLoadNode *op) override {
        IRVisitor::visit(op);
        check_indices(op->buffer, op->indices, op->span);
    }
    void visit(const BufferStoreNode *op) override {
        IRVisitor::visit(op);
        check_indices(op->buffer, op->indices, op->span);
    }

private:
    void bind_counter(const VarNode *var, const Expr &min, const Expr &extent) {
        MaybeReach first = reach_of(min), count = reach_of(extent);
        if (first && count) {
            const bool exact = first->values.lo == first->values.hi && count->values.lo == count->values.hi;
            Wide last = clamp(first->values.hi + count->values.hi - 1);
            // T.Pipelined(start, stop) runs stop - start times from start: its last value is
            // stop - 1 whatever start is (a causal loop's start from the block index).
            const auto *trips = extent.as<SubNode>();
            if (trips && structural_equal(trips->b, min))
                if (MaybeReach stop = reach_of(trips->a)) last = std::min<Wide>(last, clamp(stop->values.hi - 1));
            env_[var] = {{first->values.lo, last}, exact};
        } else {
            env_.erase(var);
        }
    }

    void branch(const Stmt &body, bool usable, const std::vector<Bound> &bounds) {
        if (!usable) {
            ++unknown_guards_;
            visit_stmt(body);
            --unknown_guards_;
            return;
        }
        const auto saved = env_;
        for (const Bound &b : bounds) {
            auto it = env_.find(b.var);
            if (it == env_.end()) continue;
            Interval &r = it->second.first;
            switch (b.cmp) {
            case NodeKind::LT: r.hi = std::min(r.hi, b.value - 1); break;
            case NodeKind::LE: r.hi = std::min(r.hi, b.value); break;
            case NodeKind::GT: r.lo = std::max(r.lo, b.value + 1); break;
            case NodeKind::GE: r.lo = std::max(r.lo, b.value); break;
            default: r.lo = std::max(r.lo, b.value), r.hi = std::min(r.hi, b.value); break;
            }
        }
        const bool reachable = std::all_of(env_.begin(), env_.end(),
                                           [](const auto &kv) { return kv.second.first.lo <= kv.second.first.hi; });
        if (reachable) visit_stmt(body);
        env_ = saved;
    }

    void check_indices(const Buffer &buffer, const std::vector<Expr> &indices, const Span &span) {
        for (size_t d = 0; d < indices.size(); ++d) {
            MaybeReach index = reach_of(indices[d]);
            if (!index) continue;
            // An element of a tensor in a T.Parallel block is bounds-checked like a T.copy of the
            // block: the block starts where the parallel loops start.
            MaybeReach start = buffer->scope == MemoryScope::Global && !block_starts_.empty()
                                   ? reach_of(substitute(indices[d], [&](const Var &v) {
                                         auto it = block_starts_.find(v.get());
                                         return it == block_starts_.end() ? Expr(v) : it->second;
                                     }))
                                   : MaybeReach();
            if (start && overhanging_block(buffer, d, *start, *index)) continue;
            check(buffer, d, indices[d], Expr(), *index, span);
        }
    }

    // TileLang's accesses to a tensor are bounds-checked: a block (a T.copy, or the elements of a
    // T.Parallel block) that starts inside the tensor may run past its edge (the last block of a
    // T.ceildiv grid), reading zeros there and dropping writes. The tensor is stored padded to the
    // furthest element such a block reaches (BufferLayout).
    bool overhanging_block(const Buffer &buffer, size_t dim, const Reach &start, const Reach &region) {
        int64_t size;
        if (buffer->scope != MemoryScope::Global || unknown_guards_ > 0 || !region.exact ||
            dim >= buffer->shape.size() || !as_const_int(buffer->shape[dim], &size) || start.values.lo < 0 ||
            start.values.hi >= size || region.values.hi < size) {
            return false;
        }
        std::vector<int64_t> &reach = block_reach[buffer.get()];
        reach.resize(buffer->shape.size(), 0);
        reach[dim] = std::max<int64_t>(reach[dim], region.values.hi + 1);
        return true;
    }

    // Only an exact reach proves an access out of bounds; a bound alone (a min, an index whose terms
    // share a variable) could be loose, so those accesses are left to the simulator's page checks.
    void check(const Buffer &buffer, size_t dim, const Expr &start, const Expr &extent, const Reach &where,
               const Span &span) {
        int64_t size;
        if (unknown_guards_ > 0 || !where.exact || dim >= buffer->shape.size() ||
            !as_const_int(buffer->shape[dim], &size)) {
            return;
        }
        const Interval &reach = where.values;
        if (reach.lo >= 0 && reach.hi < size) return;
        std::string shape;
        for (const Expr &e : buffer->shape) shape += (shape.empty() ? "" : ", ") + to_text(e);
        const std::string what = operation_.rfind("tl.", 0) == 0 ? "T." + operation_.substr(3) : "an element access";
        TT_USER_ERROR(Validation, span.defined() ? span : statement_span())
            << what << " reaches elements " << text_of(reach.lo) << " to " << text_of(reach.hi) << " of dimension "
            << dim << " of " << buffer->name << " (index " << to_text(start)
            << (extent ? ", extent " + to_text(extent) : std::string()) << ", over the ranges of the grid and loop "
            << "variables), but " << buffer->name << " has shape (" << shape << "); instead keep every access inside "
            << "the buffer: check the block sizes, the grid (T.Kernel's extents, and which of the names bound by "
            << "'as' walks rows and which columns) and the tensor's shape";
    }

    // e as constant + sum of coefficient * atom (see Linear).
    void linearize(const Expr &e, Wide scale, Linear *out) const {
        int64_t c;
        Expr a, b;
        if (as_const_int(e, &c)) {
            out->constant = clamp(out->constant + scale * c);
        } else if (e->kind == NodeKind::Add && binary_operands(e, &a, &b)) {
            linearize(a, scale, out);
            linearize(b, scale, out);
        } else if (e->kind == NodeKind::Sub && binary_operands(e, &a, &b)) {
            linearize(a, scale, out);
            linearize(b, -scale, out);
        } else if (e->kind == NodeKind::Mul && binary_operands(e, &a, &b) &&
                   (as_const_int(a, &c) || as_const_int(b, &c))) {
            linearize(as_const_int(a, &c) ? b : a, clamp(scale * c), out);
        } else if (e->kind == NodeKind::Cast && e->dtype.is_int()) {
            linearize(e.as<CastNode>()->value, scale, out);
        } else if (e.as<VarNode>() && let_values_.count(e.as<VarNode>())) {
            linearize(let_values_.at(e.as<VarNode>()), scale, out);
        } else {
            auto &term = out->terms[e.get()];
            term.first = clamp(term.first + scale);
            term.second = e;
        }
    }

    MaybeReach reach_of(const Expr &e) const {
        if (!e->dtype.is_int()) return std::nullopt;
        Linear linear;
        linearize(e, 1, &linear);
        return reach_of(linear);
    }

    MaybeReach reach_of(const Linear &linear) const {
        Reach sum{{linear.constant, linear.constant}, {}, true};
        for (const auto &[node, term] : linear.terms) {
            const auto &[coefficient, atom] = term;
            if (coefficient == 0) continue;
            MaybeReach part = atom_reach(atom);
            if (!part) return std::nullopt;
            const Wide lo = coefficient * part->values.lo, hi = coefficient * part->values.hi;
            sum = combine(sum, *part, hull({sum.values.lo + std::min(lo, hi), sum.values.hi + std::max(lo, hi)}));
        }
        return sum;
    }

    // Whether cond holds for every value of the variables in range (true), for none (false), or
    // depends on them (nullopt). Bounds suffice here: a condition true over a bound is true.
    std::optional<bool> decide(const Expr &cond) const {
        int64_t c;
        if (as_const_int(cond, &c)) return c != 0;
        if (const auto *n = cond.as<NotNode>()) {
            std::optional<bool> inner = decide(n->a);
            return inner ? std::optional<bool>(!*inner) : std::nullopt;
        }
        Expr a, b;
        if (!binary_operands(cond, &a, &b)) return std::nullopt;
        if (cond->kind == NodeKind::And || cond->kind == NodeKind::Or) {
            const bool is_and = cond->kind == NodeKind::And;
            std::optional<bool> x = decide(a), y = decide(b);
            if ((x && *x != is_and) || (y && *y != is_and)) return !is_and;  // false && ..., true || ...
            return x && y ? std::optional<bool>(is_and) : std::nullopt;
        }
        if (!a->dtype.is_int() || !b->dtype.is_int()) return std::nullopt;
        Linear difference;  // a - b, so that shared variables cancel
        linearize(a, 1, &difference);
        linearize(b, -1, &difference);
        MaybeReach d = reach_of(difference);
        if (!d) return std::nullopt;
        const Interval &v = d->values;
        auto verdict = [](bool always, bool never) {
            return always ? std::optional<bool>(true) : never ? std::optional<bool>(false) : std::nullopt;
        };
        switch (cond->kind) {
        case NodeKind::LT: return verdict(v.hi < 0, v.lo >= 0);
        case NodeKind::LE: return verdict(v.hi <= 0, v.lo > 0);
        case NodeKind::GT: return verdict(v.lo > 0, v.hi <= 0);
        case NodeKind::GE: return verdict(v.lo >= 0, v.hi < 0);
        case NodeKind::EQ: return verdict(v.lo == 0 && v.hi == 0, v.lo > 0 || v.hi < 0);
        case NodeKind::NE: return verdict(v.lo > 0 || v.hi < 0, v.lo == 0 && v.hi == 0);
        default: return std::nullopt;
        }
    }

    MaybeReach atom_reach(const Expr &e) const {
        if (const auto *v = e.as<VarNode>()) {
            auto it = env_.find(v);
            if (it == env_.end()) return std::nullopt;
            return Reach{it->second.first, {v}, it->second.second};
        }
        Expr a, b;
        if (!binary_operands(e, &a, &b)) return std::nullopt;
        MaybeReach x = reach_of(a), y = reach_of(b);
        if (!x || !y) return std::nullopt;
        const Interval &p = x->values, &q = y->values;
        switch (e->kind) {
        case NodeKind::Mul: return combine(*x, *y, hull({p.lo * q.lo, p.lo * q.hi, p.hi * q.lo, p.hi * q.hi}));
        case NodeKind::Div:
        case NodeKind::FloorDiv: {
            if (q.lo <= 0 && q.hi >= 0) return std::nullopt;
            Reach r = combine(
                *x, *y,
                hull({floor_div(p.lo, q.lo), floor_div(p.lo, q.hi), floor_div(p.hi, q.lo), floor_div(p.hi, q.hi)}));
            r.exact = r.exact && q.lo == q.hi;  // floor division by a constant is monotone
            return r;
        }
        case NodeKind::Mod:
        case NodeKind::FloorMod:
            if (q.lo != q.hi || q.lo <= 0) return std::nullopt;
            if (p.lo >= 0 && p.hi < q.lo) return x;
            return Reach{{0, q.lo - 1}, x->vars, false};
        case NodeKind::Min:
        case NodeKind::Max: {
            const bool is_min = e->kind == NodeKind::Min;
            Reach r = combine(*x, *y,
                              is_min ? hull({std::min(p.lo, q.lo), std::min(p.hi, q.hi)})
                                     : hull({std::max(p.lo, q.lo), std::max(p.hi, q.hi)}));
            r.exact = false;
            return r;
        }
        default: return std::nullopt;
        }
    }

    // Per counter (block index, loop variable): its values and whether every one of them occurs.
    std::map<const VarNode *, std::pair<Interval, bool>> env_;
    std::map<const VarNode *, Expr> let_values_;
    int unknown_guards_ = 0;  // > 0 under a condition the check cannot turn into variable ranges
    std::string operation_;
};

/*! Replaces each decided if by its taken branch (nothing when no branch runs). */
class TakenBranches : public IRMutator {
public:
    explicit TakenBranches(const std::map<const IfThenElseNode *, bool> &decided) : decided_(decided) {}

protected:
    using IRMutator::visit;
    Stmt visit(const IfThenElseNode *op) override {
        auto it = decided_.find(op);
        if (it == decided_.end()) return IRMutator::visit(op);
        const Stmt &taken = it->second ? op->then_case : op->else_case;
        return taken ? mutate(taken) : EvaluateNode::make(make_int(0), op->span);
    }
    // An if that runs no branch leaves the sequence it is in (a kernel has no empty statements).
    Stmt visit(const SeqStmtNode *op) override {
        std::vector<Stmt> kept;
        for (const Stmt &s : op->seq) {
            if (!runs_nothing(s)) kept.push_back(mutate(s));
        }
        return kept.empty() ? EvaluateNode::make(make_int(0), op->span) : SeqStmtNode::flatten(kept, op->span);
    }

private:
    bool runs_nothing(const Stmt &s) const {
        const auto *branch = s.as<IfThenElseNode>();
        auto it = branch ? decided_.find(branch) : decided_.end();
        return it != decided_.end() && !(it->second ? branch->then_case : branch->else_case);
    }

    const std::map<const IfThenElseNode *, bool> &decided_;
};

}  // namespace

CheckedBounds verify_tt_bounds(const PrimFunc &func) {
    BoundsChecker checker;
    checker(func->body);
    CheckedBounds out{func, std::move(checker.block_reach)};
    if (!checker.decided.empty()) out.func = with_body(func, TakenBranches(checker.decided)(func->body));
    return out;
}

}  // namespace tt::transform
