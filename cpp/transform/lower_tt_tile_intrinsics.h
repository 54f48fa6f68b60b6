/*! \file lower_tt_tile_intrinsics.h
 *  \brief LowerTTTileIntrinsics: TileLang tile operations become the reader, compute and writer
 *  kernels' TT-Metalium operations.
 *
 *  Requires: InferTTLayout (tt.layout_desc), PropagateTTLayout (tt.cb_desc, tt.compute_config);
 *  a KernelLaunch whose body holds on-chip allocations, tl.copy / tl.gemm / tl.fill and loops.
 *
 *  Guarantees: every function F with a KernelLaunch is replaced by three functions F_reader,
 *  F_compute and F_writer (attribute tt.kernel_role; all of F's attributes kept, tt.cb_desc
 *  extended by the staging CBs lowering adds), each `[prologue] KernelLaunch(grid) { body }`:
 *  - a copy global→shared/fragment: reader reserve, NoC tile reads (indices from the region),
 *    read barrier(s), push; the consumer's wait/pop where the buffer is used (data flow); for a
 *    tensor tt.multicast names, only the sender core reads and then multicasts the pages to the
 *    cores of its row (column) under two semaphores (tt_multicast.h, emit_reader_stage);
 *  - a copy shared/fragment→global: the writer waits, writes the tiles, barrier, pops; values
 *    computed by compute (accumulators) or of another data format go through a staging CB that
 *    compute fills with copy_tile / pack_tile;
 *  - fragment→shared: compute copies through DST; T.gemm: DST-subblocked matmul with partial sums
 *    in L1 (tt_tile_compute.h), or kept in DST across a loop when it fits; transpose_A through a
 *    staging CB of transposed tiles; T.clear / T.fill(c): the accumulator starts from the constant
 *    in DST (fill_tile) without a reload (on the first iteration of the loop that accumulates it);
 *  - shape-dependent values (tensor widths in tiles, loop trip counts) are tt.runtime_constant
 *    unbound runtime arguments that GridToPersistentTT binds to get_arg_val;
 *  - an element-wise T.Parallel nest over whole on-chip buffers: compute evaluates its expression
 *    tree in DST per group of output tiles and packs the results (tt_tile_elementwise.h);
 *  - loops are kept (serial) in each kernel that has work in them; on-chip allocations become CBs;
 *  - the compute kernel's full init (mm_init / compute_kernel_hw_startup) once, before the launch;
 *    reader/writer prologues bind a TensorAccessor per global buffer, whose base address is the
 *    unbound runtime argument tt.buffer_address(buffer) that GridToPersistentTT binds to get_arg_val.
 *  No tl.* call remains. Anything else (element-wise stores outside T.Parallel, other T.Parallel
 *  shapes, fills of run-time values, reduce, regions not aligned to tiles) is a Validation error
 *  "... is not supported on Tenstorrent yet: ...; instead ...".
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Lowers every kernel of the module (see file comment). */
IRModule lower_tt_tile_intrinsics(const IRModule &mod, const PassContext &ctx);

/*! \brief The registered pass object "LowerTTTileIntrinsics". */
Pass lower_tt_tile_intrinsics_pass();

}  // namespace tt::transform
