// SpecializeTTShapes: dynamic dimensions replaced by sizes, their formulas recorded
// (contract in specialize_tt_shapes.h).
#include "transform/specialize_tt_shapes.h"

#include <sstream>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/printer.h"
#include "transform/shape_formula.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! The dynamic dimensions of func's tensors, in order of first appearance. */
std::vector<std::pair<Var, DynamicDim>> dynamic_dims(const PrimFunc &func) {
    std::vector<std::pair<Var, DynamicDim>> dims;
    for (const Buffer &b : func->params) {
        for (size_t axis = 0; axis < b->shape.size(); ++axis) {
            const Expr &extent = b->shape[axis];
            int64_t value;
            if (as_const_int(extent, &value)) continue;
            const auto *var = extent.as<VarNode>();
            if (!var) {
                TT_USER_ERROR(Validation, b->span)
                    << "axis " << axis << " of tensor " << b->name << " has extent " << to_text(extent)
                    << "; a dynamic extent must be a T.dynamic dimension itself (declare one for this axis)";
            }
            bool known = false;
            for (const auto &[v, d] : dims) known = known || v.get() == var;
            if (!known) {
                dims.push_back({Var(std::static_pointer_cast<const VarNode>(extent.ptr())),
                                DynamicDim{var->name, b->name, static_cast<int>(axis), 0}});
            }
        }
    }
    return dims;
}

class ShapeSpecializer : public IRMutator {
public:
    explicit ShapeSpecializer(const std::vector<std::pair<Var, DynamicDim>> &dims) {
        for (const auto &[var, dim] : dims) sizes_.emplace(var.get(), make_int(dim.value));
    }

    Buffer mutate_buffer(const Buffer &b) override {
        auto done = buffers_.find(b.get());
        if (done != buffers_.end()) return done->second;
        bool changed = false;
        std::vector<Expr> shape;
        for (const Expr &e : b->shape) {
            auto size = e.as<VarNode>() ? sizes_.find(e.as<VarNode>()) : sizes_.end();
            changed = changed || size != sizes_.end();
            shape.push_back(size != sizes_.end() ? size->second : e);
        }
        Buffer out = changed ? make_buffer(b->name, shape, b->dtype, b->scope, b->span) : b;
        buffers_.emplace(b.get(), out);
        return out;
    }

    using IRMutator::mutate;
    Stmt mutate(const Stmt &s) override {
        const Span outer = statement_span_;
        if (s && s->span.defined()) statement_span_ = s->span;
        Stmt out = IRMutator::mutate(s);
        statement_span_ = outer;
        return out;
    }

    /*! The launch grid's extents as formulas (empty before the launch is visited). */
    const std::vector<Json> &grid() const { return grid_; }

protected:
    using IRMutator::visit;
    Expr visit(const VarNode *op) override {
        auto size = sizes_.find(op);
        if (size == sizes_.end()) return IRMutator::visit(op);
        if (in_extent_) return size->second;
        // In the computation (`k * block_N + j < seq_len`): the size as a runtime argument.
        int64_t value;
        TT_ICHECK(as_const_int(size->second, &value));
        return CallNode::make("tt.runtime_constant", {StringImmNode::make(op->name), make_int(value),
                                                      StringImmNode::make(Json(op->name).dump())});
    }
    Stmt visit(const ForNode *op) override {
        Expr extent = sized_extent(op->extent);
        AttrMap annotations = op->annotations;
        if (extent.get() != op->extent.get()) {
            annotations[attr::TT_DYNAMIC_EXTENT] =
                formula_of(op->extent, "the trip count of the loop over " + op->loop_var->name);
        }
        Stmt body = mutate(op->body);
        return ForNode::make(op->loop_var, mutate(op->min), extent, op->for_kind, body, op->num_stages, annotations,
                             op->span);
    }
    // `steps = T.ceildiv(N, block_N)` names an expression of a dimension, typically a loop's trip
    // count: the name is replaced by the expression, so each use is checked (and recorded) as
    // the dimension's would be.
    Stmt visit(const LetStmtNode *op) override {
        bool sized = false;
        substitute(op->value, [&](const Var &v) {
            sized = sized || sizes_.count(v.get());
            return v;
        });
        if (!sized) return IRMutator::visit(op);
        return mutate(
            substitute(op->body, [&](const Var &v) { return v.get() == op->var.get() ? op->value : Expr(v); }));
    }
    Stmt visit(const KernelLaunchNode *op) override {
        if (launches_++ > 0) {
            TT_USER_ERROR(Validation, op->span) << "a kernel with dynamic dimensions has one T.Kernel launch per "
                                                << "program; compile it through tilelang_tt.compile or "
                                                << "tilelang_tt.codegen.generate, which make one program per launch";
        }
        std::vector<Expr> extents;
        for (const Expr &e : op->extents) {
            extents.push_back(sized_extent(e));
            grid_.push_back(formula_of(e, "the launch grid's extent " + to_text(e)));
        }
        Stmt body = mutate(op->body);
        return KernelLaunchNode::make(extents, op->block_vars, op->threads, body, op->span);
    }

private:
    Expr sized_extent(const Expr &e) {
        in_extent_ = true;
        Expr out = mutate(e);
        in_extent_ = false;
        return out.get() == e.get() ? e : fold_constants(out);
    }

    std::map<const VarNode *, Expr> sizes_;
    std::map<const BufferNode *, Buffer> buffers_;
    std::vector<Json> grid_;
    bool in_extent_ = false;
    int launches_ = 0;
    Span statement_span_;
};

}  // namespace

PrimFunc specialize_tt_shapes(const PrimFunc &func, const PassContext &ctx) {
    std::vector<std::pair<Var, DynamicDim>> dims = dynamic_dims(func);
    const std::map<std::string, int64_t> &sizes = ctx.options().shape_values;
    for (const auto &[name, size] : sizes) {
        bool known = false;
        for (const auto &[var, dim] : dims) known = known || dim.name == name;
        if (!known) {
            TT_USER_ERROR(Validation, func->span)
                << "shape_values gives a size for " << name << ", which is not a dynamic dimension of " << func->name
                << (dims.empty() ? " (its shapes are all static)" : "");
        }
        if (size <= 0) {
            TT_USER_ERROR(Validation, func->span)
                << "dynamic dimension " << name << " of " << func->name << " has the size " << size
                << " (from the tensors passed to the kernel, or shape_values); sizes must be positive, as a kernel "
                << "over an empty tensor has nothing to compute";
        }
    }
    if (dims.empty()) return func;
    for (auto &[var, dim] : dims) {
        auto size = sizes.find(dim.name);
        if (size == sizes.end()) {
            TT_USER_ERROR(Validation, var->span.defined() ? var->span : func->span)
                << func->name << " has the dynamic dimension " << dim.name << " (axis " << dim.axis << " of "
                << dim.tensor << "); give its size (shape_values={\"" << dim.name << "\": ...}), or call the "
                << "compiled kernel, which takes it from the tensors";
        }
        dim.value = size->second;
    }
    ShapeSpecializer specializer(dims);
    std::vector<Buffer> params;
    for (const Buffer &b : func->params) params.push_back(specializer.mutate_buffer(b));
    Stmt body = specializer(func->body);
    DynamicShape shape;
    for (const auto &[var, dim] : dims) shape.dims.push_back(dim);
    for (const Buffer &b : func->params) {
        std::vector<std::string> axes;
        bool dynamic = false;
        for (const Expr &extent : b->shape) {
            const auto *var = extent.as<VarNode>();
            axes.push_back(var ? var->name : "");
            dynamic = dynamic || var;
        }
        if (dynamic) shape.tensor_axes[b->name] = axes;
    }
    shape.grid = specializer.grid();
    AttrMap attrs = func->attrs;
    attrs[attr::TT_DYNAMIC_SHAPE] = shape;
    return make_prim_func(func->name, params, body, attrs, func->span);
}

Pass specialize_tt_shapes_pass() {
    return Pass{"SpecializeTTShapes", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return specialize_tt_shapes(f, ctx); });
                }};
}

}  // namespace tt::transform
