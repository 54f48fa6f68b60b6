// Operand multicast across cores: the choice, its partition and its per-core arguments
// (contract in tt_multicast.h).
#include "transform/tt_multicast.h"

#include <algorithm>
#include <map>
#include <set>

#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/arith.h"
#include "transform/analysis.h"
#include "transform/tt_tile_dataflow.h"

namespace tt::transform {

using namespace ir;

std::optional<int64_t> max_over_blocks(const Expr &extent, const std::vector<Var> &block_vars,
                                       const std::vector<int64_t> &grid, const Lets &lets) {
    const Expr e = through_lets(extent, lets);
    std::vector<size_t> dims;
    for (size_t d = 0; d < block_vars.size() && d < grid.size(); ++d) {
        bool uses = false;
        post_order_visit(EvaluateNode::make(e), [&](const Node *n) { uses |= n == block_vars[d].get(); });
        if (uses) dims.push_back(d);
    }
    // Every block the extent can see, tried one by one (the grid has constant extents here).
    constexpr int64_t kMostTries = int64_t(1) << 16;
    int64_t tries = 1;
    for (size_t d : dims) {
        if (grid[d] < 1 || (tries *= grid[d]) > kMostTries) return std::nullopt;
    }
    std::optional<int64_t> most;
    for (int64_t t = 0; t < tries; ++t) {
        std::map<const VarNode *, int64_t> block;
        int64_t rest = t;
        for (size_t d : dims) {
            block[block_vars[d].get()] = rest % grid[d];
            rest /= grid[d];
        }
        const Expr at = fold_constants(substitute(e, [&](const Var &v) {
            auto it = block.find(v.get());
            return it == block.end() ? Expr(v) : make_int(it->second);
        }));
        int64_t value;
        if (!as_const_int(at, &value)) return std::nullopt;
        most = std::max(most.value_or(value), value);
    }
    return most;
}

namespace {

/*! Per global tensor read into an on-chip buffer: the block variables its copies depend on, or
 *  "not shareable" once a copy is under an `if`, inside a loop whose trip count depends on a block
 *  variable, or depends on another set of block variables than the tensor's other copies. */
class ShareableCopies : public IRVisitor {
public:
    ShareableCopies(const std::vector<Var> &block_vars, const std::vector<int64_t> &grid)
        : block_vars_(block_vars), grid_(grid) {}
    using IRVisitor::visit;

    struct Use {
        std::set<int> block_dims;  ///< launch-grid dimensions the regions depend on
        bool shareable = true;
    };
    std::map<std::string, Use> uses;
    /// Per loop whose trip count depends on a block variable, the tensors copied in it: multicast
    /// for the row's longest trip count, so all of them or none (the reader runs the copies alone).
    std::vector<std::set<std::string>> drained_loops;
    /// The launch-grid dimensions the drained loops' trip counts depend on.
    std::set<int> drained_dims;

protected:
    void visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        IRVisitor::visit(op);
    }
    void visit(const ForNode *op) override {
        // A trip count that differs between blocks would put cores of one row out of step, unless
        // the readers all run the largest (a causal loop bound, T.min(n, f(bx))): receivers' compute
        // then discards the extra tiles. Only for a loop of copies alone, not nested in another.
        const bool in_step = block_dims_of(op->min).empty() && block_dims_of(op->extent).empty();
        const bool drained = !in_step && drained_ == 0 && unsteady_ == 0 && block_dims_of(op->min).empty() &&
                             max_over_blocks(op->extent, block_vars_, grid_, lets_).has_value();
        const int unsteady = in_step ? 0 : drained ? 0 : 1;
        // A loop inside a drained loop would repeat its copies a block-dependent number of times.
        const int nested = drained_ > 0 ? 1 : 0;
        if (drained) {
            drained_loops.emplace_back();
            const std::set<int> dims = block_dims_of(op->extent);
            drained_dims.insert(dims.begin(), dims.end());
        }
        drained_ += drained ? 1 : 0;
        unsteady_ += unsteady + nested;
        IRVisitor::visit(op);
        unsteady_ -= unsteady + nested;
        drained_ -= drained ? 1 : 0;
    }
    void visit(const IfThenElseNode *op) override {
        ++unsteady_;
        IRVisitor::visit(op);
        --unsteady_;
    }
    void visit(const CallNode *op) override {
        IRVisitor::visit(op);
        if (op->op->name != "tl.copy" || op->args.size() < 2) return;
        const RegionNode *source = op->args[0].as<RegionNode>();
        const RegionNode *destination = op->args[1].as<RegionNode>();
        if (!source || !destination || source->buffer->scope != MemoryScope::Global ||
            destination->buffer->scope == MemoryScope::Global)
            return;
        std::set<int> dims;
        for (const Range &r : source->ranges) {
            std::set<int> d = block_dims_of(r.min);
            dims.insert(d.begin(), d.end());
        }
        if (drained_ > 0) drained_loops.back().insert(source->buffer->name);
        auto [it, first] = uses.try_emplace(source->buffer->name, Use{dims, true});
        if (unsteady_ > 0 || (!first && it->second.block_dims != dims)) it->second.shareable = false;
    }

private:
    /*! The launch-grid dimensions whose block variables e depends on, through lets; a third
     *  dimension of extent 1 (one batch) has one block, the same on every core, and does not count. */
    std::set<int> block_dims_of(const Expr &e) const {
        std::set<int> dims;
        std::set<const VarNode *> seen;
        std::function<void(const Expr &)> walk = [&](const Expr &x) {
            post_order_visit(EvaluateNode::make(x), [&](const Node *n) {
                if (n->kind != NodeKind::Var) return;
                const auto *v = static_cast<const VarNode *>(n);
                if (!seen.insert(v).second) return;
                for (size_t d = 0; d < block_vars_.size(); ++d) {
                    if (block_vars_[d].get() == v && (d < 2 || grid_[d] > 1)) dims.insert(static_cast<int>(d));
                }
                auto let = lets_.find(v);
                if (let != lets_.end()) walk(let->second);
            });
        };
        walk(e);
        return dims;
    }

    const std::vector<Var> &block_vars_;
    const std::vector<int64_t> &grid_;
    std::map<const VarNode *, Expr> lets_;
    int unsteady_ = 0;
    int drained_ = 0;
};

/*! Whether anything outside the scheme's conditions rules it out (see tt_multicast.h). */
bool scheme_applies(const PrimFunc &func, const WorkPartition &balanced, const PassContext &ctx) {
    // A third dimension of extent 1 (one batch) leaves the grid two-dimensional.
    const std::vector<int64_t> &g = balanced.grid;
    if (!(g.size() == 2 || (g.size() == 3 && g[2] == 1)) || ctx.options().partition_strategy) return false;
    if (func->attrs.count(attr::TL_SWIZZLE) || func->attrs.count(attr::TT_DYNAMIC_SHAPE)) return false;
    if (auto launch = find_attr<Json>(func, attr::TT_LAUNCH); launch && launch->value("count", 1) > 1) return false;
    for (const auto &[name, layout] : get_attr<LayoutDesc>(func, attr::TT_LAYOUT_DESC, "InferTTLayout")) {
        if (layout.shard) return false;
    }
    return true;
}

}  // namespace

std::optional<MulticastPlan> multicast_patches(int64_t gx, int64_t gy, int64_t cores, const CoreGrid &core_grid,
                                               bool rows_only) {
    MulticastPlan plan;
    plan.cols = static_cast<int>(largest_divisor_at_most(gx, core_grid.x));
    plan.rows = static_cast<int>(largest_divisor_at_most(gy, core_grid.y));
    if (rows_only) {
        // Only rows share: the longest row the core count allows reads the shared tensors fewest
        // times; one longer than the grid's width folds onto whole physical rows.
        for (int64_t cols = std::min<int64_t>(gx, cores); cols > plan.cols; --cols) {
            const int64_t rows = cores / cols;
            if (gx % cols || cores % cols || gy % rows || cols % core_grid.x) continue;
            plan.cols = static_cast<int>(cols);
            plan.rows = static_cast<int>(rows);
            plan.row_span = static_cast<int>(cols / core_grid.x);
            break;
        }
    }
    if (plan.cols * plan.rows != cores || plan.cols * plan.rows < 2) return std::nullopt;
    return plan;
}

std::optional<std::pair<MulticastPlan, WorkPartition>> plan_multicast(const PrimFunc &func,
                                                                       const WorkPartition &balanced,
                                                                       const CoreGrid &core_grid,
                                                                       const PassContext &ctx) {
    if (!scheme_applies(func, balanced, ctx)) return std::nullopt;
    const int64_t gx = balanced.grid[0], gy = balanced.grid[1];
    const KernelLaunchNode *launch = find_kernel_launch(func);
    ShareableCopies copies(launch->block_vars, balanced.grid);
    copies(launch->body);
    // A region that moves with by alone is the same along a core row (x varies), one that moves
    // with bx alone the same down a core column.
    std::vector<std::pair<std::string, bool>> shareable;  // tensor, along a row
    for (const auto &[buffer, use] : copies.uses) {
        if (use.shareable && use.block_dims.size() == 1) shareable.emplace_back(buffer, *use.block_dims.begin() == 1);
    }
    const bool rows_only = !shareable.empty() &&
                           std::all_of(shareable.begin(), shareable.end(), [](const auto &s) { return s.second; });
    std::optional<MulticastPlan> patches = multicast_patches(gx, gy, balanced.num_cores, core_grid, rows_only);
    if (!patches) return std::nullopt;
    MulticastPlan plan = *patches;
    std::set<std::string> chosen;
    for (const auto &[buffer, along_row] : shareable) {
        if ((along_row ? plan.cols : plan.rows) >= 2) chosen.insert(buffer);
    }
    for (const std::set<std::string> &loop : copies.drained_loops) {
        if (!std::includes(chosen.begin(), chosen.end(), loop.begin(), loop.end())) {
            for (const std::string &buffer : loop) chosen.erase(buffer);
        }
    }
    for (const auto &[buffer, along_row] : shareable) {
        if (!chosen.count(buffer)) continue;
        const int semaphore = static_cast<int>(plan.operands.size()) * 2;
        plan.operands.push_back(MulticastOperand{buffer, along_row ? "row" : "column", semaphore, semaphore + 1});
    }
    if (plan.operands.empty()) return std::nullopt;

    WorkPartition partition;
    // A core of a row takes the same launch column for every row it walks; when the drained loop's
    // trip count grows with that column (causal attention), the serpentine order gives it a long
    // trip on one row and a short one on the next. Rows still share one `by` per step.
    const bool column_bound_trips = rows_only && copies.drained_dims == std::set<int>{0};
    partition.strategy = column_bound_trips ? PartitionStrategy::Serpentine : PartitionStrategy::Block;
    partition.grid = balanced.grid;
    partition.total_blocks = balanced.total_blocks;
    partition.num_cores = plan.cols * plan.rows;
    partition.panel = static_cast<int>(gy / plan.rows);
    const int64_t per_core = partition.total_blocks / partition.num_cores;
    const int width = plan.cols / plan.row_span;
    for (int k = 0; k < partition.num_cores; ++k) {
        partition.cores.push_back(CoreWork{CoreCoord{k % width, k / width}, k * per_core, per_core});
    }
    return std::make_pair(plan, partition);
}

const std::vector<std::string> &multicast_arg_fields() {
    static const std::vector<std::string> fields = {"sender",       "x0",           "y0",       "x1",
                                                    "y1",           "sender_x",     "sender_y", "receivers",
                                                    "destinations", "sender_semaphore", "receiver_semaphore"};
    return fields;
}

KernelArg multicast_core_arg(const MulticastPlan &plan, const MulticastOperand &operand, const std::string &field,
                             const CoreCoord &core) {
    const bool row = operand.axis == "row";
    TT_ICHECK(row || plan.row_span == 1) << "column multicast of " << operand.buffer << " over rows spanning "
                                         << plan.row_span << " physical rows";
    // The rectangle of the core's row (column); a row spans row_span physical rows, its k-th core
    // at (k % width, top + k / width).
    const int width = plan.cols / plan.row_span;
    const int top = core.y / plan.row_span * plan.row_span;
    const CoreCoord first = row ? CoreCoord{0, top} : CoreCoord{core.x, 0};
    const CoreCoord last = row ? CoreCoord{width - 1, top + plan.row_span - 1} : CoreCoord{core.x, plan.rows - 1};
    // The sender moves along the rectangle with the row (column) and with the operand's place in
    // the plan, so that no core sends two operands (A's of row r at r, B's of column c at c + 1)
    // and every sender reads and multicasts one operand's tiles per step.
    const int ordinal = static_cast<int>(&operand - plan.operands.data());
    TT_ICHECK(ordinal >= 0 && ordinal < static_cast<int>(plan.operands.size())) << operand.buffer << " is not in the plan";
    const int line = row ? core.y / plan.row_span : core.x;
    const int size = row ? plan.cols : plan.rows;
    const int place = (line + ordinal) % size;
    const CoreCoord sender = row ? CoreCoord{place % width, top + place / width} : CoreCoord{core.x, place};
    auto noc = [](const char *marker, const CoreCoord &c) { return KernelArg{0, marker, Json::array({c.x, c.y})}; };
    if (field == "sender") return KernelArg::of(core == sender ? 1 : 0);
    if (field == "x0") return noc("noc_x", first);
    if (field == "y0") return noc("noc_y", first);
    if (field == "x1") return noc("noc_x", last);
    if (field == "y1") return noc("noc_y", last);
    if (field == "sender_x") return noc("noc_x", sender);
    if (field == "sender_y") return noc("noc_y", sender);
    if (field == "receivers") return KernelArg::of(static_cast<uint32_t>(size - 1));
    if (field == "destinations") return KernelArg::of(static_cast<uint32_t>(size));
    if (field == "sender_semaphore") return KernelArg{0, "semaphore", operand.sender_semaphore};
    TT_ICHECK(field == "receiver_semaphore") << "unknown multicast argument " << field;
    return KernelArg{0, "semaphore", operand.receiver_semaphore};
}

const MulticastOperand *find_multicast_operand(const MulticastPlan &plan, const std::string &buffer) {
    for (const MulticastOperand &operand : plan.operands) {
        if (operand.buffer == buffer) return &operand;
    }
    return nullptr;
}

}  // namespace tt::transform
