// The if on data LowerTTTileIntrinsics lowers (contract in tt_masked_loads.h).
#include "transform/tt_masked_loads.h"

#include <set>

#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

namespace {

// e with each listed load replaced by its variable.
Expr substitute_loads(const Expr &e, const std::vector<std::pair<const BufferLoadNode *, Var>> &loads) {
    class Replacer : public IRMutator {
    public:
        explicit Replacer(const std::vector<std::pair<const BufferLoadNode *, Var>> &loads) : loads_(loads) {}

    protected:
        using IRMutator::visit;
        Expr visit(const BufferLoadNode *op) override {
            for (const auto &[load, var] : loads_) {
                if (load == op) return var;
            }
            return IRMutator::visit(op);
        }

    private:
        const std::vector<std::pair<const BufferLoadNode *, Var>> &loads_;
    };
    Replacer replacer(loads);
    return replacer(e);
}

}  // namespace

std::vector<const BufferLoadNode *> global_loads(const Expr &e) {
    std::vector<const BufferLoadNode *> loads;
    post_order_visit(EvaluateNode::make(e), [&](const Node *n) {
        const auto *load = n->kind == NodeKind::BufferLoad ? static_cast<const BufferLoadNode *>(n) : nullptr;
        if (load && load->buffer->scope == MemoryScope::Global) loads.push_back(load);
    });
    return loads;
}

void refuse_masked_if(const IfThenElseNode *op, const std::string &why) {
    TT_USER_ERROR(Validation, op->span)
        << "`if " << to_text(op->cond) << "` around tile operations (T.copy, T.gemm, T.fill, reductions) "
        << "depends on data the kernel reads, which is not supported on Tenstorrent yet: " << why
        << "; the reader, compute and writer kernels must agree on every tile they exchange, and only the "
        << "reader reads the data, so such an if may only hold copies from global memory into the two "
        << "operands of one T.gemm that accumulates, and nothing else (the block-sparse GEMM: "
        << "`if Mask[by, bx, k]: T.copy(A[...], A_s); T.copy(B[...], B_s); T.gemm(A_s, B_s, C)`, the "
        << "reader reading zeros where the mask is 0); instead write the if in that form, decide it from "
        << "block indices and loop counters, or mask element-wise with T.if_then_else inside T.Parallel";
}

MaskedLoads check_masked_loads(const IfThenElseNode *op) {
    if (op->else_case) refuse_masked_if(op, "it has an else branch");
    std::vector<Stmt> body;
    if (const auto *s = op->then_case.as<SeqStmtNode>())
        body = s->seq;
    else
        body = {op->then_case};
    std::set<const BufferNode *> loaded;
    const CallNode *gemm = nullptr;
    for (size_t i = 0; i < body.size(); ++i) {
        const CallNode *call = tile_call(body[i]);
        const bool last = i + 1 == body.size();
        if (call && !last && TileOpLowering::is_global_load(call)) {
            loaded.insert(call->args[1].as<RegionNode>()->buffer.get());
            continue;
        }
        if (call && last && call->op->name == "tl.gemm") {
            gemm = call;
            continue;
        }
        refuse_masked_if(op, last ? "its body does not end with a T.gemm"
                                  : "its body holds more than copies into on-chip buffers before the T.gemm");
    }
    if (loaded.empty()) refuse_masked_if(op, "its body copies no operand of the T.gemm from global memory");
    const auto operand = [&](size_t i) { return gemm->args[i].as<RegionNode>()->buffer.get(); };
    if (!is_false(gemm->args[5])) refuse_masked_if(op, "its T.gemm clears the accumulator (clear_accum=True)");
    std::set<const BufferNode *> operands{operand(0), operand(1)};
    if (operands != loaded || loaded.count(operand(2))) {
        refuse_masked_if(op, "its copies do not fill exactly the two operands of the T.gemm");
    }
    // The condition may read elements of global tensors and use block indices, loop counters and
    // lets; the reader computes it, reading each element first.
    post_order_visit(EvaluateNode::make(op->cond), [&](const Node *n) {
        const auto *load = n->kind == NodeKind::BufferLoad ? static_cast<const BufferLoadNode *>(n) : nullptr;
        if (load && load->buffer->scope != MemoryScope::Global)
            refuse_masked_if(op, "it reads the on-chip buffer " + load->buffer->name);
        if (n->kind == NodeKind::Call) refuse_masked_if(op, "it calls " + static_cast<const CallNode *>(n)->op->name);
        if (load) {
            for (const Expr &index : load->indices) {
                if (!global_loads(index).empty())
                    refuse_masked_if(op, "it indexes a tensor with an element of another");
            }
        }
    });
    std::vector<std::pair<const BufferLoadNode *, Var>> elements;
    for (const BufferLoadNode *load : global_loads(op->cond)) {
        elements.push_back({load, make_var(load->buffer->name + "_value", load->dtype, op->span)});
    }
    return MaskedLoads{substitute_loads(op->cond, elements), elements};
}

}  // namespace tt::transform
