/*! \file padding_flow.h
 *  \brief How padding flows through a kernel's tile operations, for verify_tt_padding.h: what an
 *  element-wise value is where the loads it reads are padding, and, in program order, which
 *  elements of each on-chip buffer lie past the edge of the tensors its blocks come from.
 */
#pragma once

#include <map>
#include <vector>

#include "ir/ir.h"
#include "transform/padding_value.h"

namespace tt::transform {

/*! \brief Per tensor, the axes along which its blocks may run past its edge (those InferTTLayout
 *  pads to the furthest block, and every dynamic axis copied in blocks), each with its extent as
 *  tt.runtime_constant("<tensor>_extent_<axis>", size[, formula]). */
using RaggedAxes = std::map<const ir::BufferNode *, std::map<int, ir::Expr>>;

/*! \brief An on-chip buffer axis whose element k is element start + k of a tensor axis: past the
 *  tensor's edge when start + k >= extent. */
struct Edge {
    ir::Expr start;
    ir::Expr extent;  ///< tt.runtime_constant of the tensor's extent (RaggedAxes)
    ir::Buffer tensor;
    int axis = 0;

    /*! The tensor's extent at the sizes compiled for. */
    int64_t size() const;
    /*! The same element of the same extent: tensors of equal extents (the K and V of one sequence)
     *  end at the same element. */
    bool operator==(const Edge &other) const;
};

/*! \brief What the elements along one axis of an on-chip buffer hold past the edges of the
 *  tensors its blocks come from. */
struct Overhang {
    /*! Inside: no element is past an edge. Edges: an element is when it is past any of `edges`.
     *  Untracked: some may be, where their positions no longer follow from a block's start (`edges`
     *  says where they came from). */
    enum Kind { Inside, Edges, Untracked } kind = Inside;
    std::vector<Edge> edges;
    /*! Inside: every element is zero. Otherwise: the elements past the edge are zero, and
     *  (Untracked) those accumulated into other elements added nothing to them. */
    bool zero = false;
    bool finite = true;  ///< Inside: every element is finite

    bool past_edge() const { return kind != Inside; }
    bool same_edges(const Overhang &other) const;
    bool operator==(const Overhang &other) const;
};

/*! \brief A reduction and the overhang of its source along the axis it folds. */
struct FoldedReduction {
    const ir::CallNode *call;
    Overhang folded;
    Span span;  ///< of its statement
};

/*! \brief Follows, in program order and to a fixed point around each loop, which elements of each
 *  on-chip buffer of body lie past the edge of the tensors along `ragged` axes its blocks come from
 *  (verify_tt_padding.h): T.copy of a tensor's block starts them, element-wise stores, on-chip
 *  copies, gemms and reductions carry them, T.fill ends them, and leaving the loop or let that
 *  their block's start uses makes them Untracked. Returns the reductions in program order; throws
 *  a Validation error at a T.gemm summing over elements past the edge of both operands, neither
 *  known to be zero there. */
std::vector<FoldedReduction> reductions_past_the_edge(const ir::Stmt &body, const RaggedAxes &ragged);

}  // namespace tt::transform
