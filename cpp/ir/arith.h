/*! \file arith.h
 *  \brief Arithmetic helpers shared by the frontend and the passes: dtype promotion for
 *  user-written expressions, and constant folding.
 */
#pragma once

#include <map>
#include <optional>

#include "ir/ir.h"

namespace tt::ir {

/*! \brief Builds `a op b` after TileLang's promotion rules: a constant adopts the other operand's
 *  dtype; otherwise float wins over int and the wider type wins (float16 with bfloat16 gives
 *  float32); bool operands of arithmetic become int32. Logical kinds require bools. */
Expr promote_binary(NodeKind kind, Expr a, Expr b, Span span = Span());

/*! \brief value converted to dtype: constants are rebuilt, other expressions wrapped in a Cast
 *  (nothing when the dtype already matches). */
Expr convert(Expr value, DataType dtype, Span span = Span());

/*! \brief Folds integer arithmetic and comparisons on constants, x+0, x*1, x*0 and the like,
 *  bottom-up. The result is equal in value to the input. */
Expr fold_constants(const Expr &e);

/*! \brief The value of e when it folds to an integer constant, else nullopt (also for an
 *  undefined e). */
std::optional<int64_t> folded_int(const Expr &e);

/*! \brief The largest divisor of n that is at most limit (1 when none is larger than 1). */
int64_t largest_divisor_at_most(int64_t n, int64_t limit);

/*! \brief An integer expression as sum(coef[v] * v) + offset over its variables. */
struct AffineForm {
    std::map<const VarNode *, int64_t> coef;
    int64_t offset = 0;
};
/*! \brief e in that form when it is built from constants, variables, +, - and products with a
 *  constant; nullopt otherwise. */
std::optional<AffineForm> affine_form(const Expr &e);

}  // namespace tt::ir
