// The padding checks: narrow tiles, and blocks past a tensor's edge (contract in verify_tt_padding.h).
#include "transform/verify_tt_padding.h"

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
        if (it != padded_.end() && !at_column(op->indices[it->second]).zero(op->value)) dirty_.insert(op->buffer.get());
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
            const int columns_of_b = flag_arg(op, 4) ? 0 : 1;
            auto it = b ? padded_.find(b->buffer.get()) : padded_.end();
            if (it != padded_.end() && it->second == columns_of_b && dirty_.count(b->buffer.get()) && c &&
                padded_.count(c->buffer.get()))
                dirty_.insert(c->buffer.get());
        }
        IRVisitor::visit(op);
    }

private:
    // The padding of a store at `column` (its index on the padded axis): that of the loads of
    // padded buffers at the same column, zero while their buffers are clean.
    PaddingValue at_column(const Expr &column) const {
        auto padding = [this, column](const BufferLoadNode *load) {
            auto it = padded_.find(load->buffer.get());
            return it != padded_.end() && load->indices[it->second].get() == column.get();
        };
        auto clean = [this](const BufferLoadNode *load) { return !dirty_.count(load->buffer.get()); };
        return PaddingValue([=](const BufferLoadNode *load) { return padding(load) && clean(load); },
                            [=](const BufferLoadNode *load) { return !padding(load) || clean(load); },
                            [this](const BufferLoadNode *load) { return padded_.count(load->buffer.get()) > 0; });
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
            const bool transpose_a = flag_arg(op, 3), transpose_b = flag_arg(op, 4);
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

const char *folded_value(const std::string &kind) {
    return kind == "sum" || kind == "abssum" ? "sum" : kind == "min" ? "minimum" : "maximum";
}

/*! The reductions whose source must be read only inside the tensors' edges: each one's source
 *  region along the folded axis, `0:T.min(extent, tensor extent - start, ...)`. */
class InsideRegions : public IRMutator {
public:
    explicit InsideRegions(std::map<const CallNode *, std::vector<Edge>> masked) : masked_(std::move(masked)) {}

protected:
    using IRMutator::visit;
    Expr visit(const CallNode *op) override {
        auto it = masked_.find(op);
        if (it == masked_.end()) return IRMutator::visit(op);
        const auto *src = op->args[0].as<RegionNode>();
        int64_t dim = 1;
        as_const_int(op->args[3], &dim);
        std::vector<Range> ranges = src->ranges;
        Expr inside = ranges[dim].extent;
        for (const Edge &e : it->second) inside = MinNode::make(inside, SubNode::make(e.extent, e.start));
        ranges[dim].extent = inside;
        std::vector<Expr> args = op->args;
        args[0] = RegionNode::make(src->buffer, ranges, src->span);
        return CallNode::make(op->op->name, args, op->span);
    }

private:
    std::map<const CallNode *, std::vector<Edge>> masked_;
};

/*! Which reductions mask their source past the tensors' edges, and the error for one whose
 *  elements past the edge cannot be located. A zero adds nothing to a sum and is no larger than
 *  any magnitude, so sums and maxima of magnitudes of zero padding need no mask. */
std::map<const CallNode *, std::vector<Edge>> masked_reductions(const std::vector<FoldedReduction> &all) {
    std::map<const CallNode *, std::vector<Edge>> masked;
    for (const auto &[call, folded, span] : all) {
        const std::string kind = call->args[2].as<StringImmNode>()->value;
        const bool zero_adds_nothing = kind == "sum" || kind == "abssum" || kind == "absmax";
        if (!folded.past_edge() || (zero_adds_nothing && folded.zero)) continue;
        if (folded.kind == Overhang::Edges) {
            masked[call] = folded.edges;
            continue;
        }
        TT_ICHECK(!folded.edges.empty()) << "elements past an edge of no tensor";
        const auto *src = call->args[0].as<RegionNode>();
        const Edge &edge = folded.edges.front();
        TT_USER_ERROR(Validation, span)
            << "T.reduce_" << kind << " of " << src->buffer->name << " along dim " << to_text(call->args[3])
            << " is not supported on Tenstorrent yet: its elements along that "
            << "dimension come from blocks of " << edge.tensor->name << " that run past its edge (" << edge.size()
            << " elements along dimension " << edge.axis << "), accumulated across the loop that copies them or "
            << "kept past the scope of their start, so the compiler cannot tell which elements lie past the edge "
            << "and their padding would enter the " << folded_value(kind) << "; instead reduce each block in the "
            << "loop that copies it (T.reduce_" << kind << "(..., clear=False) carries the result across blocks), "
            << "or use blocks that divide the extent";
    }
    return masked;
}

}  // namespace

PrimFunc verify_tt_padding(const PrimFunc &func, const std::map<const BufferNode *, int> &padded,
                           const std::set<const BufferNode *> &padded_rows, const RaggedAxes &ragged, bool passed_on) {
    if (!padded.empty() || !padded_rows.empty()) {
        std::set<const BufferNode *> dirty;
        for (size_t before = SIZE_MAX; before != dirty.size();) {
            before = dirty.size();
            DirtyPadding(padded, dirty)(func->body);
        }
        PaddingChecker(padded, padded_rows, dirty, passed_on)(func->body);
    }
    if (ragged.empty()) return func;
    std::map<const CallNode *, std::vector<Edge>> masked =
        masked_reductions(reductions_past_the_edge(func->body, ragged));
    return masked.empty() ? func : with_body(func, InsideRegions(std::move(masked))(func->body));
}

}  // namespace tt::transform
