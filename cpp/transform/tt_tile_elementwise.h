/*! \file tt_tile_elementwise.h
 *  \brief Element-wise T.Parallel loops as compute-kernel programs over tiles.
 *
 *  Three files implement it: tt_eltwise_parse.cc reads a nest into expression trees (and rewrites
 *  them for the values lowering binds), tt_tile_elementwise.cc emits a tree's DST program, and
 *  tt_tile_parallel.cc is TileOpLowering's part (operands, first-iteration variants, the fused
 *  update of an accumulator kept in DST).
 *
 *  A nest `for i, j in T.Parallel(R, C): D[i, j] = f(X[i, j], Y[i, j], ..., constants)` over
 *  whole on-chip buffers of R x C elements is the same function applied tile by tile. It becomes,
 *  per group of output tiles that fits DST: acquire DST, evaluate f's expression tree in DST
 *  slots (the operations of tt_eltwise_ops.h), pack the results into D's circular buffer.
 *
 *  Requires: every tile operand is an on-chip 2-D buffer of the loop's extents indexed exactly
 *  [i, j]; constants are compile-time numbers; lets inside the nest name sub-expressions; conditions
 *  (of T.if_then_else) compare values, or the loop indices affinely (coefficients -1, 0, 1 on i
 *  and j, anything free of them). Anything else (other index patterns, runtime scalars as values,
 *  integer casts, a tree deeper than DST) is a Validation error at its source line saying what to
 *  write instead.
 *
 *  How each node is computed, chosen by cost: a binary add/sub/mul whose operands are both CB tiles
 *  runs on the matrix engine straight from the CBs (`add_tiles`: no copies into DST), unless an
 *  operand is float32 and DST holds float32 (the matrix engine would see it as tf32); an operand
 *  combined with a constant uses the SFPU's scalar form (`mul_unary_tile`); max(x, 0) is
 *  `relu_tile`; 0 - x is `negative_tile`, 1 / x `recip_tile`; everything else copies its operands
 *  into DST (`copy_tile`, constants with `fill_tile`) and applies the SFPU form. A comparison with
 *  a constant is the SFPU's `unary_<cmp>_tile`, of two tiles `<cmp>z_tile(x - y)`, giving a mask of
 *  1.0 / 0.0 (`and` multiplies masks, `or` takes their max, `not` is `eqz`); T.if_then_else is
 *  `where_tile` on the mask and both values. A comparison of the loop indices (a causal mask,
 *  `row0 + i >= col0 + j`) is `±i ± j + offset` compared with zero: tiles of each element's row
 *  and column (LoweringContext::index_cb) combined by the matrix engine, plus the run-time offset
 *  of the tile (fill_tile of a float computed in the kernel), then `<cmp>z_tile`. Slots follow the Sethi-Ullman order,
 * so a tree of n levels needs at most n + 2 DST tiles; as many output tiles as fit share one acquire. Casts between
 * float types take effect where the result is packed (DST holds the device's accumulation format throughout).
 */
#pragma once

#include <map>
#include <vector>

#include "transform/tt_eltwise_ops.h"
#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief One node of an element-wise expression over tiles. */
struct EltwiseExpr {
    enum Kind {
        Tile,            ///< buffer[i, j]: the matching tile of an on-chip buffer
        Constant,        ///< a number
        Unary,           ///< op(operands[0]) on the SFPU
        Scalar,          ///< operands[0] op constant
        ScalarReversed,  ///< constant op operands[0]
        Binary,          ///< operands[0] op operands[1] on the SFPU, both in DST
        FpuBinary,       ///< operands[0] op operands[1], both Tiles, on the matrix engine
        Select,          ///< operands[0] != 0 ? operands[1] : operands[2] (where_tile)
        IndexCompare,    ///< (index_row * i + index_col * j + offset) op 0 over the element indices (i, j)
        IndexValue,      ///< index_row * i + index_col * j + offset itself (an index held as a value)
    } kind = Constant;
    const EltwiseOp *op = nullptr;
    ir::Buffer buffer;
    VectorLayout broadcast = VectorLayout::None;  ///< Tile: a 1-D buffer spread over each tile (unary_bcast)
    double constant = 0;
    int index_row = 0, index_col = 0;          ///< IndexCompare/Value: coefficients of i and j (-1, 0 or 1)
    ir::Expr offset;                           ///< IndexCompare/Value: the run-time rest, free of i and j
    const CircularBuffer *index_cb = nullptr;  ///< IndexCompare/Value: LoweringContext::index_cb
    std::vector<EltwiseExpr> operands;
    int slots = 1;  ///< DST tiles the evaluation needs
};

/*! \brief `target[i, j] = value` over the whole of an on-chip buffer. */
struct EltwiseStore {
    ir::Buffer target;
    EltwiseExpr value;
    Span span;
};

/*! \brief DST tiles needed to evaluate e (Sethi-Ullman numbering); sets e.slots throughout. */
int count_eltwise_slots(EltwiseExpr &e);

/*! \brief The element-wise stores of a T.Parallel nest, in program order; `lets` are the lets
 *  around it, which may name constants of its body. */
std::vector<EltwiseStore> parse_parallel_nest(const ir::ForNode *loop,
                                              const std::map<const ir::VarNode *, ir::Expr> &lets);

/*! \brief Where the tiles of one operand buffer are: its CB and the order they are held in. A
 *  `streamed` operand is the store's own target, read tile by tile as its new value is written. */
struct EltwiseOperand {
    const CircularBuffer *cb = nullptr;
    TileOrder order;
    bool streamed = false;
    /*! The tiles are in DST already, the tile at position p of `order` in DST slot p: a gemm
     *  accumulator kept in DST by its K loop, updated in place (emit_elementwise_in_dst). */
    bool in_dst = false;
};

/*! \brief The compute statements of one store: the target's tiles in `order`, from operands
 *  whose CBs hold all their tiles (waited for first and kept: they are popped where their values
 *  die) or are streamed. `fp32_dest`: DST holds float32 (fp32_dest_acc_en). */
ir::Stmt emit_elementwise(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                          const std::map<const ir::BufferNode *, EltwiseOperand> &operands, int dst_tiles,
                          bool fp32_dest);

/*! \brief The same program applied to the tiles of `in_dst`'s operand where they are, in DST, so
 *  that the gemm accumulator a K loop kept there is updated before it is packed: the caller has
 *  acquired DST and packs slots 0..n-1 afterwards. The result of each tile's evaluation lands in
 *  that tile's own slot and the other slots of the evaluation come from the DST tiles beyond the
 *  accumulator's. Null when that does not fit DST or the accumulator is not the first value the
 *  evaluation places, in slot 0 (evaluates_first_in_dst). */
ir::Stmt emit_elementwise_in_dst(const EltwiseStore &store, const CircularBuffer &target, const TileOrder &order,
                                 const std::map<const ir::BufferNode *, EltwiseOperand> &operands, int dst_tiles,
                                 bool fp32_dest);

/*! \brief Reads of buffers holding a constant (T.fill, T.clear) become that constant; a matrix-
 *  engine node reading such a buffer, `in_dst` (whose tiles are not in a CB) or, with a float32 DST
 *  (`fp32_dest`), a float32 buffer (which the matrix engine would see as tf32) becomes an SFPU one. */
void bind_operands(EltwiseExpr &e, const std::map<const ir::BufferNode *, double> &constants, bool fp32_dest,
                   const ir::BufferNode *in_dst = nullptr);

/*! \brief Points e's comparisons of the loop indices at the CB of index tiles; false when e has none. */
bool bind_index_tiles(EltwiseExpr &e, const CircularBuffer *index_cb);

/*! \brief Every on-chip buffer e reads, in first-read order. */
void collect_tiles(const EltwiseExpr &e, std::vector<ir::Buffer> *tiles);

}  // namespace tt::transform
