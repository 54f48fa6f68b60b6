// Validating factories of the IR statements, functions and modules, and their copy-on-write
// updates (with_attr, with_body, with_function). Like the expression factories (expr.cc), each
// make() rejects malformed input with a Validation error at the node's span.
#include <set>

#include "ir/ir.h"
#include "ir/make_checks.h"

namespace tt::ir {

using namespace detail;

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
