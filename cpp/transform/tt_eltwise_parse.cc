// Element-wise T.Parallel bodies as expression trees over tiles: parsing, slot counting and the
// rewrites lowering applies to them (see tt_tile_elementwise.h).
#include <algorithm>
#include <cmath>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/analysis.h"
#include "transform/tt_tile_elementwise.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

namespace {

const char *const kInstead = "write T.Parallel bodies as D[i, j] = f(X[i, j], ...) over whole shared/fragment "
                             "buffers of the loop's extents, with compile-time constants";

EltwiseExpr constant(double value) {
    EltwiseExpr e;
    e.kind = EltwiseExpr::Constant;
    e.constant = value;
    return e;
}

EltwiseExpr apply(EltwiseExpr::Kind kind, const EltwiseOp *op, std::vector<EltwiseExpr> operands, double c = 0) {
    EltwiseExpr e;
    e.kind = kind;
    e.op = op;
    e.constant = c;
    e.operands = std::move(operands);
    return e;
}

const EltwiseOp *op_named(const std::string &name) {
    const EltwiseOp *op = lookup_eltwise_op(name);
    TT_ICHECK(op) << "element-wise operation " << name << " is not registered";
    return op;
}

double fold(const std::string &op, double a, double b) {
    if (op == "add") return a + b;
    if (op == "sub") return a - b;
    if (op == "mul") return a * b;
    if (op == "div") return a / b;
    return op == "max" ? std::max(a, b) : std::min(a, b);
}

// Parses the expression tree of one T.Parallel nest over (i, j).
class NestParser {
public:
    explicit NestParser(std::map<const VarNode *, Expr> lets) : lets_(std::move(lets)) {}

    std::vector<EltwiseStore> parse(const ForNode *loop) {
        const ForNode *inner = loop;
        while (true) {
            int64_t extent;
            if (!as_const_int(fold_constants(inner->extent), &extent)) {
                unsupported(inner->span, "T.Parallel of extent " + to_text(inner->extent),
                            "element-wise loops cover whole tiles of a known size", kInstead);
            }
            vars_.push_back(inner->loop_var);
            extents_.push_back(extent);
            const auto *next = inner->body.as<ForNode>();
            if (!next || next->for_kind != ForKind::Parallel) break;
            inner = next;
        }
        if (vars_.size() > 2) {
            unsupported(loop->span, "T.Parallel over " + std::to_string(vars_.size()) + " dimensions",
                        "element-wise loops are lowered over 2-D tile blocks and 1-D vectors", kInstead);
        }
        statements(inner->body);
        return std::move(stores_);
    }

private:
    void statements(const Stmt &s) {
        if (const auto *seq = s.as<SeqStmtNode>()) {
            for (const Stmt &part : seq->seq) statements(part);
        } else if (const auto *let = s.as<LetStmtNode>()) {
            lets_[let->var.get()] = let->value;  // built where it is used: a let may only name an index
            statements(let->body);
        } else if (const auto *store = s.as<BufferStoreNode>()) {
            if (check_tile_access(store->buffer, store->indices, store->span) != VectorLayout::None) {
                unsupported(store->span, "storing to the 1-D buffer " + store->buffer->name + " in a 2-D T.Parallel",
                            "each element of it would be written by a whole row or column of the loop",
                            "compute it with T.reduce_* or in a 1-D T.Parallel");
            }
            store_span_ = store->span;
            stores_.push_back({store->buffer, build(store->value), store->span});
        } else {
            unsupported(s->span, std::string("a ") + kind_name(s->kind) + " statement inside T.Parallel",
                        "element-wise loop bodies are assignments to buffer elements", kInstead);
        }
    }

    // Which tiles an access reads: the matching tile of a buffer of the loop's shape (None), or in
    // a 2-D nest a 1-D buffer indexed by the row (a Column vector, broadcast across each row) or by
    // the column variable (a Row vector, broadcast down each column).
    VectorLayout check_tile_access(const Buffer &buffer, const std::vector<Expr> &indices, const Span &span) {
        if (!buffer->dtype.is_float()) {
            unsupported(span, "element-wise math on the " + buffer->dtype.to_string() + " buffer " + buffer->name,
                        "T.Parallel bodies run on the vector engine's floating-point tiles",
                        "use float16, bfloat16 or float32 buffers, or for a mask an 8- or 16-bit integer dtype "
                        "(uint8, int8, uint16, int16), whose values floats hold exactly");
        }
        const bool onchip = is_on_chip(buffer);
        auto extent_is = [&](size_t dim, int64_t want) {
            int64_t extent;
            return as_const_int(buffer->shape[dim], &extent) && extent == want;
        };
        bool whole = onchip && buffer->shape.size() == vars_.size();
        for (size_t d = 0; whole && d < vars_.size(); ++d)
            whole = extent_is(d, extents_[d]) && indices[d].get() == vars_[d].get();
        if (whole) return VectorLayout::None;
        if (onchip && vars_.size() == 2 && buffer->shape.size() == 1) {
            for (size_t d = 0; d < 2; ++d) {
                if (indices[0].get() == vars_[d].get() && extent_is(0, extents_[d])) {
                    return d == 0 ? VectorLayout::Column : VectorLayout::Row;
                }
            }
        }
        std::string loop_vars = vars_[0]->name + (vars_.size() > 1 ? ", " + vars_[1]->name : std::string());
        unsupported(span,
                    "the element access " + buffer->name + "[" + to_text(indices[0]) +
                        (indices.size() > 1 ? ", " + to_text(indices[1]) : std::string()) + "] in T.Parallel",
                    "element-wise loops read and write whole on-chip buffers tile by tile, indexed by the loop "
                    "variables in order (a 1-D buffer in a 2-D loop by one of them)",
                    "T.copy global data into a shared buffer of the loop's extents and index it [" + loop_vars + "]");
    }

    EltwiseExpr build(const Expr &e) {
        if (const auto *i = e.as<IntImmNode>()) return constant(static_cast<double>(i->value));
        if (const auto *f = e.as<FloatImmNode>()) return constant(f->value);
        if (e->dtype.is_int() && !e.as<BufferLoadNode>() && uses_index(e)) {
            return index_node(EltwiseExpr::IndexValue, e, "the index value " + to_text(e) + " in T.Parallel",
                              e->span.defined() ? e->span : store_span_);
        }
        if (const auto *cast = e.as<CastNode>()) {
            if (!cast->dtype.is_float()) {
                unsupported(e->span, "a cast to " + cast->dtype.to_string() + " in T.Parallel",
                            "element-wise math runs on floating-point tiles",
                            "keep element-wise values floating point");
            }
            return build(cast->value);
        }
        if (const auto *load = e.as<BufferLoadNode>()) {
            EltwiseExpr leaf;
            leaf.broadcast = check_tile_access(load->buffer, load->indices, e->span);
            leaf.kind = EltwiseExpr::Tile;
            leaf.buffer = load->buffer;
            return leaf;
        }
        if (const auto *var = e.as<VarNode>()) {
            auto it = lets_.find(var);
            if (it != lets_.end()) return build(it->second);
            if (std::any_of(vars_.begin(), vars_.end(), [&](const Var &v) { return v.get() == var; })) {
                unsupported(store_span_, "the loop index " + var->name + " as a value in T.Parallel",
                            "element-wise programs compute on the values of tiles, not on their indices",
                            "compare tile values, as in T.if_then_else(x[i, j] > 0, ...)");
            }
            unsupported(e->span, "the run-time value " + var->name + " in T.Parallel",
                        "element-wise constants are compiled into the kernel", "use a compile-time number");
        }
        if (const auto *call = e.as<CallNode>()) return build_call(call);
        if (const auto *select = e.as<SelectNode>()) {
            EltwiseExpr cond = build(select->cond);
            if (cond.kind == EltwiseExpr::Constant)
                return build(cond.constant != 0 ? select->true_value : select->false_value);
            return apply(EltwiseExpr::Select, nullptr,
                         {std::move(cond), build(select->true_value), build(select->false_value)});
        }
        if (const auto *negation = e.as<NotNode>()) return compare("eq", build(negation->a), constant(0));
        static const std::map<NodeKind, const char *> comparisons = {{NodeKind::GT, "gt"}, {NodeKind::GE, "ge"},
                                                                     {NodeKind::LT, "lt"}, {NodeKind::LE, "le"},
                                                                     {NodeKind::EQ, "eq"}, {NodeKind::NE, "ne"}};
        static const std::map<NodeKind, const char *> binary = {{NodeKind::Add, "add"}, {NodeKind::Sub, "sub"},
                                                                {NodeKind::Mul, "mul"}, {NodeKind::Div, "div"},
                                                                {NodeKind::Max, "max"}, {NodeKind::Min, "min"}};
        Expr a, b;
        auto it = binary.find(e->kind);
        if (it != binary.end() && binary_operands(e, &a, &b)) return combine(it->second, build(a), build(b));
        auto cmp = comparisons.find(e->kind);
        if (cmp != comparisons.end() && binary_operands(e, &a, &b)) {
            if ((uses_index(a) || uses_index(b)) && !a->dtype.is_float() && !b->dtype.is_float()) {
                return compare_indices(cmp->second, e, e->span);
            }
            return compare(cmp->second, build(a), build(b));
        }
        // Masks are 1.0 / 0.0: both hold where their product is 1, either where their max is.
        if ((e->kind == NodeKind::And || e->kind == NodeKind::Or) && binary_operands(e, &a, &b)) {
            return combine(e->kind == NodeKind::And ? "mul" : "max", build(a), build(b));
        }
        unsupported(e->span, "the expression " + to_text(e) + " in T.Parallel",
                    "element-wise loops support + - * /, max, min and the operations " + eltwise_op_names(), kInstead);
    }

    EltwiseExpr build_call(const CallNode *call) {
        const std::string name = call->op->name.rfind("tl.", 0) == 0 ? call->op->name.substr(3) : call->op->name;
        if (name == "log2") {  // log2(x) = ln(x) / ln(2)
            return combine("mul", apply(EltwiseExpr::Unary, op_named("log"), {build(call->args[0])}),
                           constant(1.0 / std::log(2.0)));
        }
        if (name == "tt.runtime_constant") {  // a dynamic dimension (SpecializeTTShapes) as a value
            unsupported(call->span.defined() ? call->span : store_span_,
                        "the dynamic dimension " + call->args[0].as<StringImmNode>()->value +
                            " as a value in element-wise math",
                        "the vector engine takes scalars as compile-time constants, and a dynamic dimension is "
                        "known only at run time (element indices may be compared with it)",
                        "make the dimension static (a plain int) to compute with it");
        }
        const EltwiseOp *op = lookup_eltwise_op(name);
        if (!op || op->arity != 1 || call->args.size() != 1) {
            unsupported(call->span, "T." + name + " in T.Parallel", "it has no tile form on Tenstorrent yet",
                        "use one of " + eltwise_op_names());
        }
        EltwiseExpr x = build(call->args[0]);
        if (x.kind == EltwiseExpr::Constant) {
            unsupported(call->span, "T." + name + " of a constant", "constants are folded by the frontend",
                        "compute the constant in Python");
        }
        return apply(EltwiseExpr::Unary, op, {std::move(x)});
    }

    // Whether e computes with the loop indices themselves (through lets too); indexing a buffer
    // with them reads a value and does not count.
    bool uses_index(const Expr &e) const {
        class Finder : public IRVisitor {
        public:
            explicit Finder(const NestParser &parser) : parser_(parser) {}
            bool found = false;

        protected:
            using IRVisitor::visit;
            void visit(const BufferLoadNode *) override {}
            void visit(const VarNode *var) override {
                auto let = parser_.lets_.find(var);
                found = found ||
                        std::any_of(parser_.vars_.begin(), parser_.vars_.end(),
                                    [&](const Var &v) { return v.get() == var; }) ||
                        (let != parser_.lets_.end() && parser_.uses_index(let->second));
            }

        private:
            const NestParser &parser_;
        } finder(*this);
        finder(e);
        return finder.found;
    }

    // e as row * i + col * j + rest with rest free of the loop indices; false when it is not affine
    // in them.
    bool affine(const Expr &e, int64_t *row, int64_t *col, Expr *rest) const {
        *row = *col = 0;
        *rest = make_int(0);
        if (!uses_index(e)) {
            *rest = e;
            return true;
        }
        if (const auto *var = e.as<VarNode>()) {
            auto let = lets_.find(var);
            if (let != lets_.end()) return affine(let->second, row, col, rest);
            (vars_[0].get() == var ? *row : *col) = 1;
            return true;
        }
        if (const auto *cast = e.as<CastNode>()) return !cast->dtype.is_float() && affine(cast->value, row, col, rest);
        Expr a, b;
        if (!binary_operands(e, &a, &b)) return false;
        int64_t ra, ca, rb, cb, factor;
        Expr xa, xb;
        switch (e->kind) {
        case NodeKind::Add:
        case NodeKind::Sub: {
            if (!affine(a, &ra, &ca, &xa) || !affine(b, &rb, &cb, &xb)) return false;
            const int64_t sign = e->kind == NodeKind::Add ? 1 : -1;
            *row = ra + sign * rb;
            *col = ca + sign * cb;
            *rest = make_binary(e->kind, xa, xb);
            return true;
        }
        case NodeKind::Mul: {
            const bool a_index = uses_index(a);
            if (!as_const_int(fold_constants(a_index ? b : a), &factor) || !affine(a_index ? a : b, &ra, &ca, &xa)) {
                return false;
            }
            *row = ra * factor;
            *col = ca * factor;
            *rest = MulNode::make(xa, make_int(factor));
            return true;
        }
        default: return false;
        }
    }

    // e, integer and affine in the loop indices of a 2-D nest (each coefficient -1, 0 or 1, not
    // both 0), as an index node of `kind`; `what` names it in errors.
    EltwiseExpr index_node(EltwiseExpr::Kind kind, const Expr &e, const std::string &what, const Span &span) {
        int64_t row = 0, col = 0;
        Expr rest;
        if (vars_.size() != 2 || e->dtype.is_float() || !affine(e, &row, &col, &rest)) {
            unsupported(span, what,
                        "the loop indices of a 2-D T.Parallel are lowered as values and in conditions when they "
                        "are integer and affine in the indices",
                        "use sums and differences of the indices and values free of them, as in "
                        "row0 + i >= col0 + j");
        }
        if (std::abs(row) > 1 || std::abs(col) > 1 || (row == 0 && col == 0)) {
            unsupported(span, what, "the index tiles are combined as i, j, i + j or i - j (each coefficient -1, 0 or 1)",
                        "use i and j with coefficients of at most 1");
        }
        EltwiseExpr node;
        node.kind = kind;
        node.index_row = static_cast<int>(row);
        node.index_col = static_cast<int>(col);
        node.offset = fold_constants(rest);
        return node;
    }

    // `a cmp b` over the loop indices: the mask of (a - b) cmp 0 as an IndexCompare.
    EltwiseExpr compare_indices(const std::string &name, const Expr &comparison, const Span &span) {
        Expr a, b;
        binary_operands(comparison, &a, &b);
        EltwiseExpr mask = index_node(EltwiseExpr::IndexCompare, SubNode::make(a, b),
                                      "the condition " + to_text(comparison) + " in T.Parallel", span);
        mask.op = op_named(op_named(name)->against_zero);
        return mask;
    }

    // `a cmp b` as a mask: against a constant on the SFPU's scalar form, else (a - b) against zero.
    EltwiseExpr compare(std::string name, EltwiseExpr a, EltwiseExpr b) {
        static const std::map<std::string, std::string> mirrored = {{"gt", "lt"}, {"ge", "le"}, {"lt", "gt"},
                                                                    {"le", "ge"}, {"eq", "eq"}, {"ne", "ne"}};
        if (a.kind == EltwiseExpr::Constant && b.kind == EltwiseExpr::Constant) {
            const double x = a.constant, y = b.constant;
            const bool holds = name == "gt"   ? x > y
                               : name == "ge" ? x >= y
                               : name == "lt" ? x < y
                               : name == "le" ? x <= y
                               : name == "eq" ? x == y
                                              : x != y;
            return constant(holds ? 1 : 0);
        }
        if (a.kind == EltwiseExpr::Constant) {  // c < x is x > c
            std::swap(a, b);
            name = mirrored.at(name);
        }
        const EltwiseOp *op = op_named(name);
        if (b.kind != EltwiseExpr::Constant) {
            return apply(EltwiseExpr::Unary, op_named(op->against_zero), {combine("sub", std::move(a), std::move(b))});
        }
        if (b.constant == 0.0) return apply(EltwiseExpr::Unary, op_named(op->against_zero), {std::move(a)});
        return apply(EltwiseExpr::Scalar, op, {std::move(a)}, b.constant);
    }

    // The cheapest form of `a op b` (see the header).
    EltwiseExpr combine(const std::string &name, EltwiseExpr a, EltwiseExpr b) {
        const EltwiseOp *op = op_named(name);
        const bool a_const = a.kind == EltwiseExpr::Constant, b_const = b.kind == EltwiseExpr::Constant;
        if (a_const && b_const) return constant(fold(name, a.constant, b.constant));
        if (name == "max" && (a_const || b_const) && (a_const ? a : b).constant == 0.0) {
            return apply(EltwiseExpr::Unary, op_named("relu"), {a_const ? b : a});
        }
        if (name == "sub" && a_const && a.constant == 0.0) return apply(EltwiseExpr::Unary, op_named("neg"), {b});
        if (name == "div" && a_const && a.constant == 1.0) return apply(EltwiseExpr::Unary, op_named("recip"), {b});
        if (b_const && !op->scalar.empty()) return apply(EltwiseExpr::Scalar, op, {a}, b.constant);
        if (a_const && !op->scalar_reversed.empty()) return apply(EltwiseExpr::ScalarReversed, op, {b}, a.constant);
        if (a.kind == EltwiseExpr::Tile && b.kind == EltwiseExpr::Tile && !op->fpu.empty() &&
            a.broadcast == VectorLayout::None && b.broadcast == VectorLayout::None) {
            return apply(EltwiseExpr::FpuBinary, op, {a, b});
        }
        return apply(EltwiseExpr::Binary, op, {a, b});
    }

    std::vector<Var> vars_;
    std::vector<int64_t> extents_;
    std::map<const VarNode *, Expr> lets_;
    std::vector<EltwiseStore> stores_;
    Span store_span_;  ///< the store being parsed (variables carry the span of their definition)
};

}  // namespace

int count_eltwise_slots(EltwiseExpr &e) {
    for (EltwiseExpr &operand : e.operands) count_eltwise_slots(operand);
    if (e.kind == EltwiseExpr::Binary || e.kind == EltwiseExpr::Select) {
        // Operands are evaluated most demanding first, the k-th one above the k results before it.
        std::vector<int> slots;
        for (const EltwiseExpr &operand : e.operands) slots.push_back(operand.slots);
        std::sort(slots.rbegin(), slots.rend());
        e.slots = 0;
        for (size_t k = 0; k < slots.size(); ++k) e.slots = std::max(e.slots, slots[k] + static_cast<int>(k));
    } else if (e.kind == EltwiseExpr::IndexCompare || e.kind == EltwiseExpr::IndexValue) {
        e.slots = 2;  // the index tile and the tile's offset
    } else if (e.kind == EltwiseExpr::Unary || e.kind == EltwiseExpr::Scalar || e.kind == EltwiseExpr::ScalarReversed) {
        e.slots = e.operands[0].slots;
    } else {
        e.slots = 1;
    }
    return e.slots;
}

std::vector<EltwiseStore> parse_parallel_nest(const ForNode *loop, const std::map<const VarNode *, Expr> &lets) {
    std::vector<EltwiseStore> stores = NestParser(lets).parse(loop);
    for (EltwiseStore &s : stores) count_eltwise_slots(s.value);
    return stores;
}

bool bind_index_tiles(EltwiseExpr &e, const CircularBuffer *index_cb) {
    bool any = e.kind == EltwiseExpr::IndexCompare || e.kind == EltwiseExpr::IndexValue;
    if (any) e.index_cb = index_cb;
    for (EltwiseExpr &operand : e.operands) any = bind_index_tiles(operand, index_cb) || any;
    return any;
}

void collect_tiles(const EltwiseExpr &e, std::vector<Buffer> *tiles) {
    if (e.kind == EltwiseExpr::Tile && std::find(tiles->begin(), tiles->end(), e.buffer) == tiles->end()) {
        tiles->push_back(e.buffer);
    }
    for (const EltwiseExpr &operand : e.operands) collect_tiles(operand, tiles);
}

void bind_operands(EltwiseExpr &e, const std::map<const BufferNode *, double> &constants, bool fp32_dest,
                   const BufferNode *in_dst) {
    for (EltwiseExpr &operand : e.operands) bind_operands(operand, constants, fp32_dest, in_dst);
    auto it = e.kind == EltwiseExpr::Tile ? constants.find(e.buffer.get()) : constants.end();
    if (it != constants.end()) e = constant(it->second);
    auto off_cb = [&](const EltwiseExpr &x) {
        return x.kind == EltwiseExpr::Constant || (x.kind == EltwiseExpr::Tile && x.buffer.get() == in_dst);
    };
    // The matrix engine sees float32 operands as tf32 (tt_unpack_to_dest.h); the SFPU computes in
    // float32 DST.
    auto truncated = [&](const EltwiseExpr &x) {
        return fp32_dest && x.kind == EltwiseExpr::Tile && x.buffer->dtype == DataType::float32();
    };
    if (e.kind == EltwiseExpr::FpuBinary &&
        (off_cb(e.operands[0]) || off_cb(e.operands[1]) || truncated(e.operands[0]) || truncated(e.operands[1]))) {
        e.kind = EltwiseExpr::Binary;
    }
}

}  // namespace tt::transform
