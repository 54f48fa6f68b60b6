// How padding flows through a kernel's tile operations (contract in padding_flow.h).
#include "transform/padding_flow.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "ir/arith.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"

namespace tt::transform {

using namespace ir;

int64_t Edge::size() const {
    int64_t n = 0;
    as_const_int(extent.as<CallNode>()->args[1], &n);
    return n;
}

bool Edge::operator==(const Edge &other) const {
    const auto &a = extent.as<CallNode>()->args, &b = other.extent.as<CallNode>()->args;
    const std::string formula = a.size() > 2 ? a[2].as<StringImmNode>()->value : "";
    const std::string other_formula = b.size() > 2 ? b[2].as<StringImmNode>()->value : "";
    return size() == other.size() && formula == other_formula && structural_equal(start, other.start);
}

bool Overhang::same_edges(const Overhang &other) const {
    if (edges.size() != other.edges.size()) return false;
    for (const Edge &e : edges) {
        if (std::find(other.edges.begin(), other.edges.end(), e) == other.edges.end()) return false;
    }
    return true;
}

bool Overhang::operator==(const Overhang &other) const {
    return kind == other.kind && zero == other.zero && finite == other.finite && same_edges(other);
}

namespace {

/*! The elements past the edge of a value computed element by element from operands with these
 *  overhangs (along the same axis): those past any operand's edge. Its zero and finite are the
 *  caller's to set. */
Overhang combined(const std::vector<const Overhang *> &operands) {
    Overhang out;
    for (const Overhang *o : operands) {
        if (!o->past_edge()) continue;
        out.kind = std::max(out.kind, o->kind == Overhang::Untracked ? Overhang::Untracked : Overhang::Edges);
        for (const Edge &e : o->edges) {
            if (std::find(out.edges.begin(), out.edges.end(), e) == out.edges.end()) out.edges.push_back(e);
        }
    }
    return out;
}

/*! The overhang of elements whose positions no longer follow from a block's start. */
Overhang untracked(Overhang o) {
    if (o.past_edge()) {
        o.kind = Overhang::Untracked;
        o.zero = false;
    }
    return o;
}

/*! Whether an operand is zero wherever `result` is past the edge (Inside: everywhere). */
bool zero_at(const Overhang &operand, const Overhang &result) {
    if (operand.kind == Overhang::Edges && result.kind == Overhang::Edges) {
        return operand.zero && operand.same_edges(result);
    }
    return operand.zero;
}

/*! Whether an operand is finite where `result` is past the edge (past its own edge: when zero). */
bool finite_at(const Overhang &operand) {
    return operand.past_edge() ? operand.zero : operand.finite;
}

/*! Either path's value: the elements past the edge on either (an Inside path's are its data). */
Overhang either_path(const Overhang &a, const Overhang &b) {
    if (a == b) return a;
    Overhang out = combined({&a, &b});
    if (a.kind == Overhang::Edges && b.kind == Overhang::Edges && !a.same_edges(b)) out.kind = Overhang::Untracked;
    out.zero = a.zero && b.zero;
    out.finite = a.finite && b.finite;
    return out;
}

bool uses_var(const Expr &e, const VarNode *var) {
    bool used = false;
    substitute(e, [&](const Var &v) {
        used = used || v.get() == var;
        return v;
    });
    return used;
}

/*! Whether e reads `target` only as a term of sums and differences (an accumulation). */
bool accumulates_into(const Expr &e, const Buffer &target) {
    if (e->kind == NodeKind::Add || e->kind == NodeKind::Sub) {
        Expr a, b;
        binary_operands(e, &a, &b);
        return accumulates_into(a, target) && accumulates_into(b, target);
    }
    if (const auto *load = e.as<BufferLoadNode>(); load && load->buffer == target) return true;
    bool reads = false;
    for_each_load(e, [&](const BufferLoadNode *load) { reads = reads || load->buffer == target; });
    return !reads;
}

/*! The walk of reductions_past_the_edge (padding_flow.h): the overhangs of every on-chip buffer
 *  at the statement being walked. */
class BlocksPastTheEdge {
public:
    explicit BlocksPastTheEdge(const RaggedAxes &ragged) : ragged_(ragged) {}

    const std::vector<FoldedReduction> &reductions() const { return reductions_; }

    void walk(const Stmt &s) {
        const Span outer = span_;
        if (s->span.defined()) span_ = s->span;
        switch (s->kind) {
        case NodeKind::SeqStmt:
            for (const Stmt &part : static_cast<const SeqStmtNode *>(s.get())->seq) walk(part);
            break;
        case NodeKind::For: loop(static_cast<const ForNode *>(s.get())); break;
        case NodeKind::LetStmt: {
            const auto *let = static_cast<const LetStmtNode *>(s.get());
            lets_[let->var.get()] = let->value;
            walk(let->body);
            lets_.erase(let->var.get());
            forget(let->var.get());
            break;
        }
        case NodeKind::IfThenElse: {
            const auto *branch = static_cast<const IfThenElseNode *>(s.get());
            const Overhangs entry = state_;
            walk(branch->then_case);
            Overhangs taken = state_;
            state_ = entry;
            if (branch->else_case) walk(branch->else_case);
            state_ = joined(taken, state_);
            break;
        }
        case NodeKind::Allocate: walk(static_cast<const AllocateNode *>(s.get())->body); break;
        case NodeKind::KernelLaunch: walk(static_cast<const KernelLaunchNode *>(s.get())->body); break;
        case NodeKind::BufferStore: store(static_cast<const BufferStoreNode *>(s.get())); break;
        case NodeKind::Evaluate:
            if (const auto *call = static_cast<const EvaluateNode *>(s.get())->value.as<CallNode>()) tile_op(call);
            break;
        default: break;
        }
        span_ = outer;
    }

private:
    using Overhangs = std::map<const BufferNode *, std::vector<Overhang>>;

    // A value carried around a loop is the entry value or one an iteration left, whose elements
    // past the edge of blocks the loop variable picks are no longer known.
    void loop(const ForNode *op) {
        if (op->for_kind == ForKind::Parallel) {  // one element-wise program
            walk(op->body);
            return;
        }
        const Overhangs entry = state_;
        Overhangs head = entry;
        for (int round = 0;; ++round) {
            TT_ICHECK(round < 64) << "the overhangs around the loop over " << op->loop_var->name << " do not settle";
            state_ = head;
            walk(op->body);
            forget(op->loop_var.get());
            Overhangs next = joined(entry, state_);
            if (next == head) break;
            head = std::move(next);
        }
        state_ = head;
    }

    // Leaving the scope of var: edges whose start it is part of can no longer be located.
    void forget(const VarNode *var) {
        for (auto &[buffer, axes] : state_) {
            for (Overhang &o : axes) {
                if (o.kind != Overhang::Edges) continue;
                for (const Edge &e : o.edges) {
                    if (uses_var(e.start, var)) o.kind = Overhang::Untracked;
                }
            }
        }
    }

    static Overhangs joined(const Overhangs &a, const Overhangs &b) {
        Overhangs out = a;
        for (const auto &[buffer, axes] : b) {
            auto [it, fresh] = out.emplace(buffer, axes);  // written on one path only: that path's value
            if (fresh || it->second.size() != axes.size()) continue;
            for (size_t d = 0; d < axes.size(); ++d) it->second[d] = either_path(it->second[d], axes[d]);
        }
        return out;
    }

    Overhang axis_of(const Buffer &buffer, size_t d) const {
        auto it = state_.find(buffer.get());
        return it != state_.end() && d < it->second.size() ? it->second[d] : Overhang{};
    }

    void set_all(const Buffer &buffer, const Overhang &o) {
        state_[buffer.get()] = std::vector<Overhang>(buffer->shape.size(), o);
    }

    void tile_op(const CallNode *call) {
        const std::string &name = call->op->name;
        if (name == "tl.copy") copy(call->args[0].as<RegionNode>(), call->args[1].as<RegionNode>());
        if (name == "tl.fill") fill(call->args[0].as<RegionNode>()->buffer, call->args[1]);
        if (name == "tl.gemm") gemm(call);
        if (name == "tl.reduce") reduce(call);
    }

    void copy(const RegionNode *src, const RegionNode *dst) {
        if (!src || !dst || dst->buffer->scope == MemoryScope::Global) return;
        const size_t rank = dst->buffer->shape.size();
        if (src->buffer->scope != MemoryScope::Global) {
            auto it = state_.find(src->buffer.get());
            if (it != state_.end() && it->second.size() == rank) {
                state_[dst->buffer.get()] = it->second;
            } else {
                const std::vector<Overhang> axes = it != state_.end() ? it->second : std::vector<Overhang>{};
                set_all(dst->buffer, untracked(combined(pointers(axes))));
            }
            return;
        }
        // Element k of the block along a tensor axis is element start + k; the copy's axes that
        // move more than one element are the on-chip buffer's last ones, in order.
        std::vector<Overhang> axes(rank);
        const std::vector<int> moved = spanned_axes(src);
        auto ragged = ragged_.find(src->buffer.get());
        const std::map<int, Expr> none;
        const std::map<int, Expr> &extents = ragged != ragged_.end() ? ragged->second : none;
        for (size_t k = 0; k < moved.size() && moved.size() <= rank; ++k) {
            const int t = moved[k];
            auto extent = extents.find(t);
            if (extent == extents.end()) continue;
            Overhang &o = axes[rank - moved.size() + k];
            o.kind = Overhang::Edges;
            o.edges = {Edge{src->ranges[t].min, extent->second, src->buffer, t}};
            o.zero = true;  // the host pads tensors with zeros
        }
        state_[dst->buffer.get()] = axes;
    }

    void fill(const Buffer &buffer, const Expr &value) {
        if (buffer->scope == MemoryScope::Global) return;
        Overhang o;
        const Expr v = fold_constants(inlined(value));
        const auto *f = v.as<FloatImmNode>();
        const auto *i = v.as<IntImmNode>();
        o.zero = (f && f->value == 0) || (i && i->value == 0);
        o.finite = (f && std::isfinite(f->value)) || i;
        set_all(buffer, o);
    }

    // C's rows are A's (its columns with transpose_A), its columns B's (rows with transpose_B).
    void gemm(const CallNode *call) {
        const RegionNode *a = call->args[0].as<RegionNode>(), *b = call->args[1].as<RegionNode>(),
                         *c = call->args[2].as<RegionNode>();
        const int a_rows = flag_arg(call, 3) ? 1 : 0, b_cols = flag_arg(call, 4) ? 0 : 1;
        const Overhang a_summed = axis_of(a->buffer, 1 - a_rows), b_summed = axis_of(b->buffer, 1 - b_cols);
        const Overhang summed = combined({&a_summed, &b_summed});
        if (summed.past_edge() && !zero_at(a_summed, summed) && !zero_at(b_summed, summed)) {
            const Edge &edge = summed.edges.front();
            TT_USER_ERROR(Validation, span_)
                << "T.gemm of " << a->buffer->name << " and " << b->buffer->name << " is not supported on "
                << "Tenstorrent yet: it sums over elements of both that lie past the edge of " << edge.tensor->name
                << " (" << edge.size() << " elements along dimension " << edge.axis << "), where the blocks read "
                << "zeros, and element-wise math has made both non-zero there, so their products would add to the "
                << "result; instead keep one operand a copy of the tensor's block (or zero past the edge)";
        }
        const bool accumulate = !flag_arg(call, 5);
        std::vector<Overhang> out(2);
        const Overhang operands[2] = {axis_of(a->buffer, a_rows), axis_of(b->buffer, b_cols)};
        for (size_t d = 0; d < 2; ++d) {
            const Overhang old = axis_of(c->buffer, d);
            out[d] = accumulate ? combined({&operands[d], &old}) : combined({&operands[d]});
            out[d].zero = zero_at(operands[d], out[d]) && (!accumulate || zero_at(old, out[d]));
            out[d].finite = finite_at(operands[d]) && (!accumulate || finite_at(old));
        }
        state_[c->buffer.get()] = out;
    }

    void reduce(const CallNode *call) {
        const RegionNode *src = call->args[0].as<RegionNode>(), *dst = call->args[1].as<RegionNode>();
        int64_t dim = 1;
        as_const_int(call->args[3], &dim);
        if (src->buffer->shape.size() != 2 || dst->buffer->shape.size() != 1 || (dim != 0 && dim != 1)) return;
        record({call, axis_of(src->buffer, dim), span_});
        const Overhang kept = axis_of(src->buffer, 1 - dim), old = axis_of(dst->buffer, 0);
        const bool clear = flag_arg(call, 4);
        Overhang out = clear ? combined({&kept}) : combined({&kept, &old});
        out.zero = zero_at(kept, out) && (clear || zero_at(old, out));
        out.finite = finite_at(kept) && (clear || finite_at(old));
        state_[dst->buffer.get()] = {out};
    }

    // Each element of the target is past an edge where an operand's element at its index is.
    void store(const BufferStoreNode *op) {
        if (op->buffer->scope == MemoryScope::Global) return;
        const Expr value = inlined(op->value);
        std::vector<Overhang> out(op->indices.size());
        for (size_t d = 0; d < out.size(); ++d) {
            const auto *index = op->indices[d].as<VarNode>();
            // Each load's overhang along this element's index: the load's axis indexed by it; a load
            // broadcast along it (`row_max[i]` in a row of j) holds its own data there.
            std::map<const BufferLoadNode *, Overhang> operand;
            for_each_load(value, [&](const BufferLoadNode *load) {
                Overhang o = whole(load->buffer);
                for (size_t b = 0; b < load->indices.size(); ++b) {
                    if (index && load->indices[b].get() == index) o = axis_of(load->buffer, b);
                }
                operand[load] = o;
            });
            std::vector<const Overhang *> operands;
            for (const auto &[load, o] : operand) operands.push_back(&o);
            Overhang &o = out[d] = index ? combined(operands) : untracked(combined(operands));
            const PaddingValue padding([&](const BufferLoadNode *load) { return zero_at(operand.at(load), o); },
                                       [&](const BufferLoadNode *load) { return finite_at(operand.at(load)); },
                                       [&](const BufferLoadNode *load) { return operand.at(load).past_edge(); });
            o.zero = padding.zero(value);
            o.finite = padding.finite(value);
            // Elements an untracked accumulator holds took real values in earlier iterations; only
            // a sum of zeros into them adds nothing.
            if (axis_of(op->buffer, d).kind == Overhang::Untracked && !accumulates_into(value, op->buffer))
                o.zero = false;
        }
        state_[op->buffer.get()] = out;
    }

    // A buffer read whole at each element (a vector broadcast along the other axis): its data,
    // zero or finite as all of it is.
    Overhang whole(const Buffer &buffer) const {
        auto it = state_.find(buffer.get());
        Overhang o;
        o.zero = it != state_.end();
        for (const Overhang &axis : it != state_.end() ? it->second : std::vector<Overhang>{}) {
            o.zero = o.zero && axis.zero && !axis.past_edge();
            o.finite = o.finite && finite_at(axis);
        }
        return o;
    }

    static std::vector<const Overhang *> pointers(const std::vector<Overhang> &axes) {
        std::vector<const Overhang *> out;
        for (const Overhang &o : axes) out.push_back(&o);
        return out;
    }

    Expr inlined(const Expr &e) const {
        return substitute(e, [&](const Var &v) {
            auto it = lets_.find(v.get());
            return it == lets_.end() ? Expr(v) : inlined(it->second);
        });
    }

    // The walks around a loop repeat a reduction: its last walk, at the fixed point, decides.
    void record(const FoldedReduction &r) {
        for (FoldedReduction &seen : reductions_) {
            if (seen.call == r.call) {
                seen = r;
                return;
            }
        }
        reductions_.push_back(r);
    }

    const RaggedAxes &ragged_;
    Overhangs state_;
    std::map<const VarNode *, Expr> lets_;
    std::vector<FoldedReduction> reductions_;
    Span span_;
};

}  // namespace

std::vector<FoldedReduction> reductions_past_the_edge(const Stmt &body, const RaggedAxes &ragged) {
    BlocksPastTheEdge blocks(ragged);
    blocks.walk(body);
    return blocks.reductions();
}

}  // namespace tt::transform
