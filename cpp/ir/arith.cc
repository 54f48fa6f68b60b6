// Dtype promotion of user-written arithmetic and constant folding (arith.h).
#include "ir/arith.h"

#include "ir/equal.h"
#include "ir/functor.h"

namespace tt::ir {

namespace {

bool is_const(const Expr &e) {
    return e.as<IntImmNode>() || e.as<FloatImmNode>();
}

bool is_arith_kind(NodeKind k) {
    return k != NodeKind::And && k != NodeKind::Or;
}

DataType wider(DataType a, DataType b) {
    if (a.is_float() != b.is_float()) return a.is_float() ? a : b;
    if (a.is_float() && a.bits == 16 && b.bits == 16 && a.code != b.code) return DataType::float32();
    return a.bits >= b.bits ? a : b;
}

// Floor division and modulo on integers (Python semantics).
int64_t floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// An integer expression as sum(coeff * atom) + constant, where atoms are subexpressions that are
// not sums or constant multiples (variables, loads, divisions). Atoms compare structurally.
struct LinearForm {
    std::vector<std::pair<Expr, int64_t>> terms;
    int64_t constant = 0;

    void add_term(const Expr &atom, int64_t coeff) {
        for (auto &t : terms) {
            if (structural_equal_expr(t.first, atom)) {
                t.second += coeff;
                return;
            }
        }
        terms.emplace_back(atom, coeff);
    }
    bool is_constant() const {
        for (const auto &t : terms) {
            if (t.second != 0) return false;
        }
        return true;
    }
    static bool structural_equal_expr(const Expr &a, const Expr &b);
};

void collect_linear(const Expr &e, int64_t scale, LinearForm *out) {
    int64_t c;
    Expr a, b;
    if (as_const_int(e, &c)) {
        out->constant += scale * c;
    } else if (e->kind == NodeKind::Add && binary_operands(e, &a, &b)) {
        collect_linear(a, scale, out);
        collect_linear(b, scale, out);
    } else if (e->kind == NodeKind::Sub && binary_operands(e, &a, &b)) {
        collect_linear(a, scale, out);
        collect_linear(b, -scale, out);
    } else if (e->kind == NodeKind::Mul && binary_operands(e, &a, &b) && (as_const_int(a, &c) || as_const_int(b, &c))) {
        collect_linear(as_const_int(b, &c) ? a : b, scale * c, out);
    } else {
        out->add_term(e, scale);
    }
}

class ConstantFolder : public IRMutator {
protected:
    using IRMutator::visit;
#define TT_FOLD_BINARY(N, OP)                                                                                          \
    Expr visit(const N##Node *op) override {                                                                           \
        Expr e = IRMutator::visit(op);                                                                                 \
        return fold(e);                                                                                                \
    }
    TT_FOR_EACH_BINARY(TT_FOLD_BINARY)
#undef TT_FOLD_BINARY

    // A select on a constant condition is the branch it picks.
    Expr visit(const SelectNode *op) override {
        Expr e = IRMutator::visit(op);
        const auto *select = e.as<SelectNode>();
        const auto *cond = select ? select->cond.as<IntImmNode>() : nullptr;
        if (!cond) return e;
        return cond->value ? select->true_value : select->false_value;
    }

private:
    static Expr fold(const Expr &e) {
        Expr a, b;
        if (!binary_operands(e, &a, &b)) return e;
        int64_t x, y;
        bool ca = as_const_int(a, &x), cb = as_const_int(b, &y);
        if (ca && cb) {
            DataType t = e->dtype;
            switch (e->kind) {
            case NodeKind::Add: return IntImmNode::make(t, x + y, e->span);
            case NodeKind::Sub: return IntImmNode::make(t, x - y, e->span);
            case NodeKind::Mul: return IntImmNode::make(t, x * y, e->span);
            case NodeKind::Div:
                if (y != 0) return IntImmNode::make(t, x / y, e->span);
                break;
            case NodeKind::Mod:
                if (y != 0) return IntImmNode::make(t, x % y, e->span);
                break;
            case NodeKind::FloorDiv:
                if (y != 0) return IntImmNode::make(t, floordiv(x, y), e->span);
                break;
            case NodeKind::FloorMod:
                if (y != 0) return IntImmNode::make(t, x - floordiv(x, y) * y, e->span);
                break;
            case NodeKind::Min: return IntImmNode::make(t, std::min(x, y), e->span);
            case NodeKind::Max: return IntImmNode::make(t, std::max(x, y), e->span);
            case NodeKind::EQ: return make_bool(x == y, e->span);
            case NodeKind::NE: return make_bool(x != y, e->span);
            case NodeKind::LT: return make_bool(x < y, e->span);
            case NodeKind::LE: return make_bool(x <= y, e->span);
            case NodeKind::GT: return make_bool(x > y, e->span);
            case NodeKind::GE: return make_bool(x >= y, e->span);
            default: break;
            }
            return e;
        }
        const auto *fa = a.as<FloatImmNode>(), *fb = b.as<FloatImmNode>();
        if (fa && fb) {  // float arithmetic on literals (e.g. -T.infinity as 0.0 - inf)
            const double p = fa->value, q = fb->value;
            switch (e->kind) {
            case NodeKind::Add: return FloatImmNode::make(e->dtype, p + q, e->span);
            case NodeKind::Sub: return FloatImmNode::make(e->dtype, p - q, e->span);
            case NodeKind::Mul: return FloatImmNode::make(e->dtype, p * q, e->span);
            case NodeKind::Div: return FloatImmNode::make(e->dtype, p / q, e->span);
            case NodeKind::Min: return FloatImmNode::make(e->dtype, std::min(p, q), e->span);
            case NodeKind::Max: return FloatImmNode::make(e->dtype, std::max(p, q), e->span);
            default: break;
            }
        }
        // Sums whose variable parts cancel, e.g. (by + 1) * 32 - by * 32.
        if ((e->kind == NodeKind::Sub || e->kind == NodeKind::Add) && e->dtype.is_int()) {
            LinearForm form;
            collect_linear(e, 1, &form);
            if (form.is_constant()) return IntImmNode::make(e->dtype, form.constant, e->span);
        }
        // Identities that keep the other operand.
        if (e->kind == NodeKind::Add && cb && y == 0) return a;
        if (e->kind == NodeKind::Add && ca && x == 0) return b;
        if (e->kind == NodeKind::Sub && cb && y == 0) return a;
        if (e->kind == NodeKind::Mul && cb && y == 1) return a;
        if (e->kind == NodeKind::Mul && ca && x == 1) return b;
        if (e->kind == NodeKind::Mul && ((ca && x == 0) || (cb && y == 0)))
            return IntImmNode::make(e->dtype, 0, e->span);
        if ((e->kind == NodeKind::FloorDiv || e->kind == NodeKind::Div) && cb && y == 1) return a;
        return e;
    }
};

}  // namespace

// The same term: structurally equal over the very same variables (structural equality alone
// holds up to renaming, which would merge bx * 32 with by * 32).
bool LinearForm::structural_equal_expr(const Expr &a, const Expr &b) {
    if (!structural_equal(a, b)) return false;
    auto variables = [](const Expr &e) {
        std::vector<const Node *> vars;
        post_order_visit(EvaluateNode::make(e), [&](const Node *n) {
            if (n->kind == NodeKind::Var) vars.push_back(n);
        });
        return vars;
    };
    return variables(a) == variables(b);
}

Expr convert(Expr value, DataType dtype, Span span) {
    if (value->dtype == dtype) return value;
    if (const auto *i = value.as<IntImmNode>()) {
        if (dtype.is_float()) return FloatImmNode::make(dtype, static_cast<double>(i->value), span);
        if (dtype.is_bool()) return make_bool(i->value != 0, span);
        return IntImmNode::make(dtype, i->value, span);
    }
    if (const auto *f = value.as<FloatImmNode>()) {
        if (dtype.is_float()) return FloatImmNode::make(dtype, f->value, span);
    }
    return CastNode::make(dtype, std::move(value), std::move(span));
}

Expr promote_binary(NodeKind kind, Expr a, Expr b, Span span) {
    if (!a.defined() || !b.defined())
        TT_USER_ERROR(Validation, span) << "operand of '" << binary_op_name(kind) << "' is missing";
    if (is_arith_kind(kind) && a->dtype != b->dtype && !a->dtype.is_handle() && !b->dtype.is_handle()) {
        if (a->dtype.is_bool()) a = convert(a, DataType::int32(), span);
        if (b->dtype.is_bool()) b = convert(b, DataType::int32(), span);
        if (a->dtype != b->dtype) {
            // A literal adapts to the typed side, unless that would drop its fraction.
            bool a_lit = is_const(a), b_lit = is_const(b);
            DataType t;
            if (a_lit && !b_lit && !(a->dtype.is_float() && b->dtype.is_int())) {
                t = b->dtype;
            } else if (b_lit && !a_lit && !(b->dtype.is_float() && a->dtype.is_int())) {
                t = a->dtype;
            } else {
                t = wider(a->dtype, b->dtype);
            }
            a = convert(a, t, span);
            b = convert(b, t, span);
        }
    }
    return make_binary(kind, std::move(a), std::move(b), std::move(span));
}

Expr fold_constants(const Expr &e) {
    ConstantFolder folder;
    return folder(e);
}

std::optional<AffineForm> affine_form(const Expr &e) {
    AffineForm out;
    int64_t c;
    if (as_const_int(e, &c)) {
        out.offset = c;
        return out;
    }
    if (e->kind == NodeKind::Var) {
        out.coef[static_cast<const VarNode *>(e.get())] = 1;
        return out;
    }
    Expr a, b;
    if (!binary_operands(e, &a, &b)) return std::nullopt;
    std::optional<AffineForm> x = affine_form(a), y = affine_form(b);
    if (!x || !y) return std::nullopt;
    if (e->kind == NodeKind::Add || e->kind == NodeKind::Sub) {
        const int64_t sign = e->kind == NodeKind::Add ? 1 : -1;
        for (const auto &[v, k] : y->coef) x->coef[v] += sign * k;
        x->offset += sign * y->offset;
        return x;
    }
    if (e->kind == NodeKind::Mul && (x->coef.empty() || y->coef.empty())) {
        const AffineForm &scaled = x->coef.empty() ? *y : *x;
        const int64_t k = x->coef.empty() ? x->offset : y->offset;
        out.offset = scaled.offset * k;
        for (const auto &[v, kv] : scaled.coef) out.coef[v] = kv * k;
        return out;
    }
    return std::nullopt;
}

std::optional<int64_t> folded_int(const Expr &e) {
    int64_t v;
    if (!e.defined() || !as_const_int(fold_constants(e), &v)) return std::nullopt;
    return v;
}

int64_t largest_divisor_at_most(int64_t n, int64_t limit) {
    for (int64_t d = std::min(n, limit); d > 1; --d) {
        if (n % d == 0) return d;
    }
    return 1;
}

}  // namespace tt::ir
