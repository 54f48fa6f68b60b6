// Validating factories of the IR expressions, and the names of the IR enums. Each make() rejects
// ill-typed input with a Validation error located at the node's span, so no pass ever sees a
// malformed tree. Statements, functions and modules are built in stmt.cc.
#include <algorithm>

#include "ir/intrinsics.h"
#include "ir/ir.h"
#include "ir/make_checks.h"

namespace tt::ir {

using namespace detail;

namespace {

bool is_comparison(NodeKind k) {
    return k == NodeKind::EQ || k == NodeKind::NE || k == NodeKind::LT || k == NodeKind::LE || k == NodeKind::GT ||
           k == NodeKind::GE;
}

}  // namespace

const char *kind_name(NodeKind kind) {
    switch (kind) {
#define TT_KIND_NAME(N) \
    case NodeKind::N: return #N;
        TT_FOR_EACH_EXPR(TT_KIND_NAME) TT_FOR_EACH_STMT(TT_KIND_NAME)
#undef TT_KIND_NAME
    }
    return "?";
}

const char *scope_name(MemoryScope scope) {
    switch (scope) {
    case MemoryScope::Global: return "global";
    case MemoryScope::Shared: return "shared";
    case MemoryScope::Fragment: return "fragment";
    case MemoryScope::Local: return "local";
    case MemoryScope::CB: return "cb";
    case MemoryScope::DST: return "dst";
    }
    return "?";
}

MemoryScope parse_scope(const std::string &name, const Span &span) {
    if (name == "global") return MemoryScope::Global;
    if (name == "shared" || name == "shared.dyn") return MemoryScope::Shared;
    if (name == "fragment" || name == "local.fragment") return MemoryScope::Fragment;
    if (name == "local" || name == "local.var") return MemoryScope::Local;
    if (name == "cb") return MemoryScope::CB;
    if (name == "dst") return MemoryScope::DST;
    TT_USER_ERROR(Validation, span) << "unknown memory scope '" << name
                                    << "'; use global, shared, fragment, local, cb or dst";
}

const char *for_kind_name(ForKind kind) {
    switch (kind) {
    case ForKind::Serial: return "serial";
    case ForKind::Pipelined: return "pipelined";
    case ForKind::Parallel: return "parallel";
    case ForKind::Unrolled: return "unrolled";
    }
    return "?";
}

ForKind parse_for_kind(const std::string &name) {
    if (name == "serial") return ForKind::Serial;
    if (name == "pipelined") return ForKind::Pipelined;
    if (name == "parallel") return ForKind::Parallel;
    if (name == "unrolled") return ForKind::Unrolled;
    TT_USER_ERROR(Validation, Span()) << "unknown loop kind '" << name
                                      << "'; use serial, pipelined, parallel or unrolled";
}

Var make_var(const std::string &name, DataType dtype, Span span) {
    if (!is_identifier(name)) TT_USER_ERROR(Validation, span) << "'" << name << "' is not a valid variable name";
    if (dtype.is_handle()) TT_USER_ERROR(Validation, span) << "variable " << name << " must have a scalar dtype";
    return Var(node<VarNode>(name, dtype, std::move(span)));
}

Buffer make_buffer(const std::string &name, std::vector<Expr> shape, DataType dtype, MemoryScope scope, Span span) {
    if (!is_identifier(name)) TT_USER_ERROR(Validation, span) << "'" << name << "' is not a valid buffer name";
    if (shape.empty()) TT_USER_ERROR(Validation, span) << "buffer " << name << " needs at least one dimension";
    if (dtype.is_handle()) TT_USER_ERROR(Validation, span) << "buffer " << name << " must have a scalar dtype";
    for (size_t d = 0; d < shape.size(); ++d) {
        require_int(shape[d], "buffer extent", span);
        int64_t v;
        if (as_const_int(shape[d], &v) && v <= 0) {
            TT_USER_ERROR(Validation, span) << "buffer " << name << " has extent " << v << " in dimension " << d
                                            << "; every extent must be positive";
        }
    }
    return std::make_shared<const BufferNode>(BufferNode{name, std::move(shape), dtype, scope, std::move(span)});
}

Expr IntImmNode::make(DataType dtype, int64_t value, Span span) {
    if (!dtype.is_int() && !dtype.is_bool()) {
        TT_USER_ERROR(Validation, span) << "integer constant of non-integer dtype " << dtype.to_string();
    }
    if (dtype.is_bool() && value != 0 && value != 1) TT_USER_ERROR(Validation, span) << "bool constant must be 0 or 1";
    return Expr(node<IntImmNode>(dtype, value, std::move(span)));
}

Expr FloatImmNode::make(DataType dtype, double value, Span span) {
    if (!dtype.is_float()) TT_USER_ERROR(Validation, span) << "float constant of dtype " << dtype.to_string();
    return Expr(node<FloatImmNode>(dtype, value, std::move(span)));
}

Expr StringImmNode::make(std::string value, Span span) {
    return Expr(node<StringImmNode>(std::move(value), std::move(span)));
}

template<NodeKind K>
Expr BinaryNode<K>::make(Expr a, Expr b, Span span) {
    require_defined(a, "left operand", span);
    require_defined(b, "right operand", span);
    if (K == NodeKind::And || K == NodeKind::Or) {
        require_bool(a, "left operand of a logical operator", span);
        require_bool(b, "right operand of a logical operator", span);
        return Expr(node<BinaryNode<K>>(DataType::boolean(), std::move(a), std::move(b), std::move(span)));
    }
    if (a->dtype != b->dtype) {
        TT_USER_ERROR(Validation, span) << "operands of '" << binary_op_name(K) << "' have different dtypes ("
                                        << a->dtype.to_string() << " and " << b->dtype.to_string()
                                        << "); cast one of them with T.cast";
    }
    if (a->dtype.is_handle()) {
        TT_USER_ERROR(Validation, span) << "'" << binary_op_name(K) << "' applied to a buffer region or string";
    }
    if ((K == NodeKind::Mod || K == NodeKind::FloorMod) && !a->dtype.is_int()) {
        TT_USER_ERROR(Validation, span) << "'%' needs integer operands, got " << a->dtype.to_string();
    }
    DataType t = is_comparison(K) ? DataType::boolean() : a->dtype;
    return Expr(node<BinaryNode<K>>(t, std::move(a), std::move(b), std::move(span)));
}

#define TT_BINARY_INSTANTIATE(N, OP) template struct BinaryNode<NodeKind::N>;
TT_FOR_EACH_BINARY(TT_BINARY_INSTANTIATE)
#undef TT_BINARY_INSTANTIATE

Expr make_binary(NodeKind kind, Expr a, Expr b, Span span) {
    switch (kind) {
#define TT_BINARY_CASE(N, OP) \
    case NodeKind::N: return N##Node::make(std::move(a), std::move(b), std::move(span));
        TT_FOR_EACH_BINARY(TT_BINARY_CASE)
#undef TT_BINARY_CASE
    default: TT_ICHECK(false) << kind_name(kind) << " is not a binary kind";
    }
    return Expr();
}

bool binary_operands(const Expr &e, Expr *a, Expr *b) {
    switch (e->kind) {
#define TT_BINARY_CASE(N, OP)                                \
    case NodeKind::N: {                                      \
        const auto *op = static_cast<const N##Node *>(e.get()); \
        *a = op->a;                                          \
        *b = op->b;                                          \
        return true;                                         \
    }
        TT_FOR_EACH_BINARY(TT_BINARY_CASE)
#undef TT_BINARY_CASE
    default: return false;
    }
}

const char *binary_op_name(NodeKind kind) {
    switch (kind) {
#define TT_BINARY_CASE(N, OP) \
    case NodeKind::N: return OP;
        TT_FOR_EACH_BINARY(TT_BINARY_CASE)
#undef TT_BINARY_CASE
    default: return "?";
    }
}

Expr NotNode::make(Expr a, Span span) {
    require_bool(a, "operand of 'not'", span);
    return Expr(node<NotNode>(std::move(a), std::move(span)));
}

Expr SelectNode::make(Expr cond, Expr t, Expr f, Span span) {
    require_bool(cond, "select condition", span);
    require_defined(t, "select true value", span);
    require_defined(f, "select false value", span);
    if (t->dtype != f->dtype) {
        TT_USER_ERROR(Validation, span) << "the two values of a select/if_then_else have different dtypes ("
                                        << t->dtype.to_string() << " and " << f->dtype.to_string() << ")";
    }
    return Expr(node<SelectNode>(std::move(cond), std::move(t), std::move(f), std::move(span)));
}

Expr CastNode::make(DataType dtype, Expr value, Span span) {
    require_defined(value, "cast operand", span);
    if (dtype.is_handle() || value->dtype.is_handle()) {
        TT_USER_ERROR(Validation, span) << "cannot cast between a buffer region/string and a number";
    }
    return Expr(node<CastNode>(dtype, std::move(value), std::move(span)));
}

Expr BufferLoadNode::make(Buffer buffer, std::vector<Expr> indices, Span span) {
    require_indices(buffer, indices, span);
    return Expr(node<BufferLoadNode>(std::move(buffer), std::move(indices), std::move(span)));
}

Expr RegionNode::make(Buffer buffer, std::vector<Range> ranges, Span span) {
    if (!buffer) TT_USER_ERROR(Validation, span) << "region without a buffer";
    if (ranges.size() != buffer->shape.size()) {
        TT_USER_ERROR(Validation, span) << "region of buffer " << buffer->name << " has " << ranges.size()
                                        << " ranges for " << buffer->shape.size() << " dimensions";
    }
    for (const Range &r : ranges) {
        require_int(r.min, "region start", span);
        require_int(r.extent, "region extent", span);
        int64_t v;
        if (as_const_int(r.extent, &v) && v <= 0) {
            TT_USER_ERROR(Validation, span) << "region of buffer " << buffer->name << " has empty extent " << v;
        }
    }
    return Expr(node<RegionNode>(std::move(buffer), std::move(ranges), std::move(span)));
}

Expr RegionNode::full(Buffer buffer, Span span) {
    if (!buffer) TT_USER_ERROR(Validation, span) << "region without a buffer";
    std::vector<Range> ranges;
    for (const Expr &e : buffer->shape) ranges.push_back({make_int(0, span), e});
    return make(std::move(buffer), std::move(ranges), std::move(span));
}

namespace {

bool arg_matches(ArgKind kind, const Expr &e) {
    switch (kind) {
    case ArgKind::Int: return e->dtype.is_int();
    case ArgKind::Float: return e->dtype.is_float();
    case ArgKind::Bool: return e->dtype.is_bool();
    case ArgKind::Numeric: return e->dtype.is_int() || e->dtype.is_float();
    case ArgKind::String: return e.as<StringImmNode>() != nullptr;
    case ArgKind::Region: return e.as<RegionNode>() != nullptr;
    case ArgKind::Any: return true;
    }
    return false;
}

Expr make_call(const std::string &name, const DataType *given, std::vector<Expr> args, Span span) {
    const IntrinsicInfo *op = lookup_intrinsic(name);
    if (!op) TT_USER_ERROR(Validation, span) << "unknown intrinsic '" << name << "'";
    size_t fixed = op->variadic ? op->args.size() - 1 : op->args.size();
    if (args.size() < fixed || (!op->variadic && args.size() != fixed)) {
        TT_USER_ERROR(Validation, span) << name << " takes " << (op->variadic ? "at least " : "") << fixed
                                        << " arguments, got " << args.size();
    }
    for (size_t i = 0; i < args.size(); ++i) {
        const ArgSpec &spec = op->args[std::min(i, op->args.size() - 1)];
        require_defined(args[i], "call argument", span);
        if (!arg_matches(spec.kind, args[i])) {
            TT_USER_ERROR(Validation, span) << "argument '" << spec.name << "' of " << name << " must be a "
                                            << arg_kind_name(spec.kind) << ", got " << kind_name(args[i]->kind)
                                            << " of dtype " << args[i]->dtype.to_string();
        }
    }
    DataType dtype = DataType::handle();
    switch (op->result_rule) {
    case ResultRule::Void: break;
    case ResultRule::Fixed: dtype = op->result; break;
    case ResultRule::SameAsFirst:
        TT_ICHECK(!args.empty()) << name;
        dtype = args[0]->dtype;
        break;
    case ResultRule::FromCaller:
        if (!given) TT_USER_ERROR(Validation, span) << name << " needs its result dtype";
        dtype = *given;
        break;
    }
    if (given && op->result_rule != ResultRule::FromCaller && *given != dtype) {
        TT_USER_ERROR(Validation, span) << name << " yields " << dtype.to_string() << ", not " << given->to_string();
    }
    return Expr(node<CallNode>(dtype, op, std::move(args), std::move(span)));
}

}  // namespace

Expr CallNode::make(const std::string &name, std::vector<Expr> args, Span span) {
    return make_call(name, nullptr, std::move(args), std::move(span));
}

Expr CallNode::make(const std::string &name, DataType dtype, std::vector<Expr> args, Span span) {
    return make_call(name, &dtype, std::move(args), std::move(span));
}

Expr make_int(int64_t value, Span span) {
    return IntImmNode::make(DataType::int32(), value, std::move(span));
}

Expr make_bool(bool value, Span span) {
    return IntImmNode::make(DataType::boolean(), value ? 1 : 0, std::move(span));
}

bool as_const_int(const Expr &e, int64_t *value) {
    const auto *imm = e.as<IntImmNode>();
    if (!imm || !imm->dtype.is_int()) return false;
    *value = imm->value;
    return true;
}

}  // namespace tt::ir
