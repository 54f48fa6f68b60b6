// ExactTTMaxReductions: equality-tested float32 max/min reductions refined to the exact result
// (contract in exact_tt_max_reductions.h).
#include "transform/exact_tt_max_reductions.h"

#include <functional>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"

namespace tt::transform {

namespace {

using namespace ir;

bool float32_tiles(const Buffer &b, size_t rank) {
    const bool onchip = is_on_chip(b);
    return onchip && b->dtype == DataType::float32() && b->shape.size() == rank;
}

class MaxRefiner : public IRMutator {
public:
    explicit MaxRefiner(const PrimFunc &func) {
        for (const Buffer &b : func->params) names_.insert(b->name);
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::Allocate) names_.insert(static_cast<const AllocateNode *>(n)->buffer->name);
            if (n->kind != NodeKind::EQ && n->kind != NodeKind::NE) return;
            Expr a, b;
            binary_operands(Expr(std::static_pointer_cast<const ExprNode>(n->shared_from_this())), &a, &b);
            for (Expr side : {a, b}) {
                while (const auto *cast = side.as<CastNode>()) side = cast->value;
                if (const auto *load = side.as<BufferLoadNode>()) tested_.insert(load->buffer.get());
            }
        });
    }

protected:
    using IRMutator::visit;

    Stmt visit(const EvaluateNode *op) override {
        const auto *call = op->value.as<CallNode>();
        if (!call || call->op->name != "tl.reduce") return self(op);
        const Buffer &src = call->args[0].as<RegionNode>()->buffer, &dst = call->args[1].as<RegionNode>()->buffer;
        const auto *kind = call->args[2].as<StringImmNode>();
        int64_t dim = 0, rows = 0, cols = 0;
        const auto *clear = call->args[4].as<IntImmNode>();  // a bool
        const bool refine = kind && (kind->value == "max" || kind->value == "min") && tested_.count(dst.get()) &&
                            float32_tiles(src, 2) && float32_tiles(dst, 1) && as_const_int(call->args[3], &dim) &&
                            clear && clear->value && as_const_int(src->shape[0], &rows) &&
                            as_const_int(src->shape[1], &cols);
        if (!refine) return self(op);
        const Span &span = op->span;
        auto fragment = [&](const std::string &what, std::vector<Expr> shape) {
            std::string name = src->name + "_" + what;
            for (int n = 1; names_.count(name); ++n) name = src->name + "_" + what + "_" + std::to_string(n);
            names_.insert(name);
            return make_buffer(name, std::move(shape), DataType::float32(), MemoryScope::Fragment, span);
        };
        const Buffer rest = fragment("rest", src->shape), part = fragment("part", dst->shape),
                     part2 = fragment("part2", dst->shape);
        // Each nest binds variables of its own (a variable has one binding site).
        auto nest = [&](const std::function<Stmt(const Var &, const Var &, const Var &)> &body, bool vector_only) {
            const Var i = make_var("i", DataType::int32(), span), j = make_var("j", DataType::int32(), span);
            const Var &along = dim == 1 ? i : j;  // the vector holds one value per row (dim 1) or column
            if (vector_only) {
                return ForNode::make(along, make_int(0), dst->shape[0], ForKind::Parallel, body(i, j, along), 0, {},
                                     span);
            }
            return ForNode::make(i, make_int(0), make_int(rows), ForKind::Parallel,
                                 ForNode::make(j, make_int(0), make_int(cols), ForKind::Parallel, body(i, j, along), 0,
                                               {}, span),
                                 0, {}, span);
        };
        auto reduce = [&](const Buffer &from, const Buffer &into) {
            return EvaluateNode::make(CallNode::make("tl.reduce",
                                                     {RegionNode::full(from, span), RegionNode::full(into, span),
                                                      call->args[2], call->args[3], call->args[4]},
                                                     span),
                                      span);
        };
        auto difference = [&](const Buffer &from, const Buffer &vector) {  // rest = from - vector, broadcast
            return nest(
                [&](const Var &i, const Var &j, const Var &along) {
                    Expr value = SubNode::make(BufferLoadNode::make(from, {i, j}, span),
                                               BufferLoadNode::make(vector, {along}, span), span);
                    return BufferStoreNode::make(rest, value, {i, j}, span);
                },
                false);
        };
        Stmt total = nest(
            [&](const Var &, const Var &, const Var &along) {
                auto element = [&](const Buffer &b) { return BufferLoadNode::make(b, {along}, span); };
                Expr sum = AddNode::make(AddNode::make(element(dst), element(part), span), element(part2), span);
                return BufferStoreNode::make(dst, sum, {along}, span);
            },
            true);
        Stmt refined = SeqStmtNode::make({self(op), difference(src, dst), reduce(rest, part), difference(rest, part),
                                          reduce(rest, part2), total},
                                         span);
        for (const Buffer &b : {part2, part, rest}) refined = AllocateNode::make(b, refined, span);
        return refined;
    }

private:
    std::set<std::string> names_;
    std::set<const BufferNode *> tested_;  ///< buffers an == or != reads
};

}  // namespace

PrimFunc exact_tt_max_reductions(const PrimFunc &func, const PassContext &) {
    Stmt body = MaxRefiner(func)(func->body);
    if (body.same_as(func->body)) return func;
    return make_prim_func(func->name, func->params, body, func->attrs, func->span);
}

Pass exact_tt_max_reductions_pass() {
    return Pass{"ExactTTMaxReductions", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return exact_tt_max_reductions(f, ctx); });
                }};
}

}  // namespace tt::transform
