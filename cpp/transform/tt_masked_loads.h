/*! \file tt_masked_loads.h
 *  \brief The one form of `if` on data that LowerTTTileIntrinsics lowers: TileLang's block-sparse
 *  GEMM, `if Mask[by, bx, k]: T.copy(A[...], A_s); T.copy(B[...], B_s); T.gemm(A_s, B_s, C)`.
 *
 *  Only the reader reads data, and the reader, compute and writer kernels must agree on every tile
 *  they exchange. So such an if may only hold copies from global memory into the two operands of
 *  one T.gemm that accumulates: the reader decides (it reads the operands' tiles when the condition
 *  holds and zeros otherwise) and compute runs the gemm either way (a product of zero tiles adds
 *  exactly 0 to C). The condition may read elements of global tensors (indexed by block indices,
 *  loop counters and lets) and nothing on chip.
 */
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief The element reads of global tensors in an expression, in order of first appearance. */
std::vector<const ir::BufferLoadNode *> global_loads(const ir::Expr &e);

/*! \brief An accepted if on data: its condition with each element read replaced by a variable the
 *  reader binds by reading that element first. */
struct MaskedLoads {
    ir::Expr condition;
    std::vector<std::pair<const ir::BufferLoadNode *, ir::Var>> elements;
};

/*! \brief Checks that op has the form above and returns its element reads; otherwise a Validation
 *  error at op saying what differs (refuse_masked_if). */
MaskedLoads check_masked_loads(const ir::IfThenElseNode *op);

/*! \brief Raises the Validation error at an if on data that does not have the form above, `why`
 *  saying what differs, and what to write instead. */
void refuse_masked_if(const ir::IfThenElseNode *op, const std::string &why);

}  // namespace tt::transform
