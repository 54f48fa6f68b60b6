// Passes are mutators; their cost and their correctness rest on the base class sharing every
// unchanged subtree and rebuilding exactly the changed path.
#include <gtest/gtest.h>

#include <set>

#include "builders.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/printer.h"

namespace tt::ir::testing {
namespace {

/*! \brief The statement sequence inside the GEMM's launch and its allocations. */
const SeqStmtNode *kernel_sequence(const Stmt &body) {
    Stmt s = body.as<KernelLaunchNode>()->body;
    while (const auto *alloc = s.as<AllocateNode>()) s = alloc->body;
    return s.as<SeqStmtNode>();
}

/*! \brief Rewrites the gemm policy string, touching one leaf deep inside the pipelined loop. */
class PolicyRewriter : public IRMutator {
protected:
    using IRMutator::visit;
    Expr visit(const StringImmNode *op) override {
        return op->value == "Square" ? StringImmNode::make("Full", op->span) : self(op);
    }
};

/*! \brief Replaces one buffer by another at every use. */
class BufferSwap : public IRMutator {
public:
    BufferSwap(Buffer from, Buffer to) : from_(std::move(from)), to_(std::move(to)) {
    }
    Buffer mutate_buffer(const Buffer &b) override {
        return b == from_ ? to_ : b;
    }

private:
    Buffer from_, to_;
};

// A mutator that changes nothing returns the very same tree, so no-op passes cost no copies.
TEST(Mutator, UnchangedTreeIsReturnedAsIs) {
    for (const CorpusCase &c : corpus_cases()) {
        SCOPED_TRACE(c.stem);
        Stmt body = c.build()->functions[0].second->body;
        IRMutator identity;
        EXPECT_TRUE(identity(body).same_as(body));
    }
}

// Changing one leaf rebuilds its ancestors only; siblings stay shared, spans stay on rebuilt nodes.
TEST(Mutator, RebuildsOnlyTheChangedPath) {
    Stmt before = gemm_func({})->body;
    PolicyRewriter rewrite;
    Stmt after = rewrite(before);
    ASSERT_FALSE(after.same_as(before));
    const SeqStmtNode *old_seq = kernel_sequence(before), *new_seq = kernel_sequence(after);
    EXPECT_TRUE(new_seq->seq[0].same_as(old_seq->seq[0]));  // T.fill before the loop
    EXPECT_TRUE(new_seq->seq[2].same_as(old_seq->seq[2]));  // epilogue copy
    ASSERT_FALSE(new_seq->seq[1].same_as(old_seq->seq[1]));
    const auto *old_loop = old_seq->seq[1].as<ForNode>(), *new_loop = new_seq->seq[1].as<ForNode>();
    EXPECT_EQ(new_loop->span.to_string(), "examples/gemm.py:14:9");
    EXPECT_TRUE(new_loop->loop_var.same_as(old_loop->loop_var));
    const auto &old_body = old_loop->body.as<SeqStmtNode>()->seq, &new_body = new_loop->body.as<SeqStmtNode>()->seq;
    EXPECT_TRUE(new_body[0].same_as(old_body[0]));
    EXPECT_TRUE(new_body[1].same_as(old_body[1]));
    EXPECT_EQ(to_text(new_body[2]), "T.gemm(A_shared, B_shared, C_local, transpose_A=False, transpose_B=False, clear_accum=False, k_pack=1, policy=\"Full\")\n");
}

// substitute() replaces every use of a variable and leaves the rest of the expression alone.
TEST(Mutator, SubstituteReplacesVariables) {
    Var by = make_var("by"), i = make_var("i");
    Expr row = AddNode::make(MulNode::make(by, i32(64)), i);
    Expr fixed = substitute(row, [&](const Var &v) { return v.same_as(by) ? i32(2) : Expr(); });
    EXPECT_TRUE(structural_equal(fixed, AddNode::make(MulNode::make(i32(2), i32(64)), i)));
    EXPECT_TRUE(fixed.as<AddNode>()->b.same_as(Expr(i)));
}

// substitute() on statements reaches indices, stored values and loop bounds; no match, no copy.
TEST(Mutator, SubstituteInStatements) {
    Stmt body = build_corpus_case("elementwise_add")->functions[0].second->body;
    const auto *launch = body.as<KernelLaunchNode>();
    Var bx = launch->block_vars[0];
    Stmt loops = launch->body;
    EXPECT_TRUE(substitute(loops, [](const Var &) { return Expr(); }).same_as(loops));
    Stmt pinned = substitute(loops, [&](const Var &v) { return v.same_as(bx) ? i32(3) : Expr(); });
    int uses_of_bx = 0;
    post_order_visit(pinned, [&](const Node *n) { uses_of_bx += n == bx.get(); });
    EXPECT_EQ(uses_of_bx, 0);
    EXPECT_NE(to_text(pinned).find("C[by * 64 + i, 3 * 128 + j] = A[by * 64 + i, 3 * 128 + j]"), std::string::npos);
}

// rebind() copies a statement with new variables at its lets and loops, so the copy can follow the
// original in one function; the free variables (the launch's bx, by) stay shared.
TEST(Mutator, RebindRenewsBoundVariablesOnly) {
    Stmt body = build_corpus_case("elementwise_add")->functions[0].second->body;
    const auto *launch = body.as<KernelLaunchNode>();
    const Stmt loops = launch->body;
    const Stmt copy = rebind(loops);
    EXPECT_EQ(to_text(copy), to_text(loops));
    std::set<const Node *> bound, bound_in_copy, free_in_copy;
    auto binders = [](const Stmt &s, std::set<const Node *> *out) {
        post_order_visit(s, [&](const Node *n) {
            if (n->kind == NodeKind::For) out->insert(static_cast<const ForNode *>(n)->loop_var.get());
            if (n->kind == NodeKind::LetStmt) out->insert(static_cast<const LetStmtNode *>(n)->var.get());
        });
    };
    binders(loops, &bound);
    binders(copy, &bound_in_copy);
    ASSERT_FALSE(bound.empty());
    for (const Node *v : bound_in_copy) EXPECT_FALSE(bound.count(v));
    post_order_visit(copy, [&](const Node *n) {
        if (n->kind == NodeKind::Var) free_in_copy.insert(n);
    });
    for (const Node *v : bound) EXPECT_FALSE(free_in_copy.count(v));
    EXPECT_TRUE(free_in_copy.count(launch->block_vars[0].get()));
}

// Overriding mutate_buffer swaps a buffer in allocations, regions and calls in one place.
TEST(Mutator, MutateBufferSwapsEveryUse) {
    Stmt before = gemm_func({})->body;
    const Buffer C_local = before.as<KernelLaunchNode>()->body.as<AllocateNode>()->body.as<AllocateNode>()->body.as<AllocateNode>()->buffer;
    Buffer C_acc = tensor("C_acc", {128, 128}, "float32", MemoryScope::DST);
    BufferSwap swap(C_local, C_acc);
    Stmt after = swap(before);
    int old_uses = 0, new_uses = 0;
    post_order_visit(after, [&](const Node *n) {
        if (const auto *r = n->kind == NodeKind::Region ? static_cast<const RegionNode *>(n) : nullptr) {
            old_uses += r->buffer == C_local;
            new_uses += r->buffer == C_acc;
        }
    });
    EXPECT_EQ(old_uses, 0);
    EXPECT_EQ(new_uses, 3);  // T.fill, T.gemm, the epilogue T.copy
    EXPECT_NE(to_text(after).find("C_acc = T.alloc_dst((128, 128), \"float32\")"), std::string::npos);
}

// post_order_visit reports children before parents, which analyses that fold upward rely on.
TEST(Mutator, PostOrderVisitsChildrenFirst) {
    Var x = make_var("x");
    Expr sum = AddNode::make(x, i32(1));
    Stmt s = EvaluateNode::make(sum);
    std::vector<NodeKind> order;
    post_order_visit(s, [&](const Node *n) { order.push_back(n->kind); });
    EXPECT_EQ(order, (std::vector<NodeKind>{NodeKind::Var, NodeKind::IntImm, NodeKind::Add, NodeKind::Evaluate}));
}

}  // namespace
}  // namespace tt::ir::testing
