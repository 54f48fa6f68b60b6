// GroupTTRowBlocks: blocks of fewer rows than a tile grouped into tile rows (contract in
// group_tt_row_blocks.h).
#include "transform/group_tt_row_blocks.h"

#include <algorithm>

#include <map>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/analysis.h"
#include "transform/tt_tile_ops.h"

namespace tt::transform {

namespace {

using namespace ir;

constexpr int64_t kTileRows = 32;

int64_t const_extent(const Expr &e) {
    int64_t value = -1;
    as_const_int(fold_constants(e), &value);
    return value;
}

/*! The sub-tile row count r of the kernel's on-chip buffers (0: none) and the buffers of r rows. */
struct RowBlockBuffers {
    int64_t rows = 0;
    std::map<const BufferNode *, Buffer> grouped;  ///< buffer of r rows -> the same buffer of 32 rows
};

RowBlockBuffers find_row_block_buffers(const Stmt &body) {
    std::vector<Buffer> on_chip;
    post_order_visit(body, [&](const Node *n) {
        if (n->kind != NodeKind::Allocate) return;
        const Buffer &b = static_cast<const AllocateNode *>(n)->buffer;
        if (is_on_chip(b)) on_chip.push_back(b);
    });
    RowBlockBuffers found;
    for (const Buffer &b : on_chip) {
        const int64_t rows = const_extent(b->shape[0]);
        if (b->shape.size() != 2 || rows <= 0 || rows >= kTileRows) continue;
        if (kTileRows % rows != 0) {
            unsupported(b->span, "a block of " + std::to_string(rows) + " rows (" + b->name + ")",
                        "Tenstorrent computes on 32-row tiles and runs 32 / r such blocks as one tile row",
                        "use a block height that divides 32 (1, 2, 4, 8, 16) or a multiple of 32");
        }
        if (found.rows != 0 && rows != found.rows) {
            unsupported(b->span, "blocks of " + std::to_string(found.rows) + " and " + std::to_string(rows) + " rows",
                        "every on-chip buffer of a block must cover the block's rows",
                        "give " + b->name + " the same number of rows as the block's other buffers");
        }
        found.rows = rows;
    }
    if (found.rows == 0) return found;
    for (const Buffer &b : on_chip) {
        if (const_extent(b->shape[0]) != found.rows || b->shape.size() > 2) continue;
        std::vector<Expr> shape = b->shape;
        shape[0] = make_int(kTileRows, b->shape[0]->span);
        found.grouped[b.get()] = make_buffer(b->name, shape, b->dtype, b->scope, b->span);
    }
    return found;
}

bool uses_var(const Stmt &s, const VarNode *var) {
    bool found = false;
    post_order_visit(s, [&](const Node *n) { found = found || n == var; });
    return found;
}

// The statement nearest to the first use of any of `vars`, for locating what still depends on them.
class UseFinder : public LocatingVisitor {
public:
    explicit UseFinder(std::set<const VarNode *> vars) : vars_(std::move(vars)) {}
    const VarNode *found = nullptr;
    Span where;

    void visit_stmt(const Stmt &s) override {
        if (!found) LocatingVisitor::visit_stmt(s);
    }

protected:
    using IRVisitor::visit;
    void visit(const VarNode *op) override {
        if (!found && vars_.count(op)) {
            found = op;
            where = statement_span();
        }
    }

private:
    std::set<const VarNode *> vars_;
};

class RowGrouper : public IRMutator {
public:
    RowGrouper(RowBlockBuffers buffers, std::set<const VarNode *> row_indices)
        : rows_(buffers.rows), grouped_(std::move(buffers.grouped)), row_indices_(std::move(row_indices)) {}

    Buffer mutate_buffer(const Buffer &b) override {
        auto it = grouped_.find(b.get());
        return it == grouped_.end() ? b : it->second;
    }

    // Whether the block index is left anywhere after the rewrite (decode's block index also picks
    // the K/V head) but not in another index of the copies of its own rows: then the blocks of a
    // tile row would differ, so they are not grouped but padded (see group_tt_row_blocks.h).
    bool block_index_used_elsewhere(const Stmt &body) const {
        if (!block_) return false;
        UseFinder finder({block_.get()});
        finder(body);
        if (!finder.found) return false;
        bool in_own_copy = false;
        post_order_visit(body, [&](const Node *n) {
            const auto *call = n->kind == NodeKind::Call ? static_cast<const CallNode *>(n) : nullptr;
            if (!call || call->op->name != "tl.copy") return;
            const RegionNode *a = call->args[0].as<RegionNode>(), *b = call->args[1].as<RegionNode>();
            auto grouped = [&](const RegionNode *r) {
                return std::any_of(grouped_.begin(), grouped_.end(), [&](const auto &g) { return g.second.get() == r->buffer.get(); });
            };
            const bool rows_of_block = grouped(a) || grouped(b);
            for (const RegionNode *r : {a, b}) {
                if (!rows_of_block || r->buffer->scope != MemoryScope::Global) continue;
                UseFinder uses({block_.get()});
                for (const Range &range : r->ranges) uses(range.min);
                in_own_copy = in_own_copy || uses.found;
            }
        });
        return !in_own_copy;
    }

    // Old row loop variables left anywhere after the rewrite make the blocks of a tile row differ
    // from each other: name the first such use.
    void check_no_old_uses(const Stmt &body) const {
        UseFinder finder(replaced_);
        finder(body);
        if (!finder.found) return;
        const bool block = finder.found == block_.get();
        unsupported(finder.where,
                    std::string(block ? "the block index " : "the row variable ") + finder.found->name + " used here",
                    "blocks of " + std::to_string(rows_) + " rows run " + std::to_string(kTileRows / rows_) +
                        " at a time as one 32-row tile block, so " +
                        (block ? "the block index may only start the rows of its copies (" + finder.found->name +
                                     " * " + std::to_string(rows_) + ")"
                               : "a row variable may only index the rows of the block's buffers"),
                    "use blocks of 32 rows");
    }

protected:
    using IRMutator::visit;

    Stmt visit(const KernelLaunchNode *op) override {
        launch_vars_ = op->block_vars;
        Stmt body = mutate(op->body);
        if (!block_) {
            unsupported(op->span, "a kernel whose blocks have " + std::to_string(rows_) + " rows",
                        "no copy moves rows [bx * " + std::to_string(rows_) + ", (bx + 1) * " + std::to_string(rows_) +
                            ") of a global tensor for a block index bx, so the blocks cannot be grouped into tile rows",
                        "copy each block's rows as T.copy(X[bx * block_M, ...], buffer), or use blocks of 32 rows");
        }
        // Not grouped (see group_tt_row_blocks): the grid needs no tile rows.
        if (block_index_used_elsewhere(body)) return KernelLaunchNode::make(op->extents, op->block_vars, op->threads, body, op->span);
        std::vector<Expr> extents = op->extents;
        std::vector<Var> vars = op->block_vars;
        for (size_t d = 0; d < vars.size(); ++d) {
            if (vars[d].get() != block_.get()) continue;
            const int64_t blocks = const_extent(extents[d]);
            if (blocks < 0 || blocks * rows_ % kTileRows != 0) {
                unsupported(
                    op->span, "a grid of " + to_text(extents[d]) + " blocks of " + std::to_string(rows_) + " rows",
                    "they are grouped into tiles of 32 rows, and the row count is not a constant multiple of 32",
                    "use a tensor whose row count is a multiple of 32");
            }
            extents[d] = make_int(blocks * rows_ / kTileRows, extents[d]->span);
            vars[d] = grouped_block_;
        }
        return KernelLaunchNode::make(extents, vars, op->threads, body, op->span);
    }

    Stmt visit(const ForNode *op) override {
        if (!is_row_variable(op->loop_var)) return IRMutator::visit(op);
        if (op->for_kind != ForKind::Parallel || const_extent(op->extent) != rows_ || const_extent(op->min) != 0) {
            unsupported(op->span, "the loop over " + op->loop_var->name,
                        "it indexes the rows of a block of " + std::to_string(rows_) +
                            " rows, which runs as part of a 32-row tile block",
                        "loop over the rows with T.Parallel(" + std::to_string(rows_) + ", ...)");
        }
        Var grouped = make_var(op->loop_var->name, op->loop_var->dtype, op->loop_var->span);
        row_vars_[op->loop_var.get()] = grouped;
        replaced_.insert(op->loop_var.get());
        Stmt body = mutate(op->body);
        return ForNode::make(grouped, op->min, make_int(kTileRows, op->extent->span), op->for_kind, body,
                             op->num_stages, op->annotations, op->span);
    }

    Stmt visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        Stmt body = mutate(op->body);
        // A let that only named a row start (row0 = bx * block_M) is dead once the start is rewritten.
        if (!uses_var(body, op->var.get())) return body;
        Expr value = mutate(op->value);
        if (body.same_as(op->body) && value.same_as(op->value)) return self(op);
        return LetStmtNode::make(op->var, value, body, op->span);
    }

    Expr visit(const BufferLoadNode *op) override {
        if (!grouped_.count(op->buffer.get())) return IRMutator::visit(op);
        bool changed = false;
        std::vector<Expr> indices = mutate_all(op->indices, &changed);
        indices[0] = grouped_row(op->indices[0], op->buffer, op->span);
        return BufferLoadNode::make(mutate_buffer(op->buffer), indices, op->span);
    }

    Stmt visit(const BufferStoreNode *op) override {
        if (!grouped_.count(op->buffer.get())) return IRMutator::visit(op);
        bool changed = false;
        std::vector<Expr> indices = mutate_all(op->indices, &changed);
        indices[0] = grouped_row(op->indices[0], op->buffer, op->span);
        return BufferStoreNode::make(mutate_buffer(op->buffer), mutate(op->value), indices, op->span);
    }

    Expr visit(const RegionNode *op) override {
        if (!grouped_.count(op->buffer.get())) return IRMutator::visit(op);
        if (const_extent(op->ranges[0].min) != 0 || const_extent(op->ranges[0].extent) != rows_) {
            unsupported(op->span, "a region of some rows of " + op->buffer->name,
                        "a block of " + std::to_string(rows_) + " rows is moved and computed whole",
                        "use the whole buffer");
        }
        Expr region = IRMutator::visit(op);
        std::vector<Range> ranges = region.as<RegionNode>()->ranges;
        ranges[0] = {ranges[0].min, make_int(kTileRows, op->span)};
        return RegionNode::make(mutate_buffer(op->buffer), ranges, op->span);
    }

    Expr visit(const CallNode *op) override {
        const std::string &name = op->op->name;
        auto grouped = [&](size_t arg) { return grouped_.count(op->args[arg].as<RegionNode>()->buffer.get()) > 0; };
        std::vector<Expr> args;
        if (name == "tl.copy" && grouped(0) != grouped(1)) {
            const size_t global = grouped(0) ? 1 : 0;
            for (size_t i = 0; i < op->args.size(); ++i) {
                args.push_back(i == global ? grouped_global_rows(op->args[i].as<RegionNode>(), op->span)
                                           : mutate(op->args[i]));
            }
            return CallNode::make(name, args, op->span);
        }
        if (name == "tl.reduce" && grouped(0)) {
            int64_t dim = 0;
            as_const_int(op->args[3], &dim);
            if (dim == 0) {
                unsupported(op->span, "a reduction over the rows of a block of " + std::to_string(rows_) + " rows",
                            "the block runs as part of a 32-row tile block", "use blocks of 32 rows");
            }
        }
        if (name == "tl.gemm" && (grouped(1) || grouped(0) != grouped(2) || (grouped(0) && is_true(op->args[3])))) {
            unsupported(op->span, "this T.gemm on a block of " + std::to_string(rows_) + " rows",
                        "only the rows of A and C may belong to the block, which runs as part of a 32-row tile block",
                        "use blocks of 32 rows");
        }
        return IRMutator::visit(op);
    }

private:
    static bool is_true(const Expr &e) {
        int64_t value = 0;
        return as_const_int(e, &value) && value != 0;
    }

    bool is_row_variable(const Var &v) const { return row_indices_.count(v.get()) > 0; }

    Expr grouped_row(const Expr &index, const Buffer &buffer, const Span &span) {
        auto it = index.as<VarNode>() ? row_vars_.find(index.as<VarNode>()) : row_vars_.end();
        if (it == row_vars_.end()) {
            unsupported(span, "the row index " + to_text(index) + " of " + buffer->name,
                        "a block of " + std::to_string(rows_) + " rows runs as part of a 32-row tile block",
                        "index its rows with the T.Parallel(" + std::to_string(rows_) + ", ...) row variable");
        }
        return it->second;
    }

    Expr resolve(const Expr &e) const {
        return substitute(e, [&](const Var &v) {
            auto it = lets_.find(v.get());
            return it == lets_.end() ? Expr(v) : resolve(it->second);
        });
    }

    // The block variable g when start is g * rows_ for a block variable g of the launch.
    const Var *row_start_block(const Expr &start) const {
        const Expr e = fold_constants(resolve(start));
        Expr a, b;
        for (const Var &v : launch_vars_) {
            if (rows_ == 1 && e.get() == v.get()) return &v;
            if (e->kind != NodeKind::Mul || !binary_operands(e, &a, &b)) continue;
            if ((a.get() == v.get() && const_extent(b) == rows_) || (b.get() == v.get() && const_extent(a) == rows_)) {
                return &v;
            }
        }
        return nullptr;
    }

    // The rows [g * r, g * r + r) of a global tensor become [g * 32, g * 32 + 32). The rows are
    // the first of two dimensions the region spans (Q[b, rows, h, :]), else its second to last.
    Expr grouped_global_rows(const RegionNode *region, const Span &span) {
        const std::vector<int> spanned = spanned_axes(region);
        const size_t row_dim = spanned.size() == 2                ? size_t(spanned[0])
                               : region->ranges.size() > 1 ? region->ranges.size() - 2
                                                           : 0;
        const Range &rows = region->ranges[row_dim];
        const Var *block = row_start_block(rows.min);
        if (!block || (block_ && block->get() != block_.get()) || const_extent(rows.extent) != rows_) {
            const std::string r = std::to_string(rows_);
            unsupported(span, "the copy of rows " + to_text(rows.min) + " of " + region->buffer->name,
                        "blocks of " + r + " rows run " + std::to_string(kTileRows / rows_) +
                            " at a time as one 32-row tile block, so each block must move its own rows",
                        "copy rows [bx * " + r + ", (bx + 1) * " + r + ") with the same block index bx in every copy");
        }
        if (!block_) {
            block_ = *block;
            grouped_block_ = make_var(block_->name, block_->dtype, block_->span);
            replaced_.insert(block_.get());
        }
        std::vector<Range> ranges;
        for (const Range &range : region->ranges) ranges.push_back({mutate(range.min), mutate(range.extent)});
        ranges[row_dim] = {MulNode::make(grouped_block_, make_int(kTileRows), rows.min->span),
                           make_int(kTileRows, rows.extent->span)};
        return RegionNode::make(region->buffer, ranges, region->span);
    }

    int64_t rows_;
    std::map<const BufferNode *, Buffer> grouped_;
    std::set<const VarNode *> row_indices_;  ///< variables indexing the rows of grouped buffers
    std::vector<Var> launch_vars_;
    Var block_, grouped_block_;
    std::map<const VarNode *, Var> row_vars_;
    std::map<const VarNode *, Expr> lets_;
    std::set<const VarNode *> replaced_;
};

}  // namespace

PrimFunc group_tt_row_blocks(const PrimFunc &func, const PassContext &) {
    RowBlockBuffers buffers = find_row_block_buffers(func->body);
    if (buffers.rows == 0) return func;
    std::set<const VarNode *> row_indices;
    post_order_visit(func->body, [&](const Node *n) {
        const Buffer *buffer = nullptr;
        const std::vector<Expr> *indices = nullptr;
        if (n->kind == NodeKind::BufferLoad) {
            buffer = &static_cast<const BufferLoadNode *>(n)->buffer;
            indices = &static_cast<const BufferLoadNode *>(n)->indices;
        } else if (n->kind == NodeKind::BufferStore) {
            buffer = &static_cast<const BufferStoreNode *>(n)->buffer;
            indices = &static_cast<const BufferStoreNode *>(n)->indices;
        }
        if (buffer && buffers.grouped.count(buffer->get()) && (*indices)[0].as<VarNode>()) {
            row_indices.insert((*indices)[0].as<VarNode>());
        }
    });
    RowGrouper grouper(std::move(buffers), std::move(row_indices));
    Stmt body = grouper(func->body);
    // Blocks that depend on their index stay blocks of r rows, each padded to a tile.
    if (grouper.block_index_used_elsewhere(body)) return func;
    grouper.check_no_old_uses(body);
    return with_body(func, body);
}

Pass group_tt_row_blocks_pass() {
    return Pass{"GroupTTRowBlocks", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return group_tt_row_blocks(f, ctx); });
                }};
}

}  // namespace tt::transform
