// A GEMM's final value packed straight into the writer's CB (see tt_gemm_delivery.h).
#include "transform/tt_gemm_delivery.h"

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

using namespace ir;

namespace {

int count_of(const std::map<const BufferNode *, int> &uses, const BufferNode *buffer) {
    auto it = uses.find(buffer);
    return it == uses.end() ? 0 : it->second;
}

}  // namespace

std::optional<GemmDelivery> find_delivery(const std::vector<Stmt> &stmts, size_t i) {
    if (i == 0 || i + 1 >= stmts.size()) return std::nullopt;
    const auto *loop = stmts[i].as<ForNode>();
    const std::optional<int64_t> trips = loop ? folded_int(loop->extent) : std::nullopt;
    if (!loop || loop->for_kind == ForKind::Parallel || !trips || *trips < 1) return std::nullopt;
    const CallNode *copy = tile_call(stmts[i + 1]), *defined = tile_call(stmts[i - 1]);
    if (!copy || copy->op->name != "tl.copy" || !defined || defined->op->name != "tl.fill") return std::nullopt;
    const auto *src = copy->args[0].as<RegionNode>(), *dst = copy->args[1].as<RegionNode>();
    const auto *filled = defined->args[0].as<RegionNode>();
    if (!src || !dst || !filled || !is_on_chip(src->buffer) || is_on_chip(dst->buffer) || !covers_whole(src) ||
        filled->buffer.get() != src->buffer.get() || !covers_whole(filled))
        return std::nullopt;
    const BufferNode *acc = src->buffer.get();
    // C's one use in the loop: T.gemm into it, adding (no clear_accum), a statement of the loop's
    // own body, so that it runs once per step (not in a nested loop). A block mask's `if` around
    // the body (tt_masked_loads.h) makes the reader read or zero the operands; compute multiplies
    // on every step, and LowerTTTileIntrinsics refuses any other if around a T.gemm.
    Stmt steps = loop->body;
    if (const auto *masked = steps.as<IfThenElseNode>(); masked && !masked->else_case) steps = masked->then_case;
    const auto *body = steps.as<SeqStmtNode>();
    int gemms = 0;
    for (const Stmt &s : body ? body->seq : std::vector<Stmt>{steps}) {
        const CallNode *call = tile_call(s);
        const auto *c = call && call->op->name == "tl.gemm" ? call->args[2].as<RegionNode>() : nullptr;
        gemms += c && c->buffer.get() == acc && covers_whole(c) && is_false(call->args[5]);
    }
    if (gemms != 1 || count_of(buffer_uses(loop->body), acc) != 1) return std::nullopt;
    for (size_t later = i + 2; later < stmts.size(); ++later) {
        if (count_of(buffer_uses(stmts[later]), acc)) return std::nullopt;
    }
    return GemmDelivery{loop, src->buffer, dst->buffer};
}

}  // namespace tt::transform
