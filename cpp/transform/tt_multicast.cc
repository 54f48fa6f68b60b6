// Operand multicast across cores: the choice, its partition and its per-core arguments
// (contract in tt_multicast.h).
#include "transform/tt_multicast.h"

#include <algorithm>
#include <map>
#include <set>

#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! Per global tensor read into an on-chip buffer: the block variables its copies depend on, or
 *  "not shareable" once a copy is under an `if`, inside a loop whose trip count depends on a block
 *  variable, or depends on another set of block variables than the tensor's other copies. */
class ShareableCopies : public IRVisitor {
public:
    explicit ShareableCopies(const std::vector<Var> &block_vars) : block_vars_(block_vars) {}
    using IRVisitor::visit;

    struct Use {
        std::set<int> block_dims;  ///< launch-grid dimensions the regions depend on
        bool shareable = true;
    };
    std::map<std::string, Use> uses;

protected:
    void visit(const LetStmtNode *op) override {
        lets_[op->var.get()] = op->value;
        IRVisitor::visit(op);
    }
    void visit(const ForNode *op) override {
        // A trip count that differs between blocks would put cores of one row out of step.
        const bool in_step = block_dims_of(op->min).empty() && block_dims_of(op->extent).empty();
        unsteady_ += in_step ? 0 : 1;
        IRVisitor::visit(op);
        unsteady_ -= in_step ? 0 : 1;
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
        auto [it, first] = uses.try_emplace(source->buffer->name, Use{dims, true});
        if (unsteady_ > 0 || (!first && it->second.block_dims != dims)) it->second.shareable = false;
    }

private:
    /*! The launch-grid dimensions whose block variables e depends on, through lets. */
    std::set<int> block_dims_of(const Expr &e) const {
        std::set<int> dims;
        std::set<const VarNode *> seen;
        std::function<void(const Expr &)> walk = [&](const Expr &x) {
            post_order_visit(EvaluateNode::make(x), [&](const Node *n) {
                if (n->kind != NodeKind::Var) return;
                const auto *v = static_cast<const VarNode *>(n);
                if (!seen.insert(v).second) return;
                for (size_t d = 0; d < block_vars_.size(); ++d) {
                    if (block_vars_[d].get() == v) dims.insert(static_cast<int>(d));
                }
                auto let = lets_.find(v);
                if (let != lets_.end()) walk(let->second);
            });
        };
        walk(e);
        return dims;
    }

    const std::vector<Var> &block_vars_;
    std::map<const VarNode *, Expr> lets_;
    int unsteady_ = 0;
};

int64_t largest_divisor_within(int64_t n, int64_t limit) {
    for (int64_t d = std::min(n, limit); d > 1; --d) {
        if (n % d == 0) return d;
    }
    return 1;
}

/*! Whether anything outside the scheme's conditions rules it out (see tt_multicast.h). */
bool scheme_applies(const PrimFunc &func, const WorkPartition &balanced, const PassContext &ctx) {
    if (balanced.grid.size() != 2 || ctx.options().partition_strategy) return false;
    if (func->attrs.count(attr::TL_SWIZZLE) || func->attrs.count(attr::TT_DYNAMIC_SHAPE)) return false;
    if (auto launch = find_attr<Json>(func, attr::TT_LAUNCH); launch && launch->value("count", 1) > 1) return false;
    for (const auto &[name, layout] : get_attr<LayoutDesc>(func, attr::TT_LAYOUT_DESC, "InferTTLayout")) {
        if (layout.shard) return false;
    }
    return true;
}

}  // namespace

std::optional<std::pair<MulticastPlan, WorkPartition>> plan_multicast(const PrimFunc &func,
                                                                       const WorkPartition &balanced,
                                                                       const CoreGrid &core_grid,
                                                                       const PassContext &ctx) {
    if (!scheme_applies(func, balanced, ctx)) return std::nullopt;
    const int64_t gx = balanced.grid[0], gy = balanced.grid[1];
    MulticastPlan plan;
    plan.cols = static_cast<int>(largest_divisor_within(gx, core_grid.x));
    plan.rows = static_cast<int>(largest_divisor_within(gy, core_grid.y));
    if (plan.cols * plan.rows != balanced.num_cores || plan.cols * plan.rows < 2) return std::nullopt;

    const KernelLaunchNode *launch = find_kernel_launch(func);
    ShareableCopies copies(launch->block_vars);
    copies(launch->body);
    for (const auto &[buffer, use] : copies.uses) {
        if (!use.shareable || use.block_dims.size() != 1) continue;
        // A region that moves with by alone is the same along a core row (x varies), one that
        // moves with bx alone the same down a core column.
        const bool along_row = *use.block_dims.begin() == 1;
        if ((along_row ? plan.cols : plan.rows) < 2) continue;
        const int semaphore = static_cast<int>(plan.operands.size()) * 2;
        plan.operands.push_back(MulticastOperand{buffer, along_row ? "row" : "column", semaphore, semaphore + 1});
    }
    if (plan.operands.empty()) return std::nullopt;

    WorkPartition partition;
    partition.strategy = PartitionStrategy::Block;
    partition.grid = balanced.grid;
    partition.total_blocks = balanced.total_blocks;
    partition.num_cores = plan.cols * plan.rows;
    partition.panel = static_cast<int>(gy / plan.rows);
    const int64_t per_core = partition.total_blocks / partition.num_cores;
    for (int k = 0; k < partition.num_cores; ++k) {
        partition.cores.push_back(CoreWork{CoreCoord{k % plan.cols, k / plan.cols}, k * per_core, per_core});
    }
    return std::make_pair(plan, partition);
}

const std::vector<std::string> &multicast_arg_fields() {
    static const std::vector<std::string> fields = {"sender", "x0", "y0", "x1", "y1", "receivers",
                                                    "sender_semaphore", "receiver_semaphore"};
    return fields;
}

KernelArg multicast_core_arg(const MulticastPlan &plan, const MulticastOperand &operand, const std::string &field,
                             const CoreCoord &core) {
    const bool row = operand.axis == "row";
    // The rectangle of the core's row (column), its sender first.
    const CoreCoord first = row ? CoreCoord{0, core.y} : CoreCoord{core.x, 0};
    const CoreCoord last = row ? CoreCoord{plan.cols - 1, core.y} : CoreCoord{core.x, plan.rows - 1};
    auto noc = [](const char *marker, const CoreCoord &c) { return KernelArg{0, marker, Json::array({c.x, c.y})}; };
    if (field == "sender") return KernelArg::of(core == first ? 1 : 0);
    if (field == "x0") return noc("noc_x", first);
    if (field == "y0") return noc("noc_y", first);
    if (field == "x1") return noc("noc_x", last);
    if (field == "y1") return noc("noc_y", last);
    if (field == "receivers") return KernelArg::of(static_cast<uint32_t>((row ? plan.cols : plan.rows) - 1));
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
