// LowerTTTileIntrinsics: splits each kernel into reader, compute and writer statements
// (KernelSplitter, tt_kernel_splitter.h) and makes them the three functions of the program (see
// lower_tt_tile_intrinsics.h).
#include "transform/lower_tt_tile_intrinsics.h"

#include "ir/intrinsics.h"
#include "transform/tt_kernel_splitter.h"

namespace tt::transform {

using namespace ir;

namespace {

const char *role_suffix(KernelRole role) {
    return role == KernelRole::Reader ? "_reader" : role == KernelRole::Compute ? "_compute" : "_writer";
}

// [accessor bindings] [init] KernelLaunch(role body) [teardown]: the kernel of one role.
Stmt kernel_body(LoweringContext &ctx, KernelRole role, const KernelLaunchNode *launch, const SplitKernel &split) {
    const std::vector<Stmt> &body = split.roles.of[static_cast<size_t>(role)];
    Stmt launched = KernelLaunchNode::make(launch->extents, launch->block_vars, launch->threads,
                                           body.empty() ? EvaluateNode::make(make_int(0)) : seq(body), launch->span);
    if (role == KernelRole::Compute && split.compute_init) {
        std::vector<Stmt> all{split.compute_init, launched};
        all.insert(all.end(), split.compute_teardown.begin(), split.compute_teardown.end());
        launched = seq(all);
    }
    std::vector<Stmt> prologue;
    const auto &accessors = ctx.accessors(role);
    for (size_t i = 0; i < accessors.size(); ++i) {
        Expr tensor = RegionNode::full(accessors[i]);
        Expr base = CallNode::make("tt.buffer_address", {tensor});
        prologue.push_back(tt_call("tensor_accessor", {tensor, make_int(static_cast<int64_t>(i)), base,
                                                       make_int(ctx.layout(accessors[i], launch->span).page_size)}));
    }
    prologue.push_back(launched);
    return seq(prologue);
}

std::vector<std::pair<std::string, PrimFunc>> lower_function(const PrimFunc &func, const PassContext &pctx) {
    const auto *launch = func->body.as<KernelLaunchNode>();
    if (!launch) return {{func->name, func}};
    LoweringContext ctx(func, pctx);
    const SplitKernel split = split_kernel_body(ctx, launch->body, launch->span);
    std::vector<std::pair<std::string, PrimFunc>> out;
    for (KernelRole role : kKernelRoles) {
        std::string name = func->name + role_suffix(role);
        Stmt body = kernel_body(ctx, role, launch, split);
        AttrMap attrs = func->attrs;
        attrs[attr::GLOBAL_SYMBOL] = name;
        attrs[attr::TT_KERNEL_ROLE] = to_string(role);
        attrs[attr::TT_CB_DESC] = ctx.cb_desc();
        out.push_back({name, make_prim_func(name, func->params, body, attrs, func->span)});
    }
    return out;
}

}  // namespace

IRModule lower_tt_tile_intrinsics(const IRModule &mod, const PassContext &ctx) {
    std::vector<std::pair<std::string, PrimFunc>> functions;
    for (const auto &kv : mod->functions) {
        for (auto &lowered : lower_function(kv.second, ctx)) functions.push_back(std::move(lowered));
    }
    return make_module(std::move(functions), mod->attrs);
}

Pass lower_tt_tile_intrinsics_pass() {
    return Pass{"LowerTTTileIntrinsics", lower_tt_tile_intrinsics};
}

}  // namespace tt::transform
