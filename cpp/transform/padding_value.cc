// What an element-wise value is at the padding (contract in padding_value.h).
#include "transform/padding_value.h"

#include <cmath>
#include <set>
#include <string>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"

namespace tt::transform {

using namespace ir;

void for_each_load(const Expr &e, const std::function<void(const BufferLoadNode *)> &f) {
    struct Loads : IRVisitor {
        const std::function<void(const BufferLoadNode *)> &f;
        explicit Loads(const std::function<void(const BufferLoadNode *)> &f) : f(f) {}
        using IRVisitor::visit;
        void visit(const BufferLoadNode *op) override {
            f(op);
            IRVisitor::visit(op);
        }
    } loads(f);
    loads(e);
}

namespace {

std::string function_of(const CallNode *call) {
    const std::string &name = call->op->name;
    return name.rfind("tl.", 0) == 0 ? name.substr(3) : name;
}
// f(0) = 0.
bool keeps_zero(const CallNode *call) {
    static const std::set<std::string> names = {"abs",  "sqrt",   "tanh", "sin",  "erf",
                                                "relu", "square", "neg",  "gelu", "silu"};
    return call->args.size() == 1 && names.count(function_of(call));
}
// f(x) finite for finite x (up to overflow).
bool keeps_finite(const CallNode *call) {
    static const std::set<std::string> names = {"abs", "tanh", "sin",  "cos", "erf",  "relu",   "square",
                                                "neg", "gelu", "silu", "exp", "exp2", "sigmoid"};
    return call->args.size() == 1 && names.count(function_of(call));
}

}  // namespace

bool flag_arg(const CallNode *op, size_t i) {
    const auto *imm = op->args[i].as<IntImmNode>();
    return imm && imm->value != 0;
}

bool PaddingValue::zero(const Expr &e) const {
    Expr a, b;
    switch (e->kind) {
    case NodeKind::IntImm: return e.as<IntImmNode>()->value == 0;
    case NodeKind::FloatImm: return e.as<FloatImmNode>()->value == 0;
    case NodeKind::BufferLoad: return zero_load_(e.as<BufferLoadNode>());
    case NodeKind::Cast: return zero(e.as<CastNode>()->value);
    case NodeKind::Select: {
        const auto *s = e.as<SelectNode>();
        return zero(s->true_value) && zero(s->false_value);
    }
    // A zero times a finite value: the other factor must not be inf or NaN there (1 / x, log x).
    case NodeKind::Mul: binary_operands(e, &a, &b); return (zero(a) && finite(b)) || (zero(b) && finite(a));
    case NodeKind::Call: return keeps_zero(e.as<CallNode>()) && zero(e.as<CallNode>()->args[0]);
    case NodeKind::Div: binary_operands(e, &a, &b); return zero(a) && !reads_padded(b);
    case NodeKind::Add:
    case NodeKind::Sub:
    case NodeKind::Min:
    case NodeKind::Max: binary_operands(e, &a, &b); return zero(a) && zero(b);
    default: return false;
    }
}

bool PaddingValue::finite(const Expr &e) const {
    Expr a, b;
    switch (e->kind) {
    case NodeKind::IntImm: return true;
    case NodeKind::FloatImm: return std::isfinite(e.as<FloatImmNode>()->value);
    case NodeKind::BufferLoad: return finite_load_(e.as<BufferLoadNode>());
    case NodeKind::Cast: return finite(e.as<CastNode>()->value);
    case NodeKind::Select: {
        const auto *s = e.as<SelectNode>();
        return finite(s->true_value) && finite(s->false_value);
    }
    case NodeKind::Div: binary_operands(e, &a, &b); return finite(a) && !reads_padded(b);
    case NodeKind::Add:
    case NodeKind::Sub:
    case NodeKind::Mul:
    case NodeKind::Min:
    case NodeKind::Max: binary_operands(e, &a, &b); return finite(a) && finite(b);
    case NodeKind::Call: {
        const auto *call = e.as<CallNode>();
        return keeps_finite(call) && finite(call->args[0]);
    }
    default: return false;
    }
}

bool PaddingValue::reads_padded(const Expr &e) const {
    bool found = false;
    for_each_load(e, [&](const BufferLoadNode *load) { found = found || padded_load_(load); });
    return found;
}

}  // namespace tt::transform
