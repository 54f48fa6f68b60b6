// Constant folding (ir/arith.h): sums whose variable parts cancel fold, distinct variables never do;
// a select on a constant condition is its branch.
#include <gtest/gtest.h>

#include "ir/arith.h"
#include "ir/printer.h"

namespace {

using namespace tt::ir;

TEST(FoldConstants, CancelsOnlyTheSameVariable) {
    Var bx = make_var("bx"), by = make_var("by");
    Expr same =
        SubNode::make(MulNode::make(AddNode::make(by, make_int(1)), make_int(32)), MulNode::make(by, make_int(32)));
    int64_t value = 0;
    EXPECT_TRUE(as_const_int(fold_constants(same), &value));
    EXPECT_EQ(value, 32);
    // Structurally alike up to renaming, but different variables: by * 32 - bx * 32 is not 0.
    Expr distinct = SubNode::make(MulNode::make(by, make_int(32)), MulNode::make(bx, make_int(32)));
    Expr folded = fold_constants(distinct);
    EXPECT_FALSE(as_const_int(folded, &value)) << to_text(folded);
    EXPECT_EQ(to_text(folded), "by * 32 - bx * 32");
}

/*! The serpentine block decode's `by % 2 == 1 ? gx - 1 - bx : bx` folds once by and bx are known. */
TEST(FoldConstants, SelectOnAConstantConditionIsItsBranch) {
    Var bx = make_var("bx");
    auto serpentine = [&](int64_t by) {
        return SelectNode::make(EQNode::make(FloorModNode::make(make_int(by), make_int(2)), make_int(1)),
                                SubNode::make(make_int(7), bx), bx);
    };
    EXPECT_EQ(to_text(fold_constants(serpentine(3))), "7 - bx");
    EXPECT_EQ(to_text(fold_constants(serpentine(4))), "bx");
    Var by = make_var("by");
    Expr open = SelectNode::make(EQNode::make(by, make_int(1)), make_int(2), make_int(3));
    EXPECT_EQ(fold_constants(open)->kind, NodeKind::Select);
}

}  // namespace
