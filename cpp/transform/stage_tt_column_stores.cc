// StageTTColumnStores: column stores of a serial loop staged in an on-chip block written once
// after the loop (contract in stage_tt_column_stores.h).
#include "transform/stage_tt_column_stores.h"

#include <map>
#include <set>

#include "ir/arith.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/printer.h"

namespace tt::transform {

namespace {

using namespace ir;

bool uses(const Expr &e, const VarNode *var) {
    bool found = false;
    post_order_visit(EvaluateNode::make(e), [&](const Node *n) { found = found || n == var; });
    return found;
}

/*! One store of a 1-D nest into a column of a 2-D global tensor: `global[row_base + i, column]`. */
struct ColumnStore {
    const BufferStoreNode *store;
    Expr row_base, column;
};

/*! The block of one tensor a loop builds on chip. */
struct Block {
    Expr row_base;
    Buffer tile;
    bool every_column = true;  ///< the loop provably writes every column of the block
    Span span;
};

class ColumnStager : public IRMutator {
public:
    explicit ColumnStager(const PrimFunc &func) {
        for (const Buffer &b : func->params) names_.insert(b->name);
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind == NodeKind::Allocate) names_.insert(static_cast<const AllocateNode *>(n)->buffer->name);
        });
    }

protected:
    using IRMutator::visit;

    Stmt visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        return IRMutator::visit(op);
    }

    Stmt visit(const ForNode *op) override {
        if (op->for_kind == ForKind::Parallel) {
            std::vector<ColumnStore> stores;
            if (loops_.empty() || !column_nest(op, &stores)) return IRMutator::visit(op);
            return stage_nest(op, stores);
        }
        loops_.push_back({op, {}, {}});
        Stmt body = mutate(op->body);
        Loop loop = std::move(loops_.back());
        loops_.pop_back();
        Stmt result = body.same_as(op->body) ? self(op)
                                             : ForNode::make(op->loop_var, op->min, op->extent, op->for_kind, body,
                                                             op->num_stages, op->annotations, op->span);
        if (loop.order.empty()) return result;
        std::vector<Stmt> seq;
        for (const Buffer &global : loop.order) {
            const Block &block = loop.blocks.at(global.get());
            const Expr whole = RegionNode::full(block.tile, block.span);
            seq.push_back(block.every_column ? call("tl.fill", {whole, make_int(0)}, block.span)
                                             : call("tl.copy", {region(global, block), whole}, block.span));
        }
        seq.push_back(result);
        for (const Buffer &global : loop.order) {
            const Block &block = loop.blocks.at(global.get());
            seq.push_back(call("tl.copy", {RegionNode::full(block.tile, block.span), region(global, block)}, block.span));
        }
        Stmt staged = SeqStmtNode::make(seq, op->span);
        for (auto it = loop.order.rbegin(); it != loop.order.rend(); ++it) {
            staged = AllocateNode::make(loop.blocks.at(it->get()).tile, staged, op->span);
        }
        return staged;
    }

private:
    struct Loop {
        const ForNode *loop;
        std::map<const BufferNode *, Block> blocks;
        std::vector<Buffer> order;  ///< staged tensors in first-store order
    };

    static Stmt call(const std::string &name, std::vector<Expr> args, const Span &span) {
        return EvaluateNode::make(CallNode::make(name, std::move(args), span), span);
    }

    static Expr region(const Buffer &global, const Block &block) {
        return RegionNode::make(global, {{block.row_base, block.tile->shape[0]}, {make_int(0), block.tile->shape[1]}},
                                block.span);
    }

    Expr resolve(const Expr &e) const {
        return substitute(e, [&](const Var &v) {
            auto it = lets_.find(v.get());
            return it == lets_.end() ? Expr(v) : resolve(it->second);
        });
    }

    // Whether every statement of the 1-D nest stores into a column of a 2-D global tensor.
    bool column_nest(const ForNode *nest, std::vector<ColumnStore> *stores) const {
        const VarNode *i = nest->loop_var.get();
        std::vector<Stmt> body{nest->body};
        if (const auto *s = nest->body.as<SeqStmtNode>()) body = s->seq;
        for (const Stmt &s : body) {
            const auto *store = s.as<BufferStoreNode>();
            if (!store || store->buffer->scope != MemoryScope::Global || store->indices.size() != 2) return false;
            const Expr row = resolve(store->indices[0]), column = resolve(store->indices[1]);
            Expr base;
            if (row.get() == i) {
                base = make_int(0);
            } else if (const auto *add = row.as<AddNode>()) {
                if (add->b.get() == i && !uses(add->a, i)) base = add->a;
                if (add->a.get() == i && !uses(add->b, i)) base = add->b;
            }
            if (!base || uses(column, i)) return false;
            stores->push_back({store, base, column});
        }
        return !stores->empty();
    }

    // `for i: G[base + i, column] = v` -> `for i, col: block[i, col] = col == column ? v : block[i, col]`.
    Stmt stage_nest(const ForNode *nest, const std::vector<ColumnStore> &stores) {
        Loop &loop = loops_.back();
        const Var col = make_var("col", DataType::int32(), nest->span);
        std::vector<Stmt> body;
        int64_t width = 0;
        for (const ColumnStore &c : stores) {
            const Buffer &global = c.store->buffer;
            const Span &span = c.store->span;
            const std::string access = to_text(BufferLoadNode::make(global, c.store->indices));
            if (!as_const_int(fold_constants(global->shape[1]), &width)) {
                TT_USER_ERROR(Validation, span) << "the column store " << access << " is not supported on Tenstorrent "
                                                << "yet: the columns of " << global->name << " are built on chip as "
                                                << "whole tiles, which needs its width as a constant; instead make "
                                                << "that dimension static";
            }
            const bool every = check_column(c, width, loop.loop, access);
            if (uses(c.row_base, loop.loop->loop_var.get())) {
                TT_USER_ERROR(Validation, span)
                    << "the column store " << access << " is not supported on Tenstorrent yet: its rows move with "
                    << "the loop over " << loop.loop->loop_var->name << ", and a column narrower than a tile is built "
                    << "on chip across that loop; instead store the rows of one block in every iteration";
            }
            auto it = loop.blocks.find(global.get());
            if (it == loop.blocks.end()) {
                Buffer tile = make_buffer(fresh_name(global->name + "_block"),
                                          {nest->extent, make_int(width)}, global->dtype, MemoryScope::Shared, span);
                it = loop.blocks.emplace(global.get(), Block{c.row_base, tile, true, span}).first;
                loop.order.push_back(global);
            } else if (!structural_equal(it->second.row_base, c.row_base)) {
                TT_USER_ERROR(Validation, span) << "the column store " << access << " writes other rows of "
                                                << global->name << " than its other column stores in this loop; "
                                                << "instead store one block of rows of each tensor per loop";
            }
            Block &block = it->second;
            block.every_column = block.every_column && every;
            const Buffer &tile = block.tile;
            Expr old = BufferLoadNode::make(tile, {nest->loop_var, col}, span);
            Expr value = SelectNode::make(EQNode::make(col, c.column, span), c.store->value, old, span);
            body.push_back(BufferStoreNode::make(tile, value, {nest->loop_var, col}, span));
        }
        Stmt inner = ForNode::make(col, make_int(0), make_int(width), ForKind::Parallel, SeqStmtNode::make(body),
                                   0, {}, nest->span);
        return ForNode::make(nest->loop_var, nest->min, nest->extent, ForKind::Parallel, inner, nest->num_stages,
                             nest->annotations, nest->span);
    }

    // The column must be the loop's variable plus a constant, or a constant, inside the width; true
    // when it is the variable itself and the loop runs over exactly the width (every column).
    bool check_column(const ColumnStore &c, int64_t width, const ForNode *loop, const std::string &access) const {
        const VarNode *k = loop->loop_var.get();
        int64_t first = 0, trips = 0, offset = 0;
        const bool counted = as_const_int(fold_constants(loop->min), &first) &&
                             as_const_int(fold_constants(loop->extent), &trips) && trips >= 1;
        const bool moves = uses(c.column, k);
        bool affine = c.column.get() == k;
        if (!moves) {
            affine = as_const_int(fold_constants(c.column), &offset);
        } else if (const auto *add = c.column.as<AddNode>()) {
            affine = (add->a.get() == k && as_const_int(fold_constants(add->b), &offset)) ||
                     (add->b.get() == k && as_const_int(fold_constants(add->a), &offset));
        }
        const int64_t low = offset + (moves ? first : 0), high = offset + (moves ? first + trips - 1 : 0);
        if (!affine || (moves && !counted) || low < 0 || high >= width) {
            TT_USER_ERROR(Validation, c.store->span)
                << "the column store " << access << " is not supported on Tenstorrent yet: a column narrower than a "
                << "tile is built on chip across the loop over " << k->name << ", which needs its column to be "
                << k->name << " plus a constant, or a constant, inside the " << width << " columns of "
                << c.store->buffer->name << " for every iteration of a loop with a constant trip count; instead "
                << "index the column with the loop's variable";
        }
        return moves && offset == 0 && first == 0 && trips == width;
    }

    std::string fresh_name(const std::string &wanted) {
        std::string name = wanted;
        for (int n = 1; names_.count(name); ++n) name = wanted + "_" + std::to_string(n);
        names_.insert(name);
        return name;
    }

    std::set<std::string> names_;
    std::map<const VarNode *, Expr> lets_;
    std::vector<Loop> loops_;  ///< the serial loops around the statement being visited
};

}  // namespace

PrimFunc stage_tt_column_stores(const PrimFunc &func, const PassContext &) {
    Stmt body = ColumnStager(func)(func->body);
    if (body.same_as(func->body)) return func;
    return make_prim_func(func->name, func->params, body, func->attrs, func->span);
}

Pass stage_tt_column_stores_pass() {
    return Pass{"StageTTColumnStores", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return stage_tt_column_stores(f, ctx); });
                }};
}

}  // namespace tt::transform
