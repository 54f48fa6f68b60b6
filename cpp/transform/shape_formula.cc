// Formulas over dynamic dimensions: from IR expressions, evaluated, printed as C++, and a plan
// specialized to sizes (see shape_formula.h).
#include "transform/shape_formula.h"

#include <set>

#include "ir/arith.h"

namespace tt::transform {

using namespace ir;

namespace {

// The formula operator of a binary expression kind, or nullptr.
const char *formula_operator(NodeKind kind) {
    switch (kind) {
    case NodeKind::Add: return "+";
    case NodeKind::Sub: return "-";
    case NodeKind::Mul: return "*";
    case NodeKind::FloorDiv: return "floordiv";
    case NodeKind::FloorMod: return "floormod";
    case NodeKind::Min: return "min";
    case NodeKind::Max: return "max";
    default: return nullptr;
    }
}

template<NodeKind K> std::pair<Expr, Expr> operands(const Expr &e) {
    const auto *b = static_cast<const BinaryNode<K> *>(e.get());
    return {b->a, b->b};
}

std::pair<Expr, Expr> binary_operands(const Expr &e) {
    switch (e->kind) {
#define TT_OPERANDS(N, OP)                                                                                             \
    case NodeKind::N: return operands<NodeKind::N>(e);
        TT_FOR_EACH_BINARY(TT_OPERANDS)
#undef TT_OPERANDS
    default: TT_ICHECK(false) << "not a binary expression"; return {};
    }
}

Json formula_of_folded(const Expr &e, const std::string &what) {
    int64_t value;
    if (as_const_int(e, &value)) return value;
    if (const auto *v = e.as<VarNode>()) return v->name;
    if (const auto *c = e.as<CastNode>()) {
        if (c->dtype.is_int() && c->value->dtype.is_int()) return formula_of_folded(c->value, what);
    }
    if (const char *op = formula_operator(e->kind)) {
        auto [a, b] = binary_operands(e);
        return Json::array({op, formula_of_folded(a, what), formula_of_folded(b, what)});
    }
    TT_USER_ERROR(Validation, e->span) << what << " depends on a dynamic dimension through an expression a host "
                                       << "cannot compute from tensor sizes alone; write it with +, -, *, //, %, "
                                       << "T.ceildiv, T.min and T.max of dynamic dimensions and constants";
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

[[noreturn]] void bad_formula(const Json &formula, const std::string &why) {
    TT_USER_ERROR(Validation, Span()) << "tt.plan.json: formula " << formula.dump() << ": " << why;
}

// Replaces every {"formula": F} in value by F's value.
Json resolve(const Json &value, const DimValues &values) {
    if (is_formula_value(value)) return evaluate_formula(value.at("formula"), values);
    if (value.is_array()) {
        Json out = Json::array();
        for (const Json &v : value) out.push_back(resolve(v, values));
        return out;
    }
    if (value.is_object()) {
        Json out = Json::object();
        for (const auto &[k, v] : value.items()) out[k] = resolve(v, values);
        return out;
    }
    return value;
}

}  // namespace

Json formula_of(const Expr &e, const std::string &what) {
    return formula_of_folded(fold_constants(e), what);
}

int64_t evaluate_formula(const Json &formula, const DimValues &values) {
    if (formula.is_number_integer()) return formula.get<int64_t>();
    if (formula.is_string()) {
        auto it = values.find(formula.get<std::string>());
        if (it == values.end()) bad_formula(formula, "no value for dynamic dimension " + formula.get<std::string>());
        return it->second;
    }
    if (!formula.is_array() || formula.size() != 3 || !formula[0].is_string()) bad_formula(formula, "not a formula");
    const std::string op = formula[0];
    const int64_t a = evaluate_formula(formula[1], values), b = evaluate_formula(formula[2], values);
    if (op == "+") return a + b;
    if (op == "-") return a - b;
    if (op == "*") return a * b;
    if (op == "min") return std::min(a, b);
    if (op == "max") return std::max(a, b);
    if (op == "floordiv" || op == "floormod") {
        if (b == 0) bad_formula(formula, "division by zero");
        const int64_t q = floor_div(a, b);
        return op == "floordiv" ? q : a - q * b;
    }
    bad_formula(formula, "unknown operator " + op);
}

std::string formula_cpp(const Json &formula, const std::string &prefix) {
    if (formula.is_number_integer()) return std::to_string(formula.get<int64_t>());
    if (formula.is_string()) return prefix + formula.get<std::string>();
    TT_ICHECK(formula.is_array() && formula.size() == 3) << "not a formula: " << formula.dump();
    const std::string op = formula[0], a = formula_cpp(formula[1], prefix), b = formula_cpp(formula[2], prefix);
    if (op == "floordiv" || op == "floormod") return "tilelang_tt_" + op + "(" + a + ", " + b + ")";
    if (op == "min" || op == "max") return "std::" + op + "<int64_t>(" + a + ", " + b + ")";
    return "(" + a + " " + op + " " + b + ")";
}

namespace {

// A formula as an IR expression (dimensions as variables), so that arithmetic on formulas folds.
Expr expr_of(const Json &formula) {
    if (formula.is_number_integer()) return make_int(formula.get<int64_t>());
    if (formula.is_string()) return make_var(formula.get<std::string>());
    TT_ICHECK(formula.is_array() && formula.size() == 3) << "not a formula: " << formula.dump();
    const std::string op = formula[0];
    Expr a = expr_of(formula[1]), b = expr_of(formula[2]);
    if (op == "+") return AddNode::make(a, b);
    if (op == "-") return SubNode::make(a, b);
    if (op == "*") return MulNode::make(a, b);
    if (op == "floordiv") return FloorDivNode::make(a, b);
    if (op == "floormod") return FloorModNode::make(a, b);
    if (op == "min") return MinNode::make(a, b);
    TT_ICHECK(op == "max") << "unknown formula operator " << op;
    return MaxNode::make(a, b);
}

Expr round_up(const Expr &e, int64_t multiple) {
    return MulNode::make(FloorDivNode::make(AddNode::make(e, make_int(multiple - 1)), make_int(multiple)),
                         make_int(multiple));
}

Json folded(const Expr &e) {
    return formula_of(e, "a layout extent");
}

}  // namespace

LayoutFormulas layout_formulas(const BufferLayout &layout, const std::vector<std::string> &dims) {
    TT_ICHECK(dims.empty() || !layout.row_block) << "a dynamic tensor stored in row blocks";
    const size_t rank = layout.shape.size();
    std::vector<Expr> padded;
    LayoutFormulas f;
    for (size_t d = 0; d < rank; ++d) {
        const bool dynamic = d < dims.size() && !dims[d].empty();
        Expr extent = dynamic ? Expr(make_var(dims[d])) : make_int(layout.shape[d]);
        Expr stored = dynamic ? round_up(extent, layout.pad_multiples.at(d)) : make_int(layout.padded_shape[d]);
        f.shape.push_back(folded(extent));
        f.padded_shape.push_back(folded(stored));
        padded.push_back(stored);
    }
    const std::vector<int> order = storage_order(rank, layout.tile_axes);
    Expr pages = make_int(1);
    for (size_t i = 0; i < order.size(); ++i) {
        const bool tile_axis = i + layout.tile_axes.size() >= order.size();
        Expr tiles = tile_axis ? FloorDivNode::make(AddNode::make(padded[order[i]], make_int(kTileRows - 1)),
                                                    make_int(kTileRows))
                               : padded[order[i]];
        f.shape_tiles.push_back(folded(tiles));
        pages = MulNode::make(pages, tiles);
    }
    f.num_pages = folded(pages);
    Expr batch = make_int(1);
    for (size_t i = 0; i + layout.tile_axes.size() < order.size(); ++i) batch = MulNode::make(batch, padded[order[i]]);
    Expr rows = layout.tile_axes.size() == 2 ? padded[layout.tile_axes[0]] : make_int(1);
    f.tiled_shape = {folded(batch), folded(rows), folded(padded[layout.tile_axes.back()])};
    return f;
}

Json formula_product(const std::vector<Json> &factors) {
    Expr product = make_int(1);
    for (const Json &f : factors) product = MulNode::make(product, expr_of(f));
    return formula_of(product, "a block count");
}

std::pair<Json, Json> core_block_range(const Json &total, int64_t cores, int64_t k) {
    Expr t = expr_of(total), c = make_int(cores), kk = make_int(k);
    Expr base = FloorDivNode::make(t, c), extra = FloorModNode::make(t, c);
    // One more block for the first `extra` cores: min(1, max(0, extra - k)).
    Expr count = AddNode::make(base, MinNode::make(make_int(1), MaxNode::make(make_int(0), SubNode::make(extra, kk))));
    Expr start = AddNode::make(MulNode::make(kk, base), MinNode::make(kk, extra));
    return {formula_of(start, "a core's first block"), formula_of(count, "a core's block count")};
}

bool is_formula_value(const Json &value) {
    return value.is_object() && value.size() == 1 && value.contains("formula");
}

Json specialize_plan(const Json &plan, const DimValues &values) {
    std::set<std::string> dims;
    for (const Json &d : plan.value("dynamic_dims", Json::array())) dims.insert(d.at("name").get<std::string>());
    for (const auto &[name, value] : values) {
        if (!dims.count(name)) {
            TT_USER_ERROR(Validation, Span())
                << name << " is not a dynamic dimension of " << plan.value("kernel_name", "")
                << (dims.empty() ? " (it has none)" : "");
        }
        if (value <= 0) {
            TT_USER_ERROR(Validation, Span())
                << "dynamic dimension " << name << " = " << value << "; sizes must be positive";
        }
    }
    for (const std::string &name : dims) {
        if (!values.count(name)) TT_USER_ERROR(Validation, Span()) << "no size given for dynamic dimension " << name;
    }
    Json out = resolve(plan, values);
    out.erase("dynamic_dims");
    return out;
}

}  // namespace tt::transform
