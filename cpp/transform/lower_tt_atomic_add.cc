// LowerTTAtomicAdd: T.atomic_add becomes a read-modify-write by the block that owns the destination;
// a split axis joins the K loop (contract in lower_tt_atomic_add.h).
#include "transform/lower_tt_atomic_add.h"

#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::transform {

namespace {

using namespace ir;

const CallNode *call_named(const Stmt &s, const char *name) {
    if (!s || s->kind != NodeKind::Evaluate) return nullptr;
    const Expr &value = static_cast<const EvaluateNode *>(s.get())->value;
    if (value->kind != NodeKind::Call) return nullptr;
    const auto *call = static_cast<const CallNode *>(value.get());
    return call->op->name == name ? call : nullptr;
}

const RegionNode *region_arg(const CallNode *call, size_t i) {
    return call->args[i]->kind == NodeKind::Region ? static_cast<const RegionNode *>(call->args[i].get()) : nullptr;
}

bool uses(const Stmt &s, const Var &v) {
    bool found = false;
    post_order_visit(s, [&](const Node *n) { found = found || n == v.get(); });
    return found;
}
bool uses(const Expr &e, const Var &v) { return uses(EvaluateNode::make(e), v); }

/*! One T.atomic_add and the loops around it inside its launch, outermost first. */
struct AtomicAdd {
    Stmt stmt;
    const CallNode *call;
    std::vector<const ForNode *> loops;
};

class AtomicAddFinder : public IRVisitor {
public:
    std::vector<AtomicAdd> found;

protected:
    void visit(const ForNode *op) override {
        loops_.push_back(op);
        IRVisitor::visit(op);
        loops_.pop_back();
    }
    void visit(const EvaluateNode *op) override {
        Stmt s = std::static_pointer_cast<const StmtNode>(op->shared_from_this());
        if (const CallNode *call = call_named(s, "tl.atomic_add")) found.push_back({s, call, loops_});
    }

private:
    std::vector<const ForNode *> loops_;
};

/*! e as sum(coef * var) + offset, when it is affine in its variables. */
struct Affine {
    std::map<const VarNode *, int64_t> coef;
    int64_t offset = 0;
};
std::optional<Affine> affine(const Expr &e) {
    Affine out;
    int64_t c;
    if (as_const_int(e, &c)) {
        out.offset = c;
        return out;
    }
    if (e->kind == NodeKind::Var) {
        out.coef[static_cast<const VarNode *>(e.get())] = 1;
        return out;
    }
    Expr a, b;
    if (!binary_operands(e, &a, &b)) return std::nullopt;
    std::optional<Affine> x = affine(a), y = affine(b);
    if (!x || !y) return std::nullopt;
    if (e->kind == NodeKind::Add || e->kind == NodeKind::Sub) {
        const int64_t sign = e->kind == NodeKind::Add ? 1 : -1;
        for (const auto &[v, k] : y->coef) x->coef[v] += sign * k;
        x->offset += sign * y->offset;
        return x;
    }
    if (e->kind == NodeKind::Mul && (x->coef.empty() || y->coef.empty())) {
        const Affine &scaled = x->coef.empty() ? *y : *x;
        const int64_t k = x->coef.empty() ? x->offset : y->offset;
        out.offset = scaled.offset * k;
        for (const auto &[v, kv] : scaled.coef) out.coef[v] = kv * k;
        return out;
    }
    return std::nullopt;
}

/*! Checks that the blocks of the launch that differ in a block variable indexing add's
 *  destination add into disjoint elements: per destination dimension at most one block variable,
 *  whose stride is at least the elements one block covers in that dimension. */
void check_disjoint(const AtomicAdd &add, const std::vector<Var> &grid) {
    const RegionNode *dst = region_arg(add.call, 0);
    const Span at = add.stmt->span;
    for (size_t d = 0; d < dst->ranges.size(); ++d) {
        const Range &r = dst->ranges[d];
        std::vector<Var> in_dim;
        for (const Var &v : grid)
            if (uses(r.min, v)) in_dim.push_back(v);
        if (in_dim.empty()) continue;
        const std::string index = to_text(r.min);
        const auto refuse = [&](const std::string &why) {
            TT_USER_ERROR(Validation, at)
                << "T.atomic_add into " << dst->buffer->name << ": " << why << " (index " << index << " of dimension "
                << d << "), so the compiler cannot show that different blocks add into different elements; "
                << "Tenstorrent has no atomic add to memory, so each destination element must belong to one block: "
                   "index each destination dimension by one block variable times a stride of at least the block's "
                   "extent there (C[by * block_M + i, bx * block_N + j]), and leave the block variable that splits "
                   "the sum (split-K's bz) out of the destination";
        };
        if (in_dim.size() > 1) refuse("two block variables, " + in_dim[0]->name + " and " + in_dim[1]->name + ", index one dimension");
        std::optional<Affine> form = affine(r.min);
        int64_t span;
        if (!form || !as_const_int(r.extent, &span)) refuse("the index is not affine in the block and loop variables");
        const VarNode *block = in_dim[0].get();
        const int64_t stride = std::llabs(form->coef[block]);
        for (const auto &[v, k] : form->coef) {
            if (v == block || k == 0) continue;
            const ForNode *loop = nullptr;
            for (const ForNode *l : add.loops)
                if (l->loop_var.get() == v) loop = l;
            int64_t trips;
            if (!loop || !as_const_int(loop->extent, &trips))
                refuse("'" + v->name + "' is neither a block variable nor a loop of constant trip count around it");
            span += std::llabs(k) * (trips - 1);
        }
        if (span > stride) {
            refuse("blocks " + block->name + " = b and b + 1 are " + std::to_string(stride) +
                   " elements apart but each covers " + std::to_string(span));
        }
    }
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
        int64_t clear = 0;
        as_const_int(call->args[5], &clear);
        ok = ok && !clear && (!acc || acc == c);
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
    case NodeKind::Evaluate: return call_named(s, "tl.atomic_add") != nullptr;
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
    const CallNode *fill = call_named(s, "tl.fill");
    double zero = 1;
    if (!fill || region_arg(fill, 0)->buffer != acc) return false;
    const Expr &v = fill->args[1];
    int64_t i;
    if (as_const_int(v, &i)) return i == 0;
    if (v->kind == NodeKind::FloatImm) zero = static_cast<const FloatImmNode *>(v.get())->value;
    return zero == 0;
}

/*! Checks that the value an add adds is (a cast of) an element or a region of one of `sources`. */
void check_added_value(const AtomicAdd &add, const std::set<const BufferNode *> &sources, const Var &axis) {
    const Expr &value = add.call->args[1];
    const Expr &load = value->kind == NodeKind::Cast ? static_cast<const CastNode *>(value.get())->value : value;
    const BufferNode *from = nullptr;
    if (load->kind == NodeKind::BufferLoad) from = static_cast<const BufferLoadNode *>(load.get())->buffer.get();
    if (load->kind == NodeKind::Region) from = static_cast<const RegionNode *>(load.get())->buffer.get();
    if (!from || !sources.count(from)) {
        not_split_k(add.stmt->span, axis,
                    "this T.atomic_add adds " + to_text(value) +
                        ", not the gemm accumulator of the split loop (or its copy)");
    }
}

/*! The launch body with the split axis's loop extended over the axis (see file comment). */
Stmt fuse_split(const Stmt &body, const Var &axis, const Expr &split_extent, const std::vector<AtomicAdd> &adds) {
    if (body->kind == NodeKind::Allocate) {
        const auto *a = static_cast<const AllocateNode *>(body.get());
        return AllocateNode::make(a->buffer, fuse_split(a->body, axis, split_extent, adds), a->span);
    }
    if (body->kind == NodeKind::LetStmt) {
        const auto *let = static_cast<const LetStmtNode *>(body.get());
        if (uses(let->value, axis)) not_split_k(let->span, axis, "this let uses the split axis outside its loop");
        return LetStmtNode::make(let->var, let->value, fuse_split(let->body, axis, split_extent, adds), let->span);
    }
    std::vector<Stmt> seq = body->kind == NodeKind::SeqStmt ? static_cast<const SeqStmtNode *>(body.get())->seq
                                                              : std::vector<Stmt>{body};
    size_t at = seq.size();
    for (size_t i = 0; i < seq.size(); ++i) {
        if (!uses(seq[i], axis)) continue;
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
        const CallNode *copy = call_named(seq[i], "tl.copy");
        if (copy && region_arg(copy, 0)->buffer == acc && region_arg(copy, 1)->buffer->scope != MemoryScope::Global) {
            sources.insert(region_arg(copy, 1)->buffer.get());
            continue;
        }
        if (!only_adds(seq[i]))
            not_split_k(seq[i]->span, axis,
                        "this statement after the split loop is neither a T.copy of " + acc->name +
                            " nor T.atomic_adds; after the loop " + acc->name +
                            " holds the sum over all splits, so only the adds of it may follow");
    }
    for (const AtomicAdd &add : adds) check_added_value(add, sources, axis);
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

/*! T.atomic_add(dst, value) as dst = dst + value, element by element (see file comment). */
class ReadModifyWrite : public IRMutator {
protected:
    using IRMutator::visit;
    Stmt visit(const EvaluateNode *op) override {
        Stmt s = self(op);
        const CallNode *call = call_named(s, "tl.atomic_add");
        if (!call) return s;
        const RegionNode *dst = region_arg(call, 0);
        if (const RegionNode *src = region_arg(call, 1)) return tile_update(dst, src, op->span);
        std::vector<Expr> index;
        for (const Range &r : dst->ranges) index.push_back(r.min);
        return update(dst->buffer, index, call->args[1], op->span);
    }

private:
    static Stmt update(const Buffer &buf, const std::vector<Expr> &index, const Expr &value, const Span &at) {
        const Expr current = BufferLoadNode::make(buf, index, at);
        const Expr sum = promote_binary(NodeKind::Add, current, convert(value, buf->dtype, at), at);
        return BufferStoreNode::make(buf, convert(sum, buf->dtype, at), index, at);
    }
    /*! The tile form: a T.Parallel nest over the non-unit extents, which must agree in order. */
    static Stmt tile_update(const RegionNode *dst, const RegionNode *src, const Span &at) {
        const auto spanned = [](const RegionNode *r) {
            std::vector<size_t> dims;
            int64_t e;
            for (size_t d = 0; d < r->ranges.size(); ++d)
                if (!as_const_int(r->ranges[d].extent, &e) || e != 1) dims.push_back(d);
            return dims;
        };
        const std::vector<size_t> dst_dims = spanned(dst), src_dims = spanned(src);
        bool same = dst_dims.size() == src_dims.size();
        for (size_t k = 0; same && k < dst_dims.size(); ++k)
            same = to_text(dst->ranges[dst_dims[k]].extent) == to_text(src->ranges[src_dims[k]].extent);
        if (!same) {
            TT_USER_ERROR(Validation, at)
                << "T.atomic_add adds " << to_text(Expr(std::static_pointer_cast<const ExprNode>(src->shared_from_this())))
                << " into " << to_text(Expr(std::static_pointer_cast<const ExprNode>(dst->shared_from_this())))
                << ", whose extents differ; give the value the destination's extents";
        }
        static const char *names[] = {"i", "j", "k", "l"};
        std::vector<Var> vars;
        for (size_t k = 0; k < dst_dims.size(); ++k) vars.push_back(make_var(names[std::min<size_t>(k, 3)], DataType::int32(), at));
        const auto index = [&](const RegionNode *r, const std::vector<size_t> &dims) {
            std::vector<Expr> out;
            for (const Range &range : r->ranges) out.push_back(range.min);
            for (size_t k = 0; k < dims.size(); ++k)
                out[dims[k]] = fold_constants(promote_binary(NodeKind::Add, out[dims[k]], vars[k], at));
            return out;
        };
        Stmt body = update(dst->buffer, index(dst, dst_dims),
                           BufferLoadNode::make(src->buffer, index(src, src_dims), at), at);
        for (size_t k = dst_dims.size(); k-- > 0;)
            body = ForNode::make(vars[k], make_int(0), dst->ranges[dst_dims[k]].extent, ForKind::Parallel, body, 0, {}, at);
        return body;
    }
};

/*! Checks every add of a launch and returns the launch lowered (see file comment). */
Stmt lower_launch(const KernelLaunchNode *launch, const std::vector<AtomicAdd> &adds) {
    for (const AtomicAdd &add : adds) {
        const RegionNode *dst = region_arg(add.call, 0);
        const Buffer &buf = dst->buffer;
        const Span at = add.stmt->span;
        if (buf->scope != MemoryScope::Global) {
            TT_USER_ERROR(Validation, at)
                << "T.atomic_add into " << buf->name << ", a " << scope_name(buf->scope)
                << " buffer: on Tenstorrent a block's on-chip buffers belong to the one core running it, whose "
                   "statements run in order, so there is nothing to make atomic; write the update itself ("
                << buf->name << "[i] = " << buf->name << "[i] + value in a T.Parallel, or T.reduce_sum). T.atomic_add "
                << "is supported into a global tensor";
        }
        if (!buf->dtype.is_float()) {
            TT_USER_ERROR(Validation, at)
                << "T.atomic_add into " << buf->name << ", a " << buf->dtype.to_string()
                << " tensor: integer atomics are not supported on Tenstorrent (its tile engines add floating-point "
                   "values); make "
                << buf->name << " float32 (bfloat16 and float16 work too), or count in a float32 tensor";
        }
        if (add.call->args[1]->kind != NodeKind::Region) {
            int64_t e;
            for (const Range &r : dst->ranges) {
                if (!as_const_int(r.extent, &e) || e != 1) {
                    TT_USER_ERROR(Validation, at)
                        << "T.atomic_add adds the number " << to_text(add.call->args[1]) << " into a region of "
                        << buf->name << "; add a buffer of the region's extents, or one element per T.Parallel "
                           "iteration (T.atomic_add(C[i0 + i, j0 + j], C_shared[i, j]))";
                }
            }
        }
        check_disjoint(add, launch->block_vars);
    }
    std::vector<Var> split;
    for (const Var &v : launch->block_vars) {
        bool indexes = false;
        for (const AtomicAdd &add : adds)
            for (const Range &r : region_arg(add.call, 0)->ranges) indexes = indexes || uses(r.min, v);
        if (!indexes) split.push_back(v);
    }
    std::vector<Expr> extents = launch->extents;
    std::vector<Var> vars = launch->block_vars;
    Stmt body = launch->body;
    if (split.size() > 1) {
        TT_USER_ERROR(Validation, adds[0].stmt->span)
            << "no T.atomic_add destination uses block variables '" << split[0]->name << "' and '" << split[1]->name
            << "', so blocks differing in either add into the same elements; tilelang-tt runs such blocks in order "
               "on one core for one split axis (split-K's bz); merge the split into one block variable";
    }
    if (split.size() == 1) {
        size_t d = 0;
        while (vars[d].get() != split[0].get()) ++d;
        body = fuse_split(body, split[0], launch->extents[d], adds);
        extents.erase(extents.begin() + static_cast<long>(d));
        vars.erase(vars.begin() + static_cast<long>(d));
        if (vars.empty()) {
            extents.push_back(make_int(1));
            vars.push_back(make_var("bx"));
        }
    }
    ReadModifyWrite rmw;
    return KernelLaunchNode::make(extents, vars, launch->threads, rmw(body), launch->span);
}

class AtomicAddLowering : public IRMutator {
protected:
    using IRMutator::visit;
    Stmt visit(const KernelLaunchNode *op) override {
        AtomicAddFinder finder;
        finder(op->body);
        if (finder.found.empty()) return self(op);
        return lower_launch(op, finder.found);
    }
};

}  // namespace

PrimFunc lower_tt_atomic_add(const PrimFunc &func, const PassContext &) {
    AtomicAddLowering lowering;
    Stmt body = lowering(func->body);
    return body.same_as(func->body) ? func : with_body(func, body);
}

Pass lower_tt_atomic_add_pass() {
    return Pass{"LowerTTAtomicAdd", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return lower_tt_atomic_add(f, ctx); });
                }};
}

}  // namespace tt::transform
