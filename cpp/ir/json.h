/*! \file json.h
 *  \brief Lossless JSON serialization of the IR.
 *
 *  Guarantee: from_json(to_json(x)) is structurally equal to x and keeps every span, name,
 *  annotation and attribute, so to_json of the result is identical to the first to_json.
 *  Malformed input raises a Validation error, never a crash.
 */
#pragma once

#include "ir/ir.h"

namespace tt::ir {

inline constexpr const char *kIRFormat = "tilelang-tt-ir";
inline constexpr int kIRFormatVersion = 1;

Json to_json(const IRModule &m);
Json to_json(const PrimFunc &f);
/*! \brief A statement or expression with its own variable and buffer tables: {vars, buffers, root}. */
Json to_json(const Stmt &s);
Json to_json(const Expr &e);

IRModule module_from_json(const Json &j);
PrimFunc func_from_json(const Json &j);
Stmt stmt_from_json(const Json &j);
Expr expr_from_json(const Json &j);

}  // namespace tt::ir
