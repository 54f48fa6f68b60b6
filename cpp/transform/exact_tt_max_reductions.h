/*! \file exact_tt_max_reductions.h
 *  \brief ExactTTMaxReductions: a float32 max or min reduction whose result the kernel tests for
 *  equality is computed exactly.
 *
 *  Tenstorrent's reductions run on the matrix engine, whose source registers hold float32 values
 *  as tf32 (10 explicit mantissa bits), so `T.reduce_max` of float32 tiles gives the maximum
 *  truncated to tf32: within 2^-10 relative, which serves softmax, but is generally none of the
 *  row's values. TileLang's top-k finds the column of each row's maximum by equality,
 *  `max_val[i] == logits_frag[i, j]`, which then never holds. Truncation is monotone, so the
 *  reduction gives the top 11 significant bits of the true maximum M exactly; the rest is found
 *  the same way, from differences that are exact for M (Sterbenz) and have fewer bits each time:
 *      T.reduce_max(x, m, dim=1)                            # m  = tf32(M)
 *      for i, j in T.Parallel(R, C): rest[i, j] = x[i, j] - m[i]
 *      T.reduce_max(rest, part, dim=1)                      # part = tf32(M - m)
 *      for i, j in T.Parallel(R, C): rest[i, j] = rest[i, j] - part[i]
 *      T.reduce_max(rest, part2, dim=1)                     # M - m - part: at most 2 bits, exact
 *      for i in T.Parallel(R): m[i] = m[i] + part[i] + part2[i]    # = M, every sum exact
 *  The subtractions run on the vector engine in float32 (a broadcast operand is never a matrix-
 *  engine operand), so the result is exactly the row's maximum (minimum). The cost is two more
 *  reductions and two element-wise passes over the block, paid only where equality needs it.
 *
 *  Requires: a staged kernel (after StageTTElementwise). Applies to `T.reduce_max` / `T.reduce_min`
 *  with clear=True of a 2-D float32 shared/fragment buffer into a 1-D float32 one along either
 *  dimension, when some == or != reads an element of the result. Guarantees: those reductions are
 *  replaced by the sequence above (its buffers are fragments named after the source); everything
 *  else is unchanged.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Makes func's equality-tested float32 max/min reductions exact (see file comment). */
ir::PrimFunc exact_tt_max_reductions(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "ExactTTMaxReductions". */
Pass exact_tt_max_reductions_pass();

}  // namespace tt::transform
