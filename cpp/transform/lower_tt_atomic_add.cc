// LowerTTAtomicAdd: T.atomic_add becomes a read-modify-write by the block that owns the destination;
// a split axis joins the K loop (contract in lower_tt_atomic_add.h).
#include "transform/lower_tt_atomic_add.h"

#include <cstdlib>
#include <optional>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_split_k.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

namespace {

using namespace ir;

const RegionNode *region_arg(const CallNode *call, size_t i) {
    return call->args[i].as<RegionNode>();
}

/*! The tl.atomic_add a statement evaluates, or null. */
const CallNode *atomic_add_call(const Stmt &s) {
    const CallNode *call = tile_call(s);
    return call && call->op->name == "tl.atomic_add" ? call : nullptr;
}

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
        if (const CallNode *call = atomic_add_call(s)) found.push_back({s, call, loops_});
    }

private:
    std::vector<const ForNode *> loops_;
};

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
            if (uses_var(r.min, v)) in_dim.push_back(v);
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
        std::optional<AffineForm> form = affine_form(r.min);
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

/*! T.atomic_add(dst, value) as dst = dst + value, element by element (see file comment). */
class ReadModifyWrite : public IRMutator {
protected:
    using IRMutator::visit;
    Stmt visit(const EvaluateNode *op) override {
        Stmt s = self(op);
        const CallNode *call = atomic_add_call(s);
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

/*! Checks that the blocks of split axis `axis` write no global element in common other than by
 *  T.atomic_add: such a write would be a race between them in TileLang (the last block's value
 *  wins), which running them in order on one core would hide. Lets that depend on the axis count
 *  as the axis. */
class SplitWriteCheck : public IRVisitor {
public:
    explicit SplitWriteCheck(const Var &axis) : axis_(axis), dependent_{axis.get()} {}

protected:
    using IRVisitor::visit;
    void visit(const LetStmtNode *op) override {
        if (depends(op->value)) dependent_.insert(op->var.get());
        IRVisitor::visit(op);
    }
    void visit(const BufferStoreNode *op) override { check(op->buffer, op->indices, op->span); }
    void visit(const EvaluateNode *op) override {
        const CallNode *call = tile_call(std::static_pointer_cast<const StmtNode>(op->shared_from_this()));
        const std::string name = call ? call->op->name : "";
        const size_t dst = name == "tl.copy" || name == "tl.reduce" ? 1 : name == "tl.fill" ? 0 : SIZE_MAX;
        if (dst == SIZE_MAX) return;
        const RegionNode *region = region_arg(call, dst);
        std::vector<Expr> starts;
        for (const Range &r : region->ranges) starts.push_back(r.min);
        check(region->buffer, starts, op->span);
    }

private:
    bool depends(const Expr &e) const {
        for (const VarNode *v : dependent_)
            if (uses_var(e, std::static_pointer_cast<const VarNode>(v->shared_from_this()))) return true;
        return false;
    }
    void check(const Buffer &buf, const std::vector<Expr> &index, const Span &at) const {
        if (buf->scope != MemoryScope::Global) return;
        for (const Expr &e : index)
            if (depends(e)) return;
        TT_USER_ERROR(Validation, at)
            << "blocks that differ only in '" << axis_->name << "' all write the same elements of " << buf->name
            << " here, without T.atomic_add; in TileLang the last block's value would win, so the result is "
               "undefined. Index "
            << buf->name << " by '" << axis_->name << "' (one result per block), or add into it with T.atomic_add";
    }

    Var axis_;
    std::set<const VarNode *> dependent_;
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
    // A split axis: a block variable (of more than one block) that some add's destination leaves
    // out, so the blocks differing in it add into the same elements.
    std::vector<Var> split;
    for (size_t d = 0; d < launch->block_vars.size(); ++d) {
        const Var &v = launch->block_vars[d];
        int64_t blocks;
        if (as_const_int(launch->extents[d], &blocks) && blocks == 1) continue;
        bool every = true;
        for (const AtomicAdd &add : adds) {
            bool indexes = false;
            for (const Range &r : region_arg(add.call, 0)->ranges) indexes = indexes || uses_var(r.min, v);
            every = every && indexes;
        }
        if (!every) split.push_back(v);
    }
    std::vector<Expr> extents = launch->extents;
    std::vector<Var> vars = launch->block_vars;
    Stmt body = launch->body;
    if (split.size() > 1) {
        TT_USER_ERROR(Validation, adds[0].stmt->span)
            << "T.atomic_add destinations leave out block variables '" << split[0]->name << "' and '" << split[1]->name
            << "', so blocks differing in either add into the same elements; tilelang-tt runs such blocks in order "
               "on one core for one split axis (split-K's bz); merge the split into one block variable";
    }
    if (split.size() == 1) {
        size_t d = 0;
        while (vars[d].get() != split[0].get()) ++d;
        std::vector<Stmt> add_stmts;
        for (const AtomicAdd &add : adds) add_stmts.push_back(add.stmt);
        // The split-K form sums the axis in one accumulator: only when no add keeps the axis apart.
        bool some_add_indexes = false;
        for (const AtomicAdd &add : adds)
            for (const Range &r : region_arg(add.call, 0)->ranges) some_add_indexes = some_add_indexes || uses_var(r.min, split[0]);
        std::optional<Stmt> fused;
        if (!some_add_indexes) fused = fuse_split_axis(body, split[0], launch->extents[d], add_stmts);
        if (fused) {
            body = *fused;
        } else {
            // Any other body: the axis's blocks run whole, one after another, on the core that owns
            // their destinations; their adds are read-modify-writes in that order.
            SplitWriteCheck check(split[0]);
            check(body);
            body = ForNode::make(split[0], make_int(0), launch->extents[d], ForKind::Serial, body, 0, {},
                                 launch->span);
        }
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
