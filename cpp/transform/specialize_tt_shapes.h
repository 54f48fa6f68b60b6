/*! \file specialize_tt_shapes.h
 *  \brief SpecializeTTShapes: a kernel with dynamic dimensions (T.dynamic / T.symbolic extents of
 *  its tensors) becomes the kernel at given sizes, remembering how its sizes enter the program.
 *
 *  One compiled program serves every size: the generated kernels read every shape-dependent value
 *  (tensor widths, loop trip counts, launch-grid extents, each core's block range) as a runtime
 *  argument, and the plan gives those arguments as formulas of the dimensions (shape_formula.h),
 *  which the host evaluates for the tensors it is called with. The passes after this one see
 *  ordinary constant shapes and compute the values at these sizes; the formulas stand beside them.
 *
 *  Requires: a parsed kernel (one T.Kernel launch when it has dynamic dimensions), and
 *  PassOptions::shape_values giving each dynamic dimension a positive size.
 *  Guarantees: a kernel without dynamic dimensions is unchanged. Otherwise every dimension variable
 *  is replaced by its size; tt.dynamic_shape records each dimension (name, the first tensor axis it
 *  is the extent of, its size) and the launch grid's extents as formulas; each loop whose trip count
 *  depends on a dimension carries that count as a formula (loop annotation tt.dynamic_extent). A
 *  let whose value depends on a dimension (`steps = T.ceildiv(N, block_N)`) is inlined first.
 *  A dimension used in the computation (`k * block_N + j < seq_len`, an if on block indices) becomes
 *  tt.runtime_constant(name, size, formula): a runtime argument of the kernels that read it.
 *  Errors (Validation, located): a tensor extent that is an expression of dimensions rather than a
 *  dimension itself; a dimension without a size, a size that is not positive, a size for a name
 *  that is not a dimension of the kernel. (Lowering refuses a dimension as a value in element-wise
 *  math, which the vector engine takes as a compile-time constant.)
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief func at the sizes of ctx's shape_values (see file comment). */
ir::PrimFunc specialize_tt_shapes(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "SpecializeTTShapes". */
Pass specialize_tt_shapes_pass();

}  // namespace tt::transform
