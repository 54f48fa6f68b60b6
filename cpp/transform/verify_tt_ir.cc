// VerifyTTIR: structural and circular-buffer protocol checks of the lowered kernels (see
// verify_tt_ir.h).
#include "transform/verify_tt_ir.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::transform {

using namespace ir;

namespace {

constexpr int64_t kMaxVerifiedCalls = 50'000'000;

uint8_t role_bit(KernelRole role) {
    return role == KernelRole::Reader ? kRoleReader : role == KernelRole::Compute ? kRoleCompute : kRoleWriter;
}

// A failure here is a bug in an earlier pass, hence an internal error.
[[noreturn]] void fail(const std::string &kernel, const std::string &message) {
    ErrorBuilder(ErrorKind::Internal, Span(), __FILE__, __LINE__) << "VerifyTTIR: kernel " << kernel << ": " << message;
}

/*! Page counts of one kernel on every CB during one block (plus the prologue). */
struct CBTraffic {
    int64_t reserved = 0, pushed = 0, waited = 0, popped = 0;
};

/*! Executes a kernel body abstractly, counting CB pages and checking call order: for one block
 *  with the runtime arguments unknown, or, given one core's runtime arguments, for that core's
 *  whole run (every block, so that ifs on block indices are decided). */
class ProtocolCounter : public IRVisitor {
public:
    ProtocolCounter(std::string kernel, const CBDesc &cbs, const std::vector<KernelArg> *core_args = nullptr)
        : kernel_(std::move(kernel)), core_args_(core_args) {
        for (const auto &kv : cbs) capacity_[kv.second.cb_index] = kv.second.num_pages;
    }
    std::map<int64_t, CBTraffic> traffic;
    /*! The first if on block indices the run without runtime arguments could not decide. */
    const IfThenElseNode *undecided = nullptr;

protected:
    using IRVisitor::visit;
    void visit(const ForNode *op) override {
        int64_t extent;
        // A trip count known at run time only (the persistent loop's block count, a loop bound by a
        // block index) counts as one iteration, for the ifs that test it too.
        if (!as_const_int(fold_constants(bind(op->extent)), &extent)) {
            if (core_args_) {
                TT_USER_ERROR(Validation, op->span)
                    << "the trip count of the loop over " << op->loop_var->name << " depends on data the kernel reads, "
                    << "in a kernel with ifs on block indices, whose tile traffic is checked core by core; instead "
                    << "bound the loop by block indices, loop counters and tensor sizes";
            }
            extent = 1;
            if (const auto *count = op->extent.as<VarNode>()) env_[count] = 1;
        }
        // The loop variable runs from the loop's start: a number, or (a start from a block index)
        // that start plus the trip, which conditions on the first iteration compare with.
        int64_t first;
        const bool numeric = as_const_int(fold_constants(bind(op->min)), &first);
        for (int64_t i = 0; i < extent; ++i) {
            if (numeric)
                env_[op->loop_var.get()] = first + i;
            else
                starts_[op->loop_var.get()] = AddNode::make(op->min, make_int(i));
            visit_stmt(op->body);
        }
        env_.erase(op->loop_var.get());
        starts_.erase(op->loop_var.get());
    }
    void visit(const LetStmtNode *op) override {
        int64_t value;
        const bool known = as_const_int(fold_constants(bind(op->value)), &value);
        if (known) env_[op->var.get()] = value;
        IRVisitor::visit(op);
        if (known) env_.erase(op->var.get());
    }
    void visit(const IfThenElseNode *op) override {
        std::optional<bool> taken = decide(bind(op->cond));
        if (!taken && same_traffic_either_way(op)) return;
        if (!taken && !core_args_ && depends_on_runtime_arguments(op->cond)) {
            // Decided on each core from its runtime arguments (block indices), by the caller.
            if (!undecided) undecided = op;
            return;
        }
        if (!taken && op->span.defined()) {
            // The kernel's own if on data: the reader, compute and writer must agree on every tile they
            // pass through circular buffers, and data is read by one of them only.
            TT_USER_ERROR(Validation, op->span)
                << "`if " << to_text(op->cond) << "` around tile operations (T.copy, T.gemm, T.fill, reductions) "
                << "depends on data the kernel reads, which is not supported on Tenstorrent yet: the reader, compute "
                << "and writer kernels must agree on every tile they exchange, and only one of them reads the data; "
                << "instead decide it from block indices and loop counters, or mask element-wise with "
                << "T.if_then_else inside T.Parallel";
        }
        if (!taken) fail(kernel_, "cannot decide `if " + to_text(op->cond) + "` from loop variables alone");
        if (*taken)
            visit_stmt(op->then_case);
        else if (op->else_case)
            visit_stmt(op->else_case);
    }
    void visit(const CallNode *op) override {
        IRVisitor::visit(op);
        if (++calls_ > kMaxVerifiedCalls) fail(kernel_, "too many calls per block to verify");
        const std::string &name = op->op->name;
        if (name != "tt.cb_reserve_back" && name != "tt.cb_push_back" && name != "tt.cb_wait_front" &&
            name != "tt.cb_pop_front") {
            return;
        }
        int64_t cb, pages;
        if (!as_const_int(fold_constants(bind(op->args[0])), &cb) ||
            !as_const_int(fold_constants(bind(op->args[1])), &pages)) {
            fail(kernel_, "CB call " + name + " with a non-constant operand");
        }
        auto cap = capacity_.find(cb);
        if (cap == capacity_.end()) fail(kernel_, "CB " + std::to_string(cb) + " is not in tt.cb_desc");
        if (pages > cap->second) {
            fail(kernel_, name.substr(3) + " of " + std::to_string(pages) + " pages on CB " + std::to_string(cb) +
                              ", which holds " + std::to_string(cap->second));
        }
        CBTraffic &t = traffic[cb];
        if (name == "tt.cb_reserve_back") t.reserved += pages;
        if (name == "tt.cb_wait_front") t.waited = std::max(t.waited, t.popped + pages);
        if (name == "tt.cb_push_back") {
            t.pushed += pages;
            if (t.pushed > t.reserved) fail(kernel_, "push on CB " + std::to_string(cb) + " without a reserve");
        }
        if (name == "tt.cb_pop_front") {
            t.popped += pages;
            if (t.popped > t.waited) fail(kernel_, "pop on CB " + std::to_string(cb) + " without a wait");
        }
    }

private:
    // Whether both branches move the same pages through every CB (the reader's test of a block
    // mask: tiles read or zeros written, pushed alike), so the if needs no deciding; the traffic is
    // that of either branch then.
    bool same_traffic_either_way(const IfThenElseNode *op) {
        const auto entry = traffic;
        visit_stmt(op->then_case);
        const auto after_then = traffic;
        traffic = entry;
        if (op->else_case) visit_stmt(op->else_case);
        auto same = [](const std::map<int64_t, CBTraffic> &a, const std::map<int64_t, CBTraffic> &b) {
            return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto &x, const auto &y) {
                return x.first == y.first && x.second.reserved == y.second.reserved &&
                       x.second.pushed == y.second.pushed && x.second.waited == y.second.waited &&
                       x.second.popped == y.second.popped;
            });
        };
        if (same(after_then, traffic)) return true;
        traffic = entry;
        return false;
    }
    // A condition on constants (after binding loop variables), or nullopt.
    static std::optional<bool> decide(const Expr &cond) {
        Expr a, b;
        if (const auto *n = cond.as<NotNode>()) {
            auto v = decide(n->a);
            return v ? std::optional<bool>(!*v) : std::nullopt;
        }
        if ((cond->kind == NodeKind::And || cond->kind == NodeKind::Or) && binary_operands(cond, &a, &b)) {
            auto x = decide(a), y = decide(b);
            if (!x || !y) return std::nullopt;
            return cond->kind == NodeKind::And ? (*x && *y) : (*x || *y);
        }
        const Expr folded = fold_constants(cond);  // keeps the node alive while `imm` points into it
        if (const auto *imm = folded.as<IntImmNode>()) return imm->value != 0;
        // A comparison whose sides differ by a constant (`bx + 0 == bx`, a symbolic loop start).
        if (binary_operands(cond, &a, &b)) {
            std::optional<AffineForm> diff = affine_form(SubNode::make(a, b));
            bool constant = diff.has_value();
            for (const auto &[var, coef] : constant ? diff->coef : std::map<const VarNode *, int64_t>{})
                constant = constant && coef == 0;
            if (constant) {
                const int64_t d = diff->offset;
                switch (cond->kind) {
                case NodeKind::EQ: return d == 0;
                case NodeKind::NE: return d != 0;
                case NodeKind::LT: return d < 0;
                case NodeKind::LE: return d <= 0;
                case NodeKind::GT: return d > 0;
                case NodeKind::GE: return d >= 0;
                default: break;
                }
            }
        }
        return std::nullopt;
    }
    // e with known variables and, on a core, runtime arguments replaced by their values.
    Expr bind(const Expr &e) {
        class Binder : public IRMutator {
        public:
            Binder(const ProtocolCounter &c) : c_(c) {}

        protected:
            using IRMutator::visit;
            Expr visit(const VarNode *op) override {
                auto it = c_.env_.find(op);
                if (it != c_.env_.end()) return make_int(it->second);
                auto start = c_.starts_.find(op);
                return start == c_.starts_.end() ? IRMutator::visit(op) : mutate(start->second);
            }
            Expr visit(const CallNode *op) override {
                int64_t slot;
                if (c_.core_args_ && op->op->name == "tt.get_arg_val" && as_const_int(op->args[0], &slot) &&
                    slot < static_cast<int64_t>(c_.core_args_->size())) {
                    return make_int((*c_.core_args_)[slot].value);
                }
                return IRMutator::visit(op);
            }

        private:
            const ProtocolCounter &c_;
        };
        Binder binder(*this);
        return binder(e);
    }
    // Whether cond reads a variable bound (through lets) to runtime arguments: a block index.
    bool depends_on_runtime_arguments(const Expr &cond) const {
        bool reads_data = false;
        post_order_visit(EvaluateNode::make(cond), [&](const Node *n) {
            reads_data = reads_data || n->kind == NodeKind::BufferLoad ||
                         (n->kind == NodeKind::Call && static_cast<const CallNode *>(n)->op->name != "tt.get_arg_val");
        });
        return !reads_data;
    }

    std::string kernel_;
    const std::vector<KernelArg> *core_args_;
    std::map<int64_t, int64_t> capacity_;
    std::map<const VarNode *, int64_t> env_;
    std::map<const VarNode *, Expr> starts_;  ///< loop variables of a symbolic start: start + trip
    int64_t calls_ = 0;
};

void check_calls(const PrimFunc &func, KernelRole role) {
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind != NodeKind::Call) return;
        const IntrinsicInfo *op = static_cast<const CallNode *>(n)->op;
        if (op->roles & kRoleFrontend) fail(func->name, op->name + " was not lowered");
        if (!(op->roles & role_bit(role))) {
            fail(func->name, op->name + " is not available in a " + to_string(role) + " kernel");
        }
    });
}

void check_arguments(const PrimFunc &func, const KernelDesc &desc) {
    std::set<int64_t> slots;
    size_t accessors = 0;
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind != NodeKind::Call) return;
        const auto *call = static_cast<const CallNode *>(n);
        if (call->op->name == "tt.tensor_accessor") ++accessors;
        if (call->op->name != "tt.get_arg_val") return;
        int64_t index;
        if (!as_const_int(call->args[0], &index)) fail(func->name, "get_arg_val with a non-constant index");
        slots.insert(index);
    });
    for (int64_t i = 0; i < static_cast<int64_t>(desc.runtime_args.size()); ++i) {
        if (!slots.count(i)) fail(func->name, "runtime argument " + desc.runtime_args[i] + " is never read");
    }
    if (!slots.empty() && *slots.rbegin() >= static_cast<int64_t>(desc.runtime_args.size())) {
        fail(func->name, "reads runtime argument " + std::to_string(*slots.rbegin()) + " but tt.kernels names " +
                             std::to_string(desc.runtime_args.size()));
    }
    size_t accessor_args = 0;
    for (const KernelArg &a : desc.compile_args) accessor_args += a.marker == "tensor_accessor_args";
    if (accessor_args != accessors) {
        fail(func->name, std::to_string(accessors) + " TensorAccessors but " + std::to_string(accessor_args) +
                             " tensor_accessor_args compile args");
    }
}

/*! Every CB that moves pages has one producer and one consumer kernel, and as many pages popped as
 *  pushed, over the run `where` names (one block, or a core's whole run, where a CB may be idle). */
void check_balance(const std::map<int64_t, std::array<CBTraffic, 3>> &traffic, const std::string &where) {
    for (const auto &[cb, per_role] : traffic) {
        int producers = 0, consumers = 0;
        int64_t pushed = 0, popped = 0;
        for (const CBTraffic &t : per_role) {
            producers += t.pushed > 0;
            consumers += t.popped > 0;
            pushed += t.pushed;
            popped += t.popped;
        }
        const std::string which = "CB " + std::to_string(cb);
        const bool idle = pushed == 0 && popped == 0 && where != "per block";
        if (!idle && (producers != 1 || consumers != 1)) {
            TT_ICHECK(false) << "VerifyTTIR: " << which << " has " << producers << " producer and " << consumers
                             << " consumer kernels " << where << "; each CB links exactly one of each";
        }
        TT_ICHECK(pushed == popped) << "VerifyTTIR: " << which << " gets " << pushed << " pages pushed but " << popped
                                    << " popped " << where;
    }
}

}  // namespace

IRModule verify_tt_ir(const IRModule &mod, const PassContext &) {
    std::map<KernelRole, PrimFunc> kernels;
    for (const auto &[name, func] : mod->functions) {
        auto role = find_attr<std::string>(func, attr::TT_KERNEL_ROLE);
        if (role) kernels[Json(*role).get<KernelRole>()] = func;
    }
    if (kernels.size() != 3) TT_ICHECK(false) << "VerifyTTIR: expected a reader, a compute and a writer kernel";
    const Json program = kernels.begin()->second->attrs.count(attr::TT_KERNELS)
                             ? kernels.begin()->second->attrs.at(attr::TT_KERNELS)
                             : Json();
    const CBDesc cbs = get_attr<CBDesc>(kernels.begin()->second, attr::TT_CB_DESC, "PropagateTTLayout");
    std::map<int64_t, std::array<CBTraffic, 3>> traffic;
    std::map<KernelRole, KernelDesc> descs;
    bool per_core = false;  // some if on block indices: check each core's whole run instead
    for (const auto &[role, func] : kernels) {
        check_calls(func, role);
        const KernelDescs all = get_attr<KernelDescs>(func, attr::TT_KERNELS, "GridToPersistentTT");
        auto desc = std::find_if(all.begin(), all.end(), [&](const KernelDesc &d) { return d.role == role; });
        if (desc == all.end()) fail(func->name, "has no entry in tt.kernels");
        check_arguments(func, *desc);
        descs[role] = *desc;
        ProtocolCounter counter(func->name, cbs);
        counter(func->body);
        per_core = per_core || counter.undecided;
        for (const auto &[cb, t] : counter.traffic) traffic[cb][static_cast<size_t>(role)] = t;
        if (func->attrs.at(attr::TT_KERNELS) != program) fail(func->name, "carries a tt.kernels unlike its siblings'");
    }
    if (!per_core) {
        check_balance(traffic, "per block");
        return mod;
    }
    for (const auto &[core, args] : descs.begin()->second.per_core_runtime_args) {
        std::map<int64_t, std::array<CBTraffic, 3>> core_traffic;
        for (const auto &[role, func] : kernels) {
            ProtocolCounter counter(func->name, cbs, &descs.at(role).per_core_runtime_args.at(core));
            counter(func->body);
            for (const auto &[cb, t] : counter.traffic) core_traffic[cb][static_cast<size_t>(role)] = t;
        }
        check_balance(core_traffic, "on core " + core);
    }
    return mod;
}

Pass verify_tt_ir_pass() {
    return Pass{"VerifyTTIR", verify_tt_ir};
}

}  // namespace tt::transform
