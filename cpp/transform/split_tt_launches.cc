// SplitTTLaunches: one function per T.Kernel launch (contract in split_tt_launches.h).
#include "transform/split_tt_launches.h"

#include <set>

#include "ir/functor.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! The global buffers a launch reads or writes, in first-use order. */
std::set<const BufferNode *> globals_used(const Stmt &launch) {
    std::set<const BufferNode *> used;
    post_order_visit(launch, [&](const Node *n) {
        const Buffer *b = nullptr;
        if (n->kind == NodeKind::BufferLoad) b = &static_cast<const BufferLoadNode *>(n)->buffer;
        if (n->kind == NodeKind::BufferStore) b = &static_cast<const BufferStoreNode *>(n)->buffer;
        if (n->kind == NodeKind::Region) b = &static_cast<const RegionNode *>(n)->buffer;
        if (n->kind == NodeKind::Allocate) {
            const Buffer &allocated = static_cast<const AllocateNode *>(n)->buffer;
            if (allocated->scope == MemoryScope::Global) {
                TT_USER_ERROR(Validation, n->span)
                    << "T.alloc_global of " << allocated->name << " inside a T.Kernel launch is not supported: "
                    << "global buffers live across launches; instead allocate it before the first 'with T.Kernel'";
            }
        }
        if (b && (*b)->scope == MemoryScope::Global) used.insert(b->get());
    });
    return used;
}

/*! The launches of a body (peeling its T.alloc_global Allocates into `allocated`); a located
 *  error for anything else at function level. */
std::vector<Stmt> launches_of(const Stmt &body, std::vector<Buffer> &allocated) {
    Stmt s = body;
    while (s->kind == NodeKind::Allocate &&
           static_cast<const AllocateNode *>(s.get())->buffer->scope == MemoryScope::Global) {
        const auto *alloc = static_cast<const AllocateNode *>(s.get());
        allocated.push_back(alloc->buffer);
        s = alloc->body;
    }
    std::vector<Stmt> parts =
        s->kind == NodeKind::SeqStmt ? static_cast<const SeqStmtNode *>(s.get())->seq : std::vector<Stmt>{s};
    for (const Stmt &part : parts) {
        if (part->kind != NodeKind::KernelLaunch) {
            TT_USER_ERROR(Validation, part->span.defined() ? part->span : body->span)
                << "a statement outside the T.Kernel launches is not supported on Tenstorrent: the host only "
                << "allocates buffers and runs the launches in order; instead move it into a 'with T.Kernel' block "
                << "(or allocate global buffers with T.alloc_global before the first launch)";
        }
    }
    return parts;
}

/*! Whether the function has several launches or allocates global buffers. */
bool needs_split(const PrimFunc &func) {
    int launches = 0;
    bool allocates = false;
    post_order_visit(func->body, [&](const Node *n) {
        launches += n->kind == NodeKind::KernelLaunch;
        allocates = allocates || (n->kind == NodeKind::Allocate &&
                                  static_cast<const AllocateNode *>(n)->buffer->scope == MemoryScope::Global);
    });
    return launches > 1 || allocates;
}

std::vector<std::pair<std::string, PrimFunc>> split(const std::string &name, const PrimFunc &func) {
    if (!needs_split(func)) return {{name, func}};
    std::vector<Buffer> allocated;
    const std::vector<Stmt> launches = launches_of(func->body, allocated);
    std::vector<std::set<const BufferNode *>> used;
    std::set<const BufferNode *> used_anywhere;
    for (const Stmt &launch : launches) {
        used.push_back(globals_used(launch));
        used_anywhere.insert(used.back().begin(), used.back().end());
    }
    Json buffers = Json::array();  // every global of the function, for checks of requests by name
    for (const Buffer &p : func->params) buffers.push_back(p->name);
    for (const Buffer &b : allocated) buffers.push_back(b->name);
    std::vector<std::pair<std::string, PrimFunc>> out;
    for (size_t i = 0; i < launches.size(); ++i) {
        const Stmt &launch = launches[i];
        // A parameter no launch uses stays a (never accessed) buffer of the first program.
        std::vector<Buffer> params;
        for (const Buffer &p : func->params)
            if (used[i].count(p.get()) || (i == 0 && !used_anywhere.count(p.get()))) params.push_back(p);
        for (const Buffer &b : allocated)
            if (used[i].count(b.get())) params.push_back(b);
        const std::string launch_name = func->name + "_launch" + std::to_string(i);
        PrimFunc part = make_prim_func(launch_name, params, launch, func->attrs, func->span);
        part = with_attr(part, attr::TT_LAUNCH, Json{{"index", i}, {"count", launches.size()}, {"buffers", buffers}});
        out.push_back({launch_name, part});
    }
    return out;
}

}  // namespace

IRModule split_tt_launches(const IRModule &mod, const PassContext &) {
    std::vector<std::pair<std::string, PrimFunc>> functions;
    bool changed = false;
    for (const auto &[name, func] : mod->functions) {
        std::vector<std::pair<std::string, PrimFunc>> parts = split(name, func);
        changed = changed || parts.size() != 1 || parts.front().second.get() != func.get();
        functions.insert(functions.end(), parts.begin(), parts.end());
    }
    return changed ? make_module(std::move(functions), mod->attrs) : mod;
}

Pass split_tt_launches_pass() {
    return Pass{"SplitTTLaunches", split_tt_launches};
}

}  // namespace tt::transform
