// Lossless JSON (de)serialization. Vars and buffers are written once into per-root tables and
// referenced by index, which preserves object identity (two distinct variables named "i" stay
// distinct) and makes the format independent of pointer values.
#include "ir/json.h"

#include <cmath>
#include <map>

#include "ir/intrinsics.h"

namespace tt::ir {

namespace {

Json span_json(const Span &s) {
    return Json::array({s.file, s.line, s.col});
}

Span span_from(const Json &j) {
    if (!j.is_array() || j.size() != 3) return Span();
    return Span{j[0].get<std::string>(), j[1].get<int>(), j[2].get<int>()};
}

Json float_json(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

double float_from(const Json &j) {
    if (j.is_string()) {
        const std::string s = j.get<std::string>();
        if (s == "nan") return std::nan("");
        if (s == "inf") return INFINITY;
        if (s == "-inf") return -INFINITY;
        TT_USER_ERROR(Validation, Span()) << "'" << s << "' is not a float constant; use a number, \"inf\", \"-inf\" or \"nan\"";
    }
    return j.get<double>();
}

class Writer {
public:
    Json vars = Json::array();
    Json buffers = Json::array();

    int var_id(const Var &v) {
        auto it = var_ids_.find(v.get());
        if (it != var_ids_.end()) return it->second;
        int id = static_cast<int>(vars.size());
        var_ids_.emplace(v.get(), id);
        Json j = {{"name", v->name}, {"dtype", v->dtype.to_string()}};
        if (v->span.defined()) j["span"] = span_json(v->span);
        vars.push_back(j);
        return id;
    }

    int buffer_id(const Buffer &b) {
        auto it = buffer_ids_.find(b.get());
        if (it != buffer_ids_.end()) return it->second;
        Json shape = Json::array();
        for (const Expr &e : b->shape) shape.push_back(expr(e));
        // Shape expressions may register variables first; take the id only now.
        int id = static_cast<int>(buffers.size());
        buffer_ids_.emplace(b.get(), id);
        Json j = {{"name", b->name}, {"shape", shape}, {"dtype", b->dtype.to_string()}, {"scope", scope_name(b->scope)}};
        if (b->span.defined()) j["span"] = span_json(b->span);
        buffers.push_back(j);
        return id;
    }

    Json exprs(const std::vector<Expr> &v) {
        Json out = Json::array();
        for (const Expr &e : v) out.push_back(expr(e));
        return out;
    }

    Json expr(const Expr &e) {
        Json j = {{"k", kind_name(e->kind)}};
        if (const auto *op = e.as<IntImmNode>()) {
            j["t"] = op->dtype.to_string();
            j["v"] = op->value;
        } else if (const auto *op = e.as<FloatImmNode>()) {
            j["t"] = op->dtype.to_string();
            j["v"] = float_json(op->value);
        } else if (const auto *op = e.as<StringImmNode>()) {
            j["v"] = op->value;
        } else if (e.as<VarNode>()) {
            j["id"] = var_id(Var(std::static_pointer_cast<const VarNode>(e.ptr())));
        } else if (Expr a, b; binary_operands(e, &a, &b)) {
            j["a"] = expr(a);
            j["b"] = expr(b);
        } else if (const auto *op = e.as<NotNode>()) {
            j["a"] = expr(op->a);
        } else if (const auto *op = e.as<SelectNode>()) {
            j["c"] = expr(op->cond);
            j["t"] = expr(op->true_value);
            j["f"] = expr(op->false_value);
        } else if (const auto *op = e.as<CastNode>()) {
            j["t"] = op->dtype.to_string();
            j["v"] = expr(op->value);
        } else if (const auto *op = e.as<BufferLoadNode>()) {
            j["buf"] = buffer_id(op->buffer);
            j["idx"] = exprs(op->indices);
        } else if (const auto *op = e.as<RegionNode>()) {
            j["buf"] = buffer_id(op->buffer);
            Json ranges = Json::array();
            for (const Range &r : op->ranges) ranges.push_back(Json::array({expr(r.min), expr(r.extent)}));
            j["ranges"] = ranges;
        } else if (const auto *op = e.as<CallNode>()) {
            j["op"] = op->op->name;
            j["t"] = op->dtype.to_string();
            j["args"] = exprs(op->args);
        } else {
            TT_ICHECK(false) << "unhandled expression kind " << kind_name(e->kind);
        }
        if (e->span.defined()) j["s"] = span_json(e->span);
        return j;
    }

    Json stmt(const Stmt &s) {
        Json j = {{"k", kind_name(s->kind)}};
        if (const auto *op = s.as<ForNode>()) {
            j["var"] = var_id(op->loop_var);
            j["min"] = expr(op->min);
            j["extent"] = expr(op->extent);
            j["kind"] = for_kind_name(op->for_kind);
            j["stages"] = op->num_stages;
            j["ann"] = Json(op->annotations);
            j["body"] = stmt(op->body);
        } else if (const auto *op = s.as<SeqStmtNode>()) {
            Json seq = Json::array();
            for (const Stmt &x : op->seq) seq.push_back(stmt(x));
            j["seq"] = seq;
        } else if (const auto *op = s.as<IfThenElseNode>()) {
            j["cond"] = expr(op->cond);
            j["then"] = stmt(op->then_case);
            if (op->else_case) j["else"] = stmt(op->else_case);
        } else if (const auto *op = s.as<LetStmtNode>()) {
            j["var"] = var_id(op->var);
            j["value"] = expr(op->value);
            j["body"] = stmt(op->body);
        } else if (const auto *op = s.as<BufferStoreNode>()) {
            j["buf"] = buffer_id(op->buffer);
            j["value"] = expr(op->value);
            j["idx"] = exprs(op->indices);
        } else if (const auto *op = s.as<EvaluateNode>()) {
            j["value"] = expr(op->value);
        } else if (const auto *op = s.as<AllocateNode>()) {
            j["buf"] = buffer_id(op->buffer);
            j["body"] = stmt(op->body);
        } else if (const auto *op = s.as<KernelLaunchNode>()) {
            j["extents"] = exprs(op->extents);
            Json vars_j = Json::array();
            for (const Var &v : op->block_vars) vars_j.push_back(var_id(v));
            j["vars"] = vars_j;
            j["threads"] = op->threads;
            j["body"] = stmt(op->body);
        } else {
            TT_ICHECK(false) << "unhandled statement kind " << kind_name(s->kind);
        }
        if (s->span.defined()) j["s"] = span_json(s->span);
        return j;
    }

private:
    std::map<const void *, int> var_ids_;
    std::map<const void *, int> buffer_ids_;
};

class Reader {
public:
    explicit Reader(const Json &root) {
        for (const Json &v : root.at("vars")) {
            vars_.push_back(make_var(v.at("name").get<std::string>(), DataType::parse(v.at("dtype").get<std::string>()),
                                     span_from(v.value("span", Json()))));
        }
        // Buffers only reference variables and constants in their shapes, so one pass suffices.
        for (const Json &b : root.at("buffers")) {
            std::vector<Expr> shape;
            for (const Json &e : b.at("shape")) shape.push_back(expr(e));
            buffers_.push_back(make_buffer(b.at("name").get<std::string>(), shape,
                                           DataType::parse(b.at("dtype").get<std::string>()),
                                           parse_scope(b.at("scope").get<std::string>()), span_from(b.value("span", Json()))));
        }
    }

    Var var(const Json &id) {
        size_t i = id.get<size_t>();
        if (i >= vars_.size()) TT_USER_ERROR(Validation, Span()) << "IR JSON references unknown variable " << i;
        return vars_[i];
    }
    Buffer buffer(const Json &id) {
        size_t i = id.get<size_t>();
        if (i >= buffers_.size()) TT_USER_ERROR(Validation, Span()) << "IR JSON references unknown buffer " << i;
        return buffers_[i];
    }

    std::vector<Expr> exprs(const Json &j) {
        std::vector<Expr> out;
        for (const Json &e : j) out.push_back(expr(e));
        return out;
    }

    Expr expr(const Json &j) {
        const std::string k = j.at("k").get<std::string>();
        Span s = span_from(j.value("s", Json()));
        auto dtype = [&](const char *key) { return DataType::parse(j.at(key).get<std::string>()); };
        if (k == "IntImm") return IntImmNode::make(dtype("t"), j.at("v").get<int64_t>(), s);
        if (k == "FloatImm") return FloatImmNode::make(dtype("t"), float_from(j.at("v")), s);
        if (k == "StringImm") return StringImmNode::make(j.at("v").get<std::string>(), s);
        if (k == "Var") return var(j.at("id"));
        if (k == "Not") return NotNode::make(expr(j.at("a")), s);
        if (k == "Select") return SelectNode::make(expr(j.at("c")), expr(j.at("t")), expr(j.at("f")), s);
        if (k == "Cast") return CastNode::make(dtype("t"), expr(j.at("v")), s);
        if (k == "BufferLoad") return BufferLoadNode::make(buffer(j.at("buf")), exprs(j.at("idx")), s);
        if (k == "Region") {
            std::vector<Range> ranges;
            for (const Json &r : j.at("ranges")) ranges.push_back({expr(r.at(0)), expr(r.at(1))});
            return RegionNode::make(buffer(j.at("buf")), ranges, s);
        }
        if (k == "Call") return CallNode::make(j.at("op").get<std::string>(), dtype("t"), exprs(j.at("args")), s);
#define TT_BINARY_READ(N, OP) \
    if (k == #N) return N##Node::make(expr(j.at("a")), expr(j.at("b")), s);
        TT_FOR_EACH_BINARY(TT_BINARY_READ)
#undef TT_BINARY_READ
        TT_USER_ERROR(Validation, Span()) << "IR JSON has unknown expression kind '" << k << "'";
    }

    Stmt stmt(const Json &j) {
        const std::string k = j.at("k").get<std::string>();
        Span s = span_from(j.value("s", Json()));
        if (k == "For") {
            return ForNode::make(var(j.at("var")), expr(j.at("min")), expr(j.at("extent")),
                                 parse_for_kind(j.at("kind").get<std::string>()), stmt(j.at("body")),
                                 j.value("stages", 0), j.value("ann", Json::object()).get<AttrMap>(), s);
        }
        if (k == "SeqStmt") {
            std::vector<Stmt> seq;
            for (const Json &x : j.at("seq")) seq.push_back(stmt(x));
            return SeqStmtNode::make(seq, s);
        }
        if (k == "IfThenElse") {
            return IfThenElseNode::make(expr(j.at("cond")), stmt(j.at("then")),
                                        j.contains("else") ? stmt(j.at("else")) : Stmt(), s);
        }
        if (k == "LetStmt") return LetStmtNode::make(var(j.at("var")), expr(j.at("value")), stmt(j.at("body")), s);
        if (k == "BufferStore") {
            return BufferStoreNode::make(buffer(j.at("buf")), expr(j.at("value")), exprs(j.at("idx")), s);
        }
        if (k == "Evaluate") return EvaluateNode::make(expr(j.at("value")), s);
        if (k == "Allocate") return AllocateNode::make(buffer(j.at("buf")), stmt(j.at("body")), s);
        if (k == "KernelLaunch") {
            std::vector<Var> vs;
            for (const Json &v : j.at("vars")) vs.push_back(var(v));
            return KernelLaunchNode::make(exprs(j.at("extents")), vs, j.at("threads").get<std::vector<int64_t>>(),
                                          stmt(j.at("body")), s);
        }
        TT_USER_ERROR(Validation, Span()) << "IR JSON has unknown statement kind '" << k << "'";
    }

private:
    std::vector<Var> vars_;
    std::vector<Buffer> buffers_;
};

Json func_json(const PrimFunc &f) {
    Writer w;
    Json params = Json::array();
    for (const Buffer &b : f->params) params.push_back(w.buffer_id(b));
    Json body = w.stmt(f->body);
    Json j = {{"name", f->name}, {"vars", w.vars}, {"buffers", w.buffers}, {"params", params},
              {"body", body},    {"attrs", Json(f->attrs)}};
    if (f->span.defined()) j["span"] = span_json(f->span);
    return j;
}

PrimFunc func_from(const Json &j) {
    Reader r(j);
    std::vector<Buffer> params;
    for (const Json &id : j.at("params")) params.push_back(r.buffer(id));
    return make_prim_func(j.at("name").get<std::string>(), params, r.stmt(j.at("body")),
                          j.value("attrs", Json::object()).get<AttrMap>(), span_from(j.value("span", Json())));
}

// Translates JSON library exceptions (missing keys, wrong types) into located validation errors.
template<typename F>
auto guarded(F &&f) -> decltype(f()) {
    try {
        return f();
    } catch (const Json::exception &e) {
        TT_USER_ERROR(Validation, Span()) << "malformed IR JSON: " << e.what();
    }
}

}  // namespace

Json to_json(const IRModule &m) {
    Json fs = Json::array();
    for (const auto &kv : m->functions) {
        Json f = func_json(kv.second);
        f["key"] = kv.first;
        fs.push_back(f);
    }
    return {{"format", kIRFormat}, {"version", kIRFormatVersion}, {"attrs", Json(m->attrs)}, {"functions", fs}};
}

Json to_json(const PrimFunc &f) {
    return func_json(f);
}

Json to_json(const Stmt &s) {
    Writer w;
    Json root = w.stmt(s);
    return {{"vars", w.vars}, {"buffers", w.buffers}, {"root", root}};
}

Json to_json(const Expr &e) {
    Writer w;
    Json root = w.expr(e);
    return {{"vars", w.vars}, {"buffers", w.buffers}, {"root", root}};
}

IRModule module_from_json(const Json &j) {
    return guarded([&] {
        if (j.value("format", "") != kIRFormat) {
            TT_USER_ERROR(Validation, Span()) << "not a tilelang-tt IR module (missing \"format\": \"" << kIRFormat << "\")";
        }
        if (j.value("version", 0) != kIRFormatVersion) {
            TT_USER_ERROR(Validation, Span()) << "IR JSON version " << j.value("version", 0) << " is not supported (expected "
                                              << kIRFormatVersion << ")";
        }
        std::vector<std::pair<std::string, PrimFunc>> fs;
        for (const Json &f : j.at("functions")) fs.emplace_back(f.value("key", f.at("name").get<std::string>()), func_from(f));
        return make_module(fs, j.value("attrs", Json::object()).get<AttrMap>());
    });
}

PrimFunc func_from_json(const Json &j) {
    return guarded([&] { return func_from(j); });
}

Stmt stmt_from_json(const Json &j) {
    return guarded([&] {
        Reader r(j);
        return r.stmt(j.at("root"));
    });
}

Expr expr_from_json(const Json &j) {
    return guarded([&] {
        Reader r(j);
        return r.expr(j.at("root"));
    });
}

}  // namespace tt::ir
