// The split-K form of a launch whose T.atomic_adds leave one block variable out (contract in
// tt_split_k.h).
#include "transform/tt_split_k.h"

#include <cstdlib>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

namespace {

using namespace ir;

const RegionNode *region_arg(const CallNode *call, size_t i) {
    return call->args[i].as<RegionNode>();
}

/*! Throws the error for a launch with a split axis that is not in the split-K form. */
[[noreturn]] void not_split_k(const Span &at, const Var &axis, const std::string &what) {
    TT_USER_ERROR(Validation, at)
        << what << ". No T.atomic_add destination uses block variable '" << axis->name
        << "', so all its blocks add into the same elements; Tenstorrent has no atomic add to memory, so "
           "tilelang-tt runs these blocks in order on one core, which it can do for the split-K GEMM form: "
           "T.clear(acc), one loop whose body uses '"
        << axis->name
        << "' and accumulates T.gemm(..., acc), then T.copy(acc, acc_copy) and T.atomic_add of acc or acc_copy. "
           "Write the kernel in that form, or index the destination by '"
        << axis->name << "' (one result per block) and sum the results in a second kernel";
    std::abort();
}

/*! The accumulator a gemm of `loop` writes (all gemms must write the same, accumulating). */
Buffer loop_accumulator(const ForNode *loop, const Var &axis) {
    Buffer acc;
    bool ok = true;
    post_order_visit(loop->body, [&](const Node *n) {
        if (n->kind != NodeKind::Call) return;
        const auto *call = static_cast<const CallNode *>(n);
        if (call->op->name != "tl.gemm") return;
        const Buffer &c = region_arg(call, 2)->buffer;
        ok = ok && is_false(call->args[5]) && (!acc || acc == c);  // clear_accum=False
        acc = c;
    });
    if (!acc || !ok)
        not_split_k(loop->span, axis, "this loop over the split does not accumulate T.gemm into one accumulator");
    return acc;
}

/*! Whether s writes buf, other than by the gemms accumulating into it. */
bool writes_other_than_gemm(const Stmt &s, const Buffer &buf) {
    bool found = false;
    post_order_visit(s, [&](const Node *n) {
        if (n->kind == NodeKind::BufferStore) found = found || static_cast<const BufferStoreNode *>(n)->buffer == buf;
        if (n->kind != NodeKind::Call) return;
        const auto *call = static_cast<const CallNode *>(n);
        const std::string &op = call->op->name;
        const size_t dst = op == "tl.copy" || op == "tl.reduce" ? 1 : op == "tl.fill" ? 0 : SIZE_MAX;
        if (dst != SIZE_MAX) found = found || region_arg(call, dst)->buffer == buf;
    });
    return found;
}

/*! Whether s does nothing but T.atomic_adds (in loops, lets and sequences). */
bool only_adds(const Stmt &s) {
    switch (s->kind) {
    case NodeKind::Evaluate: return tile_call(s) && tile_call(s)->op->name == "tl.atomic_add";
    case NodeKind::For: return only_adds(static_cast<const ForNode *>(s.get())->body);
    case NodeKind::LetStmt: return only_adds(static_cast<const LetStmtNode *>(s.get())->body);
    case NodeKind::SeqStmt:
        for (const Stmt &part : static_cast<const SeqStmtNode *>(s.get())->seq)
            if (!only_adds(part)) return false;
        return true;
    default: return false;
    }
}

bool is_clear_of(const Stmt &s, const Buffer &acc) {
    const CallNode *fill = tile_call(s);
    double zero = 1;
    if (!fill || fill->op->name != "tl.fill" || region_arg(fill, 0)->buffer != acc) return false;
    const Expr &v = fill->args[1];
    int64_t i;
    if (as_const_int(v, &i)) return i == 0;
    if (v->kind == NodeKind::FloatImm) zero = static_cast<const FloatImmNode *>(v.get())->value;
    return zero == 0;
}

/*! Checks that the value an add adds is (a cast of) an element or a region of one of `sources`. */
void check_added_value(const Stmt &add, const std::set<const BufferNode *> &sources, const Var &axis) {
    const Expr &value = tile_call(add)->args[1];
    const Expr &load = value->kind == NodeKind::Cast ? static_cast<const CastNode *>(value.get())->value : value;
    const BufferNode *from = nullptr;
    if (load->kind == NodeKind::BufferLoad) from = static_cast<const BufferLoadNode *>(load.get())->buffer.get();
    if (load->kind == NodeKind::Region) from = static_cast<const RegionNode *>(load.get())->buffer.get();
    if (!from || !sources.count(from)) {
        not_split_k(add->span, axis,
                    "this T.atomic_add adds " + to_text(value) +
                        ", not the gemm accumulator of the split loop (or its copy)");
    }
}

/*! The launch body with the split axis's loop extended over the axis (see file comment). */
Stmt fuse_split(const Stmt &body, const Var &axis, const Expr &split_extent, const std::vector<Stmt> &adds) {
    if (body->kind == NodeKind::Allocate) {
        const auto *a = static_cast<const AllocateNode *>(body.get());
        return AllocateNode::make(a->buffer, fuse_split(a->body, axis, split_extent, adds), a->span);
    }
    if (body->kind == NodeKind::LetStmt) {
        const auto *let = static_cast<const LetStmtNode *>(body.get());
        if (uses_var(let->value, axis)) not_split_k(let->span, axis, "this let uses the split axis outside its loop");
        return LetStmtNode::make(let->var, let->value, fuse_split(let->body, axis, split_extent, adds), let->span);
    }
    std::vector<Stmt> seq = body->kind == NodeKind::SeqStmt ? static_cast<const SeqStmtNode *>(body.get())->seq
                                                              : std::vector<Stmt>{body};
    size_t at = seq.size();
    for (size_t i = 0; i < seq.size(); ++i) {
        if (!uses_var(seq[i], axis)) continue;
        if (at != seq.size() || seq[i]->kind != NodeKind::For)
            not_split_k(seq[i]->span, axis, "this statement uses the split axis '" + axis->name + "' outside its one loop");
        at = i;
    }
    if (at == seq.size()) not_split_k(body->span, axis, "no loop of the launch uses the split axis");
    const auto *loop = static_cast<const ForNode *>(seq[at].get());
    const Buffer acc = loop_accumulator(loop, axis);
    if (writes_other_than_gemm(loop->body, acc))
        not_split_k(loop->span, axis, "this loop over the split writes " + acc->name + " other than by T.gemm");
    bool cleared = false;
    for (size_t i = 0; i < at; ++i) {
        if (is_clear_of(seq[i], acc))
            cleared = true;
        else if (writes_other_than_gemm(seq[i], acc))
            not_split_k(seq[i]->span, axis, "this statement before the split loop writes " + acc->name);
    }
    if (!cleared) not_split_k(loop->span, axis, acc->name + " is not cleared (T.clear) before the split loop");
    std::set<const BufferNode *> sources{acc.get()};
    for (size_t i = at + 1; i < seq.size(); ++i) {
        const CallNode *copy = tile_call(seq[i]);
        if (copy && copy->op->name == "tl.copy" && region_arg(copy, 0)->buffer == acc && region_arg(copy, 1)->buffer->scope != MemoryScope::Global) {
            sources.insert(region_arg(copy, 1)->buffer.get());
            continue;
        }
        if (!only_adds(seq[i]))
            not_split_k(seq[i]->span, axis,
                        "this statement after the split loop is neither a T.copy of " + acc->name +
                            " nor T.atomic_adds; after the loop " + acc->name +
                            " holds the sum over all splits, so only the adds of it may follow");
    }
    for (const Stmt &add : adds) check_added_value(add, sources, axis);
    // The loop over the split's K slices: bz = t // n, ko = min + t % n.
    const Expr trips = loop->extent;
    const Var fused = make_var(axis->name + "_" + loop->loop_var->name, loop->loop_var->dtype, loop->loop_var->span);
    const Expr slice = make_binary(NodeKind::FloorDiv, fused, trips, loop->span);
    const Expr step =
        fold_constants(promote_binary(NodeKind::Add, loop->min, make_binary(NodeKind::FloorMod, fused, trips), loop->span));
    Stmt fused_body = substitute(loop->body, [&](const Var &v) -> Expr {
        if (v.get() == axis.get()) return slice;
        if (v.get() == loop->loop_var.get()) return step;
        return Expr();
    });
    const Expr extent = fold_constants(promote_binary(NodeKind::Mul, split_extent, trips, loop->span));
    seq[at] = ForNode::make(fused, make_int(0), extent, loop->for_kind, fused_body, loop->num_stages,
                            loop->annotations, loop->span);
    return seq.size() == 1 ? seq[0] : SeqStmtNode::make(seq, body->span);
}

}  // namespace

Stmt fuse_split_axis(const Stmt &body, const Var &axis, const Expr &extent, const std::vector<Stmt> &adds) {
    return fuse_split(body, axis, extent, adds);
}

}  // namespace tt::transform
