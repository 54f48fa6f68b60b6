/*! \file equal.h
 *  \brief Structural equality and hashing.
 *
 *  Two trees are equal when they have the same shape, kinds, dtypes, constants, attributes and
 *  annotations, up to a consistent one-to-one renaming of variables and buffers (names and
 *  spans are ignored). Hashes agree with equality: equal trees hash equally.
 */
#pragma once

#include <string>

#include "ir/ir.h"

namespace tt::ir {

/*! \brief Whether a and b are equal in the sense above (up to renaming; names and spans ignored). */
bool structural_equal(const Expr &a, const Expr &b);
bool structural_equal(const Stmt &a, const Stmt &b);
bool structural_equal(const PrimFunc &a, const PrimFunc &b);
bool structural_equal(const IRModule &a, const IRModule &b);

/*! \brief "" when equal, otherwise a description of the first difference and where it is. */
std::string structural_difference(const Stmt &a, const Stmt &b);
std::string structural_difference(const PrimFunc &a, const PrimFunc &b);
std::string structural_difference(const IRModule &a, const IRModule &b);

/*! \brief A hash consistent with structural_equal: equal trees hash equally. */
size_t structural_hash(const Expr &e);
size_t structural_hash(const Stmt &s);
size_t structural_hash(const PrimFunc &f);
size_t structural_hash(const IRModule &m);

}  // namespace tt::ir
