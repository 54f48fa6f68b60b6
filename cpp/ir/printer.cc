// The TileLang-like IR printer (printer.h).
#include "ir/printer.h"

#include <cmath>
#include <iomanip>
#include <limits>

#include "ir/intrinsics.h"

namespace tt::ir {

std::string NameTable::name_of(const void *object, const std::string &hint) {
    auto it = names_.find(object);
    if (it != names_.end()) return it->second;
    std::string name = hint;
    for (int suffix = 1; used_.count(name); ++suffix) name = hint + "_" + std::to_string(suffix);
    used_.insert(name);
    names_.emplace(object, name);
    return name;
}

namespace {

// Precedence levels, Python's order.
enum Prec { kOr = 1, kAnd = 2, kNot = 3, kCompare = 4, kAdd = 5, kMul = 6, kAtom = 10 };

std::string join(const std::vector<std::string> &parts, const char *sep = ", ") {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

std::string float_literal(double v) {
    if (std::isnan(v)) return "T.nan";
    if (std::isinf(v)) return v > 0 ? "T.infinity" : "-T.infinity";
    std::ostringstream os;
    os << std::setprecision(std::numeric_limits<double>::max_digits10) << v;
    std::string s = os.str();
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

// A region prints as the bare buffer when it covers it entirely.
bool covers_buffer(const RegionNode *op) {
    for (size_t d = 0; d < op->ranges.size(); ++d) {
        int64_t mn, ext, dim;
        if (!as_const_int(op->ranges[d].min, &mn) || mn != 0) return false;
        if (!as_const_int(op->ranges[d].extent, &ext) || !as_const_int(op->buffer->shape[d], &dim) || ext != dim) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string IRPrinter::span_comment(const Span &span) {
    if (!span.defined()) return "";
    return "# " + span.to_string();
}

void IRPrinter::line(const std::string &text) {
    os_ << std::string(static_cast<size_t>(indent_ * indent_width_), ' ') << text << "\n";
}

std::string IRPrinter::dtype_str(DataType t) const {
    return "\"" + t.to_string() + "\"";
}

int IRPrinter::precedence(const Expr &e) const {
    switch (e->kind) {
    case NodeKind::Or: return kOr;
    case NodeKind::And: return kAnd;
    case NodeKind::Not: return kNot;
    case NodeKind::EQ:
    case NodeKind::NE:
    case NodeKind::LT:
    case NodeKind::LE:
    case NodeKind::GT:
    case NodeKind::GE: return kCompare;
    case NodeKind::Add:
    case NodeKind::Sub: return kAdd;
    case NodeKind::Mul:
    case NodeKind::FloorDiv:
    case NodeKind::FloorMod: return kMul;
    case NodeKind::Div:
    case NodeKind::Mod: return e->dtype.is_float() ? kMul : kAtom;
    default: return kAtom;
    }
}

std::string IRPrinter::operand(const Expr &e, int parent) {
    std::string s = print_expr(e);
    return precedence(e) < parent ? "(" + s + ")" : s;
}

std::string IRPrinter::end_of(const Expr &min, const Expr &extent) {
    // Printed, not built: a region's min and extent may be integers of different widths.
    int64_t mn, ext;
    if (as_const_int(min, &mn) && as_const_int(extent, &ext)) return std::to_string(mn + ext);
    return operand(min, kAdd) + " + " + operand(extent, kAdd + 1);
}

std::string IRPrinter::print_expr(const Expr &e) {
    TT_ICHECK(e.defined()) << "printing an undefined expression";
    switch (e->kind) {
#define TT_DISPATCH(N) \
    case NodeKind::N: return print(static_cast<const N##Node *>(e.get()));
        TT_FOR_EACH_EXPR(TT_DISPATCH)
#undef TT_DISPATCH
    default: TT_ICHECK(false) << "not an expression: " << kind_name(e->kind);
    }
    return "";
}

void IRPrinter::print_stmt(const Stmt &s) {
    TT_ICHECK(s.defined()) << "printing an undefined statement";
    switch (s->kind) {
#define TT_DISPATCH(N) \
    case NodeKind::N: return print(static_cast<const N##Node *>(s.get()));
        TT_FOR_EACH_STMT(TT_DISPATCH)
#undef TT_DISPATCH
    default: TT_ICHECK(false) << "not a statement: " << kind_name(s->kind);
    }
}

std::string IRPrinter::print(const IntImmNode *op) {
    if (op->dtype.is_bool()) return op->value ? "True" : "False";
    if (op->dtype == DataType::int32()) return std::to_string(op->value);
    return "T." + op->dtype.to_string() + "(" + std::to_string(op->value) + ")";
}
std::string IRPrinter::print(const FloatImmNode *op) {
    std::string v = float_literal(op->value);
    if (op->dtype == DataType::float32()) return v;
    return "T." + op->dtype.to_string() + "(" + v + ")";
}
std::string IRPrinter::print(const StringImmNode *op) {
    return Json(op->value).dump();
}
std::string IRPrinter::print(const VarNode *op) {
    return var_name(Var(std::static_pointer_cast<const VarNode>(op->shared_from_this())));
}

#define TT_PRINT_BINARY(N, OP)                                                                    \
    std::string IRPrinter::print(const N##Node *op) {                                             \
        Expr self(std::static_pointer_cast<const ExprNode>(op->shared_from_this()));              \
        int p = precedence(self);                                                                 \
        if (p == kAtom) {                                                                         \
            const char *fn = NodeKind::N == NodeKind::Min   ? "T.min"                             \
                             : NodeKind::N == NodeKind::Max ? "T.max"                             \
                             : NodeKind::N == NodeKind::Div ? "T.truncdiv"                        \
                                                            : "T.truncmod";                       \
            return std::string(fn) + "(" + print_expr(op->a) + ", " + print_expr(op->b) + ")";   \
        }                                                                                         \
        std::string sym = NodeKind::N == NodeKind::FloorMod ? "%" : OP;                           \
        /* Left-associative: the right operand needs parentheses at equal precedence; Python */  \
        /* chains comparisons, so a comparison operand of a comparison needs them on both sides. */ \
        int left = p == kCompare ? p + 1 : p;                                                     \
        return operand(op->a, left) + " " + sym + " " + operand(op->b, p + 1);                    \
    }
TT_FOR_EACH_BINARY(TT_PRINT_BINARY)
#undef TT_PRINT_BINARY

std::string IRPrinter::print(const NotNode *op) {
    return "not " + operand(op->a, kNot);
}
std::string IRPrinter::print(const SelectNode *op) {
    return "T.if_then_else(" + print_expr(op->cond) + ", " + print_expr(op->true_value) + ", " +
           print_expr(op->false_value) + ")";
}
std::string IRPrinter::print(const CastNode *op) {
    return "T.cast(" + print_expr(op->value) + ", " + dtype_str(op->dtype) + ")";
}
std::string IRPrinter::print(const BufferLoadNode *op) {
    std::vector<std::string> idx;
    for (const Expr &i : op->indices) idx.push_back(print_expr(i));
    return buffer_name(op->buffer) + "[" + join(idx) + "]";
}
std::string IRPrinter::print(const RegionNode *op) {
    if (covers_buffer(op)) return buffer_name(op->buffer);
    std::vector<std::string> dims;
    for (const Range &r : op->ranges) {
        int64_t ext;
        dims.push_back(as_const_int(r.extent, &ext) && ext == 1 ? print_expr(r.min)
                                                                : print_expr(r.min) + ":" + end_of(r.min, r.extent));
    }
    return buffer_name(op->buffer) + "[" + join(dims) + "]";
}
std::string IRPrinter::print(const CallNode *op) {
    const std::string &name = op->op->name;
    bool tile_op = name.rfind("tl.", 0) == 0;
    std::vector<std::string> args;
    for (size_t i = 0; i < op->args.size(); ++i) {
        std::string text = print_expr(op->args[i]);
        // Options of tile operations read best as keywords, as in TileLang source.
        const ArgSpec &spec = op->op->args[std::min(i, op->op->args.size() - 1)];
        bool keyword = tile_op && i > 0 && spec.kind != ArgKind::Region && !op->op->pure && spec.kind != ArgKind::Numeric;
        args.push_back(keyword ? spec.name + "=" + text : text);
    }
    return (tile_op ? "T." + name.substr(3) : name) + "(" + join(args) + ")";
}

void IRPrinter::print(const ForNode *op) {
    std::string range = print_expr(op->extent);
    int64_t mn;
    if (!as_const_int(op->min, &mn) || mn != 0) {
        range = print_expr(op->min) + ", " + end_of(op->min, op->extent);
    }
    std::string head;
    switch (op->for_kind) {
    case ForKind::Serial: head = "T.serial(" + range; break;
    case ForKind::Pipelined: head = "T.Pipelined(" + range + ", num_stages=" + std::to_string(op->num_stages); break;
    case ForKind::Parallel: head = "T.Parallel(" + range; break;
    case ForKind::Unrolled: head = "T.unroll(" + range; break;
    }
    if (!op->annotations.empty()) head += ", annotations=" + Json(op->annotations).dump();
    line("for " + var_name(op->loop_var) + " in " + head + "):");
    ++indent_;
    print_stmt(op->body);
    --indent_;
}
void IRPrinter::print(const SeqStmtNode *op) {
    for (const Stmt &s : op->seq) print_stmt(s);
}
void IRPrinter::print(const IfThenElseNode *op) {
    line("if " + print_expr(op->cond) + ":");
    ++indent_;
    print_stmt(op->then_case);
    --indent_;
    if (op->else_case) {
        line("else:");
        ++indent_;
        print_stmt(op->else_case);
        --indent_;
    }
}
void IRPrinter::print(const LetStmtNode *op) {
    line(var_name(op->var) + ": T." + op->var->dtype.to_string() + " = " + print_expr(op->value));
    print_stmt(op->body);
}
void IRPrinter::print(const BufferStoreNode *op) {
    std::vector<std::string> idx;
    for (const Expr &i : op->indices) idx.push_back(print_expr(i));
    line(buffer_name(op->buffer) + "[" + join(idx) + "] = " + print_expr(op->value));
}
void IRPrinter::print(const EvaluateNode *op) {
    line(print_expr(op->value));
}
void IRPrinter::print(const AllocateNode *op) {
    std::vector<std::string> shape;
    for (const Expr &e : op->buffer->shape) shape.push_back(print_expr(e));
    std::string tuple = shape.size() == 1 ? "(" + shape[0] + ",)" : "(" + join(shape) + ")";
    line(buffer_name(op->buffer) + " = T.alloc_" + scope_name(op->buffer->scope) + "(" + tuple + ", " +
         dtype_str(op->buffer->dtype) + ")");
    print_stmt(op->body);
}
void IRPrinter::print(const KernelLaunchNode *op) {
    std::vector<std::string> ext, vars;
    for (const Expr &e : op->extents) ext.push_back(print_expr(e));
    for (const Var &v : op->block_vars) vars.push_back(var_name(v));
    std::string head = "with T.Kernel(" + join(ext);
    if (!op->threads.empty()) {
        std::vector<std::string> t;
        for (int64_t n : op->threads) t.push_back(std::to_string(n));
        head += ", threads=" + (t.size() == 1 ? t[0] : "[" + join(t) + "]");
    }
    line(head + ") as (" + join(vars) + (vars.size() == 1 ? ",)" : ")") + ":");
    ++indent_;
    print_stmt(op->body);
    --indent_;
}

void IRPrinter::print_func(const PrimFunc &f) {
    if (f->span.defined()) line(span_comment(f->span));
    line("@T.prim_func");
    std::vector<std::string> params;
    for (const Buffer &b : f->params) {
        std::vector<std::string> shape;
        for (const Expr &e : b->shape) shape.push_back(print_expr(e));
        std::string tuple = shape.size() == 1 ? "(" + shape[0] + ",)" : "(" + join(shape) + ")";
        params.push_back(buffer_name(b) + ": T.Tensor(" + tuple + ", " + dtype_str(b->dtype) + ")");
    }
    line("def " + f->name + "(" + join(params) + "):");
    ++indent_;
    if (!f->attrs.empty()) line("T.func_attr(" + Json(f->attrs).dump() + ")");
    print_stmt(f->body);
    --indent_;
}

void IRPrinter::print_module(const IRModule &m) {
    if (!m->attrs.empty()) line("# module attrs: " + Json(m->attrs).dump());
    bool first = true;
    for (const auto &kv : m->functions) {
        if (!first) os_ << "\n";
        first = false;
        print_func(kv.second);
    }
}

std::string to_text(const Expr &e) {
    IRPrinter p;
    return p.print_expr(e);
}
std::string to_text(const Stmt &s) {
    IRPrinter p;
    p.print_stmt(s);
    return p.str();
}
std::string to_text(const PrimFunc &f) {
    IRPrinter p;
    p.print_func(f);
    return p.str();
}
std::string to_text(const IRModule &m) {
    IRPrinter p;
    p.print_module(m);
    return p.str();
}

}  // namespace tt::ir
