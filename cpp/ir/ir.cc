// Validating factories of the IR nodes. Each make() rejects ill-typed input with a Validation
// error located at the node's span, so no pass ever sees a malformed tree.
#include "ir/ir.h"

#include <cctype>
#include <set>

#include "ir/intrinsics.h"

namespace tt::ir {

namespace {

template<typename T, typename... Args>
std::shared_ptr<const T> node(Args &&...args) {
    return std::make_shared<const T>(std::forward<Args>(args)...);
}

void require_defined(const Expr &e, const char *what, const Span &span) {
    if (!e.defined()) TT_USER_ERROR(Validation, span) << what << " is missing";
}

void require_int(const Expr &e, const char *what, const Span &span) {
    require_defined(e, what, span);
    if (!e->dtype.is_int()) {
        TT_USER_ERROR(Validation, span) << what << " must be an integer, got " << e->dtype.to_string();
    }
}

void require_bool(const Expr &e, const char *what, const Span &span) {
    require_defined(e, what, span);
    if (!e->dtype.is_bool()) {
        TT_USER_ERROR(Validation, span) << what << " must be a bool condition, got " << e->dtype.to_string();
    }
}

bool is_identifier(const std::string &name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

void require_indices(const Buffer &buffer, const std::vector<Expr> &indices, const Span &span) {
    if (!buffer) TT_USER_ERROR(Validation, span) << "buffer access without a buffer";
    if (indices.size() != buffer->shape.size()) {
        TT_USER_ERROR(Validation, span) << "buffer " << buffer->name << " has " << buffer->shape.size()
                                        << " dimensions but is indexed with " << indices.size() << " indices";
    }
    for (const Expr &i : indices) require_int(i, "buffer index", span);
}

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

bool is_binary(NodeKind kind) {
    switch (kind) {
#define TT_BINARY_CASE(N, OP) case NodeKind::N:
        TT_FOR_EACH_BINARY(TT_BINARY_CASE)
#undef TT_BINARY_CASE
        return true;
    default: return false;
    }
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

Stmt ForNode::make(Var loop_var, Expr min, Expr extent, ForKind kind, Stmt body, int num_stages, AttrMap annotations,
                   Span span) {
    if (!loop_var) TT_USER_ERROR(Validation, span) << "loop without a loop variable";
    if (!loop_var->dtype.is_int()) TT_USER_ERROR(Validation, span) << "loop variable must be an integer";
    require_int(min, "loop start", span);
    require_int(extent, "loop extent", span);
    if (min->dtype != loop_var->dtype || extent->dtype != loop_var->dtype) {
        TT_USER_ERROR(Validation, span) << "loop bounds and loop variable " << loop_var->name << " differ in dtype";
    }
    if (!body) TT_USER_ERROR(Validation, span) << "loop over " << loop_var->name << " has no body";
    if (num_stages < 0) TT_USER_ERROR(Validation, span) << "num_stages must be >= 0, got " << num_stages;
    if (kind != ForKind::Pipelined && num_stages != 0) {
        TT_USER_ERROR(Validation, span) << "num_stages is only meaningful on a pipelined loop";
    }
    return Stmt(node<ForNode>(std::move(loop_var), std::move(min), std::move(extent), kind, num_stages,
                              std::move(annotations), std::move(body), std::move(span)));
}

Stmt SeqStmtNode::make(std::vector<Stmt> seq, Span span) {
    if (seq.empty()) TT_USER_ERROR(Validation, span) << "empty statement sequence";
    for (const Stmt &s : seq) {
        if (!s) TT_USER_ERROR(Validation, span) << "undefined statement in a sequence";
    }
    return Stmt(node<SeqStmtNode>(std::move(seq), std::move(span)));
}

Stmt SeqStmtNode::flatten(std::vector<Stmt> seq, Span span) {
    std::vector<Stmt> flat;
    for (Stmt &s : seq) {
        if (const auto *inner = s.as<SeqStmtNode>()) {
            flat.insert(flat.end(), inner->seq.begin(), inner->seq.end());
        } else if (s) {
            flat.push_back(std::move(s));
        }
    }
    if (flat.size() == 1) return flat[0];
    return make(std::move(flat), std::move(span));
}

Stmt IfThenElseNode::make(Expr cond, Stmt then_case, Stmt else_case, Span span) {
    require_bool(cond, "if condition", span);
    if (!then_case) TT_USER_ERROR(Validation, span) << "if without a body";
    return Stmt(node<IfThenElseNode>(std::move(cond), std::move(then_case), std::move(else_case), std::move(span)));
}

Stmt LetStmtNode::make(Var var, Expr value, Stmt body, Span span) {
    if (!var) TT_USER_ERROR(Validation, span) << "let without a variable";
    require_defined(value, "let value", span);
    if (var->dtype != value->dtype) {
        TT_USER_ERROR(Validation, span) << "let " << var->name << " of dtype " << var->dtype.to_string()
                                        << " bound to a " << value->dtype.to_string() << " value";
    }
    if (!body) TT_USER_ERROR(Validation, span) << "let " << var->name << " has no body";
    return Stmt(node<LetStmtNode>(std::move(var), std::move(value), std::move(body), std::move(span)));
}

Stmt BufferStoreNode::make(Buffer buffer, Expr value, std::vector<Expr> indices, Span span) {
    require_indices(buffer, indices, span);
    require_defined(value, "stored value", span);
    if (value->dtype != buffer->dtype) {
        TT_USER_ERROR(Validation, span) << "storing a " << value->dtype.to_string() << " value into buffer "
                                        << buffer->name << " of dtype " << buffer->dtype.to_string()
                                        << "; cast it with T.cast";
    }
    return Stmt(node<BufferStoreNode>(std::move(buffer), std::move(value), std::move(indices), std::move(span)));
}

Stmt EvaluateNode::make(Expr value, Span span) {
    require_defined(value, "evaluated expression", span);
    return Stmt(node<EvaluateNode>(std::move(value), std::move(span)));
}

Stmt AllocateNode::make(Buffer buffer, Stmt body, Span span) {
    if (!buffer) TT_USER_ERROR(Validation, span) << "allocation without a buffer";
    if (buffer->scope == MemoryScope::Global) {
        TT_USER_ERROR(Validation, span) << "buffer " << buffer->name
                                        << " is global; only on-chip buffers are allocated inside a kernel";
    }
    if (!body) TT_USER_ERROR(Validation, span) << "allocation of " << buffer->name << " has no body";
    return Stmt(node<AllocateNode>(std::move(buffer), std::move(body), std::move(span)));
}

Stmt KernelLaunchNode::make(std::vector<Expr> extents, std::vector<Var> block_vars, std::vector<int64_t> threads,
                            Stmt body, Span span) {
    if (extents.empty() || extents.size() > 3) {
        TT_USER_ERROR(Validation, span) << "T.Kernel takes 1 to 3 grid extents, got " << extents.size();
    }
    if (block_vars.size() != extents.size()) {
        TT_USER_ERROR(Validation, span) << "T.Kernel has " << extents.size() << " grid extents but binds "
                                        << block_vars.size() << " block variables";
    }
    for (const Expr &e : extents) {
        require_int(e, "grid extent", span);
        int64_t v;
        if (as_const_int(e, &v) && v <= 0) TT_USER_ERROR(Validation, span) << "grid extent " << v << " is not positive";
    }
    for (const Var &v : block_vars) {
        if (!v) TT_USER_ERROR(Validation, span) << "undefined block variable";
    }
    for (int64_t t : threads) {
        if (t <= 0) TT_USER_ERROR(Validation, span) << "threads= must be positive, got " << t;
    }
    if (!body) TT_USER_ERROR(Validation, span) << "T.Kernel has no body";
    return Stmt(node<KernelLaunchNode>(std::move(extents), std::move(block_vars), std::move(threads), std::move(body),
                                       std::move(span)));
}

PrimFunc make_prim_func(const std::string &name, std::vector<Buffer> params, Stmt body, AttrMap attrs, Span span) {
    if (!is_identifier(name)) TT_USER_ERROR(Validation, span) << "'" << name << "' is not a valid function name";
    std::set<const BufferNode *> seen;
    for (const Buffer &b : params) {
        if (!b) TT_USER_ERROR(Validation, span) << "undefined parameter of " << name;
        if (b->scope != MemoryScope::Global) {
            TT_USER_ERROR(Validation, b->span) << "parameter " << b->name << " of " << name << " must be global";
        }
        if (!seen.insert(b.get()).second) TT_USER_ERROR(Validation, span) << "parameter " << b->name << " repeated";
    }
    if (!body) TT_USER_ERROR(Validation, span) << "function " << name << " has no body";
    return std::make_shared<const PrimFuncNode>(
        PrimFuncNode{name, std::move(params), std::move(body), std::move(attrs), std::move(span)});
}

PrimFunc with_attr(PrimFunc func, const std::string &key, Json value) {
    PrimFuncNode copy = *func;
    copy.attrs[key] = std::move(value);
    return std::make_shared<const PrimFuncNode>(std::move(copy));
}

PrimFunc with_body(PrimFunc func, Stmt body) {
    if (body.same_as(func->body)) return func;
    PrimFuncNode copy = *func;
    copy.body = std::move(body);
    return std::make_shared<const PrimFuncNode>(std::move(copy));
}

PrimFunc IRModuleNode::lookup(const std::string &name) const {
    for (const auto &kv : functions) {
        if (kv.first == name) return kv.second;
    }
    return nullptr;
}

IRModule make_module(std::vector<std::pair<std::string, PrimFunc>> functions, AttrMap attrs) {
    std::set<std::string> names;
    for (const auto &kv : functions) {
        if (!kv.second) TT_USER_ERROR(Validation, Span()) << "module function " << kv.first << " is undefined";
        if (!names.insert(kv.first).second) TT_USER_ERROR(Validation, Span()) << "function " << kv.first << " defined twice";
    }
    return std::make_shared<const IRModuleNode>(IRModuleNode{std::move(functions), std::move(attrs)});
}

IRModule with_function(IRModule mod, const std::string &name, PrimFunc func) {
    auto functions = mod->functions;
    bool replaced = false;
    for (auto &kv : functions) {
        if (kv.first == name) {
            kv.second = func;
            replaced = true;
        }
    }
    if (!replaced) functions.emplace_back(name, std::move(func));
    return make_module(std::move(functions), mod->attrs);
}

IRModule with_module_attr(IRModule mod, const std::string &key, Json value) {
    AttrMap attrs = mod->attrs;
    attrs[key] = std::move(value);
    return make_module(mod->functions, std::move(attrs));
}

}  // namespace tt::ir
