// Element-wise T.Parallel loops as compute programs over tiles (see tt_tile_elementwise.h).
#include "transform/tt_tile_elementwise.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "ir/arith.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_tile_compute.h"
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
                        "use float16, bfloat16 or float32 buffers");
        }
        const bool onchip = buffer->scope == MemoryScope::Shared || buffer->scope == MemoryScope::Fragment;
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
            if (uses_index(a) || uses_index(b)) return compare_indices(cmp->second, a, b, e->span);
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

    // `a cmp b` over the loop indices: the mask of (a - b) cmp 0 as an IndexCompare.
    EltwiseExpr compare_indices(const std::string &name, const Expr &a, const Expr &b, const Span &span) {
        int64_t row_a, col_a, row_b, col_b;
        Expr rest_a, rest_b;
        const std::string what = "the condition " + to_text(a) + " " + name + " " + to_text(b) + " in T.Parallel";
        if (vars_.size() != 2 || a->dtype.is_float() || b->dtype.is_float() || !affine(a, &row_a, &col_a, &rest_a) ||
            !affine(b, &row_b, &col_b, &rest_b)) {
            unsupported(span, what,
                        "conditions on the loop indices of a 2-D T.Parallel are lowered when they are integer and "
                        "affine in the indices",
                        "compare sums and differences of the indices and values free of them, as in "
                        "row0 + i >= col0 + j");
        }
        EltwiseExpr mask;
        mask.kind = EltwiseExpr::IndexCompare;
        mask.op = op_named(op_named(name)->against_zero);
        mask.index_row = static_cast<int>(row_a - row_b);
        mask.index_col = static_cast<int>(col_a - col_b);
        mask.offset = fold_constants(SubNode::make(rest_a, rest_b));
        if (std::abs(row_a - row_b) > 1 || std::abs(col_a - col_b) > 1 ||
            (mask.index_row == 0 && mask.index_col == 0)) {
            unsupported(span, what,
                        "the index tiles are combined as i, j, i + j or i - j (each coefficient -1, 0 or 1)",
                        "compare i and j with coefficients of at most 1");
        }
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
    } else if (e.kind == EltwiseExpr::IndexCompare) {
        e.slots = 2;  // the index tile and the tile's offset
    } else if (e.kind == EltwiseExpr::Unary || e.kind == EltwiseExpr::Scalar || e.kind == EltwiseExpr::ScalarReversed) {
        e.slots = e.operands[0].slots;
    } else {
        e.slots = 1;
    }
    return e.slots;
}

namespace {

Expr cb_of(const CircularBuffer &cb) {
    return make_int(cb.config.cb_index);
}

Expr float_arg(double value) {
    return FloatImmNode::make(DataType::float32(), value);
}

/*! Where a tile's evaluation keeps its values: the DST index of each of its slots (0 holds the result). */
using SlotMap = std::function<Expr(int slot)>;

/*! One operation of the program, applied to every output tile of a DST group: its inits once,
 *  then `call(slots, position, in_group)` per tile, where slots places that tile's evaluation in
 *  DST and position is its place in the output order. */
struct Step {
    std::vector<Stmt> init;
    std::function<Stmt(const SlotMap &slots, const Expr &position, const Expr &in_group)> call;
};

class ProgramBuilder {
public:
    ProgramBuilder(const CircularBuffer &target, const TileOrder &order,
                   const std::map<const BufferNode *, EltwiseOperand> &operands, bool fp32_dest)
        : target_(target), order_(order), operands_(operands), fp32_dest_(fp32_dest) {}

    // Appends the steps that leave e's value in DST slot `slot` (relative to the tile's base).
    void eval(const EltwiseExpr &e, int slot) {
        auto at = [slot](const SlotMap &slots, int offset = 0) { return slots(slot + offset); };
        switch (e.kind) {
        case EltwiseExpr::Tile: {
            const EltwiseOperand &in = operand(e.buffer);
            if (in.in_dst) {  // already in the tile's slot 0 (emit_elementwise_in_dst checks)
                TT_ICHECK(slot == 0) << e.buffer->name << " is in DST but read into slot " << slot;
                return;
            }
            Expr cb = cb_of(*in.cb);
            if (e.broadcast != VectorLayout::None) {  // the vector's tile, spread over the whole tile
                const std::string dim = e.broadcast == VectorLayout::Column ? "cols" : "rows";
                const VectorLayout layout = e.broadcast;
                steps_.push_back({{tt_call("reconfig_data_format_srca", {cb}),
                                   tt_call("unary_bcast_init_" + dim, {cb, cb_of(target_)})},
                                  [=](const SlotMap &base, const Expr &pos, const Expr &) {
                                      Expr along =
                                          layout == VectorLayout::Column ? order_.row_at(pos) : order_.col_at(pos);
                                      return tt_call("unary_bcast_" + dim, {cb, along, at(base)});
                                  }});
                return;
            }
            steps_.push_back(
                {{tt_call("reconfig_data_format_srca", {cb}), tt_call("copy_tile_to_dst_init_short", {cb})},
                 [=](const SlotMap &base, const Expr &pos, const Expr &q) {
                     return tt_call("copy_tile", {cb, tile_index(e.buffer, pos, q), at(base)});
                 }});
            return;
        }
        case EltwiseExpr::IndexCompare: eval_index_compare(e, slot); return;
        case EltwiseExpr::Constant:
            steps_.push_back({{tt_call("fill_tile_init", {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                                  return tt_call("fill_tile", {at(base), float_arg(e.constant)});
                              }});
            return;
        case EltwiseExpr::Unary:
            eval(e.operands[0], slot);
            steps_.push_back(
                {{tt_call(e.op->sfpu + "_tile_init", {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                     return tt_call(e.op->sfpu + "_tile", {at(base)});
                 }});
            return;
        case EltwiseExpr::Scalar:
        case EltwiseExpr::ScalarReversed: {
            eval(e.operands[0], slot);
            const std::string form = e.kind == EltwiseExpr::Scalar ? e.op->scalar : e.op->scalar_reversed;
            steps_.push_back({{tt_call(e.op->scalar_init, {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                                  return tt_call(form + "_tile", {at(base), float_arg(e.constant)});
                              }});
            return;
        }
        case EltwiseExpr::FpuBinary: {
            const EltwiseExpr &a = e.operands[0], &b = e.operands[1];
            Expr cb_a = cb_of(*operand(a.buffer).cb), cb_b = cb_of(*operand(b.buffer).cb);
            steps_.push_back(
                {{tt_call("reconfig_data_format", {cb_a, cb_b}), tt_call(e.op->fpu + "_tiles_init", {cb_a, cb_b})},
                 [=](const SlotMap &base, const Expr &pos, const Expr &q) {
                     return tt_call(e.op->fpu + "_tiles",
                                    {cb_a, cb_b, tile_index(a.buffer, pos, q), tile_index(b.buffer, pos, q), at(base)});
                 }});
            return;
        }
        case EltwiseExpr::Binary:
        case EltwiseExpr::Select: {
            // The operands needing more slots go first, so the others fit in the slots above them.
            std::vector<size_t> order(e.operands.size());
            for (size_t k = 0; k < order.size(); ++k) order[k] = k;
            std::stable_sort(order.begin(), order.end(),
                             [&](size_t x, size_t y) { return e.operands[x].slots > e.operands[y].slots; });
            std::vector<int> offset(order.size());
            for (size_t k = 0; k < order.size(); ++k) {
                eval(e.operands[order[k]], slot + static_cast<int>(k));
                offset[order[k]] = static_cast<int>(k);
            }
            const std::string name = e.kind == EltwiseExpr::Select ? "where" : e.op->sfpu;
            const std::string call =
                e.kind == EltwiseExpr::Select ? (fp32_dest_ ? "where_tile_fp32" : "where_tile_16b") : name + "_tile";
            steps_.push_back({{tt_call(name + "_tile_init", {})}, [=](const SlotMap &base, const Expr &, const Expr &) {
                                  std::vector<Expr> args;
                                  for (int k : offset) args.push_back(at(base, k));
                                  args.push_back(at(base));
                                  return tt_call(call, args);
                              }});
            return;
        }
        }
    }

    const std::vector<Step> &steps() const { return steps_; }

private:
    // (row * i + col * j + offset) cmp 0 for the elements of one tile: the index tiles combined on
    // the matrix engine (i, j, i + j or i - j; negated when both coefficients are), plus the tile's
    // own offset from the block's first element, compared with zero.
    void eval_index_compare(const EltwiseExpr &e, int slot) {
        Expr cb = cb_of(*e.index_cb);
        const bool negate = e.index_row <= 0 && e.index_col <= 0;
        const int row = negate ? -e.index_row : e.index_row, col = negate ? -e.index_col : e.index_col;
        if (row == 0 || col == 0) {
            Expr tile = make_int(row == 0 ? 1 : 0);
            steps_.push_back(
                {{tt_call("reconfig_data_format_srca", {cb}), tt_call("copy_tile_to_dst_init_short", {cb})},
                 [=](const SlotMap &at, const Expr &, const Expr &) {
                     return tt_call("copy_tile", {cb, tile, at(slot)});
                 }});
        } else {
            const std::string op = row == col ? "add" : "sub";
            Expr first = make_int(row > 0 ? 0 : 1), second = make_int(row > 0 ? 1 : 0);
            steps_.push_back({{tt_call("reconfig_data_format", {cb, cb}), tt_call(op + "_tiles_init", {cb, cb})},
                              [=](const SlotMap &at, const Expr &, const Expr &) {
                                  return tt_call(op + "_tiles", {cb, cb, first, second, at(slot)});
                              }});
        }
        if (negate) {
            steps_.push_back({{tt_call("negative_tile_init", {})}, [=](const SlotMap &at, const Expr &, const Expr &) {
                                  return tt_call("negative_tile", {at(slot)});
                              }});
        }
        const TileOrder order = order_;
        steps_.push_back(
            {{tt_call("fill_tile_init", {})}, [=](const SlotMap &at, const Expr &pos, const Expr &) {
                 Expr offset = AddNode::make(
                     e.offset, AddNode::make(MulNode::make(make_int(32 * e.index_row), order.row_at(pos)),
                                             MulNode::make(make_int(32 * e.index_col), order.col_at(pos))));
                 return tt_call("fill_tile",
                                {at(slot + 1), CastNode::make(DataType::float32(), fold_constants(offset))});
             }});
        steps_.push_back({{tt_call("add_binary_tile_init", {})}, [=](const SlotMap &at, const Expr &, const Expr &) {
                              return tt_call("add_binary_tile", {at(slot), at(slot + 1), at(slot)});
                          }});
        steps_.push_back({{tt_call(e.op->sfpu + "_tile_init", {})}, [=](const SlotMap &at, const Expr &, const Expr &) {
                              return tt_call(e.op->sfpu + "_tile", {at(slot)});
                          }});
    }

public:
private:
    const EltwiseOperand &operand(const Buffer &buffer) const {
        auto it = operands_.find(buffer.get());
        TT_ICHECK(it != operands_.end()) << "no circular buffer for element-wise operand " << buffer->name;
        return it->second;
    }

    // A streamed operand's tile is at the front of its CB; any other operand's is found by its
    // place in that operand's order.
    Expr tile_index(const Buffer &buffer, const Expr &position, const Expr &in_group) const {
        const EltwiseOperand &in = operand(buffer);
        if (in.streamed) return in_group;
        if (in.order.enumerates_like(order_)) return position;
        return in.order.position_of(order_.row_at(position), order_.col_at(position));
    }

    const CircularBuffer &target_;
    const TileOrder &order_;
    const std::map<const BufferNode *, EltwiseOperand> &operands_;
    const bool fp32_dest_;
    std::vector<Step> steps_;
};

// The leaf whose value the evaluation of e places first, into e's own slot: the operand
// evaluated first (the most demanding one), down to a leaf; null when a matrix-engine node writes
// the slot straight from CBs.
const EltwiseExpr *first_placed(const EltwiseExpr &e) {
    switch (e.kind) {
    case EltwiseExpr::Tile:
    case EltwiseExpr::Constant: return &e;
    case EltwiseExpr::FpuBinary: return nullptr;
    case EltwiseExpr::Binary:
    case EltwiseExpr::Select: {
        const EltwiseExpr *first = &e.operands[0];
        for (const EltwiseExpr &operand : e.operands) first = operand.slots > first->slots ? &operand : first;
        return first_placed(*first);
    }
    default: return first_placed(e.operands[0]);
    }
}

int count_reads(const EltwiseExpr &e, const BufferNode *buffer) {
    int n = e.kind == EltwiseExpr::Tile && e.buffer.get() == buffer;
    for (const EltwiseExpr &operand : e.operands) n += count_reads(operand, buffer);
    return n;
}

/*! The program of one store, `group` output tiles at a time; slot_of(q, position, slot) is the DST
 *  index of a slot of the evaluation of the q-th tile of a group (at `position` in the output
 *  order). With own_dst each group acquires DST and packs its results into the target's CB. */
Stmt emit_program(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                  const std::map<const BufferNode *, EltwiseOperand> &operands, bool fp32_dest, int64_t group,
                  const std::function<Expr(const Expr &q, const Expr &position, int slot)> &slot_of, bool own_dst) {
    const int64_t total = order.rows * order.cols;
    ProgramBuilder program(target, order, operands, fp32_dest);
    program.eval(store.value, 0);
    const EltwiseOperand *streamed = nullptr;
    std::map<int64_t, Stmt> waits;  // by CB index: the generated code does not depend on addresses
    for (const auto &[buffer, in] : operands) {
        if (in.in_dst) continue;
        if (in.streamed) {
            streamed = &in;
            continue;
        }
        // Operands other than the target stay in their CBs (popped where their values die).
        waits[in.cb->config.cb_index] =
            tt_call("cb_wait_front", {cb_of(*in.cb), make_int(in.order.rows * in.order.cols)});
    }
    std::vector<Stmt> out;
    for (const auto &[index, wait] : waits) out.push_back(wait);
    Stmt per_group = tile_loop("tile_group", total / group, [&](const Expr &g) {
        std::vector<Stmt> body;
        if (own_dst) body.push_back(tt_call("tile_regs_acquire", {}));
        if (streamed) body.push_back(tt_call("cb_wait_front", {cb_of(*streamed->cb), make_int(group)}));
        const Step *previous = nullptr;
        for (const Step &step : program.steps()) {
            // The same op again right after itself (two scalar forms in a row) is still initialized.
            const bool same_init = previous && previous->init.size() == step.init.size() &&
                                   std::equal(step.init.begin(), step.init.end(), previous->init.begin(),
                                              [](const Stmt &a, const Stmt &b) { return structural_equal(a, b); });
            if (!same_init) body.insert(body.end(), step.init.begin(), step.init.end());
            previous = &step;
            body.push_back(tile_loop("tile", group, [&](const Expr &q) {
                Expr position = fold_constants(AddNode::make(MulNode::make(g, make_int(group)), q));
                return step.call([&](int slot) { return slot_of(q, position, slot); }, position, q);
            }));
        }
        if (streamed) body.push_back(tt_call("cb_pop_front", {cb_of(*streamed->cb), make_int(group)}));
        if (own_dst) {
            for (Stmt &s : emit_pack(target, group, store.value.slots)) body.push_back(s);
        }
        return seq(body);
    });
    out.push_back(per_group);
    return seq(out);
}

}  // namespace

bool bind_index_tiles(EltwiseExpr &e, const CircularBuffer *index_cb) {
    bool any = e.kind == EltwiseExpr::IndexCompare;
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

void bind_operands(EltwiseExpr &e, const std::map<const BufferNode *, double> &constants, const BufferNode *in_dst) {
    for (EltwiseExpr &operand : e.operands) bind_operands(operand, constants, in_dst);
    auto it = e.kind == EltwiseExpr::Tile ? constants.find(e.buffer.get()) : constants.end();
    if (it != constants.end()) e = constant(it->second);
    auto off_cb = [&](const EltwiseExpr &x) {
        return x.kind == EltwiseExpr::Constant || (x.kind == EltwiseExpr::Tile && x.buffer.get() == in_dst);
    };
    if (e.kind == EltwiseExpr::FpuBinary && (off_cb(e.operands[0]) || off_cb(e.operands[1]))) {
        e.kind = EltwiseExpr::Binary;
    }
}

std::vector<EltwiseStore> parse_parallel_nest(const ForNode *loop, const std::map<const VarNode *, Expr> &lets) {
    std::vector<EltwiseStore> stores = NestParser(lets).parse(loop);
    for (EltwiseStore &s : stores) count_eltwise_slots(s.value);
    return stores;
}

Stmt emit_elementwise(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                      const std::map<const BufferNode *, EltwiseOperand> &operands, int dst_tiles, bool fp32_dest) {
    const int slots = store.value.slots;
    if (slots > dst_tiles) {
        TT_USER_ERROR(Validation, store.span)
            << "this element-wise expression needs " << slots << " DST tiles at once, but DST holds " << dst_tiles
            << "; instead split it into several T.Parallel loops through a fragment buffer";
    }
    const int64_t group = largest_divisor_at_most(order.rows * order.cols, dst_tiles / slots);
    return emit_program(
        store, target, order, operands, fp32_dest, group,
        [&](const Expr &q, const Expr &, int slot) {
            return fold_constants(AddNode::make(MulNode::make(q, make_int(slots)), make_int(slot)));
        },
        true);
}

Stmt emit_elementwise_in_dst(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                             const std::map<const BufferNode *, EltwiseOperand> &operands, int dst_tiles,
                             bool fp32_dest) {
    const BufferNode *resident = nullptr;
    for (const auto &[buffer, in] : operands) resident = in.in_dst ? buffer : resident;
    const EltwiseExpr *first = first_placed(store.value);
    if (!resident || count_reads(store.value, resident) != 1 || !first || first->kind != EltwiseExpr::Tile ||
        first->buffer.get() != resident) {
        return Stmt();
    }
    const int64_t total = order.rows * order.cols, scratch = store.value.slots - 1, free = dst_tiles - total;
    if (scratch > free) return Stmt();
    const int64_t group = scratch == 0 ? total : largest_divisor_at_most(total, free / scratch);
    return emit_program(
        store, target, order, operands, fp32_dest, group,
        [&](const Expr &q, const Expr &position, int slot) {
            if (slot == 0) return position;  // the accumulator's own tile
            return fold_constants(AddNode::make(MulNode::make(q, make_int(scratch)), make_int(total + slot - 1)));
        },
        false);
}

RoleStmts TileOpLowering::lower_parallel(const ForNode *loop) {
    RoleStmts out;
    for (EltwiseStore &store : parse_parallel_nest(loop, ctx_.lets())) {
        const Span &span = store.span;
        bind_indices(store);
        // A CB has one producer: a result written over a buffer the reader fills from global
        // memory goes to a CB of compute's, where the buffer's value then lives (TileValue::home).
        const CircularBuffer *own = &ctx_.cb(store.target, span);
        const CircularBuffer &target =
            own->config.flow == CBFlow::Input ? ctx_.scratch_cb(store.target, "computed") : *own;
        const CircularBuffer *home = &target == own ? nullptr : &target;
        std::vector<Buffer> tiles;
        collect_tiles(store.value, &tiles);
        // A value carried around a loop from a T.fill holds the constant on the first iteration
        // only (TileValue::constant_if): the program then reads the constant, later the tiles.
        Expr first_iteration;
        for (const Buffer &buffer : tiles) {
            const TileValue &v = ctx_.value(buffer);
            if (v.kind == TileValue::Constant) continue;
            full_value(buffer, "T.Parallel", span);
            if (v.constant_if && first_iteration && !v.constant_if.same_as(first_iteration)) {
                unsupported(span, "T.Parallel reading values carried around different loops",
                            "each operand's first-iteration constant is decided by one loop",
                            "initialize " + buffer->name + " with a T.copy or a T.Parallel store before its loop");
            }
            if (v.constant_if) first_iteration = v.constant_if;
        }
        auto program = [&](bool first, const TileOrder *fixed_order, TileOrder *chosen,
                           std::map<const BufferNode *, EltwiseOperand> *operands) {
            std::map<const BufferNode *, double> constants;
            const TileOrder *first_order = nullptr;
            for (const Buffer &buffer : tiles) {
                const TileValue &v = ctx_.value(buffer);
                if (v.kind == TileValue::Constant || (first && v.constant_if)) {
                    constants[buffer.get()] = v.constant;
                    continue;
                }
                (*operands)[buffer.get()] = EltwiseOperand{&value_cb(buffer, span), v.order, buffer == store.target};
                const bool same_shape = buffer->shape.size() == store.target->shape.size();  // not a broadcast
                if ((!first_order && same_shape) || buffer == store.target)
                    first_order = &(*operands)[buffer.get()].order;
            }
            EltwiseStore bound = store;
            bind_operands(bound.value, constants);
            count_eltwise_slots(bound.value);
            *chosen = fixed_order   ? *fixed_order
                      : first_order ? *first_order
                                    : TileOrder{target.rows, target.cols, 1, target.cols};
            auto first_operand =
                std::find_if(tiles.begin(), tiles.end(), [&](const Buffer &b) { return operands->count(b.get()) > 0; });
            note_compute_init(
                emit_copy_init(first_operand == tiles.end() ? target : *operands->at(first_operand->get()).cb, target));
            return emit_elementwise(bound, target, *chosen, *operands, ctx_.dst_tiles(), ctx_.fp32_dest_acc());
        };
        TileOrder order, first_order;
        std::map<const BufferNode *, EltwiseOperand> operands, first_operands;
        Stmt compute = program(false, nullptr, &order, &operands);
        if (first_iteration) {  // both variants produce the target in the same order
            compute =
                IfThenElseNode::make(first_iteration, program(true, &order, &first_order, &first_operands), compute);
        }
        for (const auto &[buffer, in] : operands) {
            if (in.streamed)
                ctx_.values()[buffer] = TileValue{};  // its tiles were popped as they were replaced
            else
                ctx_.values()[buffer].read = true;
        }
        // The target's old value dies before the new one is packed behind it.
        if (Stmt retired = define(store.target, order, span, home)) out[KernelRole::Compute].push_back(retired);
        out[KernelRole::Compute].push_back(compute);
    }
    return out;
}

void TileOpLowering::bind_indices(EltwiseStore &store) {
    EltwiseExpr probe = store.value;
    if (!bind_index_tiles(probe, nullptr)) return;
    // The offsets compared with zero grow with the tensor: exact in float32, not in 16-bit DST.
    if (!ctx_.fp32_dest_acc()) {
        unsupported(store.span, "a condition on the loop indices in a kernel without float32 in DST",
                    "the index offsets it compares are exact in float32 only",
                    "compute in float32 (a float32 fragment, or run_pipeline(fp32_dest_acc_en=True))");
    }
    bind_index_tiles(store.value, &ctx_.index_cb(&compute_setup_, &compute_teardown_, store.span));
}

Stmt TileOpLowering::lower_parallel_in_dst(const ForNode *loop, const Buffer &acc) {
    std::vector<EltwiseStore> stores = parse_parallel_nest(loop, ctx_.lets());
    if (stores.size() != 1 || stores.front().target != acc) return Stmt();
    EltwiseStore store = stores.front();
    bind_indices(store);
    const CircularBuffer &cb = ctx_.cb(acc, loop->span);
    const TileOrder order{cb.rows, cb.cols, 1, cb.cols};
    std::vector<Buffer> tiles;
    collect_tiles(store.value, &tiles);
    std::map<const BufferNode *, double> constants;
    std::map<const BufferNode *, EltwiseOperand> operands;
    for (const Buffer &buffer : tiles) {
        const TileValue &v = ctx_.value(buffer);
        if (buffer == acc) {
            operands[buffer.get()] = EltwiseOperand{&cb, order, false, true};
        } else if (v.kind == TileValue::Constant) {
            constants[buffer.get()] = v.constant;
        } else if (v.kind == TileValue::Full && !v.constant_if) {
            operands[buffer.get()] = EltwiseOperand{&value_cb(buffer, store.span), v.order};
        } else {
            return Stmt();  // lowered after the pack, where lower_parallel says what it needs
        }
    }
    bind_operands(store.value, constants, acc.get());
    count_eltwise_slots(store.value);
    Stmt program = emit_elementwise_in_dst(store, cb, order, operands, ctx_.dst_tiles(), ctx_.fp32_dest_acc());
    if (!program) return Stmt();
    for (const auto &[buffer, in] : operands) {
        if (!in.in_dst) ctx_.values()[buffer].read = true;
    }
    return program;
}

}  // namespace tt::transform
