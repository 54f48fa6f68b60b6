// StageTTElementwise: global tensors of element-wise loops staged through shared tiles
// (contract in stage_tt_elementwise.h).
#include "transform/stage_tt_elementwise.h"

#include <algorithm>
#include <map>
#include <set>

#include "ir/arith.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_gather_loads.h"

namespace tt::transform {

namespace {

using namespace ir;

// Circular buffers are named after their buffers, so a staging buffer takes a name no other
// buffer of the function has (names: those taken so far).
std::string fresh_name(std::set<std::string> &names, const std::string &wanted) {
    std::string name = wanted;
    for (int i = 1; names.count(name); ++i) name = wanted + "_" + std::to_string(i);
    names.insert(name);
    return name;
}

/*! One staged tensor of a nest: where the block starts, and the shared buffer standing in. */
struct Staging {
    std::vector<Expr> bases;
    Buffer tile;
};

// Rewrites one T.Parallel nest; collects the tensors it stages.
class NestStager : public IRMutator {
public:
    NestStager(std::vector<Var> vars, std::vector<int64_t> extents, std::set<std::string> &names,
               std::map<const VarNode *, Expr> lets)
        : vars_(std::move(vars)), extents_(std::move(extents)), names_(names), lets_(std::move(lets)) {}

    std::map<const BufferNode *, Staging> reads, writes;
    std::vector<Buffer> order;  ///< staged tensors in first-access order (reads first where both)

protected:
    using IRMutator::visit;

    Stmt visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        return IRMutator::visit(op);
    }

    Expr visit(const BufferLoadNode *op) override {
        if (op->buffer->scope != MemoryScope::Global) return IRMutator::visit(op);
        const Buffer &tile = stage(reads, op->buffer, op->indices, op->span, "read");
        return BufferLoadNode::make(tile, var_indices(), op->span);
    }

    Stmt visit(const BufferStoreNode *op) override {
        if (op->buffer->scope != MemoryScope::Global) return IRMutator::visit(op);
        Expr value = mutate(op->value);
        const Buffer &tile = stage(writes, op->buffer, op->indices, op->span, "written");
        return BufferStoreNode::make(tile, value, var_indices(), op->span);
    }

private:
    std::vector<Expr> var_indices() const { return std::vector<Expr>(vars_.begin(), vars_.end()); }

    // A let may name an index (row = row0 + r inside the nest, row0 = by * 64 around it): look
    // through it, so the copies name the block start itself and the lowering can place its tiles.
    Expr resolve(const Expr &e) const {
        return substitute(e, [&](const Var &v) {
            auto it = lets_.find(v.get());
            return it == lets_.end() ? Expr(v) : resolve(it->second);
        });
    }

    bool split(const Expr &index, const Var &var, Expr *base) const {
        return block_offset(resolve(index), var, vars_, base);
    }

    const Buffer &stage(std::map<const BufferNode *, Staging> &table, const Buffer &global,
                        const std::vector<Expr> &indices, const Span &span, const char *how) {
        // Leading dimensions beyond the nest's (a batch and a head in front of the rows and columns)
        // name one index each, the same for the whole nest: the block is a 2-D slice of them.
        const size_t lead = global->shape.size() >= vars_.size() ? global->shape.size() - vars_.size() : 0;
        std::vector<Expr> bases(lead + vars_.size());
        bool matches = true;
        for (size_t d = 0; matches && d < lead; ++d) {
            bases[d] = resolve(indices[d]);
            for (const Var &v : vars_) matches = matches && !uses_var(bases[d], v);
        }
        for (size_t d = 0; matches && d < vars_.size(); ++d) matches = split(indices[lead + d], vars_[d], &bases[lead + d]);
        const std::string access = to_text(BufferLoadNode::make(global, indices));
        if (global->shape.size() < vars_.size()) {
            TT_USER_ERROR(Validation, span)
                << "the element-wise access " << access << " is not supported on Tenstorrent yet: a global tensor "
                << "is " << how << " inside T.Parallel as whole tiles of its last dimensions, one per loop "
                << "variable, and " << global->name << " has " << global->shape.size() << " dimensions in a nest of "
                << vars_.size() << "; instead "
                << (std::string(how) == "read"
                        ? "T.copy the block of " + global->name + " into a fragment and read that"
                        : "compute into a fragment and T.copy it to " + global->name);
        }
        if (!matches) {
            TT_USER_ERROR(Validation, span)
                << "the element-wise access " << access << " is not supported on Tenstorrent yet: a global tensor "
                << "is " << how << " inside T.Parallel as whole tiles, one block per loop nest; instead index it ["
                << (lead ? "b, ..., " : "")
                << (vars_.size() == 2 ? "row0 + " + vars_[0]->name + ", col0 + " + vars_[1]->name
                                      : "start + " + vars_[0]->name)
                << "] with " << (lead ? "the leading indices, " : "")
                << (vars_.size() == 2 ? "row0 and col0" : "start") << " independent of the loop variables";
        }
        auto it = table.find(global.get());
        if (it == table.end()) {
            std::vector<Expr> shape;
            for (int64_t extent : extents_) shape.push_back(make_int(extent));
            Buffer tile =
                make_buffer(fresh_name(names_, global->name + "_tile"), shape, global->dtype, MemoryScope::Shared, span);
            if (!reads.count(global.get()) && !writes.count(global.get())) order.push_back(global);
            it = table.emplace(global.get(), Staging{bases, tile}).first;
        } else if (!std::equal(bases.begin(), bases.end(), it->second.bases.begin(),
                               [](const Expr &a, const Expr &b) { return structural_equal(a, b); })) {
            TT_USER_ERROR(Validation, span) << "the element-wise access " << access << " starts at another block of "
                                            << global->name << " than its other accesses in this T.Parallel; "
                                            << "instead access one block of each tensor per loop nest";
        }
        return it->second.tile;
    }

    std::vector<Var> vars_;
    std::vector<int64_t> extents_;
    std::set<std::string> &names_;
    std::map<const VarNode *, Expr> lets_;
};

Stmt copy(const Buffer &from, const std::vector<Expr> &from_bases, const Buffer &to, const std::vector<Expr> &to_bases,
          const Buffer &tile, const Span &span) {
    auto region = [&](const Buffer &b, const std::vector<Expr> &bases) {
        if (bases.empty()) return RegionNode::full(b, span);
        std::vector<Range> ranges;
        const size_t lead = bases.size() - tile->shape.size();
        for (size_t d = 0; d < bases.size(); ++d) ranges.push_back({bases[d], d < lead ? make_int(1) : tile->shape[d - lead]});
        return RegionNode::make(b, ranges, span);
    };
    return EvaluateNode::make(CallNode::make("tl.copy", {region(from, from_bases), region(to, to_bases)}, span), span);
}

class ElementwiseStager : public IRMutator {
public:
    explicit ElementwiseStager(const PrimFunc &func) {
        for (const Buffer &b : func->params) names_.insert(b->name);
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::Allocate) names_.insert(static_cast<const AllocateNode *>(n)->buffer->name);
        });
    }

protected:
    using IRMutator::visit;

    Stmt visit(const ForNode *op) override {
        if (op->for_kind != ForKind::Parallel) return IRMutator::visit(op);
        if (match_gather(op)) return self(op);  // the reader reads it row by row (tt_gather_loads.h)
        std::vector<Var> vars;
        std::vector<int64_t> extents;
        const ForNode *inner = op;
        for (; inner; inner = inner->body.as<ForNode>()) {
            int64_t extent;
            if (inner->for_kind != ForKind::Parallel || !as_const_int(fold_constants(inner->extent), &extent)) break;
            vars.push_back(inner->loop_var);
            extents.push_back(extent);
        }
        if (vars.empty() || vars.size() > 2) return self(op);  // LowerTTTileIntrinsics names what it cannot lower
        NestStager stager(vars, extents, names_, lets_);
        Stmt nest = stager(self(op));
        if (stager.order.empty()) return nest;
        std::vector<Stmt> seq;
        std::vector<Buffer> tiles;
        for (const Buffer &global : stager.order) {
            auto read = stager.reads.find(global.get());
            if (read == stager.reads.end()) continue;
            seq.push_back(copy(global, read->second.bases, read->second.tile, {}, read->second.tile, op->span));
            tiles.push_back(read->second.tile);
        }
        seq.push_back(nest);
        for (const Buffer &global : stager.order) {
            auto write = stager.writes.find(global.get());
            if (write == stager.writes.end()) continue;
            seq.push_back(copy(write->second.tile, {}, global, write->second.bases, write->second.tile, op->span));
            tiles.push_back(write->second.tile);
        }
        Stmt body = SeqStmtNode::make(seq, op->span);
        for (auto it = tiles.rbegin(); it != tiles.rend(); ++it) body = AllocateNode::make(*it, body, op->span);
        return body;
    }

    Stmt visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        return IRMutator::visit(op);
    }

    // T.copy from one global tensor to another (a format conversion of TileLang's postprocess
    // kernels): through a shared tile of the region's extents, which a tile copy reads and writes.
    Stmt visit(const EvaluateNode *op) override {
        const auto *call = op->value.as<CallNode>();
        if (!call || call->op->name != "tl.copy") return IRMutator::visit(op);
        const auto *src = call->args[0].as<RegionNode>(), *dst = call->args[1].as<RegionNode>();
        if (!src || !dst || src->buffer->scope != MemoryScope::Global || dst->buffer->scope != MemoryScope::Global)
            return IRMutator::visit(op);
        std::vector<Expr> shape;
        for (const Range &r : src->ranges) {
            int64_t extent;
            if (!as_const_int(fold_constants(r.extent), &extent) || extent != 1) shape.push_back(r.extent);
        }
        if (shape.empty() || shape.size() > 2) return IRMutator::visit(op);  // the copy's lowering says what it takes
        const Buffer tile = make_buffer(fresh_name(names_, src->buffer->name + "_tile"), shape, src->buffer->dtype,
                                        MemoryScope::Shared, op->span);
        const Expr whole = RegionNode::full(tile, op->span);
        const auto copy_call = [&](const Expr &from, const Expr &to) {
            return EvaluateNode::make(CallNode::make("tl.copy", {from, to}, op->span), op->span);
        };
        return AllocateNode::make(tile, SeqStmtNode::make({copy_call(call->args[0], whole), copy_call(whole, call->args[1])},
                                                          op->span),
                                  op->span);
    }

private:
    std::set<std::string> names_;
    std::map<const VarNode *, Expr> lets_;  ///< lets around the statement being visited
};

}  // namespace

PrimFunc stage_tt_elementwise(const PrimFunc &func, const PassContext &) {
    Stmt body = ElementwiseStager(func)(func->body);
    if (body.same_as(func->body)) return func;
    return make_prim_func(func->name, func->params, body, func->attrs, func->span);
}

Pass stage_tt_elementwise_pass() {
    return Pass{"StageTTElementwise", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return stage_tt_elementwise(f, ctx); });
                }};
}

}  // namespace tt::transform
