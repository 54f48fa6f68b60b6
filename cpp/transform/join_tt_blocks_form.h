/*! \file join_tt_blocks_form.h
 *  \brief The form JoinTTBlocks reads a GEMM launch into (join_tt_blocks.h states the form): which
 *  block variable each dimension of the on-chip buffers and T.Parallel loops follows, so joining
 *  blocks scales exactly those, and the buffers a joining's L1 use and cost depend on.
 *
 *  Requires: a launch body as JoinTTBlocks receives it. Guarantees: read_block_form returns
 *  nullopt for anything outside the form (never an error); joining() scales every dimension by its
 *  block variable's factor and leaves the others.
 */
#pragma once

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "ir/ir.h"

namespace tt::transform::join {

/*! \brief A launch body in the form. */
struct BlockForm {
    std::vector<ir::Buffer> buffers;                  ///< on-chip buffers, in allocation order
    std::vector<const ir::ForNode *> parallel_loops;  ///< T.Parallel loops (their variable is an axis)
    /// Per buffer (T.Parallel loop): for each dimension (its variable) the block variable it
    /// follows, or -1.
    std::map<const void *, std::vector<int>> follows;
    std::map<int, int64_t> block;                     ///< per followed block variable: its block's extent
    std::set<const ir::BufferNode *> accumulators;    ///< float32 gemm C operands
    std::set<const ir::BufferNode *> operands;        ///< gemm A and B operands (the K loop's copies fill them)
    int64_t block_k = 0;                              ///< the gemms' K extent (the smallest)
    std::map<const ir::BufferNode *, int> element_bytes;  ///< per buffer filled from a global tensor: its CB's element size
    const ir::ForNode *k_loop = nullptr;              ///< the loop around the gemms
    std::vector<std::pair<const ir::BufferNode *, int64_t>> gemms;  ///< per T.gemm: C and its K extent
};

/*! \brief The launch body's form, or nullopt when it is outside it or its ties disagree. */
std::optional<BlockForm> read_block_form(const ir::KernelLaunchNode *launch);

/*! \brief Bytes of buffer b with each dimension scaled. */
int64_t bytes_of(const ir::BufferNode *b, const std::vector<int64_t> &scale);

/*! \brief The joined blocks: per block variable its factor, per buffer and loop its dimensions' factors. */
struct Joining {
    std::vector<int64_t> factor;
    std::map<const void *, std::vector<int64_t>> scale;
};

/*! \brief The joining of `form` by `factor` (per block variable). */
Joining joining(const BlockForm &form, const std::vector<int64_t> &factor);

}  // namespace tt::transform::join
