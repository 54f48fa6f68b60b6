// tilelang_tt.ir: build, inspect and walk every IR node; attributes as Python values; printing,
// JSON and structural equality. Constructors are the validating factories, so Python cannot
// build an ill-typed node either.
#include <pybind11/functional.h>

#include "bindings/casters.h"
#include "bindings/define.h"
#include "ir/arith.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/json.h"
#include "ir/printer.h"

namespace py = pybind11;

namespace tt::bindings {

using namespace tt::ir;

py::object json_to_py(const Json &j) {
    switch (j.type()) {
    case Json::value_t::null: return py::none();
    case Json::value_t::boolean: return py::bool_(j.get<bool>());
    case Json::value_t::number_integer: return py::int_(j.get<int64_t>());
    case Json::value_t::number_unsigned: return py::int_(j.get<uint64_t>());
    case Json::value_t::number_float: return py::float_(j.get<double>());
    case Json::value_t::string: return py::str(j.get<std::string>());
    case Json::value_t::array: {
        py::list out;
        for (const Json &x : j) out.append(json_to_py(x));
        return std::move(out);
    }
    case Json::value_t::object: {
        py::dict out;
        for (auto it = j.begin(); it != j.end(); ++it) out[py::str(it.key())] = json_to_py(it.value());
        return std::move(out);
    }
    default: break;
    }
    TT_USER_ERROR(Validation, Span()) << "attribute value of unsupported JSON type";
}

Json py_to_json(py::handle h) {
    if (h.is_none()) return nullptr;
    if (py::isinstance<py::bool_>(h)) return h.cast<bool>();
    if (py::isinstance<py::int_>(h)) return int_from_py<int64_t>(h, "integer attribute value", Span());
    if (py::isinstance<py::float_>(h)) return h.cast<double>();
    if (py::isinstance<py::str>(h)) return h.cast<std::string>();
    if (py::isinstance<py::dict>(h)) {
        Json out = Json::object();
        for (auto kv : h.cast<py::dict>()) {
            if (!py::isinstance<py::str>(kv.first)) {
                TT_USER_ERROR(Validation, Span()) << "attribute dict keys must be strings, got "
                                                  << std::string(py::repr(kv.first));
            }
            out[kv.first.cast<std::string>()] = py_to_json(kv.second);
        }
        return out;
    }
    if (py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h)) {
        Json out = Json::array();
        for (auto x : h) out.push_back(py_to_json(x));
        return out;
    }
    TT_USER_ERROR(Validation, Span()) << "attribute values must be None, bool, int, float, str, list, tuple or dict; got "
                                      << std::string(py::repr(h));
}

Span span_from_py(const py::object &o) {
    if (o.is_none()) return Span();
    auto t = o.cast<py::tuple>();
    if (t.size() != 3) TT_USER_ERROR(Validation, Span()) << "a span is a (file, line, col) tuple";
    return Span{t[0].cast<std::string>(), int_from_py<int>(t[1], "span line", Span()),
                int_from_py<int>(t[2], "span column", Span())};
}

namespace {

py::object span_to_py(const Span &s) {
    if (!s.defined()) return py::none();
    return py::make_tuple(s.file, s.line, s.col);
}

std::vector<Range> ranges_from_py(const std::vector<std::pair<Expr, Expr>> &v) {
    std::vector<Range> out;
    for (const auto &p : v) out.push_back({p.first, p.second});
    return out;
}

// Walks any node in post order, calling a Python function.
void walk(const py::object &root, const std::function<void(py::object)> &fn) {
    auto visit = [&](const Node *n) {
        const auto &sp = n->shared_from_this();
        if (dynamic_cast<const ExprNode *>(n)) {
            fn(py::cast(Expr(std::static_pointer_cast<const ExprNode>(sp))));
        } else {
            fn(py::cast(Stmt(std::static_pointer_cast<const StmtNode>(sp))));
        }
    };
    if (py::isinstance<StmtNode>(root)) {
        post_order_visit(root.cast<Stmt>(), visit);
    } else if (py::isinstance<ExprNode>(root)) {
        post_order_visit(EvaluateNode::make(root.cast<Expr>()), [&](const Node *n) {
            if (n->kind != NodeKind::Evaluate) visit(n);
        });
    } else if (py::isinstance<PrimFuncNode>(root)) {
        post_order_visit(root.cast<PrimFunc>()->body, visit);
    } else {
        throw py::type_error("walk() takes an IR statement, expression or PrimFunc");
    }
}

template<typename T>
std::string repr_of(const T &x) {
    return to_text(x);
}

void define_nodes(py::module_ &m) {
    py::class_<Node, std::shared_ptr<Node>>(m, "Node")
        .def_property_readonly("kind", [](const Node &n) { return kind_name(n.kind); })
        .def_property_readonly("span", [](const Node &n) { return span_to_py(n.span); });

    py::class_<ExprNode, Node, std::shared_ptr<ExprNode>>(m, "Expr")
        .def_property_readonly("dtype", [](const ExprNode &e) { return e.dtype.to_string(); })
        .def("__str__", [](const std::shared_ptr<ExprNode> &e) { return to_text(Expr(e)); })
        .def("__repr__", [](const std::shared_ptr<ExprNode> &e) { return "<Expr " + to_text(Expr(e)) + ">"; })
        .def("to_json", [](const std::shared_ptr<ExprNode> &e) { return to_json(Expr(e)).dump(); });
    py::class_<StmtNode, Node, std::shared_ptr<StmtNode>>(m, "Stmt")
        .def("__str__", [](const std::shared_ptr<StmtNode> &s) { return to_text(Stmt(s)); })
        .def("__repr__", [](const std::shared_ptr<StmtNode> &s) { return "<Stmt " + std::string(kind_name(s->kind)) + ">"; })
        .def("to_json", [](const std::shared_ptr<StmtNode> &s) { return to_json(Stmt(s)).dump(); });

    py::class_<VarNode, ExprNode, std::shared_ptr<VarNode>>(m, "Var")
        .def(py::init([](const std::string &name, const std::string &dtype, py::object span) {
                 return std::const_pointer_cast<VarNode>(make_var(name, DataType::parse(dtype), span_from_py(span)).ptr());
             }),
             py::arg("name"), py::arg("dtype") = "int32", py::arg("span") = py::none())
        .def_readonly("name", &VarNode::name);
    py::class_<IntImmNode, ExprNode, std::shared_ptr<IntImmNode>>(m, "IntImm").def_readonly("value", &IntImmNode::value);
    py::class_<FloatImmNode, ExprNode, std::shared_ptr<FloatImmNode>>(m, "FloatImm").def_readonly("value", &FloatImmNode::value);
    py::class_<StringImmNode, ExprNode, std::shared_ptr<StringImmNode>>(m, "StringImm").def_readonly("value", &StringImmNode::value);
#define TT_BIND_BINARY(N, OP)                                                                 \
    py::class_<N##Node, ExprNode, std::shared_ptr<N##Node>>(m, #N)                            \
        .def_property_readonly("a", [](const N##Node &n) { return n.a; })                     \
        .def_property_readonly("b", [](const N##Node &n) { return n.b; });
    TT_FOR_EACH_BINARY(TT_BIND_BINARY)
#undef TT_BIND_BINARY
    py::class_<NotNode, ExprNode, std::shared_ptr<NotNode>>(m, "Not").def_property_readonly("a", [](const NotNode &n) { return n.a; });
    py::class_<SelectNode, ExprNode, std::shared_ptr<SelectNode>>(m, "Select")
        .def_property_readonly("cond", [](const SelectNode &n) { return n.cond; })
        .def_property_readonly("true_value", [](const SelectNode &n) { return n.true_value; })
        .def_property_readonly("false_value", [](const SelectNode &n) { return n.false_value; });
    py::class_<CastNode, ExprNode, std::shared_ptr<CastNode>>(m, "Cast").def_property_readonly("value", [](const CastNode &n) {
        return n.value;
    });
    py::class_<BufferLoadNode, ExprNode, std::shared_ptr<BufferLoadNode>>(m, "BufferLoad")
        .def_property_readonly("buffer", [](const BufferLoadNode &n) { return n.buffer; })
        .def_property_readonly("indices", [](const BufferLoadNode &n) { return n.indices; });
    py::class_<RegionNode, ExprNode, std::shared_ptr<RegionNode>>(m, "Region")
        .def_property_readonly("buffer", [](const RegionNode &n) { return n.buffer; })
        .def_property_readonly("ranges", [](const RegionNode &n) {
            std::vector<std::pair<Expr, Expr>> out;
            for (const Range &r : n.ranges) out.emplace_back(r.min, r.extent);
            return out;
        });
    py::class_<CallNode, ExprNode, std::shared_ptr<CallNode>>(m, "Call")
        .def_property_readonly("op", [](const CallNode &n) { return n.op->name; })
        .def_property_readonly("args", [](const CallNode &n) { return n.args; });

    py::class_<ForNode, StmtNode, std::shared_ptr<ForNode>>(m, "For")
        .def_property_readonly("loop_var", [](const ForNode &n) { return n.loop_var; })
        .def_property_readonly("min", [](const ForNode &n) { return n.min; })
        .def_property_readonly("extent", [](const ForNode &n) { return n.extent; })
        .def_property_readonly("for_kind", [](const ForNode &n) { return for_kind_name(n.for_kind); })
        .def_readonly("num_stages", &ForNode::num_stages)
        .def_property_readonly("annotations", [](const ForNode &n) { return n.annotations; })
        .def_property_readonly("body", [](const ForNode &n) { return n.body; });
    py::class_<SeqStmtNode, StmtNode, std::shared_ptr<SeqStmtNode>>(m, "SeqStmt").def_property_readonly("seq", [](const SeqStmtNode &n) {
        return n.seq;
    });
    py::class_<IfThenElseNode, StmtNode, std::shared_ptr<IfThenElseNode>>(m, "IfThenElse")
        .def_property_readonly("cond", [](const IfThenElseNode &n) { return n.cond; })
        .def_property_readonly("then_case", [](const IfThenElseNode &n) { return n.then_case; })
        .def_property_readonly("else_case", [](const IfThenElseNode &n) { return n.else_case; });
    py::class_<LetStmtNode, StmtNode, std::shared_ptr<LetStmtNode>>(m, "LetStmt")
        .def_property_readonly("var", [](const LetStmtNode &n) { return n.var; })
        .def_property_readonly("value", [](const LetStmtNode &n) { return n.value; })
        .def_property_readonly("body", [](const LetStmtNode &n) { return n.body; });
    py::class_<BufferStoreNode, StmtNode, std::shared_ptr<BufferStoreNode>>(m, "BufferStore")
        .def_property_readonly("buffer", [](const BufferStoreNode &n) { return n.buffer; })
        .def_property_readonly("value", [](const BufferStoreNode &n) { return n.value; })
        .def_property_readonly("indices", [](const BufferStoreNode &n) { return n.indices; });
    py::class_<EvaluateNode, StmtNode, std::shared_ptr<EvaluateNode>>(m, "Evaluate").def_property_readonly("value", [](const EvaluateNode &n) {
        return n.value;
    });
    py::class_<AllocateNode, StmtNode, std::shared_ptr<AllocateNode>>(m, "Allocate")
        .def_property_readonly("buffer", [](const AllocateNode &n) { return n.buffer; })
        .def_property_readonly("body", [](const AllocateNode &n) { return n.body; });
    py::class_<KernelLaunchNode, StmtNode, std::shared_ptr<KernelLaunchNode>>(m, "KernelLaunch")
        .def_property_readonly("extents", [](const KernelLaunchNode &n) { return n.extents; })
        .def_property_readonly("block_vars", [](const KernelLaunchNode &n) { return n.block_vars; })
        .def_readonly("threads", &KernelLaunchNode::threads)
        .def_property_readonly("body", [](const KernelLaunchNode &n) { return n.body; });
}

// Factories: module-level functions named after the node kinds, e.g. ir.make_add(a, b).
void define_factories(py::module_ &m) {
    auto sp = [](py::object s) { return span_from_py(s); };
    const py::arg_v span = py::arg("span") = py::none();
    m.def("const", [sp](py::object value, const std::string &dtype, py::object s) -> Expr {
        DataType t = DataType::parse(dtype);
        if (t.is_float()) return FloatImmNode::make(t, value.cast<double>(), sp(s));
        if (py::isinstance<py::float_>(value)) {
            TT_USER_ERROR(Validation, sp(s)) << "float value " << std::string(py::repr(value)) << " for integer dtype " << dtype;
        }
        return IntImmNode::make(t, int_from_py<int64_t>(value, "integer constant", sp(s)), sp(s));
    }, py::arg("value"), py::arg("dtype") = "int32", span);
    m.def("string", [sp](const std::string &v, py::object s) { return StringImmNode::make(v, sp(s)); }, py::arg("value"), span);
    m.def("binary", [sp](const std::string &kind, Expr a, Expr b, bool promote, py::object s) {
        NodeKind k = NodeKind::Add;
        bool found = false;
#define TT_MATCH(N, OP)                 \
    if (kind == #N) {                   \
        k = NodeKind::N;                \
        found = true;                   \
    }
        TT_FOR_EACH_BINARY(TT_MATCH)
#undef TT_MATCH
        if (!found) TT_USER_ERROR(Validation, sp(s)) << "unknown binary kind '" << kind << "'";
        return promote ? promote_binary(k, a, b, sp(s)) : make_binary(k, a, b, sp(s));
    }, py::arg("kind"), py::arg("a"), py::arg("b"), py::arg("promote") = false, span);
    m.def("make_not", [sp](Expr a, py::object s) { return NotNode::make(a, sp(s)); }, py::arg("a"), span);
    m.def("select", [sp](Expr c, Expr t, Expr f, py::object s) { return SelectNode::make(c, t, f, sp(s)); },
          py::arg("cond"), py::arg("true_value"), py::arg("false_value"), span);
    m.def("cast", [sp](const std::string &dtype, Expr v, py::object s) { return convert(v, DataType::parse(dtype), sp(s)); },
          py::arg("dtype"), py::arg("value"), span);
    m.def("buffer_load", [sp](Buffer b, std::vector<Expr> idx, py::object s) { return BufferLoadNode::make(b, idx, sp(s)); },
          py::arg("buffer"), py::arg("indices"), span);
    m.def("region", [sp](Buffer b, const std::vector<std::pair<Expr, Expr>> &r, py::object s) {
        return RegionNode::make(b, ranges_from_py(r), sp(s));
    }, py::arg("buffer"), py::arg("ranges"), span);
    m.def("full_region", [sp](Buffer b, py::object s) { return RegionNode::full(b, sp(s)); }, py::arg("buffer"), span);
    m.def("call", [sp](const std::string &op, std::vector<Expr> args, py::object dtype, py::object s) {
        if (dtype.is_none()) return CallNode::make(op, args, sp(s));
        return CallNode::make(op, DataType::parse(dtype.cast<std::string>()), args, sp(s));
    }, py::arg("op"), py::arg("args"), py::arg("dtype") = py::none(), span);
    m.def("buffer", [sp](const std::string &name, std::vector<Expr> shape, const std::string &dtype, const std::string &scope,
                         py::object s) {
        return make_buffer(name, shape, DataType::parse(dtype), parse_scope(scope, sp(s)), sp(s));
    }, py::arg("name"), py::arg("shape"), py::arg("dtype"), py::arg("scope") = "global", span);

    m.def("for_loop", [sp](Var v, Expr mn, Expr ext, const std::string &kind, Stmt body, py::object stages, AttrMap ann, py::object s) {
        return ForNode::make(v, mn, ext, parse_for_kind(kind), body, int_from_py<int>(stages, "num_stages", sp(s)), ann, sp(s));
    }, py::arg("loop_var"), py::arg("min"), py::arg("extent"), py::arg("kind"), py::arg("body"), py::arg("num_stages") = 0,
       py::arg("annotations") = AttrMap(), span);
    m.def("seq", [sp](std::vector<Stmt> seq, py::object s) { return SeqStmtNode::flatten(seq, sp(s)); }, py::arg("seq"), span);
    m.def("if_then_else", [sp](Expr c, Stmt t, Stmt e, py::object s) { return IfThenElseNode::make(c, t, e, sp(s)); },
          py::arg("cond"), py::arg("then_case"), py::arg("else_case") = Stmt(), span);
    m.def("let", [sp](Var v, Expr value, Stmt body, py::object s) { return LetStmtNode::make(v, value, body, sp(s)); },
          py::arg("var"), py::arg("value"), py::arg("body"), span);
    m.def("buffer_store", [sp](Buffer b, Expr v, std::vector<Expr> idx, py::object s) { return BufferStoreNode::make(b, v, idx, sp(s)); },
          py::arg("buffer"), py::arg("value"), py::arg("indices"), span);
    m.def("evaluate", [sp](Expr v, py::object s) { return EvaluateNode::make(v, sp(s)); }, py::arg("value"), span);
    m.def("allocate", [sp](Buffer b, Stmt body, py::object s) { return AllocateNode::make(b, body, sp(s)); },
          py::arg("buffer"), py::arg("body"), span);
    m.def("kernel_launch", [sp](std::vector<Expr> ext, std::vector<Var> vars, const py::sequence &threads, Stmt body, py::object s) {
        std::vector<int64_t> thread_extents;
        for (py::handle t : threads) thread_extents.push_back(int_from_py<int64_t>(t, "threads", sp(s)));
        return KernelLaunchNode::make(ext, vars, thread_extents, body, sp(s));
    }, py::arg("extents"), py::arg("block_vars"), py::arg("threads"), py::arg("body"), span);
    m.def("fold_constants", &fold_constants, py::arg("expr"));
}

void define_containers(py::module_ &m) {
    py::class_<BufferNode, std::shared_ptr<BufferNode>>(m, "Buffer")
        .def_readonly("name", &BufferNode::name)
        .def_property_readonly("shape", [](const BufferNode &b) { return b.shape; })
        .def_property_readonly("dtype", [](const BufferNode &b) { return b.dtype.to_string(); })
        .def_property_readonly("scope", [](const BufferNode &b) { return scope_name(b.scope); })
        .def_property_readonly("span", [](const BufferNode &b) { return span_to_py(b.span); })
        .def("__repr__", [](const BufferNode &b) { return "<Buffer " + b.name + " " + scope_name(b.scope) + ">"; });

    py::class_<PrimFuncNode, std::shared_ptr<PrimFuncNode>>(m, "PrimFunc")
        .def(py::init([](const std::string &name, std::vector<Buffer> params, Stmt body, AttrMap attrs, py::object s) {
                 return std::const_pointer_cast<PrimFuncNode>(make_prim_func(name, params, body, attrs, span_from_py(s)));
             }),
             py::arg("name"), py::arg("params"), py::arg("body"), py::arg("attrs") = AttrMap(), py::arg("span") = py::none())
        .def_readonly("name", &PrimFuncNode::name)
        .def_property_readonly("params", [](const PrimFuncNode &f) { return f.params; })
        .def_property_readonly("body", [](const PrimFuncNode &f) { return f.body; })
        .def_property_readonly("attrs", [](const PrimFuncNode &f) { return f.attrs; })
        .def_property_readonly("span", [](const PrimFuncNode &f) { return span_to_py(f.span); })
        .def("with_attr", [](const std::shared_ptr<PrimFuncNode> &f, const std::string &k, Json v) { return with_attr(f, k, v); })
        .def("with_body", [](const std::shared_ptr<PrimFuncNode> &f, Stmt body) { return with_body(f, body); })
        .def("__str__", [](const std::shared_ptr<PrimFuncNode> &f) { return to_text(PrimFunc(f)); })
        .def("script", [](const std::shared_ptr<PrimFuncNode> &f) { return to_text(PrimFunc(f)); })
        .def("to_json", [](const std::shared_ptr<PrimFuncNode> &f) { return to_json(PrimFunc(f)).dump(); });

    py::class_<IRModuleNode, std::shared_ptr<IRModuleNode>>(m, "IRModule")
        .def(py::init([](py::object functions, AttrMap attrs) {
                 std::vector<std::pair<std::string, PrimFunc>> fs;
                 if (py::isinstance<py::dict>(functions)) {
                     for (auto kv : functions.cast<py::dict>()) fs.emplace_back(kv.first.cast<std::string>(), kv.second.cast<PrimFunc>());
                 } else {
                     for (auto f : functions) {
                         PrimFunc pf = f.cast<PrimFunc>();
                         fs.emplace_back(pf->name, pf);
                     }
                 }
                 return std::const_pointer_cast<IRModuleNode>(make_module(fs, attrs));
             }),
             py::arg("functions"), py::arg("attrs") = AttrMap())
        .def_property_readonly("functions", [](const IRModuleNode &m) {
            py::dict out;
            for (const auto &kv : m.functions) out[py::str(kv.first)] = py::cast(kv.second);
            return out;
        })
        .def_property_readonly("attrs", [](const IRModuleNode &m) { return m.attrs; })
        .def("__getitem__", [](const IRModuleNode &m, const std::string &name) {
            PrimFunc f = m.lookup(name);
            if (!f) throw py::key_error(name);
            return f;
        })
        .def("__contains__", [](const IRModuleNode &m, const std::string &name) { return m.lookup(name) != nullptr; })
        .def("__len__", [](const IRModuleNode &m) { return m.functions.size(); })
        .def("with_function", [](const std::shared_ptr<IRModuleNode> &m, const std::string &n, PrimFunc f) { return with_function(m, n, f); })
        .def("with_attr", [](const std::shared_ptr<IRModuleNode> &m, const std::string &k, Json v) { return with_module_attr(m, k, v); })
        .def("__str__", [](const std::shared_ptr<IRModuleNode> &m) { return to_text(IRModule(m)); })
        .def("script", [](const std::shared_ptr<IRModuleNode> &m) { return to_text(IRModule(m)); })
        .def("to_json", [](const std::shared_ptr<IRModuleNode> &m) { return to_json(IRModule(m)).dump(); });
}

/*! Parses IR JSON text; text that is not JSON is a Validation error, like malformed IR JSON. */
Json parse_ir_json(const std::string &text) {
    try {
        return Json::parse(text);
    } catch (const Json::parse_error &e) {
        TT_USER_ERROR(Validation, Span()) << "IR JSON does not parse: " << e.what();
    }
}

void define_utilities(py::module_ &m) {
    // The statement kinds from the one list in ir.h, so Python never spells them again.
    py::list stmt_kinds;
#define TT_APPEND_KIND(N) stmt_kinds.append(#N);
    TT_FOR_EACH_STMT(TT_APPEND_KIND)
#undef TT_APPEND_KIND
    m.attr("STMT_KINDS") = py::frozenset(stmt_kinds);

    m.def("module_from_json", [](const std::string &s) { return module_from_json(parse_ir_json(s)); });
    m.def("func_from_json", [](const std::string &s) { return func_from_json(parse_ir_json(s)); });
    m.def("stmt_from_json", [](const std::string &s) { return stmt_from_json(parse_ir_json(s)); });
    m.def("expr_from_json", [](const std::string &s) { return expr_from_json(parse_ir_json(s)); });

    m.def("structural_equal", [](Expr a, Expr b) { return structural_equal(a, b); });
    m.def("structural_equal", [](Stmt a, Stmt b) { return structural_equal(a, b); });
    m.def("structural_equal", [](PrimFunc a, PrimFunc b) { return structural_equal(a, b); });
    m.def("structural_equal", [](IRModule a, IRModule b) { return structural_equal(a, b); });
    m.def("structural_difference", [](Stmt a, Stmt b) { return structural_difference(a, b); });
    m.def("structural_difference", [](PrimFunc a, PrimFunc b) { return structural_difference(a, b); });
    m.def("structural_difference", [](IRModule a, IRModule b) { return structural_difference(a, b); });
    m.def("structural_hash", [](Expr a) { return structural_hash(a); });
    m.def("structural_hash", [](Stmt a) { return structural_hash(a); });
    m.def("structural_hash", [](PrimFunc a) { return structural_hash(a); });
    m.def("structural_hash", [](IRModule a) { return structural_hash(a); });
    m.def("walk", &walk, py::arg("node"), py::arg("fn"), "Calls fn on every node under node, children first.");

    m.def("intrinsics", [] {
        py::list out;
        for (const IntrinsicInfo *info : list_intrinsics()) {
            py::list args;
            for (const ArgSpec &a : info->args) args.append(py::make_tuple(a.name, arg_kind_name(a.kind)));
            py::dict d;
            d["name"] = info->name;
            d["args"] = args;
            d["variadic"] = info->variadic;
            d["pure"] = info->pure;
            d["cpp_name"] = info->cpp_name;
            d["doc"] = info->doc;
            out.append(d);
        }
        return out;
    });
    m.def("attr_keys", [] {
        py::dict out;
#define TT_ATTR_ENTRY(NAME, KEY, DOC) out[#NAME] = py::make_tuple(KEY, DOC);
        TT_FOR_EACH_ATTR_KEY(TT_ATTR_ENTRY)
#undef TT_ATTR_ENTRY
        return out;
    });
    m.def("is_valid_dtype", &DataType::is_valid_name);
}

}  // namespace

void define_ir(py::module_ &root) {
    py::module_ m = root.def_submodule("ir", "IR nodes, factories, printing, JSON and structural equality");
    define_nodes(m);
    define_containers(m);
    define_factories(m);
    define_utilities(m);
}

}  // namespace tt::bindings
