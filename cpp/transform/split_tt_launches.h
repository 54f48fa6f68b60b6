/*! \file split_tt_launches.h
 *  \brief SplitTTLaunches: a function of several T.Kernel launches becomes one function per launch,
 *  each compiled as its own Tenstorrent program and run in order on the same buffers.
 *
 *  TileLang writes split-KV attention (partial attention, then a combine) as two launches in one
 *  prim_func, passing partial results through global buffers that are parameters or allocated with
 *  T.alloc_global before the launches:
 *      glse = T.alloc_global([batch, split, heads], dtype)
 *      with T.Kernel(...) as (bx, by, bz): ...   # writes glse
 *      with T.Kernel(...) as (bx, bz): ...       # reads glse
 *  A Tenstorrent program runs one set of kernels on a core grid, so each launch is one program; the
 *  host enqueues them in order on one command queue, which runs each after the previous one ends.
 *
 *  Requires: the body is the launches in sequence, possibly inside Allocates of global buffers
 *  (T.alloc_global). Guarantees: a function with one launch is returned unchanged (the module is
 *  the same object); with n > 1, the module holds n functions "<name>_launch<i>" in launch order,
 *  each with the original's attributes plus tt.launch = {"index": i, "count": n, "buffers": the
 *  original's parameters then allocated globals, by name}, its body the
 *  launch, and as parameters the original's parameters it uses (in their order; the first also
 *  those no launch uses) followed by the allocated global buffers it uses (in allocation order).
 *  Buffers are shared, so names agree across the launches.
 *  Errors (Validation, at the statement): a statement between or around launches other than
 *  T.alloc_global (the host does not run kernel code), a global buffer allocated inside a launch.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief The module with each multi-launch function split into one function per launch (see
 *  file comment). */
ir::IRModule split_tt_launches(const ir::IRModule &mod, const PassContext &ctx);

/*! \brief The registered pass "SplitTTLaunches". */
Pass split_tt_launches_pass();

}  // namespace tt::transform
