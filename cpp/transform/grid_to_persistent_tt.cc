// GridToPersistentTT: persistent per-core block loops, runtime arguments, tt.kernels and the plan
// (see grid_to_persistent_tt.h).
#include "transform/grid_to_persistent_tt.h"

#include <algorithm>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/plan.h"
#include "transform/shape_formula.h"
#include "transform/tt_multicast.h"
#include "transform/tt_unpack_to_dest.h"

namespace tt::transform {

using namespace ir;

namespace {

Expr arg(int64_t index) {
    return CallNode::make("tt.get_arg_val", {make_int(index)});
}

// The calls of intrinsic `name` in body, in first-use order.
std::vector<const CallNode *> calls_of(const Stmt &body, const char *name) {
    std::vector<const CallNode *> out;
    post_order_visit(body, [&](const Node *n) {
        if (n->kind == NodeKind::Call && static_cast<const CallNode *>(n)->op->name == name)
            out.push_back(static_cast<const CallNode *>(n));
    });
    return out;
}

// The global buffers whose addresses a kernel needs, in first-use order.
std::vector<Buffer> address_operands(const Stmt &body) {
    std::vector<Buffer> out;
    for (const CallNode *call : calls_of(body, "tt.buffer_address")) {
        const Buffer &b = call->args[0].as<RegionNode>()->buffer;
        if (std::find(out.begin(), out.end(), b) == out.end()) out.push_back(b);
    }
    return out;
}

// A shape-dependent value lowering named (tt.runtime_constant): a runtime argument of the kernel.
struct RuntimeConstant {
    std::string name;
    int64_t value;
    Var var;
    Json formula;  ///< of the dynamic dimensions; null for a value that is the same at every size
};

// The runtime constants of a kernel, in first-use order.
std::vector<RuntimeConstant> runtime_constants(const Stmt &body) {
    std::vector<RuntimeConstant> out;
    for (const CallNode *call : calls_of(body, "tt.runtime_constant")) {
        const std::string &name = call->args[0].as<StringImmNode>()->value;
        int64_t value;
        TT_ICHECK(as_const_int(call->args[1], &value)) << "runtime constant " << name << " has no constant value";
        auto seen = [&](const RuntimeConstant &c) { return c.name == name; };
        if (std::any_of(out.begin(), out.end(), seen)) continue;
        Json formula = call->args.size() > 2 ? Json::parse(call->args[2].as<StringImmNode>()->value) : Json();
        out.push_back({name, value, make_var(name), formula});
    }
    return out;
}

// A per-core argument of a multicast operand (tt.multicast_arg): a runtime argument whose value
// differs between cores (multicast_core_arg).
struct MulticastArg {
    std::string buffer;
    std::string field;
    Var var;
};

// The multicast arguments of a kernel, in first-use order.
std::vector<MulticastArg> multicast_args(const Stmt &body) {
    std::vector<MulticastArg> out;
    for (const CallNode *call : calls_of(body, "tt.multicast_arg")) {
        const std::string &buffer = call->args[0].as<StringImmNode>()->value;
        const std::string &field = call->args[1].as<StringImmNode>()->value;
        auto seen = [&](const MulticastArg &a) { return a.buffer == buffer && a.field == field; };
        if (!std::any_of(out.begin(), out.end(), seen)) out.push_back({buffer, field, make_var(buffer + "_mcast_" + field)});
    }
    return out;
}

// The block decode's extents as runtime arguments (the launch-grid extents and the block
// strategy's panel height), so the kernels do not depend on the launch grid. Each is a
// RuntimeConstant named grid_x / grid_y / grid_z / block_panel; only those a kernel's decode
// reads become its arguments.
std::vector<RuntimeConstant> decode_extent_constants(const WorkPartition &partition,
                                                     const std::optional<DynamicShape> &dynamic) {
    static const char *const kGridNames[] = {"grid_x", "grid_y", "grid_z"};
    TT_ICHECK(partition.grid.size() <= 3) << "launch grid of rank " << partition.grid.size();
    std::vector<RuntimeConstant> out;
    for (size_t d = 0; d < partition.grid.size(); ++d) {
        const Json formula = dynamic && !dynamic->grid.at(d).is_number_integer() ? dynamic->grid.at(d) : Json();
        out.push_back({kGridNames[d], partition.grid[d], make_var(kGridNames[d]), formula});
    }
    int64_t panel;
    TT_ICHECK(as_const_int(constant_decode_extents(partition).panel, &panel));
    out.push_back({"block_panel", panel, make_var("block_panel"), Json()});
    return out;
}

// The variables of decode_extent_constants' result (grid extents in dimension order, then the
// panel) as the extents decode_block_index divides by.
BlockDecodeExtents as_decode_extents(const std::vector<RuntimeConstant> &extent_constants) {
    BlockDecodeExtents extents;
    for (size_t d = 0; d + 1 < extent_constants.size(); ++d) extents.grid.push_back(extent_constants[d].var);
    extents.panel = extent_constants.back().var;
    return extents;
}

// Replaces tt.buffer_address(b) and tt.runtime_constant(name, value) by runtime arguments and
// the launch by the persistent loop.
class Persistify : public IRMutator {
public:
    Persistify(const std::vector<Buffer> &addresses, const std::vector<RuntimeConstant> &shape_constants,
               const std::vector<MulticastArg> &multicast, const WorkPartition &partition,
               const std::optional<DynamicShape> &dynamic)
        : addresses_(addresses), constants_(shape_constants), multicast_(multicast), partition_(partition),
          dynamic_(dynamic) {}

    /*! The kernel's runtime constants after the rewrite, in argument order: the shape constants,
     *  then the decode extents the block loop reads. Valid once the launch has been visited. */
    const std::vector<RuntimeConstant> &runtime_constants() const { return constants_; }

protected:
    using IRMutator::visit;
    Expr visit(const CallNode *op) override {
        if (op->op->name == "tt.runtime_constant") {
            const std::string &name = op->args[0].as<StringImmNode>()->value;
            for (const RuntimeConstant &c : constants_) {
                if (c.name == name) return c.var;
            }
        }
        if (op->op->name == "tt.multicast_arg") {
            const std::string &buffer = op->args[0].as<StringImmNode>()->value;
            const std::string &field = op->args[1].as<StringImmNode>()->value;
            for (const MulticastArg &a : multicast_) {
                if (a.buffer == buffer && a.field == field) return a.var;
            }
        }
        if (op->op->name != "tt.buffer_address") return IRMutator::visit(op);
        const Buffer &b = op->args[0].as<RegionNode>()->buffer;
        auto it = std::find(addresses_.begin(), addresses_.end(), b);
        return arg(it - addresses_.begin());
    }
    Stmt visit(const KernelLaunchNode *op) override {
        TT_ICHECK(op->block_vars.size() == partition_.grid.size())
            << "launch grid of rank " << op->block_vars.size() << " but work partition of rank "
            << partition_.grid.size();
        const int64_t first = static_cast<int64_t>(addresses_.size());
        Var start = make_var("block_start"), count = make_var("block_count"), block = make_var("block");
        Expr block_id = AddNode::make(start, block);
        Stmt body = mutate(op->body);
        std::set<const Node *> used;
        post_order_visit(body, [&](const Node *n) { used.insert(n); });
        const std::vector<RuntimeConstant> extent_constants = decode_extent_constants(partition_, dynamic_);
        const BlockDecodeExtents extents = as_decode_extents(extent_constants);
        for (size_t d = op->block_vars.size(); d-- > 0;) {
            if (!used.count(op->block_vars[d].get())) continue;  // e.g. compute never indexes by block
            body = LetStmtNode::make(op->block_vars[d],
                                     decode_block_index(partition_.strategy, extents, block_id, static_cast<int>(d)),
                                     body, op->span);
        }
        std::set<const Node *> decoded;
        post_order_visit(body, [&](const Node *n) { decoded.insert(n); });
        for (const RuntimeConstant &c : extent_constants) {
            if (decoded.count(c.var.get())) constants_.push_back(c);
        }
        Stmt out = ForNode::make(block, make_int(0), count, ForKind::Serial, body, 0, {}, op->span);
        // The per-core multicast arguments follow the constants.
        const int64_t after_constants = first + 2 + static_cast<int64_t>(constants_.size());
        for (size_t i = multicast_.size(); i-- > 0;) {
            out = LetStmtNode::make(multicast_[i].var, arg(after_constants + static_cast<int64_t>(i)), out);
        }
        for (size_t i = constants_.size(); i-- > 0;) {
            out = LetStmtNode::make(constants_[i].var, arg(first + 2 + static_cast<int64_t>(i)), out);
        }
        return LetStmtNode::make(start, arg(first), LetStmtNode::make(count, arg(first + 1), out));
    }

private:
    const std::vector<Buffer> &addresses_;
    std::vector<RuntimeConstant> constants_;
    const std::vector<MulticastArg> &multicast_;
    const WorkPartition &partition_;
    const std::optional<DynamicShape> &dynamic_;
};

/*! A runtime argument's value: the number, or with dynamic dimensions its formula (checked to give
 *  the number at the sizes the function is specialized at). */
KernelArg sized_arg(int64_t value, const Json &formula, const DimValues &sizes) {
    if (formula.is_null() || formula.is_number_integer()) return KernelArg::of(static_cast<uint32_t>(value));
    TT_ICHECK(evaluate_formula(formula, sizes) == value)
        << "formula " << formula.dump() << " gives " << evaluate_formula(formula, sizes) << ", the value is " << value;
    return KernelArg::formula(formula, static_cast<uint32_t>(value));
}

KernelDesc describe(KernelRole role, const std::vector<Buffer> &addresses,
                    const std::vector<RuntimeConstant> &constants, const std::vector<MulticastArg> &multicast,
                    const std::optional<MulticastPlan> &plan, const WorkPartition &partition, int launch,
                    const std::optional<DynamicShape> &dynamic) {
    DimValues sizes;
    Json total_blocks = partition.total_blocks;
    if (dynamic) {
        for (const DynamicDim &d : dynamic->dims) sizes[d.name] = d.value;
        total_blocks = formula_product(dynamic->grid);
    }
    KernelDesc k;
    k.role = role;
    k.name = to_string(role);
    // The kernels of a function's later launches (SplitTTLaunches) sit beside the first's.
    k.source = k.name + (launch > 0 ? "_" + std::to_string(launch) : "") + ".cpp";
    // TT-Metalium's convention: the reader on NCRISC (RISCV_1) with the NoC preferred for DRAM
    // reads, the writer on BRISC (RISCV_0) with the other NoC.
    k.processor = role == KernelRole::Compute ? "TRISC" : role == KernelRole::Reader ? "RISCV_1" : "RISCV_0";
    k.noc = role == KernelRole::Compute ? -1 : role == KernelRole::Reader ? 0 : 1;
    for (const Buffer &b : addresses) {
        k.compile_args.push_back(KernelArg::tensor_accessor_args(b->name));
        k.runtime_args.push_back(b->name + "_address");
    }
    k.runtime_args.push_back("block_start");
    k.runtime_args.push_back("block_count");
    for (const RuntimeConstant &c : constants) k.runtime_args.push_back(c.name);
    for (const MulticastArg &a : multicast) k.runtime_args.push_back(a.var->name);
    for (size_t core = 0; core < partition.cores.size(); ++core) {
        const CoreWork &w = partition.cores[core];
        const auto [start, count] =
            dynamic ? core_block_range(total_blocks, partition.num_cores, core) : std::pair<Json, Json>(Json(), Json());
        std::vector<KernelArg> values;
        for (const Buffer &b : addresses) values.push_back(KernelArg::buffer_address(b->name));
        values.push_back(sized_arg(w.start, start, sizes));
        values.push_back(sized_arg(w.count, count, sizes));
        for (const RuntimeConstant &c : constants) values.push_back(sized_arg(c.value, c.formula, sizes));
        for (const MulticastArg &a : multicast) {
            TT_ICHECK(plan) << "multicast argument of " << a.buffer << " without tt.multicast";
            const MulticastOperand *operand = find_multicast_operand(*plan, a.buffer);
            TT_ICHECK(operand) << a.buffer << " is not multicast";
            values.push_back(multicast_core_arg(*plan, *operand, a.field, w.core));
        }
        k.per_core_runtime_args[core_key(w.core)] = values;
    }
    return k;
}

}  // namespace

IRModule grid_to_persistent_tt(const IRModule &mod, const PassContext &ctx) {
    std::vector<std::pair<std::string, PrimFunc>> functions;
    KernelDescs kernels;
    for (const auto &[name, func] : mod->functions) {
        auto role = find_attr<std::string>(func, attr::TT_KERNEL_ROLE);
        if (!role) {
            functions.push_back({name, func});
            continue;
        }
        WorkPartition partition = get_attr<WorkPartition>(func, attr::TT_WORK_PARTITION, "TTTilesToCoreMap");
        std::vector<Buffer> addresses = address_operands(func->body);
        const auto dynamic = find_attr<DynamicShape>(func, attr::TT_DYNAMIC_SHAPE);
        const std::vector<MulticastArg> multicast = multicast_args(func->body);
        Persistify persistify(addresses, runtime_constants(func->body), multicast, partition, dynamic);
        Stmt body = persistify(func->body);
        auto launch = find_attr<Json>(func, attr::TT_LAUNCH);
        const KernelRole kernel_role = Json(*role).get<KernelRole>();
        kernels.push_back(describe(kernel_role, addresses, persistify.runtime_constants(), multicast,
                                   find_attr<MulticastPlan>(func, attr::TT_MULTICAST), partition,
                                   launch ? launch->at("index").get<int>() : 0, dynamic));
        if (kernel_role == KernelRole::Compute) {
            kernels.back().unpack_to_dest_fp32 = unpack_to_dest_cbs(
                body, get_attr<CBDesc>(func, attr::TT_CB_DESC, "PropagateTTLayout"),
                get_attr<ComputeConfig>(func, attr::TT_COMPUTE_CONFIG, "PropagateTTLayout").fp32_dest_acc_en);
        }
        functions.push_back({name, with_body(func, body)});
    }
    // Every kernel of the program carries the whole list, so each function describes the program.
    for (auto &[name, func] : functions) {
        if (func->attrs.count(attr::TT_KERNEL_ROLE)) func = with_attr(func, attr::TT_KERNELS, Json(kernels));
    }
    IRModule out = make_module(std::move(functions), mod->attrs);
    if (!ctx.options().plan_path.empty()) {
        for (const auto &[name, func] : out->functions) {
            if (!func->attrs.count(attr::TT_KERNELS)) continue;
            write_plan(build_plan(func, ctx), ctx.options().plan_path);
            break;
        }
    }
    return out;
}

Pass grid_to_persistent_tt_pass() {
    return Pass{"GridToPersistentTT", grid_to_persistent_tt};
}

}  // namespace tt::transform
