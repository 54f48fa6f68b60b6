/*! \file tt_multicast.h
 *  \brief Reuse of operands across cores: which global tensors one core of a core row (column)
 *  reads from DRAM and multicasts to the others, and the work partition that makes it possible.
 *  Used by TTTilesToCoreMap (the choice), LowerTTTileIntrinsics (the reader's protocol, see
 *  emit_reader_stage) and GridToPersistentTT (the per-core arguments).
 *
 *  The scheme is TT-Metalium's matmul_multicore_reuse_mcast: the launch grid's gx x gy blocks are
 *  dealt to a cols x rows core grid in patches, core (x, y) owning launch columns
 *  [x * gx/cols, (x+1) * gx/cols) of launch rows [y * gy/rows, (y+1) * gy/rows), each walked column
 *  by column (the block strategy with panels of gy/rows rows). Every core then runs the same
 *  number of blocks, and at step t all cores of core row y work on the same launch row `by`, all
 *  cores of core column x on the same launch column `bx`. A T.copy from a global tensor whose
 *  region depends on `by` and not on `bx` (A of a GEMM) therefore reads the same tiles on every core
 *  of a core row at the same step: one core of the row reads them and multicasts them into the same
 *  CB pages of every core of the row (itself included, with loopback); one that depends on `bx`
 *  and not on `by` (B) goes down core columns. The senders are spread so that no core sends two
 *  operands (multicast_core_arg). Semaphores order each transfer: receivers count themselves ready (their
 *  pages reserved) on the sender's semaphore, the sender multicasts the pages and then VALID into
 *  the receivers' semaphore.
 *
 *  Chosen when all of these hold, else the balanced partition stands and every core reads its own
 *  operands (docs/passes.md): a 2-D launch grid of constant extents, no partition_strategy asked
 *  for, no T.use_swizzle, no dynamic dimensions, no L1-sharded tensor, one launch in the function;
 *  cols (rows) the largest divisor of gx (gy) within the core grid with cols * rows as many cores
 *  as the balanced partition uses (multicast never costs parallelism); at least one copy shareable
 *  along an axis of two or more cores. A copy is shareable when it reads a global tensor into an
 *  on-chip buffer, is not under an `if`, every loop around it has a trip count free of block
 *  variables (so cores stay in step), and every copy of that tensor depends on the same one block
 *  variable. One loop around it may have a trip count that depends on the block (causal attention's
 *  T.min(n, T.ceildiv((bx + 1) * block_M, block_N))) when its largest value over the grid is known
 *  (max_over_blocks) and every tensor copied in it is multicast: the readers all run that many
 *  trips, and compute discards the tiles past its own count (LowerTTTileIntrinsics). A launch dimension of extent 1 (a batch of one) does not count: its grid is 2-D.
 *
 *  When only rows share (K and V of attention move with the head `by` alone), rows are as long as
 *  the core count allows: a row longer than the grid's width takes whole physical rows
 *  (MulticastPlan::row_span), still one rectangle, so a row reads each shared tile once.
 */
#pragma once

#include <map>
#include <optional>

#include "transform/pass.h"

namespace tt::transform {

/*! \brief The scheme's core patches (cols, rows and row_span of a MulticastPlan without operands)
 *  for a gx x gy launch grid on `cores` cores, the balanced partition's count: cols (rows) the
 *  largest divisor of gx (gy) within the core grid; when only rows share (`rows_only`), the longest
 *  rows the count allows. nullopt when they would use fewer than `cores` cores, or one. */
std::optional<MulticastPlan> multicast_patches(int64_t gx, int64_t gy, int64_t cores, const CoreGrid &core_grid,
                                               bool rows_only);

/*! \brief The multicast plan and its partition for `func` (a TileLang-level function after
 *  InferTTLayout), or nullopt when the scheme does not apply; `balanced` is the partition
 *  TTTilesToCoreMap would use otherwise. */
std::optional<std::pair<MulticastPlan, WorkPartition>> plan_multicast(const ir::PrimFunc &func,
                                                                       const WorkPartition &balanced,
                                                                       const CoreGrid &core_grid,
                                                                       const PassContext &ctx);

/*! \brief The largest value `extent` takes over the blocks of a launch grid of constant extents
 *  `grid` (its block variables `block_vars`, seen through `lets`): the trip count every reader of
 *  a core row runs for a loop whose count depends on the block (the receivers' compute discards
 *  the tiles past its own count). nullopt when some block's value is not a constant or there are
 *  more than 65,536 blocks to try. */
std::optional<int64_t> max_over_blocks(const ir::Expr &extent, const std::vector<ir::Var> &block_vars,
                                       const std::vector<int64_t> &grid,
                                       const std::map<const ir::VarNode *, ir::Expr> &lets);

/*! \brief The fields of an operand's per-core reader arguments, in argument order: sender (1 on
 *  the core that reads from DRAM), the physical NoC corners x0, y0, x1, y1 of the multicast
 *  rectangle (the whole row or column, sender included: the sender multicasts with loopback),
 *  the sender's NoC coordinates sender_x, sender_y, receivers (cores of the rectangle but the
 *  sender), destinations (all of them), and the ids of the sender's and the receiver's semaphore.
 *  The sender of operand o (its place in the plan) in row (column) l is the rectangle's
 *  ((l + o) mod size)-th core, so with one row and one column operand no core sends both. */
const std::vector<std::string> &multicast_arg_fields();

/*! \brief The value of `field` of `operand`'s arguments on core `core`. */
KernelArg multicast_core_arg(const MulticastPlan &plan, const MulticastOperand &operand, const std::string &field,
                             const CoreCoord &core);

/*! \brief The operand the plan multicasts for global tensor `buffer`, or nullptr. */
const MulticastOperand *find_multicast_operand(const MulticastPlan &plan, const std::string &buffer);

}  // namespace tt::transform
