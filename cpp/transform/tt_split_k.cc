// The split-K form of a launch whose T.atomic_adds leave one block variable out (contract in
// tt_split_k.h).
#include "transform/tt_split_k.h"

#include <optional>
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

/*! The accumulator a gemm of `loop` writes (all gemms must write the same, accumulating), or null. */
Buffer loop_accumulator(const ForNode *loop) {
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
    return ok ? acc : Buffer();
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

/*! Whether the value an add adds is (a cast of) an element or a region of one of `sources`. */
bool adds_one_of(const Stmt &add, const std::set<const BufferNode *> &sources) {
    const Expr &value = tile_call(add)->args[1];
    const Expr &load = value->kind == NodeKind::Cast ? static_cast<const CastNode *>(value.get())->value : value;
    const BufferNode *from = nullptr;
    if (load->kind == NodeKind::BufferLoad) from = static_cast<const BufferLoadNode *>(load.get())->buffer.get();
    if (load->kind == NodeKind::Region) from = static_cast<const RegionNode *>(load.get())->buffer.get();
    return from && sources.count(from);
}

/*! The launch body with the split axis's loop extended over the axis (see file comment), or
 *  nullopt when the body is not in that form. */
std::optional<Stmt> fuse_split(const Stmt &body, const Var &axis, const Expr &split_extent,
                               const std::vector<Stmt> &adds) {
    if (body->kind == NodeKind::Allocate) {
        const auto *a = static_cast<const AllocateNode *>(body.get());
        std::optional<Stmt> inner = fuse_split(a->body, axis, split_extent, adds);
        return inner ? std::optional<Stmt>(AllocateNode::make(a->buffer, *inner, a->span)) : std::nullopt;
    }
    if (body->kind == NodeKind::LetStmt) {
        const auto *let = static_cast<const LetStmtNode *>(body.get());
        if (uses_var(let->value, axis)) return std::nullopt;
        std::optional<Stmt> inner = fuse_split(let->body, axis, split_extent, adds);
        return inner ? std::optional<Stmt>(LetStmtNode::make(let->var, let->value, *inner, let->span)) : std::nullopt;
    }
    std::vector<Stmt> seq = body->kind == NodeKind::SeqStmt ? static_cast<const SeqStmtNode *>(body.get())->seq
                                                              : std::vector<Stmt>{body};
    size_t at = seq.size();
    for (size_t i = 0; i < seq.size(); ++i) {
        if (!uses_var(seq[i], axis)) continue;
        if (at != seq.size() || seq[i]->kind != NodeKind::For) return std::nullopt;  // the axis outside one loop
        at = i;
    }
    if (at == seq.size()) return std::nullopt;
    const auto *loop = static_cast<const ForNode *>(seq[at].get());
    const Buffer acc = loop_accumulator(loop);
    if (!acc || writes_other_than_gemm(loop->body, acc)) return std::nullopt;
    bool cleared = false;
    for (size_t i = 0; i < at; ++i) {
        if (is_clear_of(seq[i], acc))
            cleared = true;
        else if (writes_other_than_gemm(seq[i], acc))
            return std::nullopt;
    }
    if (!cleared) return std::nullopt;
    std::set<const BufferNode *> sources{acc.get()};
    for (size_t i = at + 1; i < seq.size(); ++i) {
        const CallNode *copy = tile_call(seq[i]);
        if (copy && copy->op->name == "tl.copy" && region_arg(copy, 0)->buffer == acc && region_arg(copy, 1)->buffer->scope != MemoryScope::Global) {
            sources.insert(region_arg(copy, 1)->buffer.get());
            continue;
        }
        // After the loop acc holds the sum over all splits: only its adds may follow.
        if (!only_adds(seq[i])) return std::nullopt;
    }
    for (const Stmt &add : adds)
        if (!adds_one_of(add, sources)) return std::nullopt;
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

std::optional<Stmt> fuse_split_axis(const Stmt &body, const Var &axis, const Expr &extent,
                                    const std::vector<Stmt> &adds) {
    return fuse_split(body, axis, extent, adds);
}

}  // namespace tt::transform
