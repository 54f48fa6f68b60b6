// The padding check of narrow tiles (contract in verify_tt_padding.h).
#include "transform/verify_tt_padding.h"

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

namespace {

using namespace ir;

class PaddingChecker : public LocatingVisitor {
public:
    PaddingChecker(const std::map<const BufferNode *, int> &padded, const std::set<const BufferNode *> &padded_rows)
        : padded_(padded), padded_rows_(padded_rows) {}
    using LocatingVisitor::visit;

protected:
    void visit(const BufferStoreNode *op) override {
        auto it = padded_.find(op->buffer.get());
        if (it != padded_.end()) {
            const Expr &column = op->indices[it->second];
            if (!zero_at_padding(op->value, column)) {
                refuse(op->buffer, "the element-wise store " + to_text(op->value) + " into " + op->buffer->name,
                       "a product with " + op->buffer->name +
                           "'s own value (or another padded buffer's at the same "
                           "column), or sums, quotients by other values and casts of such products, as "
                           "acc_o[i, j] *= scale[i]");
            }
        }
        LocatingVisitor::visit(op);
    }

    void visit(const CallNode *op) override {
        const std::string &name = op->op->name;
        if (name == "tl.fill") {
            const RegionNode *region = op->args[0].as<RegionNode>();
            const bool zero = (op->args[1]->kind == NodeKind::FloatImm && op->args[1].as<FloatImmNode>()->value == 0) ||
                              (op->args[1]->kind == NodeKind::IntImm && op->args[1].as<IntImmNode>()->value == 0);
            if (region && padded_.count(region->buffer.get()) && !zero) {
                refuse(region->buffer, "T.fill of " + region->buffer->name + " with " + to_text(op->args[1]),
                       "T.fill with 0, then an element-wise update that keeps the padding zero");
            }
        }
        if (name == "tl.gemm") {
            // The operand whose rows the gemm sums over: B, or A when transposed.
            int64_t transpose_a = 0;
            as_const_int(op->args[3], &transpose_a);
            const RegionNode *summed = op->args[transpose_a ? 0 : 1].as<RegionNode>();
            if (summed && padded_rows_.count(summed->buffer.get())) {
                refuse_rows(summed->buffer, "T.gemm summing over the rows of " + summed->buffer->name,
                            "a block of 32 rows (or a multiple) for the operand the gemm reduces over");
            }
        }
        if (name == "tl.reduce") {
            const RegionNode *src = op->args[0].as<RegionNode>();
            const std::string kind = op->args[2].as<StringImmNode>()->value;
            int64_t dim = -1;
            as_const_int(op->args[3], &dim);
            if (src && padded_rows_.count(src->buffer.get()) && dim + 2 == int64_t(src->buffer->shape.size())) {
                refuse_rows(src->buffer, "T.reduce_" + kind + " of " + src->buffer->name + " over its rows",
                            "a reduction along dimension " + std::to_string(dim + 1) + ", or a block of 32 rows");
            }
            auto it = src ? padded_.find(src->buffer.get()) : padded_.end();
            if (it != padded_.end() && dim == it->second && (kind == "max" || kind == "min")) {
                refuse(src->buffer,
                       "T.reduce_" + kind + " of " + src->buffer->name + " along dimension " + std::to_string(dim),
                       "a reduction along another dimension, or T.reduce_sum / T.reduce_absmax, which zeros do not "
                       "change");
            }
        }
        LocatingVisitor::visit(op);
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
            return it != padded_.end() && load->indices[it->second].get() == column.get();
        }
        case NodeKind::Cast: return zero_at_padding(e.as<CastNode>()->value, column);
        case NodeKind::Select: {
            const auto *s = e.as<SelectNode>();
            return zero_at_padding(s->true_value, column) && zero_at_padding(s->false_value, column);
        }
        case NodeKind::Mul: binary_operands(e, &a, &b); return zero_at_padding(a, column) || zero_at_padding(b, column);
        case NodeKind::Div: binary_operands(e, &a, &b); return zero_at_padding(a, column) && !reads_padded(b);
        case NodeKind::Add:
        case NodeKind::Sub:
        case NodeKind::Min:
        case NodeKind::Max: binary_operands(e, &a, &b); return zero_at_padding(a, column) && zero_at_padding(b, column);
        default: return false;
        }
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

    void refuse(const Buffer &buffer, const std::string &what, const std::string &instead) const {
        const int axis = padded_.at(buffer.get());
        int64_t extent = 0;
        as_const_int(buffer->shape[axis], &extent);
        TT_USER_ERROR(Validation, statement_span())
            << what << " is not supported on Tenstorrent yet: dimension " << axis << " of " << buffer->name
            << " has extent " << extent << ", so its tiles end in " << (extent + 31) / 32 * 32 - extent
            << " columns of zeros that tile operations compute on too, and this would make them non-zero or read "
            << "them; instead use " << instead;
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
};

}  // namespace

void verify_tt_padding(const PrimFunc &func, const std::map<const BufferNode *, int> &padded,
                       const std::set<const BufferNode *> &padded_rows) {
    if (padded.empty() && padded_rows.empty()) return;
    PaddingChecker checker(padded, padded_rows);
    checker(func->body);
}

}  // namespace tt::transform
