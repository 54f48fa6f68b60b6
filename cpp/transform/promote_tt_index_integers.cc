// PromoteTTIndexIntegers: int32 buffers whose values compute builds from indices are held as
// float32 (contract in promote_tt_index_integers.h).
#include "transform/promote_tt_index_integers.h"

#include <algorithm>
#include <map>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::transform {

namespace {

using namespace ir;

constexpr int64_t kExact = int64_t{1} << 24;  // float32 holds every integer up to this magnitude
constexpr int64_t kExactReduce = int64_t{1} << 11;  // so does tf32, in which the matrix engine reduces

// A 32-bit integer tensor, or tile buffer (not a scalar alloc_var / alloc_local, which stays an integer).
bool is_int32(const Buffer &b) {
    const bool tiles = b->scope == MemoryScope::Global || b->scope == MemoryScope::Shared ||
                       b->scope == MemoryScope::Fragment;
    return tiles && b->dtype.is_int() && b->dtype.bits == 32;
}

bool is_global(const Buffer &b) {
    return b->scope == MemoryScope::Global;
}

const RegionNode *region_arg(const CallNode *call, size_t i) {
    return call->args[i].as<RegionNode>();
}

/*! The integers an index expression can take. */
struct Interval {
    int64_t lo, hi;
};

class IndexIntegerPromoter : public IRMutator {
public:
    explicit IndexIntegerPromoter(const PrimFunc &func) {
        std::vector<std::pair<Buffer, Buffer>> copies;  // (src, dst) of copies into int32 buffers
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::BufferStore) {
                const auto *store = static_cast<const BufferStoreNode *>(n);
                if (is_int32(store->buffer)) promoted_.emplace(store->buffer.get(), store->buffer);
            } else if (n->kind == NodeKind::BufferLoad) {
                const auto *load = static_cast<const BufferLoadNode *>(n);
                if (is_global(load->buffer)) reads_.emplace(load->buffer.get(), load->span);
            } else if (n->kind == NodeKind::Call) {
                const auto *call = static_cast<const CallNode *>(n);
                const std::string &op = call->op->name;
                if (op == "tl.copy" && is_global(region_arg(call, 0)->buffer)) {
                    reads_.emplace(region_arg(call, 0)->buffer.get(), call->span);
                }
                if (op == "tl.copy" && is_int32(region_arg(call, 1)->buffer)) {
                    copies.push_back({region_arg(call, 0)->buffer, region_arg(call, 1)->buffer});
                }
                const size_t written = op == "tl.fill" ? 0 : op == "tl.reduce" ? 1 : 2;
                if (written < 2 && is_int32(region_arg(call, written)->buffer)) {
                    promoted_.emplace(region_arg(call, written)->buffer.get(), region_arg(call, written)->buffer);
                }
            }
        });
        for (bool grew = true; grew;) {  // copies carry index values on
            grew = false;
            for (const auto &[src, dst] : copies) {
                if (promoted_.count(src.get()) && !promoted_.count(dst.get())) {
                    promoted_.emplace(dst.get(), dst);
                    grew = true;
                }
            }
        }
        for (auto &[node, buffer] : promoted_) {
            if (is_global(buffer) && reads_.count(node)) {
                TT_USER_ERROR(Validation, reads_.at(node))
                    << "the kernel reads tensor " << buffer->name << ", whose int32 values it also computes; "
                    << "Tenstorrent holds computed int32 values as float32 (exact up to 2^24), so such a tensor is "
                    << "only written; instead write the results to a separate output tensor";
            }
            buffer = make_buffer(buffer->name, buffer->shape, DataType::float32(), buffer->scope, buffer->span);
        }
        find_ranges(func);
    }

    bool any() const { return !promoted_.empty(); }

    Buffer mutate_buffer(const Buffer &b) override {
        auto it = promoted_.find(b.get());
        return it == promoted_.end() ? b : it->second;
    }

    Stmt mutate(const Stmt &s) override {
        const Span outer = statement_span_;
        if (s->span.defined()) statement_span_ = s->span;
        Stmt out = IRMutator::mutate(s);
        statement_span_ = outer;
        return out;
    }
    using IRMutator::mutate;

protected:
    using IRMutator::visit;

    Stmt visit(const KernelLaunchNode *op) override {
        for (size_t d = 0; d < op->block_vars.size(); ++d) bound(op->block_vars[d], make_int(0), op->extents[d]);
        return IRMutator::visit(op);
    }
    Stmt visit(const ForNode *op) override {
        bound(op->loop_var, op->min, op->extent);
        return IRMutator::visit(op);
    }
    Stmt visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        return IRMutator::visit(op);
    }

    Stmt visit(const BufferStoreNode *op) override {
        if (!promoted_.count(op->buffer.get())) return IRMutator::visit(op);
        Expr value = index_value(op->value, op->buffer, op->span);
        bool changed = false;
        return BufferStoreNode::make(mutate_buffer(op->buffer), value, mutate_all(op->indices, &changed), op->span);
    }

    Stmt visit(const EvaluateNode *op) override {
        const auto *call = op->value.as<CallNode>();
        const std::string name = call ? call->op->name : "";
        const size_t written = name == "tl.fill" ? 0 : name == "tl.copy" || name == "tl.reduce" ? 1 : 2;
        const Buffer target = call && written < 2 ? region_arg(call, written)->buffer : Buffer();
        if (!target || !promoted_.count(target.get())) return IRMutator::visit(op);
        if (name == "tl.fill") {
            Expr value = index_value(call->args[1], target, op->span);
            return EvaluateNode::make(CallNode::make("tl.fill", {mutate(call->args[0]), value}, call->span), op->span);
        }
        const Buffer &src = region_arg(call, 0)->buffer;
        const StringImmNode *kind = name == "tl.reduce" ? call->args[2].as<StringImmNode>() : nullptr;
        if (!promoted_.count(src.get()) || (kind && kind->value != "max" && kind->value != "min")) {
            TT_USER_ERROR(Validation, op->span)
                << (kind ? "T.reduce_" + kind->value : std::string("T.copy")) << " of " << src->name << " into "
                << target->name << " is not supported on Tenstorrent yet: int32 values computed on chip are held "
                << "as float32, exact for integers up to 2^24, so " << target->name << " may only receive such "
                << "values (T.fill, T.Parallel stores of indices, T.reduce_max / T.reduce_min of them); instead "
                << (kind ? "reduce such values with max or min, or reduce into a float32 buffer"
                        : "read the data into a float32 buffer");
        }
        auto known = ranges_.find(src.get());
        if (kind && (known == ranges_.end() || std::max(-known->second.lo, known->second.hi) > kExactReduce)) {
            TT_USER_ERROR(Validation, op->span)
                << "T.reduce_" << kind->value << " of " << src->name << " is not supported on Tenstorrent yet: the "
                << "matrix engine reduces float32 as tf32, exact for integers of magnitude at most 2048, and "
                << src->name << " may hold "
                << (known == ranges_.end() ? std::string("larger values") : range_text(known->second))
                << "; instead reduce indices of blocks at most 2048 wide";
        }
        return IRMutator::visit(op);
    }

    Expr visit(const BufferLoadNode *op) override {
        if (!promoted_.count(op->buffer.get())) return IRMutator::visit(op);
        TT_USER_ERROR(Validation, op->span.defined() ? op->span : statement_span_)
            << "integer math on " << op->buffer->name << "[...] is not supported on Tenstorrent yet: its int32 "
            << "values are held as float32 and are compared, selected, cast to a float type or stored into "
            << "int32 buffers of such values; instead write T.cast(" << op->buffer->name << "[...], \"float32\")";
    }

    Expr visit(const CastNode *op) override {
        if (!op->dtype.is_float() || !reads_promoted(op->value)) return IRMutator::visit(op);
        Expr value = index_value(op->value, Buffer(), op->span);
        return op->dtype == value->dtype ? value : CastNode::make(op->dtype, value, op->span);
    }

#define TT_COMPARISON_VISIT(N)                                                                                         \
    Expr visit(const N##Node *op) override {                                                                           \
        if (!reads_promoted(op->a) && !reads_promoted(op->b)) return IRMutator::visit(op);                             \
        return make_binary(NodeKind::N, as_float(op->a, op->span), as_float(op->b, op->span), op->span);               \
    }
    TT_COMPARISON_VISIT(EQ)
    TT_COMPARISON_VISIT(NE)
    TT_COMPARISON_VISIT(LT)
    TT_COMPARISON_VISIT(LE)
    TT_COMPARISON_VISIT(GT)
    TT_COMPARISON_VISIT(GE)
#undef TT_COMPARISON_VISIT

private:
    // The integers each promoted buffer can hold: the hull of what its fills, stores and copies put
    // there, iterated while it grows (a buffer updated from itself); unknown (not recorded) when it
    // does not settle. Loop and block indices are bounded by their loops first.
    void find_ranges(const PrimFunc &func) {
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::For) {
                const auto *loop = static_cast<const ForNode *>(n);
                bound(loop->loop_var, loop->min, loop->extent);
            } else if (n->kind == NodeKind::KernelLaunch) {
                const auto *launch = static_cast<const KernelLaunchNode *>(n);
                for (size_t d = 0; d < launch->block_vars.size(); ++d)
                    bound(launch->block_vars[d], make_int(0), launch->extents[d]);
            }
        });
        for (int round = 0; round < 8; ++round) {
            std::map<const BufferNode *, Interval> next = ranges_;
            bool open = false;
            auto widen = [&](const BufferNode *b, const Interval &r) {
                auto it = next.find(b);
                if (it == next.end()) next.emplace(b, r);
                else it->second = {std::min(it->second.lo, r.lo), std::max(it->second.hi, r.hi)};
            };
            post_order_visit(func->body, [&](const Node *n) {
                Interval r{0, 0};
                if (n->kind == NodeKind::BufferStore) {
                    const auto *store = static_cast<const BufferStoreNode *>(n);
                    if (promoted_.count(store->buffer.get()) && ranged(store->value, &r)) widen(store->buffer.get(), r);
                    else if (promoted_.count(store->buffer.get())) open = true;
                } else if (n->kind == NodeKind::Call) {
                    const auto *call = static_cast<const CallNode *>(n);
                    const std::string &op = call->op->name;
                    if (op == "tl.fill" && promoted_.count(region_arg(call, 0)->buffer.get())) {
                        if (ranged(call->args[1], &r)) widen(region_arg(call, 0)->buffer.get(), r);
                    } else if ((op == "tl.copy" || op == "tl.reduce") &&
                               promoted_.count(region_arg(call, 1)->buffer.get())) {
                        auto from = ranges_.find(region_arg(call, 0)->buffer.get());
                        if (from != ranges_.end()) widen(region_arg(call, 1)->buffer.get(), from->second);
                        else open = true;
                    }
                }
            });
            const bool settled = !open && next.size() == ranges_.size() &&
                                 std::equal(next.begin(), next.end(), ranges_.begin(), [](const auto &a, const auto &b) {
                                     return a.second.lo == b.second.lo && a.second.hi == b.second.hi;
                                 });
            ranges_ = next;
            if (settled) return;
        }
        ranges_.clear();  // did not settle: nothing is known
    }

    // The range of an index expression, false when it is outside the rule (reported where it is
    // translated).
    bool ranged(const Expr &e, Interval *range) {
        bool unknown = false;  // a promoted buffer whose range is not found yet: wait for a later round
        post_order_visit(EvaluateNode::make(e), [&](const Node *n) {
            unknown = unknown || (n->kind == NodeKind::BufferLoad &&
                                  promoted_.count(static_cast<const BufferLoadNode *>(n)->buffer.get()) &&
                                  !ranges_.count(static_cast<const BufferLoadNode *>(n)->buffer.get()));
        });
        if (unknown) return false;
        try {
            translate(e, Buffer(), Span(), range);
            return std::max(-range->lo, range->hi) <= kExact;
        } catch (const Error &) {
            return false;
        }
    }

    void bound(const Var &v, const Expr &min, const Expr &extent) {
        int64_t lo, trips;
        if (as_const_int(fold_constants(min), &lo) && as_const_int(fold_constants(extent), &trips) && trips >= 1) {
            loops_[v.get()] = Interval{lo, lo + trips - 1};
        }
    }

    bool reads_promoted(const Expr &e) const {
        bool found = false;
        post_order_visit(EvaluateNode::make(e), [&](const Node *n) {
            found = found || (n->kind == NodeKind::BufferLoad &&
                              promoted_.count(static_cast<const BufferLoadNode *>(n)->buffer.get()));
        });
        return found;
    }

    // A side of a comparison with an element of a promoted buffer: float values stay, an index
    // expression becomes its float32 value.
    Expr as_float(const Expr &e, const Span &span) {
        return e->dtype.is_float() ? mutate(e) : index_value(e, Buffer(), span);
    }

    Expr index_value(const Expr &e, const Buffer &target, const Span &span) {
        Interval range{0, 0};
        Expr value = translate(e, target, span, &range);
        if (std::max(-range.lo, range.hi) > kExact) refuse(e, target, span, "it may reach " + range_text(range));
        return value;
    }

    static std::string range_text(const Interval &r) {
        return "[" + std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]";
    }

    // e as a float32 expression with the same value, and the integers it can take.
    Expr translate(const Expr &e, const Buffer &target, const Span &span, Interval *range) {
        int64_t c;
        if (as_const_int(e, &c)) {
            *range = {c, c};
            return FloatImmNode::make(DataType::float32(), static_cast<double>(c), e->span);
        }
        if (const auto *f = e.as<FloatImmNode>(); f && f->value == static_cast<double>(static_cast<int64_t>(f->value))) {
            *range = {static_cast<int64_t>(f->value), static_cast<int64_t>(f->value)};
            return FloatImmNode::make(DataType::float32(), f->value, e->span);
        }
        if (const auto *var = e.as<VarNode>()) {
            if (auto let = lets_.find(var); let != lets_.end()) return translate(let->second, target, span, range);
            auto loop = loops_.find(var);
            if (loop == loops_.end()) refuse(e, target, span, var->name + " has no constant range");
            *range = loop->second;
            return CastNode::make(DataType::float32(), e, e->span);
        }
        if (const auto *load = e.as<BufferLoadNode>(); load && promoted_.count(load->buffer.get())) {
            auto known = ranges_.find(load->buffer.get());
            *range = known == ranges_.end() ? Interval{-kExact, kExact} : known->second;
            bool changed = false;
            return BufferLoadNode::make(mutate_buffer(load->buffer), mutate_all(load->indices, &changed), load->span);
        }
        if (const auto *load = e.as<BufferLoadNode>()) {
            refuse(e, target, span, load->buffer->name + "'s elements are data read from memory, not provably below 2^24");
        }
        if (const auto *cast = e.as<CastNode>(); cast && cast->dtype.is_int()) {
            return translate(cast->value, target, span, range);
        }
        if (const auto *select = e.as<SelectNode>()) {
            Interval a, b;
            Expr t = translate(select->true_value, target, span, &a), f = translate(select->false_value, target, span, &b);
            *range = {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
            return SelectNode::make(mutate(select->cond), t, f, e->span);
        }
        static const std::set<NodeKind> arithmetic = {NodeKind::Add, NodeKind::Sub, NodeKind::Mul, NodeKind::Max,
                                                      NodeKind::Min};
        Expr a_expr, b_expr;
        if (!arithmetic.count(e->kind) || !binary_operands(e, &a_expr, &b_expr)) {
            refuse(e, target, span, "it is not built from integer constants, loop indices and such elements");
        }
        Interval a, b;
        Expr x = translate(a_expr, target, span, &a), y = translate(b_expr, target, span, &b);
        std::vector<int64_t> ends;
        switch (e->kind) {
        case NodeKind::Add: ends = {a.lo + b.lo, a.hi + b.hi}; break;
        case NodeKind::Sub: ends = {a.lo - b.hi, a.hi - b.lo}; break;
        case NodeKind::Mul: ends = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi}; break;
        case NodeKind::Max: ends = {std::max(a.lo, b.lo), std::max(a.hi, b.hi)}; break;
        default: ends = {std::min(a.lo, b.lo), std::min(a.hi, b.hi)}; break;
        }
        *range = {*std::min_element(ends.begin(), ends.end()), *std::max_element(ends.begin(), ends.end())};
        if (std::max(-range->lo, range->hi) > kExact) refuse(e, target, span, "it may reach " + range_text(*range));
        return make_binary(e->kind, x, y, e->span);
    }

    [[noreturn]] void refuse(const Expr &e, const Buffer &target, const Span &span, const std::string &why) const {
        TT_USER_ERROR(Validation, span.defined() ? span : statement_span_)
            << "the int32 value " << to_text(e) << (target ? " stored into " + target->name : std::string())
            << " is not supported on Tenstorrent yet: " << why << ", and int32 values computed on chip are held "
            << "as float32, exact for integers of magnitude at most 2^24 built from integer constants, loop "
            << "indices and elements of such buffers with + - *, max, min and T.if_then_else; instead compute "
            << "it in a float32 buffer or keep it within that form";
    }

    std::map<const BufferNode *, Buffer> promoted_;  ///< int32 buffers of computed values -> float32
    std::map<const BufferNode *, Span> reads_;       ///< global buffers the kernel reads, first read
    std::map<const VarNode *, Interval> loops_;      ///< loop and block indices with constant ranges
    std::map<const BufferNode *, Interval> ranges_;  ///< what each promoted buffer can hold (find_ranges)
    std::map<const VarNode *, Expr> lets_;
    Span statement_span_;
};

}  // namespace

PrimFunc promote_tt_index_integers(const PrimFunc &func, const PassContext &) {
    IndexIntegerPromoter promoter(func);
    if (!promoter.any()) return func;
    Stmt body = promoter(func->body);
    std::vector<Buffer> params;
    for (const Buffer &b : func->params) params.push_back(promoter.mutate_buffer(b));
    return make_prim_func(func->name, params, body, func->attrs, func->span);
}

Pass promote_tt_index_integers_pass() {
    return Pass{"PromoteTTIndexIntegers", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return promote_tt_index_integers(f, ctx); });
                }};
}

}  // namespace tt::transform
