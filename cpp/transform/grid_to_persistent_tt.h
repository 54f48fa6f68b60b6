/*! \file grid_to_persistent_tt.h
 *  \brief GridToPersistentTT: each core runs a persistent loop over the launch-grid blocks the
 *  work partition gave it, with its own runtime arguments; the runtime plan is emitted.
 *
 *  Requires: LowerTTTileIntrinsics (functions with tt.kernel_role, `[prologue] KernelLaunch`),
 *  TTTilesToCoreMap (tt.work_partition, tt.core_ranges).
 *
 *  Guarantees, for each kernel function:
 *  - its runtime arguments are, in order, the base address of every global buffer it accesses
 *    (first-use order; each unbound tt.buffer_address becomes get_arg_val(i)), then
 *    block_start and block_count, the core's range of blocks in partition order, then every
 *    shape-dependent value lowering named (tt.runtime_constant: tensor widths in tiles, loop trip
 *    counts; first-use order), then the block decode's extents the kernel reads (grid_x, grid_y,
 *    grid_z, block_panel: the launch-grid extents and the block strategy's clamped panel height),
 *    each bound once to a variable of its name, the same on every core, so the kernels do not
 *    depend on the launch grid;
 *  - the KernelLaunch is replaced by
 *      block_start = get_arg_val(n); block_count = get_arg_val(n + 1)
 *      for block in range(block_count):
 *          bx = decode_block_index(block_start + block, 0); by = ...; <body>
 *    so every block variable is bound from the linear block id (tt_attrs.h), and the once-per-
 *    kernel prologue (accessors, compute init) stays outside the loop;
 *  - tt.kernels (the same list on the three functions) describes reader (RISCV_1, NOC 0, the
 *    TensorAccessorArgs of its buffers as compile-time args), compute and writer (RISCV_0,
 *    NOC 1) with per-core runtime argument values for every core of the work partition;
 *  - with plan_path set, tt.plan.json is written there (plan.h).
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

IRModule grid_to_persistent_tt(const IRModule &mod, const PassContext &ctx);

/*! \brief The registered pass object "GridToPersistentTT". */
Pass grid_to_persistent_tt_pass();

}  // namespace tt::transform
