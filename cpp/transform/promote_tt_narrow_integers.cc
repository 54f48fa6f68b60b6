// PromoteTTNarrowIntegers: 8- and 16-bit integer buffers become bfloat16 / float32 buffers whose
// elements are compared as floats (contract in promote_tt_narrow_integers.h).
#include "transform/promote_tt_narrow_integers.h"

#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! The float format that holds every value of a narrow integer dtype exactly, or nothing. */
std::optional<DataType> exact_float_for(const DataType &dtype) {
    if (!dtype.is_int() || dtype.bits > 16) return std::nullopt;
    return dtype.bits <= 8 ? DataType::parse("bfloat16") : DataType::float32();
}

class NarrowIntegerPromoter : public IRMutator {
public:
    explicit NarrowIntegerPromoter(const PrimFunc &func) {
        for (const Buffer &b : func->params) promote(b);
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::Allocate) promote(static_cast<const AllocateNode *>(n)->buffer);
        });
    }

    bool any() const { return !promoted_.empty(); }

    Buffer mutate_buffer(const Buffer &b) override {
        auto it = promoted_.find(b.get());
        return it == promoted_.end() ? b : it->second;
    }

    Stmt mutate(const Stmt &s) override {
        const Span outer = statement_span_;
        if (s && s->span.defined()) statement_span_ = s->span;  // an if without else has no else statement
        Stmt out = IRMutator::mutate(s);
        statement_span_ = outer;
        return out;
    }
    using IRMutator::mutate;

    /*! A promoted element that no comparison, float cast or store took is other integer math; the
     *  first in the source is reported. */
    void check_every_element_taken() const {
        const ElementUse *first = nullptr;
        for (const auto &[read, use] : untaken_) {
            if (!first || std::pair(use.span.line, use.span.col) < std::pair(first->span.line, first->span.col)) {
                first = &use;
            }
        }
        if (first) {
            const ElementUse &use = *first;
            TT_USER_ERROR(Validation, use.span)
                << "element-wise math on the " << use.original->dtype.to_string() << " buffer " << use.original->name
                << " is not supported on Tenstorrent yet: its elements are held as "
                << promoted_.at(use.original.get())->dtype.to_string()
                << " (8- and 16-bit integers are exact there) and can only be compared with constants or cast to "
                << "a float dtype; instead write " << use.original->name << "[...] != 0 or T.cast it to float32";
        }
    }

protected:
    using IRMutator::visit;

    // An element of a promoted buffer reads as T.cast(<its integer dtype>, <its float>), so every
    // parent stays well typed; the parents that can use the float (comparisons, float casts,
    // stores) take it out, and check_every_element_taken reports the rest.
    Expr visit(const BufferLoadNode *op) override {
        Expr load = IRMutator::visit(op);
        if (!promoted_.count(op->buffer.get())) return load;
        return wrap(op->dtype, load, {op->buffer, op->span.defined() ? op->span : statement_span_});
    }

    // T.cast(mask[j], "float32") reads the float directly; a cast to another integer type (the
    // frontend's promotion of mixed integer operands) keeps the element for its parent.
    Expr visit(const CastNode *op) override {
        Expr value = mutate(op->value);
        if (untaken_.count(value.get())) {
            const ElementUse use = untaken_.at(value.get());
            Expr element = *take(value);
            if (op->dtype.is_int()) return wrap(op->dtype, element, use);
            return element->dtype == op->dtype ? element : CastNode::make(op->dtype, element, op->span);
        }
        return value.same_as(op->value) ? self(op) : CastNode::make(op->dtype, value, op->span);
    }

#define TT_COMPARISON_VISIT(N)                                                                                         \
    Expr visit(const N##Node *op) override {                                                                           \
        return compare(NodeKind::N, op);                                                                               \
    }
    TT_COMPARISON_VISIT(EQ)
    TT_COMPARISON_VISIT(NE)
    TT_COMPARISON_VISIT(LT)
    TT_COMPARISON_VISIT(LE)
    TT_COMPARISON_VISIT(GT)
    TT_COMPARISON_VISIT(GE)
#undef TT_COMPARISON_VISIT

    Stmt visit(const BufferStoreNode *op) override {
        if (!promoted_.count(op->buffer.get())) return IRMutator::visit(op);
        if (op->buffer->scope == MemoryScope::Global) refuse_write(op->buffer, op->span);
        Expr value = mutate(op->value);
        Buffer target = mutate_buffer(op->buffer);
        if (std::optional<Expr> element = take(value)) {
            value = (*element)->dtype == target->dtype ? *element : CastNode::make(target->dtype, *element, op->span);
        } else {
            value = float_constant(op->value, target->dtype, op->span);
        }
        std::vector<Expr> indices;
        for (const Expr &index : op->indices) indices.push_back(mutate(index));
        return BufferStoreNode::make(target, value, indices, op->span);
    }

    Stmt visit(const EvaluateNode *op) override {
        const auto *call = op->value.as<CallNode>();
        const bool copy = call && call->op->name == "tl.copy";
        if (!copy && !(call && call->op->name == "tl.fill")) return IRMutator::visit(op);
        const Buffer &dst = call->args[copy ? 1 : 0].as<RegionNode>()->buffer;
        if (!promoted_.count(dst.get())) return IRMutator::visit(op);
        if (dst->scope == MemoryScope::Global) refuse_write(dst, op->span);
        if (copy) return IRMutator::visit(op);
        Expr value = float_constant(call->args[1], promoted_.at(dst.get())->dtype, op->span);
        return EvaluateNode::make(CallNode::make("tl.fill", {mutate(call->args[0]), value}, call->span), op->span);
    }

private:
    /*! A promoted element read that no parent has taken yet. */
    struct ElementUse {
        Buffer original;  ///< the buffer as the kernel declared it
        Span span;
    };

    void promote(const Buffer &b) {
        std::optional<DataType> format = exact_float_for(b->dtype);
        if (format && !promoted_.count(b.get())) {
            promoted_[b.get()] = make_buffer(b->name, b->shape, *format, b->scope, b->span);
        }
    }

    // element CMP constant (either order) compares the element's float with the constant as that
    // float; two elements compare as floats; anything else is left for check_every_element_taken.
    template<typename Comparison> Expr compare(NodeKind kind, const Comparison *op) {
        Expr a = mutate(op->a), b = mutate(op->b);
        std::optional<Expr> a_element = take(a), b_element = take(b);
        if (!a_element && !b_element) {
            if (a.same_as(op->a) && b.same_as(op->b)) return self(op);
            return make_binary(kind, a, b, op->span);
        }
        if (a_element && b_element) {  // two elements: both exact, compared in the wider format
            DataType wider =
                (*a_element)->dtype.bits >= (*b_element)->dtype.bits ? (*a_element)->dtype : (*b_element)->dtype;
            auto widened = [&](const Expr &e) { return e->dtype == wider ? e : CastNode::make(wider, e, op->span); };
            return make_binary(kind, widened(*a_element), widened(*b_element), op->span);
        }
        const Expr &element = a_element ? *a_element : *b_element;
        Expr constant =
            float_constant(a_element ? op->b : op->a, element->dtype, op->span.defined() ? op->span : statement_span_);
        return a_element ? make_binary(kind, element, constant, op->span)
                         : make_binary(kind, constant, element, op->span);
    }

    Expr wrap(const DataType &integer, const Expr &element, const ElementUse &use) {
        Expr wrapper = CastNode::make(integer, element, element->span);
        untaken_[wrapper.get()] = use;
        return wrapper;
    }

    /*! The float inside a wrapped element (which is then taken), or nothing for other expressions. */
    std::optional<Expr> take(const Expr &e) {
        if (!untaken_.erase(e.get())) return std::nullopt;
        return e.as<CastNode>()->value;
    }

    // An integer constant as a float of format (exactly); anything else is an error at span. e is
    // the expression as the kernel wrote it, so the error shows it that way.
    Expr float_constant(const Expr &e, const DataType &format, const Span &span) const {
        int64_t value;
        if (!as_const_int(fold_constants(e), &value)) {
            TT_USER_ERROR(Validation, span)
                << "element-wise math on 8- or 16-bit integer buffers (" << to_text(e)
                << ") is not supported on Tenstorrent yet: they are held as " << format.to_string()
                << " and can only be compared with or set to constants; instead compare with a constant or use "
                << "float buffers";
        }
        const int significant = format.bits == 16 ? 8 : 24;  // bfloat16 and float32 significands
        if (std::llabs(value) > (int64_t{1} << significant)) {
            TT_USER_ERROR(Validation, span) << "the constant " << value << " is not exact in the " << format.to_string()
                                            << " that holds 8- and 16-bit integers on Tenstorrent; instead use a "
                                            << "constant of magnitude at most " << (int64_t{1} << significant);
        }
        return FloatImmNode::make(format, static_cast<double>(value), span);
    }

    [[noreturn]] void refuse_write(const Buffer &tensor, const Span &span) const {
        TT_USER_ERROR(Validation, span)
            << "the kernel writes tensor " << tensor->name << " of dtype " << tensor->dtype.to_string()
            << ", which Tenstorrent holds as " << promoted_.at(tensor.get())->dtype.to_string()
            << " (TT-Metalium v0.67.4's host tilize has no 8-bit integer form), so it can only be read; instead "
            << "write an int32, uint32 or float tensor";
    }

    std::map<const BufferNode *, Buffer> promoted_;
    std::map<const ExprNode *, ElementUse> untaken_;
    Span statement_span_;
};

}  // namespace

PrimFunc promote_tt_narrow_integers(const PrimFunc &func, const PassContext &) {
    NarrowIntegerPromoter promoter(func);
    if (!promoter.any()) return func;
    Stmt body = promoter(func->body);
    promoter.check_every_element_taken();
    std::vector<Buffer> params;
    for (const Buffer &b : func->params) params.push_back(promoter.mutate_buffer(b));
    return make_prim_func(func->name, params, body, func->attrs, func->span);
}

Pass promote_tt_narrow_integers_pass() {
    return Pass{"PromoteTTNarrowIntegers", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return promote_tt_narrow_integers(f, ctx); });
                }};
}

}  // namespace tt::transform
