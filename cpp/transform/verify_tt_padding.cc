// The padding check of narrow tiles (contract in verify_tt_padding.h).
#include "transform/verify_tt_padding.h"

#include <cmath>
#include <set>
#include <string>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! A flag argument of a tile op (T.gemm's transpose_A/B: boolean immediates). */
bool flag_of(const CallNode *op, size_t i) {
    const auto *imm = op->args[i].as<IntImmNode>();
    return imm && imm->value != 0;
}

/*! The padded buffers whose padding some write may make non-zero: an element-wise store that is
 *  not zero where the padded loads it reads are (exp(x), x - mean), a T.fill with another value, a
 *  T.copy of such a buffer. Collected to a fixed point, so a write later in a loop body counts for
 *  the reads before it. */
class DirtyPadding : public IRVisitor {
public:
    DirtyPadding(const std::map<const BufferNode *, int> &padded, std::set<const BufferNode *> &dirty)
        : padded_(padded), dirty_(dirty) {}
    using IRVisitor::visit;

protected:
    void visit(const BufferStoreNode *op) override {
        auto it = padded_.find(op->buffer.get());
        if (it != padded_.end() && !zero_at_padding(op->value, op->indices[it->second]))
            dirty_.insert(op->buffer.get());
        IRVisitor::visit(op);
    }

    void visit(const CallNode *op) override {
        const std::string &name = op->op->name;
        if (name == "tl.fill") {
            const RegionNode *region = op->args[0].as<RegionNode>();
            const bool zero = (op->args[1]->kind == NodeKind::FloatImm && op->args[1].as<FloatImmNode>()->value == 0) ||
                              (op->args[1]->kind == NodeKind::IntImm && op->args[1].as<IntImmNode>()->value == 0);
            if (region && padded_.count(region->buffer.get()) && !zero) dirty_.insert(region->buffer.get());
        }
        if (name == "tl.copy") {
            const RegionNode *src = op->args[0].as<RegionNode>(), *dst = op->args[1].as<RegionNode>();
            if (src && dst && dirty_.count(src->buffer.get()) && padded_.count(dst->buffer.get()))
                dirty_.insert(dst->buffer.get());
        }
        if (name == "tl.gemm") {
            // C's columns are B's (its rows with transpose_B): B's padding there becomes C's.
            const RegionNode *b = op->args[1].as<RegionNode>(), *c = op->args[2].as<RegionNode>();
            const int columns_of_b = flag_of(op, 4) ? 0 : 1;
            auto it = b ? padded_.find(b->buffer.get()) : padded_.end();
            if (it != padded_.end() && it->second == columns_of_b && dirty_.count(b->buffer.get()) && c &&
                padded_.count(c->buffer.get()))
                dirty_.insert(c->buffer.get());
        }
        IRVisitor::visit(op);
    }

private:
    // Whether e is zero wherever every load of a padded buffer at `column` (on its padded axis)
    // is zero.
    bool zero_at_padding(const Expr &e, const Expr &column) const {
        Expr a, b;
        switch (e->kind) {
        case NodeKind::IntImm: return e.as<IntImmNode>()->value == 0;
        case NodeKind::FloatImm: return e.as<FloatImmNode>()->value == 0;
        case NodeKind::BufferLoad: {
            const auto *load = e.as<BufferLoadNode>();
            auto it = padded_.find(load->buffer.get());
            return it != padded_.end() && load->indices[it->second].get() == column.get() &&
                   !dirty_.count(load->buffer.get());
        }
        case NodeKind::Cast: return zero_at_padding(e.as<CastNode>()->value, column);
        case NodeKind::Select: {
            const auto *s = e.as<SelectNode>();
            return zero_at_padding(s->true_value, column) && zero_at_padding(s->false_value, column);
        }
        // A zero times a finite value: the other factor must not be inf or NaN there (1 / x, log x).
        case NodeKind::Mul:
            binary_operands(e, &a, &b);
            return (zero_at_padding(a, column) && finite_at_padding(b, column)) ||
                   (zero_at_padding(b, column) && finite_at_padding(a, column));
        case NodeKind::Call: return keeps_zero(e.as<CallNode>()) && zero_at_padding(e.as<CallNode>()->args[0], column);
        case NodeKind::Div: binary_operands(e, &a, &b); return zero_at_padding(a, column) && !reads_padded(b);
        case NodeKind::Add:
        case NodeKind::Sub:
        case NodeKind::Min:
        case NodeKind::Max: binary_operands(e, &a, &b); return zero_at_padding(a, column) && zero_at_padding(b, column);
        default: return false;
        }
    }

    // Whether e is finite wherever every load of a padded buffer at `column` is its padding (zero
    // when clean); loads of other buffers are the kernel's data, taken to be finite.
    bool finite_at_padding(const Expr &e, const Expr &column) const {
        Expr a, b;
        switch (e->kind) {
        case NodeKind::IntImm: return true;
        case NodeKind::FloatImm: return std::isfinite(e.as<FloatImmNode>()->value);
        case NodeKind::BufferLoad: {
            const auto *load = e.as<BufferLoadNode>();
            auto it = padded_.find(load->buffer.get());
            return it == padded_.end() || load->indices[it->second].get() != column.get() ||
                   !dirty_.count(load->buffer.get());
        }
        case NodeKind::Cast: return finite_at_padding(e.as<CastNode>()->value, column);
        case NodeKind::Select: {
            const auto *s = e.as<SelectNode>();
            return finite_at_padding(s->true_value, column) && finite_at_padding(s->false_value, column);
        }
        case NodeKind::Div: binary_operands(e, &a, &b); return finite_at_padding(a, column) && !reads_padded(b);
        case NodeKind::Add:
        case NodeKind::Sub:
        case NodeKind::Mul:
        case NodeKind::Min:
        case NodeKind::Max:
            binary_operands(e, &a, &b);
            return finite_at_padding(a, column) && finite_at_padding(b, column);
        case NodeKind::Call: {
            const auto *call = e.as<CallNode>();
            return keeps_finite(call) && finite_at_padding(call->args[0], column);
        }
        default: return false;
        }
    }

    static std::string function_of(const CallNode *call) {
        const std::string &name = call->op->name;
        return name.rfind("tl.", 0) == 0 ? name.substr(3) : name;
    }
    // f(0) = 0.
    static bool keeps_zero(const CallNode *call) {
        static const std::set<std::string> names = {"abs",  "sqrt",   "tanh", "sin",  "erf",
                                                    "relu", "square", "neg",  "gelu", "silu"};
        return call->args.size() == 1 && names.count(function_of(call));
    }
    // f(x) finite for finite x (up to overflow).
    static bool keeps_finite(const CallNode *call) {
        static const std::set<std::string> names = {"abs", "tanh", "sin",  "cos", "erf",  "relu",   "square",
                                                    "neg", "gelu", "silu", "exp", "exp2", "sigmoid"};
        return call->args.size() == 1 && names.count(function_of(call));
    }

    bool reads_padded(const Expr &e) const {
        struct Loads : IRVisitor {
            const std::map<const BufferNode *, int> &padded;
            bool found = false;
            explicit Loads(const std::map<const BufferNode *, int> &p) : padded(p) {}
            using IRVisitor::visit;
            void visit(const BufferLoadNode *op) override {
                found = found || padded.count(op->buffer.get());
                IRVisitor::visit(op);
            }
        } loads(padded_);
        loads(e);
        return loads.found;
    }

    const std::map<const BufferNode *, int> &padded_;
    std::set<const BufferNode *> &dirty_;
};

/*! The reads that need zero padding: a T.gemm sums over its operands' padded axis, which adds
 *  nothing only while both are zero there (non-zero padding may be inf or NaN, which a zero does not
 *  cancel); and one reducing over the padding rows of a block of fewer than 32 rows. (Reductions
 *  mask the padding themselves, tt_tile_reduce.cc.) */
class PaddingChecker : public LocatingVisitor {
public:
    PaddingChecker(const std::map<const BufferNode *, int> &padded, const std::set<const BufferNode *> &padded_rows,
                   const std::set<const BufferNode *> &dirty, bool passed_on)
        : padded_(padded), padded_rows_(padded_rows), dirty_(dirty), passed_on_(passed_on) {}
    using LocatingVisitor::visit;

protected:
    void visit(const CallNode *op) override {
        if (op->op->name == "tl.copy" && passed_on_) {
            // The tensor's tiles keep the padding a later launch reads as part of them.
            const RegionNode *src = op->args[0].as<RegionNode>(), *dst = op->args[1].as<RegionNode>();
            auto it = src ? padded_.find(src->buffer.get()) : padded_.end();
            if (it != padded_.end() && dst && dst->buffer->scope == MemoryScope::Global &&
                padded_.count(dst->buffer.get()) && dirty_.count(src->buffer.get())) {
                TT_USER_ERROR(Validation, statement_span())
                    << "this T.copy writes " << src->buffer->name << " into " << dst->buffer->name << " for a later "
                    << "launch, but element-wise math (an exp, a sum with another value, a fill) has made the "
                    << "padding of " << src->buffer->name << "'s tiles past its "
                    << to_text(src->buffer->shape[it->second])
                    << " columns non-zero, and the later launch would read it as part of " << dst->buffer->name
                    << "'s tiles; instead keep the padding zero (scale or divide the copied values rather than adding "
                    << "to them), or give " << dst->buffer->name << " a column extent that is a multiple of 32";
            }
        }
        if (op->op->name == "tl.gemm") {
            const bool transpose_a = flag_of(op, 3), transpose_b = flag_of(op, 4);
            // The operand whose rows the gemm sums over: B, or A when transposed.
            const RegionNode *a = op->args[0].as<RegionNode>(), *b = op->args[1].as<RegionNode>();
            const RegionNode *summed = transpose_a ? a : b;
            if (summed && padded_rows_.count(summed->buffer.get())) {
                refuse_rows(summed->buffer, "T.gemm summing over the rows of " + summed->buffer->name,
                            "a block of 32 rows (or a multiple) for the operand the gemm reduces over");
            }
            for (const auto &[operand, axis] : {std::pair{a, transpose_a ? 0 : 1}, std::pair{b, transpose_b ? 1 : 0}}) {
                if (!operand || !dirty_along(operand->buffer, axis)) continue;
                int64_t extent = 0;
                as_const_int(operand->buffer->shape[axis], &extent);
                TT_USER_ERROR(Validation, statement_span())
                    << "T.gemm of " << a->buffer->name << " and " << b->buffer->name << " is not supported on "
                    << "Tenstorrent yet: it sums over the " << extent << " elements of dimension " << axis << " of "
                    << operand->buffer->name << ", padded to whole tiles, and element-wise math (an exp, a sum with "
                    << "another value, a fill) has made that padding non-zero, so it would add to the result; instead "
                    << "keep the padding zero (scale or divide the copied values rather than adding to them), or use "
                    << "an extent that is a multiple of 32";
            }
        }
        LocatingVisitor::visit(op);
    }

private:
    bool dirty_along(const Buffer &buffer, int axis) const {
        auto it = padded_.find(buffer.get());
        return it != padded_.end() && it->second == axis && dirty_.count(buffer.get());
    }

    void refuse_rows(const Buffer &buffer, const std::string &what, const std::string &instead) const {
        int64_t rows = 0;
        as_const_int(buffer->shape[buffer->shape.size() - 2], &rows);
        TT_USER_ERROR(Validation, statement_span())
            << what << " is not supported on Tenstorrent yet: " << buffer->name << " has " << rows << " rows, so its "
            << "tiles end in " << kTileRows - rows << " rows of padding that tile operations compute on too, and this "
            << "would mix them into the result; instead use " << instead;
    }

    const std::map<const BufferNode *, int> &padded_;
    const std::set<const BufferNode *> &padded_rows_;
    const std::set<const BufferNode *> &dirty_;
    bool passed_on_;
};

}  // namespace

void verify_tt_padding(const PrimFunc &func, const std::map<const BufferNode *, int> &padded,
                       const std::set<const BufferNode *> &padded_rows, bool passed_on) {
    if (padded.empty() && padded_rows.empty()) return;
    std::set<const BufferNode *> dirty;
    for (size_t before = SIZE_MAX; before != dirty.size();) {
        before = dirty.size();
        DirtyPadding(padded, dirty)(func->body);
    }
    PaddingChecker(padded, padded_rows, dirty, passed_on)(func->body);
}

}  // namespace tt::transform
