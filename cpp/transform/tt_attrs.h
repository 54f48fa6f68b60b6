/*! \file tt_attrs.h
 *  \brief The schemas of the Tenstorrent attributes the passes write, as typed structs.
 *
 *  Passes hand facts downstream as PrimFunc attributes (keys in ir/attrs.h). Each attribute's
 *  value has exactly one schema, the struct below with its to_json/from_json; the runtime plan
 *  (plan.h) is assembled from these same structs, so the IR metadata and tt.plan.json cannot
 *  drift apart. Writers: InferTTLayout (tt.device, tt.layout_desc), PropagateTTLayout
 *  (tt.cb_desc, tt.compute_config), TTTilesToCoreMap (tt.core_grid, tt.core_ranges,
 *  tt.work_partition), kernel split / GridToPersistentTT (tt.kernels).
 *
 *  Coordinates: a core is (x, y) in the logical worker grid, x the column; TT-Metalium's
 *  CoreCoord{x, y}. Launch-grid blocks are numbered by a linear block id whose order is the
 *  partition strategy's (decode_block_index).
 */
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "target/device.h"

namespace tt::transform {

using ir::Json;

// ---------------------------------------------------------------------------------------------
// Enumerations (serialized as the lower-case strings in their comments)
// ---------------------------------------------------------------------------------------------

/*! \brief How the launch grid's blocks are ordered before being dealt to cores in contiguous,
 *  balanced ranges. row_major: block x fastest. column_major: block y fastest. block: panels of
 *  `panel` rows swept column by column, so a core's range is a compact 2-D patch (A rows and
 *  B columns are reused within a core). serpentine: block's order with x reversed on odd rows
 *  (bx -> gx - 1 - bx when by is odd), so a core that takes a long block of one row takes a short
 *  one of the next when the work grows with bx (causal attention's query blocks). */
enum class PartitionStrategy { RowMajor, ColumnMajor, Block, Serpentine };
/*! \brief Whether the strategy sweeps panels of rows (block, serpentine): it has a panel height. */
inline bool sweeps_panels(PartitionStrategy s) {
    return s == PartitionStrategy::Block || s == PartitionStrategy::Serpentine;
}
/*! \brief Where a global buffer lives: DRAM, or L1 of the cores. */
enum class MemoryKind { DRAM, L1 };
/*! \brief interleaved: pages dealt round-robin over banks; sharded: one block of pages per core. */
enum class LayoutKind { Interleaved, Sharded };
/*! \brief Data flow of a circular buffer: filled by the reader from global memory (input),
 *  drained by the writer to global memory (output), or produced and consumed by compute. */
enum class CBFlow { Input, Output, Intermediate };
/*! \brief Which kernel of a core. */
enum class KernelRole { Reader, Compute, Writer };
/*! \brief The three roles, in kernel order. */
inline constexpr KernelRole kKernelRoles[] = {KernelRole::Reader, KernelRole::Compute, KernelRole::Writer};

const char *to_string(PartitionStrategy v);
const char *to_string(MemoryKind v);
const char *to_string(LayoutKind v);
const char *to_string(CBFlow v);
const char *to_string(KernelRole v);
/*! \brief Parses a user-facing strategy name; a bad value is a Validation error listing the
 *  choices. `what` names the option in the message. (Layout requests parse memory and layout
 *  through from_json, with the same tables.) */
PartitionStrategy parse_partition_strategy(const std::string &s, const std::string &what = "partition_strategy");

// ---------------------------------------------------------------------------------------------
// Tiles and data formats
// ---------------------------------------------------------------------------------------------

inline constexpr int kTileRows = 32;
inline constexpr int kTileCols = 32;

/*! \brief TT-Metalium's DataFormat name for a dtype ("Float16_b" for bfloat16), or "" when the
 *  dtype has no tile format on Tenstorrent. */
std::string tt_data_format(ir::DataType dtype);
/*! \brief Bytes of one 32x32 tile of dtype (2048 for 16-bit formats, 4096 for 32-bit). */
int64_t tile_bytes(ir::DataType dtype);
/*! \brief The axes a tensor's tiles span by default: its last two, rows then columns (a 1-D
 *  tensor's only axis is one row of tiles). */
std::vector<int> default_tile_axes(size_t rank);
/*! \brief The order of a tensor's axes in device memory: the axes its tiles do not span (a batch
 *  of matrices, in their order), then the tile axes. The identity for the default tile axes. */
std::vector<int> storage_order(size_t rank, const std::vector<int> &tile_axes);
/*! \brief The shape in tiles, in storage order: the batch axes kept, the tile axes divided by 32
 *  (rounded up). Empty tile_axes mean the default ones. */
std::vector<int64_t> shape_in_tiles(const std::vector<int64_t> &shape, const std::vector<int> &tile_axes = {});
/*! \brief Tiles of a shape: each matrix over the tile axes padded up to whole tiles, the batch axes
 *  multiplied. */
int64_t tiles_of_shape(const std::vector<int64_t> &shape, const std::vector<int> &tile_axes = {});
/*! \brief The [batch, rows, cols] the tensor is tilized as once its axes are in storage order: the
 *  batch axes multiplied, then the tile axes (rows 1 for a batch of vectors). */
std::array<int64_t, 3> tiled_shape(const std::vector<int64_t> &shape, const std::vector<int> &tile_axes);

// ---------------------------------------------------------------------------------------------
// Attribute schemas
// ---------------------------------------------------------------------------------------------

struct CoreCoord {
    int x = 0;
    int y = 0;
    bool operator==(const CoreCoord &o) const { return x == o.x && y == o.y; }
};
/*! \brief "x,y": the key of per-core maps (per_core_runtime_args). */
std::string core_key(const CoreCoord &c);

/*! \brief tt.core_grid = [x, y]: the bounding box of the cores the program uses. */
struct CoreGrid {
    int x = 1;
    int y = 1;
    int num_cores() const { return x * y; }
};

/*! \brief An inclusive rectangle of cores, TT-Metalium's CoreRange{start, end}.
 *  tt.core_ranges = [[[x0, y0], [x1, y1]], ...], disjoint, covering the used cores. */
struct CoreRange {
    CoreCoord start;
    CoreCoord end;
    int num_cores() const { return (end.x - start.x + 1) * (end.y - start.y + 1); }
};
using CoreRanges = std::vector<CoreRange>;

/*! \brief Sharding of an L1 buffer: the grid of cores holding shards and each shard's shape. */
struct ShardSpec {
    std::array<int, 2> grid{1, 1};           ///< [x, y] cores
    std::vector<int64_t> shard_shape_tiles;  ///< per-core shard, in tiles (same rank as shape_tiles)
};

/*! \brief The layout of one global buffer (one entry of tt.layout_desc, keyed by param name). */
struct BufferLayout {
    MemoryKind memory = MemoryKind::DRAM;
    LayoutKind layout = LayoutKind::Interleaved;
    std::array<int, 2> tile_shape{kTileRows, kTileCols};
    std::string dtype;           ///< IR dtype name ("bfloat16")
    std::string data_format;     ///< TT DataFormat ("Float16_b")
    int64_t page_size = 0;       ///< bytes per page = one tile
    std::vector<int64_t> shape;  ///< elements
    /// The extents the tensor is stored with: its shape, or more where T.copy blocks run past its
    /// edge (the last block of a T.ceildiv grid). The host fills the elements beyond the shape
    /// with zeros and drops them on read-back, so such copies read zeros there and their writes
    /// are lost, as TileLang's bounds-checked copies. Tiles are the padded extents' (rounded up).
    std::vector<int64_t> padded_shape;
    /// Empty, or per axis 0 (a static extent) or the multiple a dynamic extent is padded up to
    /// (tt.dynamic_shape): the program serves every size, so its padded extent is a formula of
    /// the dimension, round_up(extent, multiple), whatever blocks the kernel copies.
    std::vector<int64_t> pad_multiples;
    /// The axes the tiles span, rows then columns (chosen from the kernel's copies; by default the
    /// last two). One axis: the tensor is a batch of vectors, each one row of tiles (32 values per
    /// tile, in its first row). Pages hold the tensor in storage_order(shape.size(), tile_axes).
    std::vector<int> tile_axes;
    /// 0, or r < 32: the tensor is copied in blocks of r rows (decode's r query heads of one K/V
    /// head), so its row axis is split into (extent / r, r) and each block of r rows is a tile of
    /// its own, padded with zero rows.
    int64_t row_block = 0;
    std::vector<int64_t> shape_tiles;  ///< tiles, in storage order (tile axes / 32)
    int64_t num_pages = 0;             ///< total tiles
    bool read = false;                 ///< the kernel reads it (data flow: source of a copy)
    bool written = false;              ///< the kernel writes it (destination of a copy)
    std::optional<ShardSpec> shard;    ///< present iff layout is sharded
};
/*! \brief The shape and tile axes a layout's tiles are laid out over: its padded shape, or that with
 *  the row axis split into (extent / row_block, row_block) when row_block is set. */
std::pair<std::vector<int64_t>, std::vector<int>> blocked_shape(const BufferLayout &layout);
/*! \brief tt.layout_desc: param name → layout, for every global buffer parameter. */
using LayoutDesc = std::map<std::string, BufferLayout>;

/*! \brief A user's layout request for one buffer (run_pipeline(layouts={name: {...}})): keys
 *  memory ("dram"|"l1"), layout ("interleaved"|"sharded"), shard_grid [x, y],
 *  shard_shape_tiles [...], data_format ("Bfp8_b" | "Bfp4_b"). Absent keys keep the default. */
struct LayoutAnnotation {
    std::optional<MemoryKind> memory;
    std::optional<LayoutKind> layout;
    std::optional<std::array<int, 2>> shard_grid;
    std::optional<std::vector<int64_t>> shard_shape_tiles;
    /// "Bfp8_b" or "Bfp4_b": store a float tensor the kernel only reads in a block-float format
    /// (weights quantized on upload; the unpacker dequantizes them), and the CBs it fills alike.
    std::optional<std::string> data_format;
};

/*! \brief Bytes of one tile in a block-float format ("Bfp8_b", "Bfp4_b"): one exponent per 16
 *  values, then 8 or 4 bits per value; 0 for other formats. */
int64_t block_float_tile_bytes(const std::string &data_format);

/*! \brief Checks a layout request against the device: a sharded layout needs L1 and a shard grid
 *  inside the worker grid; shard keys need layout "sharded". Shapes are checked by InferTTLayout. */
void validate_layout_request(const std::string &buffer, const LayoutAnnotation &request,
                             const target::DeviceSpec &device);

/*! \brief The circular buffer of one on-chip (shared / fragment) buffer: one entry of tt.cb_desc,
 *  keyed by the buffer's name. Pages are tiles. */
struct CBConfig {
    int cb_index = 0;  ///< tt::CBIndex::c_<cb_index>
    CBFlow flow = CBFlow::Intermediate;
    std::string dtype;            ///< the IR buffer's dtype
    std::string data_format;      ///< format of the pages in L1 (see PropagateTTLayout)
    int64_t page_size = 0;        ///< bytes of one tile in data_format
    int64_t tiles_per_stage = 0;  ///< tiles of the buffer: what one push/pop moves
    int depth = 1;                ///< stages in flight (T.Pipelined num_stages, double buffering)
    int64_t num_pages = 0;        ///< tiles_per_stage * depth
    int64_t total_bytes() const { return num_pages * page_size; }
};
/*! \brief tt.cb_desc: on-chip buffer name → circular buffer. */
using CBDesc = std::map<std::string, CBConfig>;

/*! \brief tt.compute_config: TT-Metalium's ComputeConfig plus the DST capacity it implies. */
struct ComputeConfig {
    std::string math_fidelity = "HiFi4";
    bool fp32_dest_acc_en = false;
    bool dst_full_sync_en = false;
    bool math_approx_mode = false;
    int dst_tiles = 8;  ///< tiles one tile_regs_acquire provides under this configuration
};

/*! \brief One core's share of the launch grid: blocks [start, start + count) in strategy order. */
struct CoreWork {
    CoreCoord core;
    int64_t start = 0;
    int64_t count = 0;
};
/*! \brief tt.work_partition. */
struct WorkPartition {
    PartitionStrategy strategy = PartitionStrategy::RowMajor;
    std::vector<int64_t> grid;  ///< launch-grid extents, block var 0 first
    int64_t total_blocks = 0;
    int num_cores = 0;
    int panel = 1;  ///< rows per panel of the block strategy (1 otherwise)
    std::vector<CoreWork> cores;
};

/*! \brief A kernel argument (compile-time or runtime): a number, or a marker the host resolves
 *  once buffers exist, written {marker: operand} in JSON:
 *  {"buffer_address": "A"} the buffer's address; {"tensor_accessor_args": "A"} the buffer's
 *  TensorAccessorArgs (several words); {"num_pages": "A"}; {"semaphore": i}; {"noc_x": [x, y]} /
 *  {"noc_y": [x, y]} the NoC coordinate of a logical core; {"formula": F} a value computed from the
 *  dynamic dimensions (shape_formula.h). (docs/simulator.md, docs/plan.md) */
struct KernelArg {
    uint32_t value = 0;
    std::string marker;  ///< "" for a number
    Json operand;        ///< the marker's operand
    static KernelArg of(uint32_t v) { return KernelArg{v, "", nullptr}; }
    static KernelArg buffer_address(const std::string &buffer) { return KernelArg{0, "buffer_address", buffer}; }
    static KernelArg tensor_accessor_args(const std::string &buffer) {
        return KernelArg{0, "tensor_accessor_args", buffer};
    }
    /*! A value computed from the dynamic dimensions (shape_formula.h); value is its value at the
     *  sizes the function is specialized at. */
    static KernelArg formula(const Json &formula, uint32_t value) { return KernelArg{value, "formula", formula}; }
};

/*! \brief One kernel of the program (an entry of tt.kernels, written by the kernel split /
 *  GridToPersistentTT). processor: "RISCV_0" | "RISCV_1" for data movement (TT-Metalium's
 *  DataMovementProcessor), "TRISC" for compute. noc: 0 | 1 for data movement (NOC_0 / NOC_1),
 *  -1 for compute. source: the kernel's file in the artifact directory ("reader.cpp").
 *  runtime_args names the kernel's get_arg_val slots in order; per_core_runtime_args gives their
 *  values on each used core ("x,y" keys); a marker may stand for several words. */
struct KernelDesc {
    KernelRole role = KernelRole::Reader;
    std::string name;  ///< "reader", "compute", "writer"
    std::string source;
    std::string processor;
    int noc = -1;
    std::vector<KernelArg> compile_args;
    std::map<std::string, std::string> defines;
    std::vector<std::string> runtime_args;
    std::map<std::string, std::vector<KernelArg>> per_core_runtime_args;
    /// compute: CB indices unpacked straight to DST (ComputeConfig::unpack_to_dest_mode, tt_unpack_to_dest.h)
    std::vector<int> unpack_to_dest_fp32;
};
using KernelDescs = std::vector<KernelDesc>;

/*! \brief A dynamic dimension (T.dynamic / T.symbolic): its name, the tensor axis whose extent it
 *  is (where a host reads its value), and the value the function is specialized at. */
struct DynamicDim {
    std::string name;
    std::string tensor;
    int axis = 0;
    int64_t value = 0;
};
/*! \brief tt.dynamic_shape, written by SpecializeTTShapes on a function with dynamic dimensions:
 *  the dimensions, per tensor with a dynamic axis the dimension of each axis ("" for a static
 *  one), and the launch grid's extents as formulas of them (shape_formula.h). */
struct DynamicShape {
    std::vector<DynamicDim> dims;
    std::map<std::string, std::vector<std::string>> tensor_axes;
    std::vector<Json> grid;
};

/*! \brief One global tensor whose copies every core of a core row (axis "row") or core column
 *  (axis "column") makes with the same region at the same step: the first core of the row (column)
 *  reads it from DRAM and multicasts it into the others' circular buffer (tt_multicast.h). */
struct MulticastOperand {
    std::string buffer;
    std::string axis;            ///< "row": along x, sender at x = 0; "column": along y, sender at y = 0
    int sender_semaphore = 0;    ///< index into the plan's semaphores: receivers count themselves ready
    int receiver_semaphore = 1;  ///< index into the plan's semaphores: the sender marks the data VALID
};
/*! \brief tt.multicast: the cols x rows core grid the work partition deals blocks to (core (x, y)
 *  owns a patch of launch-grid rows and columns shared with its row and column) and the operands
 *  multicast over it. Absent: every core reads its own operands. */
struct MulticastPlan {
    int cols = 1;
    int rows = 1;
    /// Physical core rows one core row covers: a row longer than the core grid's width (cols a
    /// multiple of it) folds onto row_span full physical rows, which are still one multicast
    /// rectangle. 1 otherwise; only row operands are multicast when it is larger.
    int row_span = 1;
    std::vector<MulticastOperand> operands;
};

// JSON conversions (nlohmann ADL hooks). from_json raises a Validation error naming the field
// when a value has the wrong shape, so a hand-edited attribute fails clearly.
void to_json(Json &j, PartitionStrategy v);
void from_json(const Json &j, PartitionStrategy &v);
void to_json(Json &j, MemoryKind v);
void from_json(const Json &j, MemoryKind &v);
void to_json(Json &j, LayoutKind v);
void from_json(const Json &j, LayoutKind &v);
void to_json(Json &j, CBFlow v);
void from_json(const Json &j, CBFlow &v);
void to_json(Json &j, KernelRole v);
void from_json(const Json &j, KernelRole &v);
void to_json(Json &j, const CoreCoord &v);
void from_json(const Json &j, CoreCoord &v);
void to_json(Json &j, const CoreGrid &v);
void from_json(const Json &j, CoreGrid &v);
void to_json(Json &j, const CoreRange &v);
void from_json(const Json &j, CoreRange &v);
void to_json(Json &j, const ShardSpec &v);
void from_json(const Json &j, ShardSpec &v);
void to_json(Json &j, const BufferLayout &v);
void from_json(const Json &j, BufferLayout &v);
void to_json(Json &j, const LayoutAnnotation &v);
void from_json(const Json &j, LayoutAnnotation &v);
void to_json(Json &j, const CBConfig &v);
void from_json(const Json &j, CBConfig &v);
void to_json(Json &j, const ComputeConfig &v);
void from_json(const Json &j, ComputeConfig &v);
void to_json(Json &j, const CoreWork &v);
void from_json(const Json &j, CoreWork &v);
void to_json(Json &j, const WorkPartition &v);
void from_json(const Json &j, WorkPartition &v);
void to_json(Json &j, const KernelArg &v);
void from_json(const Json &j, KernelArg &v);
void to_json(Json &j, const KernelDesc &v);
void from_json(const Json &j, KernelDesc &v);
void to_json(Json &j, const DynamicDim &v);
void from_json(const Json &j, DynamicDim &v);
void to_json(Json &j, const DynamicShape &v);
void from_json(const Json &j, DynamicShape &v);
void to_json(Json &j, const MulticastOperand &v);
void from_json(const Json &j, MulticastOperand &v);
void to_json(Json &j, const MulticastPlan &v);
void from_json(const Json &j, MulticastPlan &v);

/*! \brief Reads attribute `key` of func as T; an internal error naming the key and the pass that
 *  should have written it when absent (a pass ran out of order). */
template<typename T> T get_attr(const ir::PrimFunc &func, const char *key, const char *written_by);
/*! \brief Reads attribute `key` of func as T when present. */
template<typename T> std::optional<T> find_attr(const ir::PrimFunc &func, const char *key);

// ---------------------------------------------------------------------------------------------
// Helpers for the lowering
// ---------------------------------------------------------------------------------------------

/*! \brief The index of launch-grid dimension `grid_dim` (block var grid_dim) of the block with
 *  linear id `linear_block_id` in the partition's order:
 *  - row_major: dimension 0 fastest: b0 = i % g0, b1 = (i / g0) % g1, b2 = i / (g0 * g1).
 *  - column_major: the transpose, last dimension fastest: for 2-D, b1 = i % g1, b0 = i / g1.
 *  - block: for 2-D, rows are grouped into panels of P = panel rows (the last panel may be
 *    shorter, h = min(P, g1 - p * P)); ids run panel by panel, column by column inside a panel:
 *    p = i / (P * g0), r = i - p * P * g0, b0 = r / h, b1 = p * P + r % h. A contiguous range of
 *    ids is therefore a compact patch of about P rows. A third dimension is outermost.
 *  Pure integer arithmetic on linear_block_id (int32), simplified where operands are constant. */
ir::Expr decode_block_index(const WorkPartition &partition, const ir::Expr &linear_block_id, int grid_dim);

/*! \brief The extents the block decoding divides by, as expressions: `grid[d]` the launch-grid
 *  extent of dimension d, `panel` the block strategy's rows per panel (ignored by the other
 *  strategies). Constants fold (an extent of 1 drops its division); Vars bound from
 *  get_arg_val make one kernel serve every launch grid. The panel may exceed grid[1]: the last
 *  (only) panel's height min(P, g1 - p * P) is then g1, the same order as a clamped panel. */
struct BlockDecodeExtents {
    std::vector<ir::Expr> grid;
    ir::Expr panel;
};
/*! \brief The partition's extents as constants (panel clamped to [1, grid[1]]). */
BlockDecodeExtents constant_decode_extents(const WorkPartition &partition);
/*! \brief decode_block_index over the given extents (the partition supplies only the strategy);
 *  the constant overload above is this with constant_decode_extents. */
ir::Expr decode_block_index(PartitionStrategy strategy, const BlockDecodeExtents &extents,
                            const ir::Expr &linear_block_id, int grid_dim);

/*! \brief The same decoding on a constant id, for host-side computation and tests. */
std::vector<int64_t> decode_block_index(const WorkPartition &partition, int64_t linear_block_id);

}  // namespace tt::transform
