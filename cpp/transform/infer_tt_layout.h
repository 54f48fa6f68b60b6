/*! \file infer_tt_layout.h
 *  \brief InferTTLayout: the target device, the core grid and a layout for every global buffer.
 *
 *  Requires: a PrimFunc with one T.Kernel launch of constant extents whose global parameters
 *  have static shapes.
 *  Guarantees (attributes written; the body is unchanged but for the ifs the ranges of block and
 *  loop indices decide, replaced by their taken branch, see verify_tt_bounds.h, and the reductions
 *  over elements of blocks past a tensor's edge, which reduce the region inside it instead, see
 *  verify_tt_padding.h):
 *  - tt.device: the card name of ctx's target_device.
 *  - tt.core_grid [x, y]: the cores the program uses. L1-sharded buffers fix it to their shard
 *    grid (all must agree); otherwise a 2-D launch grid that fits the worker grid maps one block
 *    per core (core grid = launch grid); otherwise min(blocks, cores) cores filled row by row
 *    (the whole worker grid once there are at least as many blocks as cores).
 *  - tt.layout_desc: for every parameter a BufferLayout: DRAM interleaved unless a layout request
 *    (the function's tt.layout_requests, overridden key by key by ctx's layouts) says otherwise;
 *    32x32 tiles, the TT data format of its dtype, one tile per page, shape in tiles, whether
 *    the kernel reads / writes it (data flow), and for sharded layouts the shard grid and shape
 *    (shards dealt round robin over the grid's cores, shard_placement.h).
 *  Errors (Validation, at the buffer's source line): a last-two dimension that is not a multiple
 *  of 32 (names buffer and dimension), a dtype without a TT tile format or that the host program
 *  cannot upload (int8, uint8, uint16), a layout request for a name that is not a parameter, a
 *  shard shape without a positive extent per dimension, a core's shards that do not fit its L1, a
 *  sharded tensor with a dynamic extent. Then, at the access's line, any
 *  buffer access that can leave its buffer (verify_tt_bounds.h), and the padding and reductions
 *  past an edge verify_tt_padding.h refuses.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Runs InferTTLayout on func (the contract above): writes tt.device, tt.core_grid and
 *  tt.layout_desc. */
ir::PrimFunc infer_tt_layout(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The core grid rule above, for a launch grid on a device given the buffer layouts. */
CoreGrid choose_core_grid(const std::vector<int64_t> &launch_grid, const target::DeviceSpec &device,
                          const LayoutDesc &layouts);

/*! \brief The registered pass "InferTTLayout". */
Pass infer_tt_layout_pass();

}  // namespace tt::transform
