/*! \file propagate_tt_layout.h
 *  \brief PropagateTTLayout: a circular buffer for every on-chip buffer, the compute
 *  configuration, and the per-core L1 budget check.
 *
 *  Requires: InferTTLayout (tt.layout_desc). Shared/fragment buffers have static shapes whose last
 *  two dimensions are multiples of 32.
 *  Guarantees (attributes written; the body is unchanged):
 *  - tt.compute_config: ctx's math fidelity; fp32_dest_acc_en as requested, or "auto": on when a
 *    gemm accumulates in float32 and the device supports it; dst_tiles = the DST capacity that
 *    implies (half sync).
 *  - tt.cb_desc: one CBConfig per shared/fragment allocation, decided by data flow only:
 *    - flow input: filled by a copy from global memory; numbered c_0.. in program order of the
 *      first such copy. Its pages hold what the NoC moves, so data_format is the source global's.
 *    - flow output: drained by a copy to global memory (and not filled from it); c_16.. in program
 *      order; data_format is the destination global's (the packer converts, the writer moves pages
 *      verbatim).
 *    - flow intermediate: everything else, c_24.. in allocation order, in its own dtype's format.
 *    - "<name>.partials": an intermediate CB in the accumulator's format for a gemm accumulator
 *      that is not itself intermediate and has more tiles than DST holds: the L1 home of partial
 *      sums while the accumulator is computed in DST-sized subblocks.
 *    page_size = one tile of data_format; tiles_per_stage = tiles of the buffer; depth: filled
 *    inside T.Pipelined → max(2, num_stages) with enable_double_buffer, else 1; filled outside a
 *    pipelined loop → 2 with enable_prefetch, else 1; output → 2 with enable_double_buffer, else 1;
 *    intermediate → 1. num_pages = tiles_per_stage * depth.
 *  Errors (Validation): more CBs of a flow than its index range (input 16, output 8,
 *  intermediate up to the device's CB count), or CBs plus L1-resident global buffers exceeding a
 *  core's L1; both messages list every buffer with its bytes.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Runs PropagateTTLayout on func (the contract above): writes tt.compute_config and
 *  tt.cb_desc after checking the L1 budget. */
ir::PrimFunc propagate_tt_layout(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief First CB index of each flow (TT-Metalium convention: inputs c_0, outputs c_16,
 *  intermediates c_24). */
inline constexpr int kFirstInputCB = 0;
inline constexpr int kFirstOutputCB = 16;
inline constexpr int kFirstIntermediateCB = 24;

/*! \brief The L1 check above for any set of CBs and L1-resident global buffers (a pass that adds
 *  CBs re-checks with it; the plan of several launches checks each launch's CBs with the L1
 *  tensors of all of them, which live as long as the function): a Validation error at `at`
 *  naming `kernel` and listing every CB and L1 buffer with its bytes when their sum exceeds the
 *  device's L1 for buffers. */
void check_l1_budget(const CBDesc &cbs, const LayoutDesc &layouts, const target::DeviceSpec &device,
                     const std::string &kernel, const Span &at);

/*! \brief Per-core L1 bytes of a global buffer placed in L1: its core's shards (sharded), or its
 *  share of the pages dealt over every core (interleaved); 0 in DRAM. */
int64_t l1_bytes_per_core(const BufferLayout &layout, const target::DeviceSpec &device);

/*! \brief The registered pass "PropagateTTLayout". */
Pass propagate_tt_layout_pass();

}  // namespace tt::transform
