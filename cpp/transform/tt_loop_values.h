/*! \file tt_loop_values.h
 *  \brief What a serial loop does to the on-chip values it does not define afresh in each
 *  iteration: the state every iteration starts from (LowerTTTileIntrinsics lowers the body once to
 *  learn the values it changes, then again from that state).
 *
 *  Every iteration must find a value where the previous one left it, in the same circular buffer
 *  and tile order, since the kernels are one loop body for all iterations. Two kinds of values are
 *  carried from iteration to iteration:
 *  - Accumulated: the buffer holds a constant on entry (T.fill, T.clear) and tiles on exit (a gemm,
 *    a T.Parallel update, a reduction with clear=False). It is the constant on the first iteration
 *    only (TileValue::constant_if), and still the constant after a loop of zero trips.
 *  - Carried: the buffer holds tiles on entry and the loop rewrites them (an element-wise update in
 *    place: top-k's `logits_frag` knocked out one maximum per iteration, an iterative solver's
 *    state). The updates live in a CB of compute's; when the entry value is elsewhere (a CB the
 *    reader fills, which compute cannot write) compute copies it there once, before the loop, so
 *    every iteration reads the previous one's tiles from the same CB. The value the last iteration
 *    leaves may be read by nobody after the loop: compute then discards it where it dies
 *    (TileValue::carried).
 *  Requires: `entry` and `exit` are the values before the loop and after one lowering of its body.
 *  Guarantees: a state to lower every iteration from, whose lowering leaves the same values.
 *  Errors (Validation, at the loop): any other change of a value across an iteration (a value
 *  defined only on some iterations, one that vanishes, one left in another tile order), saying
 *  what to write instead.
 */
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief How a loop carries its values (see file comment). */
struct LoopValues {
    /*! The values every iteration starts from. */
    std::map<const ir::BufferNode *, TileValue> entry;
    /*! Buffers accumulated from a constant, and that constant. */
    std::vector<std::pair<ir::Buffer, double>> accumulated;
    /*! Buffers whose entry tiles compute moves into the CB their updates live in before the loop,
     *  with the value they then hold there. */
    std::vector<std::pair<ir::Buffer, TileValue>> moved;
    /*! Buffers holding tiles that the loop rewrites (moved or not). */
    std::vector<ir::Buffer> carried;
};

/*! \brief The loop's carried values; `runs`: the loop provably runs at least once. */
LoopValues loop_values(const ir::ForNode *loop, const LoweringContext &ctx,
                       const std::map<const ir::BufferNode *, TileValue> &entry,
                       const std::map<const ir::BufferNode *, TileValue> &exit, bool runs);

/*! \brief Whether two values are held alike: same kind, constant, CB and tile grouping. */
bool same_value(const TileValue &a, const TileValue &b);

}  // namespace tt::transform
