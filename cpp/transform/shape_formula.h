/*! \file shape_formula.h
 *  \brief Formulas over a program's dynamic dimensions: how a host computes a size-dependent value
 *  of the runtime plan (a tensor's padded extent, a core's block range, a loop's trip count) from
 *  the sizes of the tensors it is called with.
 *
 *  A formula is JSON: an integer, a dimension's name ("m"), or [op, a, b] with op one of "+", "-",
 *  "*", "floordiv", "floormod", "min", "max" (floor division and modulo round towards minus
 *  infinity, as Python's // and %). The plan writes a size-dependent number as {"formula": F}
 *  (docs/plan.md). The compiler builds formulas from IR expressions over the dimensions' variables;
 *  the host evaluates them (specialize_plan) or prints them as C++ (the host program).
 */
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ir/ir.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

using ir::Json;

/*! \brief Values of the dynamic dimensions by name. */
using DimValues = std::map<std::string, int64_t>;

/*! \brief The formula of an integer expression over dimension variables (variables are named by
 *  their names), constant-folded. A Validation error at the expression when it uses anything else
 *  (a buffer element, a block index, a comparison): what says which value it computes. */
Json formula_of(const ir::Expr &e, const std::string &what);

/*! \brief The value of formula at the given dimension values; a Validation error naming a
 *  dimension without a value, an unknown operator or a division by zero. */
int64_t evaluate_formula(const Json &formula, const DimValues &values);

/*! \brief The formula as a C++ expression of int64_t: dimensions read as variables of their names
 *  after `prefix`,
 *  floor division and modulo through tilelang_tt_floordiv / tilelang_tt_floormod (non-negative
 *  operands divide as C++ does). */
std::string formula_cpp(const Json &formula, const std::string &prefix);

/*! \brief The size-dependent numbers of a tensor's layout as formulas (integers where static):
 *  its shape, padded shape (a dynamic extent rounded up to its pad multiple), shape in tiles,
 *  pages, and the [batch, rows, cols] it is tilized as. `dims` names each axis's dynamic
 *  dimension ("" for a static axis). Mirrors shape_in_tiles / tiles_of_shape / tiled_shape. */
struct LayoutFormulas {
    std::vector<Json> shape, padded_shape, shape_tiles, tiled_shape;
    Json num_pages;
};
LayoutFormulas layout_formulas(const BufferLayout &layout, const std::vector<std::string> &dims);

/*! \brief Core k's block range [start, start + count) when `total` blocks (a formula) are dealt
 *  to `cores` cores in balanced contiguous ranges, the first total % cores one block longer (as
 *  partition_blocks deals them). */
std::pair<Json, Json> core_block_range(const Json &total, int64_t cores, int64_t k);

/*! \brief The product of formulas (the block count of a launch grid), folded. */
Json formula_product(const std::vector<Json> &factors);

/*! \brief Whether a plan value is {"formula": F}. */
bool is_formula_value(const Json &value);

/*! \brief A plan whose size-dependent numbers are formulas, with each {"formula": F} replaced by its
 *  value at the given sizes and "dynamic_dims" dropped: a plan the simulator runs as it is. A
 *  Validation error names a dimension of the plan without a value, a value that is not positive,
 *  and a name that is not a dimension of the plan. */
Json specialize_plan(const Json &plan, const DimValues &values);

}  // namespace tt::transform
