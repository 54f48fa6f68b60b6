// LowerTTPersistent: a T.Persistent launch becomes a launch over its tile domain
// (contract in lower_tt_persistent.h).
#include "transform/lower_tt_persistent.h"

#include <optional>

#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::transform {

namespace {

using namespace ir;

constexpr const char *kPersistent = "tl.persistent";

/*! The tl.persistent call of a statement, or nullptr. */
const CallNode *persistent_call(const Stmt &s) {
    if (!s || s->kind != NodeKind::Evaluate) return nullptr;
    const Expr &value = static_cast<const EvaluateNode *>(s.get())->value;
    if (value->kind != NodeKind::Call) return nullptr;
    const auto *call = static_cast<const CallNode *>(value.get());
    return call->op->name == kPersistent ? call : nullptr;
}

/*! Every tl.persistent statement of s, in program order. */
std::vector<Stmt> persistent_statements(const Stmt &s) {
    std::vector<Stmt> found;
    post_order_visit(s, [&](const Node *n) {
        if (n->kind != NodeKind::Evaluate) return;
        Stmt stmt = std::static_pointer_cast<const StmtNode>(static_cast<const StmtNode *>(n)->shared_from_this());
        if (persistent_call(stmt)) found.push_back(stmt);
    });
    return found;
}

bool contains(const Stmt &s, const Stmt &target) {
    bool found = false;
    post_order_visit(s, [&](const Node *n) { found = found || n == target.get(); });
    return found;
}

/*! The span of the first statement of s that reads var (or an expression's span), if any. */
class VarUse : public LocatingVisitor {
public:
    explicit VarUse(const Var &var) : var_(var) {}
    std::optional<Span> first;

protected:
    void visit(const VarNode *op) override {
        if (!first && op == var_.get()) first = statement_span();
    }

private:
    const Var &var_;
};

std::optional<Span> first_use(const Stmt &s, const Var &var) {
    VarUse use(var);
    use(s);
    return use.first;
}
bool uses(const Expr &e, const Var &var) {
    VarUse use(var);
    use(e);
    return use.first.has_value();
}

/*! What the rewrite of one launch needs: the statements kept around the blocks (outermost first),
 *  the persistent call and its loop nest. */
struct PersistentLaunch {
    std::vector<Stmt> wrappers;  // Allocate and LetStmt nodes whose body is replaced
    Stmt marker;                 // the tl.persistent statement
    Stmt loop;                   // the outermost loop of the domain
};

/*! Throws the error for a statement beside the loop. */
void statement_beside_loop(const Stmt &stmt, const Var &index, const Span &fallback) {
    const Span at = stmt->span.defined() ? stmt->span : fallback;
    if (first_use(stmt, index)) {
        TT_USER_ERROR(Validation, first_use(stmt, index)->defined() ? *first_use(stmt, index) : at)
            << "this statement beside the T.Persistent loop uses '" << index->name
            << "', the CTA index of the wave; on Tenstorrent the loop's tiles become the launch's blocks, dealt to "
               "the cores by the compiler, so there is no CTA index outside the loop: move the statement into the "
               "loop body and compute it from the loop variables";
    }
    TT_USER_ERROR(Validation, at)
        << "only allocations may stand beside a T.Persistent loop in its T.Kernel: on Tenstorrent each tile of the "
           "domain becomes a block of the launch, so there is no per-core code outside the loop; move this "
           "statement into the loop body (it then runs once per tile)";
}

/*! Walks from the launch body to the T.Persistent loop through allocations and lets, refusing
 *  anything else on the way (contract: errors). */
PersistentLaunch find_persistent(const KernelLaunchNode *launch, const Stmt &marker, const Var &index) {
    const Span loop_span = marker->span;
    PersistentLaunch found;
    found.marker = marker;
    Stmt s = launch->body;
    while (true) {
        if (s->kind == NodeKind::Allocate) {
            found.wrappers.push_back(s);
            s = static_cast<const AllocateNode *>(s.get())->body;
            continue;
        }
        if (s->kind == NodeKind::LetStmt) {
            const auto *let = static_cast<const LetStmtNode *>(s.get());
            if (uses(let->value, index)) statement_beside_loop(s, index, loop_span);
            found.wrappers.push_back(s);
            s = let->body;
            continue;
        }
        if (s->kind == NodeKind::SeqStmt) {
            const std::vector<Stmt> &seq = static_cast<const SeqStmtNode *>(s.get())->seq;
            for (size_t i = 0; i < seq.size(); ++i) {
                if (seq[i].get() == marker.get()) {
                    TT_ICHECK(i + 1 < seq.size() && seq[i + 1]->kind == NodeKind::For)
                        << "tl.persistent must be followed by its loop nest";
                    for (size_t j = 0; j < seq.size(); ++j)
                        if (j != i && j != i + 1) statement_beside_loop(seq[j], index, loop_span);
                    found.loop = seq[i + 1];
                    return found;
                }
            }
            const Stmt *holder = nullptr;
            for (const Stmt &part : seq) {
                if (contains(part, marker))
                    holder = &part;
                else
                    statement_beside_loop(part, index, loop_span);
            }
            TT_ICHECK(holder) << "tl.persistent not found in its launch";
            s = *holder;
            continue;
        }
        TT_USER_ERROR(Validation, loop_span)
            << "a T.Persistent loop must stand directly in its T.Kernel body (after the allocations), not inside "
               "another loop or an if: its tiles become the launch's blocks; move it out to the T.Kernel body";
    }
}

struct Lowered {
    Stmt launch;
    int group_size = 1;
    int rank = 0;
    Span span;
};

Lowered lower_launch(const KernelLaunchNode *launch, const Stmt &marker) {
    const CallNode *call = persistent_call(marker);
    const Span at = marker->span;
    const auto constant = [&](size_t i) {
        TT_ICHECK(call->args[i]->kind == NodeKind::IntImm) << "tl.persistent's " << call->op->args[i].name;
        return static_cast<const IntImmNode *>(call->args[i].get())->value;
    };
    const int64_t rank = constant(2), group_size = constant(3), num_stages = constant(4);
    if (launch->block_vars.size() != 1) {
        TT_USER_ERROR(Validation, at) << "T.Persistent deals its tiles over a one-dimensional launch, "
                                         "'with T.Kernel(wave_size) as index:', but this T.Kernel has "
                                      << launch->block_vars.size()
                                      << " dimensions; launch T.Kernel(wave_size) with one block variable";
    }
    const Var &block = launch->block_vars[0];
    const Expr &index = call->args[1];
    if (index->kind != NodeKind::Var || index.get() != block.get()) {
        TT_USER_ERROR(Validation, at) << "T.Persistent's index is " << to_text(index)
                                      << ", but it must be the T.Kernel's block variable '" << block->name
                                      << "' (the CTA of the wave); pass " << block->name;
    }
    if (!structural_equal(call->args[0], launch->extents[0])) {
        TT_USER_ERROR(Validation, at) << "T.Persistent's wave_size is " << to_text(call->args[0])
                                      << ", but the T.Kernel launches " << to_text(launch->extents[0])
                                      << " blocks; a wave is the whole launch, so pass the T.Kernel extent ("
                                      << to_text(launch->extents[0]) << ") as wave_size";
    }
    if (rank > 3) {
        TT_USER_ERROR(Validation, at) << "T.Persistent's domain has " << rank
                                      << " entries; it becomes the launch grid, which has at most 3 dimensions: "
                                         "merge domain entries (and split the merged index in the body)";
    }
    if (num_stages != 0) {
        TT_USER_ERROR(Validation, at)
            << "T.Persistent(num_stages=" << num_stages
            << ") is not supported: Tenstorrent kernels already prefetch the next block's tiles (the reader runs "
               "ahead of compute through the circular buffers; pipeline option enable_prefetch); remove num_stages";
    }
    PersistentLaunch found = find_persistent(launch, marker, block);
    std::vector<Expr> extents;
    std::vector<Var> vars;
    Stmt body = found.loop;
    for (int64_t d = 0; d < rank; ++d) {
        TT_ICHECK(body->kind == NodeKind::For) << "tl.persistent's loop nest has fewer than " << rank << " loops";
        const auto *loop = static_cast<const ForNode *>(body.get());
        TT_ICHECK(loop->min->kind == NodeKind::IntImm && static_cast<const IntImmNode *>(loop->min.get())->value == 0)
            << "a T.Persistent loop starts at 0";
        extents.push_back(loop->extent);
        vars.push_back(loop->loop_var);
        body = loop->body;
    }
    if (std::optional<Span> use = first_use(body, block)) {
        TT_USER_ERROR(Validation, use->defined() ? *use : at)
            << "the T.Persistent loop body uses '" << block->name
            << "', the CTA index of the wave; on Tenstorrent each tile is a block of the launch and has no CTA "
               "index: use the loop variables (the tile's coordinates) instead";
    }
    for (auto it = found.wrappers.rbegin(); it != found.wrappers.rend(); ++it) {
        if ((*it)->kind == NodeKind::Allocate)
            body = AllocateNode::make(static_cast<const AllocateNode *>(it->get())->buffer, body, (*it)->span);
        else {
            const auto *let = static_cast<const LetStmtNode *>(it->get());
            body = LetStmtNode::make(let->var, let->value, body, let->span);
        }
    }
    return Lowered{KernelLaunchNode::make(extents, vars, launch->threads, body, launch->span),
                   static_cast<int>(group_size), static_cast<int>(rank), at};
}

class PersistentLowering : public IRMutator {
public:
    std::vector<Lowered> lowered;

protected:
    Stmt visit(const KernelLaunchNode *op) override {
        Stmt self_stmt = self(op);
        std::vector<Stmt> markers = persistent_statements(self_stmt);
        if (markers.empty()) return self_stmt;
        if (markers.size() > 1) {
            TT_USER_ERROR(Validation, markers[1]->span)
                << "a T.Kernel launch holds one T.Persistent loop (its domain becomes the launch grid); put this "
                   "one in a T.Kernel of its own";
        }
        lowered.push_back(lower_launch(op, markers[0]));
        return lowered.back().launch;
    }
};

}  // namespace

PrimFunc lower_tt_persistent(const PrimFunc &func, const PassContext &) {
    PersistentLowering lowering;
    Stmt body = lowering(func->body);
    if (body.same_as(func->body)) return func;
    PrimFunc out = with_body(func, body);
    for (const Lowered &l : lowering.lowered) {
        if (l.rank < 2 || l.group_size <= 1) continue;  // row-major: the first entry fastest
        const Json panel{{"panel_size", l.group_size}, {"order", "row"}, {"enable", true}};
        auto swizzle = out->attrs.find(attr::TL_SWIZZLE);
        if (swizzle != out->attrs.end() && swizzle->second.value("enable", true) && swizzle->second != panel) {
            TT_USER_ERROR(Validation, l.span)
                << "T.Persistent(group_size=" << l.group_size << ") sets the block order T.use_swizzle(" << l.group_size
                << ") would, but the kernel also has T.use_swizzle(" << swizzle->second.value("panel_size", 1)
                << "); remove T.use_swizzle or make the two agree";
        }
        out = with_attr(out, attr::TL_SWIZZLE, panel);
    }
    return out;
}

Pass lower_tt_persistent_pass() {
    return Pass{"LowerTTPersistent", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return lower_tt_persistent(f, ctx); });
                }};
}

}  // namespace tt::transform
