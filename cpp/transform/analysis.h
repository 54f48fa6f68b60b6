/*! \file analysis.h
 *  \brief Read-only facts about a TileLang-level PrimFunc, derived from its data flow: the launch
 *  grid, which global buffers are read and written, and where each on-chip buffer's data comes
 *  from and goes to. Shared by the layout and core-map passes so each fact is derived once and
 *  never from a buffer's name.
 */
#pragma once

#include <map>
#include <set>
#include <vector>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief The function's single KernelLaunch; a Validation error at the function when there is
 *  none or more than one. */
const ir::KernelLaunchNode *find_kernel_launch(const ir::PrimFunc &func);

/*! \brief The launch-grid extents as constants (block var 0 first); a Validation error naming the
 *  extent when one is not a compile-time constant. */
std::vector<int64_t> launch_grid(const ir::PrimFunc &func);

/*! \brief Whether the buffer is on-chip (shared or fragment): a circular buffer of tiles. */
bool is_on_chip(const ir::Buffer &buffer);

/*! \brief Whether the region is the whole of its buffer: every start folds to 0 and every extent
 *  to the buffer's (constant) extent. */
bool covers_whole(const ir::RegionNode *region);

/*! \brief References (regions, element loads and stores) per buffer in a statement. */
std::map<const ir::BufferNode *, int> buffer_uses(const ir::Stmt &s);

/*! \brief Reads per buffer in a statement: tile-operation regions it reads (a copy's source, a
 *  gemm's operands and accumulator, a reduction's source) and element loads. */
std::map<const ir::BufferNode *, int> buffer_reads(const ir::Stmt &s);

/*! \brief The dimensions of a region whose extent is not the constant 1: the axes a copy moves a
 *  block (or vector) of. */
std::vector<int> spanned_axes(const ir::RegionNode *region);

/*! \brief The buffer's shape as constants; `what` names the buffer's role in the error. */
std::vector<int64_t> constant_shape(const ir::Buffer &buffer, const char *what);

/*! \brief Which dimensions of a buffer may be padded to whole tiles (see verify_tt_padding.h). */
enum class TilePadding {
    None,
    ColumnsAndSmallRows,  ///< a column dimension (or a vector's length) of any extent, and rows dividing 32
};

/*! \brief Checks that the dimensions tiles span (tile_axes; empty: the last two, the only one of
 *  a 1-D vector) are multiples of the 32x32 tile, except those `padding` lets be padded to whole
 *  tiles; the Validation error names the buffer and the dimension and says what to change. */
void check_tile_aligned(const ir::Buffer &buffer, const std::vector<int64_t> &shape, const char *what,
                        const std::vector<int> &tile_axes = {}, TilePadding padding = TilePadding::None);

/*! \brief Where one on-chip (shared / fragment) buffer's data comes from and goes to. */
struct OnChipFlow {
    ir::Buffer buffer;
    ir::Buffer filled_from;         ///< the global buffer a copy reads into it (first such copy), or null
    ir::Buffer drained_to;          ///< the global buffer a copy writes it to (first such copy), or null
    int fill_stages = 0;            ///< num_stages of the Pipelined loop around its fill from global (0: none)
    bool gemm_accumulator = false;  ///< the C operand of a tl.gemm
    bool computed = false;          ///< written by compute other than a gemm: T.Parallel, a reduction, an on-chip copy
    int fill_order = -1;            ///< program order of its first fill from global (-1: none)
    int drain_order = -1;           ///< program order of its first drain to global (-1: none)
};

/*! \brief Data flow of a function: reads and writes of each global buffer by tile operations and
 *  element accesses, and one OnChipFlow per shared/fragment allocation in allocation order. */
struct DataFlow {
    std::map<const ir::BufferNode *, bool> global_read;
    std::map<const ir::BufferNode *, bool> global_written;
    /// The axes the copies of a global tensor move blocks of (those whose extent is not one), when
    /// that is not its last two: Q[b, rows, h, cols] in a (batch, seq, heads, dim) tensor has tile
    /// axes {1, 3}; lse[b, h, rows] in a (batch, heads, seq) one is a batch of vectors, tile axes
    /// {2}. Copies that disagree are a Validation error.
    std::map<const ir::BufferNode *, std::vector<int>> global_tile_axes;
    /// The global tensors copied in blocks of r < 32 rows (decode's query heads of one K/V head):
    /// tensor → r. Copies that move other row counts of such a tensor are a Validation error.
    std::map<const ir::BufferNode *, int64_t> global_row_blocks;
    std::vector<OnChipFlow> on_chip;
};
/*! \brief The data flow of func's body, derived from its tile operations and element accesses. */
DataFlow analyze_data_flow(const ir::PrimFunc &func);

}  // namespace tt::transform
