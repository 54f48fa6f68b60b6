// JSON conversions of the TT attribute schemas and the block-index decoding of work partitions.
#include "transform/tt_attrs.h"

#include <limits>

#include <algorithm>

#include "ir/diagnostics.h"

namespace tt::transform {

namespace {

/*! A parser for the string spelling of an enum, with the accepted spellings in the error. */
template<typename E, size_t N>
E parse_enum(const std::string &s, const std::string &what, const std::pair<const char *, E> (&choices)[N]) {
    std::string accepted;
    for (const auto &[name, value] : choices) {
        if (s == name) return value;
        accepted += (accepted.empty() ? "" : ", ") + std::string("\"") + name + "\"";
    }
    TT_USER_ERROR(Validation, Span()) << "invalid " << what << " \"" << s << "\"; expected one of " << accepted;
}

constexpr std::pair<const char *, PartitionStrategy> kStrategies[] = {{"row_major", PartitionStrategy::RowMajor},
                                                                      {"column_major", PartitionStrategy::ColumnMajor},
                                                                      {"block", PartitionStrategy::Block},
                                                                      {"serpentine", PartitionStrategy::Serpentine}};
constexpr std::pair<const char *, MemoryKind> kMemories[] = {{"dram", MemoryKind::DRAM}, {"l1", MemoryKind::L1}};
constexpr std::pair<const char *, LayoutKind> kLayouts[] = {{"interleaved", LayoutKind::Interleaved},
                                                            {"sharded", LayoutKind::Sharded}};
constexpr std::pair<const char *, CBFlow> kFlows[] = {
    {"input", CBFlow::Input}, {"output", CBFlow::Output}, {"intermediate", CBFlow::Intermediate}};
constexpr std::pair<const char *, KernelRole> kRoles[] = {
    {"reader", KernelRole::Reader}, {"compute", KernelRole::Compute}, {"writer", KernelRole::Writer}};

template<typename E, size_t N> const char *enum_name(E v, const std::pair<const char *, E> (&choices)[N]) {
    for (const auto &[name, value] : choices) {
        if (v == value) return name;
    }
    TT_ICHECK(false) << "enumerator without a name";
    return "";
}

/*! Reads a required field; a missing field or a wrong type is a Validation error naming it. */
template<typename T> void read_field(const Json &j, const char *field, T &out) {
    if (!j.is_object() || !j.contains(field)) {
        TT_USER_ERROR(Validation, Span()) << "attribute value " << j.dump() << " lacks field \"" << field << "\"";
    }
    try {
        out = j.at(field).get<T>();
    } catch (const Json::exception &e) {
        TT_USER_ERROR(Validation, Span()) << "attribute field \"" << field << "\" has the wrong type: " << e.what();
    }
}

bool is_const_value(const ir::Expr &e, int64_t value) {
    int64_t v;
    return ir::as_const_int(e, &v) && v == value;
}
// Integer arithmetic on extents that folds when operands are constant, so constant extents print
// as literals and an extent of 1 drops its division.
ir::Expr fold_mul(const ir::Expr &a, const ir::Expr &b) {
    int64_t x, y;
    if (ir::as_const_int(a, &x) && ir::as_const_int(b, &y)) return ir::make_int(x * y);
    if (is_const_value(a, 1)) return b;
    if (is_const_value(b, 1)) return a;
    return ir::MulNode::make(a, b);
}
ir::Expr fold_mod(const ir::Expr &a, const ir::Expr &m) {
    return is_const_value(m, 1) ? ir::make_int(0) : ir::FloorModNode::make(a, m);
}
ir::Expr fold_div(const ir::Expr &a, const ir::Expr &d) {
    return is_const_value(d, 1) ? a : ir::FloorDivNode::make(a, d);
}

}  // namespace

const char *to_string(PartitionStrategy v) {
    return enum_name(v, kStrategies);
}
const char *to_string(MemoryKind v) {
    return enum_name(v, kMemories);
}
const char *to_string(LayoutKind v) {
    return enum_name(v, kLayouts);
}
const char *to_string(CBFlow v) {
    return enum_name(v, kFlows);
}
const char *to_string(KernelRole v) {
    return enum_name(v, kRoles);
}
PartitionStrategy parse_partition_strategy(const std::string &s, const std::string &what) {
    return parse_enum(s, what, kStrategies);
}

std::string tt_data_format(ir::DataType dtype) {
    using Code = ir::DataType::Code;
    switch (dtype.code) {
    case Code::BFloat: return dtype.bits == 16 ? "Float16_b" : "";
    case Code::Float: return dtype.bits == 16 ? "Float16" : dtype.bits == 32 ? "Float32" : "";
    case Code::Int: return dtype.bits == 8 ? "Int8" : dtype.bits == 32 ? "Int32" : "";
    case Code::UInt: return dtype.bits == 8 ? "UInt8" : dtype.bits == 16 ? "UInt16" : dtype.bits == 32 ? "UInt32" : "";
    default: return "";
    }
}

int64_t block_float_tile_bytes(const std::string &data_format) {
    const int64_t exponents = int64_t{kTileRows} * kTileCols / 16;
    if (data_format == "Bfp8_b") return exponents + int64_t{kTileRows} * kTileCols;
    if (data_format == "Bfp4_b") return exponents + int64_t{kTileRows} * kTileCols / 2;
    return 0;
}

int64_t tile_bytes(ir::DataType dtype) {
    return int64_t{kTileRows} * kTileCols * dtype.bytes();
}

std::vector<int> default_tile_axes(size_t rank) {
    std::vector<int> axes;
    for (size_t d = rank < 2 ? 0 : rank - 2; d < rank; ++d) axes.push_back(static_cast<int>(d));
    return axes;
}

std::vector<int> storage_order(size_t rank, const std::vector<int> &tile_axes) {
    std::vector<int> order;
    for (size_t d = 0; d < rank; ++d) {
        if (std::find(tile_axes.begin(), tile_axes.end(), static_cast<int>(d)) == tile_axes.end()) {
            order.push_back(static_cast<int>(d));
        }
    }
    order.insert(order.end(), tile_axes.begin(), tile_axes.end());
    return order;
}

std::vector<int64_t> shape_in_tiles(const std::vector<int64_t> &shape, const std::vector<int> &tile_axes) {
    const std::vector<int> axes = tile_axes.empty() ? default_tile_axes(shape.size()) : tile_axes;
    std::vector<int64_t> tiles;
    for (int d : storage_order(shape.size(), axes)) tiles.push_back(shape[d]);
    for (size_t d = tiles.size() - axes.size(); d < tiles.size(); ++d)
        tiles[d] = (tiles[d] + kTileRows - 1) / kTileRows;
    return tiles;
}

int64_t tiles_of_shape(const std::vector<int64_t> &shape, const std::vector<int> &tile_axes) {
    int64_t n = 1;
    for (int64_t t : shape_in_tiles(shape, tile_axes)) n *= t;
    return n;
}

std::array<int64_t, 3> tiled_shape(const std::vector<int64_t> &shape, const std::vector<int> &tile_axes) {
    std::array<int64_t, 3> tiled{1, 1, shape[tile_axes.back()]};
    if (tile_axes.size() == 2) tiled[1] = shape[tile_axes[0]];
    for (size_t d = 0; d < shape.size(); ++d) {
        if (std::find(tile_axes.begin(), tile_axes.end(), int(d)) == tile_axes.end()) tiled[0] *= shape[d];
    }
    return tiled;
}

std::pair<std::vector<int64_t>, std::vector<int>> blocked_shape(const BufferLayout &layout) {
    const std::vector<int64_t> &stored = layout.padded_shape.empty() ? layout.shape : layout.padded_shape;
    if (!layout.row_block) return {stored, layout.tile_axes};
    const int row = layout.tile_axes[0];
    std::vector<int64_t> shape(stored.begin(), stored.begin() + row);
    shape.push_back(stored[row] / layout.row_block);
    shape.push_back(layout.row_block);
    shape.insert(shape.end(), stored.begin() + row + 1, stored.end());
    std::vector<int> axes;
    for (int d : layout.tile_axes) axes.push_back(d + 1);
    return {shape, axes};
}

std::string core_key(const CoreCoord &c) {
    return std::to_string(c.x) + "," + std::to_string(c.y);
}

// ---- enums ----------------------------------------------------------------------------------

#define TT_ENUM_JSON(E, TABLE, WHAT)                                                                                   \
    void to_json(Json &j, E v) {                                                                                       \
        j = enum_name(v, TABLE);                                                                                       \
    }                                                                                                                  \
    void from_json(const Json &j, E &v) {                                                                              \
        if (!j.is_string()) {                                                                                          \
            TT_USER_ERROR(Validation, Span()) << WHAT " must be a string, got " << j.dump();                           \
        }                                                                                                              \
        v = parse_enum(j.get<std::string>(), WHAT, TABLE);                                                             \
    }
TT_ENUM_JSON(PartitionStrategy, kStrategies, "partition_strategy")
TT_ENUM_JSON(MemoryKind, kMemories, "memory")
TT_ENUM_JSON(LayoutKind, kLayouts, "layout")
TT_ENUM_JSON(CBFlow, kFlows, "flow")
TT_ENUM_JSON(KernelRole, kRoles, "role")
#undef TT_ENUM_JSON

// ---- structs --------------------------------------------------------------------------------

// Each struct's fields, listed once: the JSON key is the field's name.
// clang-format off
#define TT_SHARD_SPEC_FIELDS(X) X(grid) X(shard_shape_tiles)
#define TT_BUFFER_LAYOUT_FIELDS(X) \
    X(memory) X(layout) X(tile_shape) X(dtype) X(data_format) X(page_size) X(shape) X(shape_tiles) X(num_pages) \
    X(read) X(written)
#define TT_CB_CONFIG_FIELDS(X) \
    X(cb_index) X(flow) X(dtype) X(data_format) X(page_size) X(tiles_per_stage) X(depth) X(num_pages)
#define TT_COMPUTE_CONFIG_FIELDS(X) \
    X(math_fidelity) X(fp32_dest_acc_en) X(dst_full_sync_en) X(math_approx_mode) X(dst_tiles)
#define TT_CORE_WORK_FIELDS(X) X(core) X(start) X(count)
#define TT_WORK_PARTITION_FIELDS(X) X(strategy) X(grid) X(total_blocks) X(num_cores) X(panel) X(cores)
#define TT_DYNAMIC_DIM_FIELDS(X) X(name) X(tensor) X(axis) X(value)
#define TT_DYNAMIC_SHAPE_FIELDS(X) X(dims) X(tensor_axes) X(grid)
#define TT_MULTICAST_OPERAND_FIELDS(X) X(buffer) X(axis) X(sender_semaphore) X(receiver_semaphore)
#define TT_MULTICAST_PLAN_FIELDS(X) X(cols) X(rows) X(row_span) X(operands)
#define TT_KERNEL_DESC_FIELDS(X) \
    X(role) X(name) X(source) X(processor) X(noc) X(compile_args) X(defines) X(runtime_args) X(per_core_runtime_args) \
        X(unpack_to_dest_fp32)
// clang-format on
#define TT_FIELD_TO_JSON(F) j[#F] = v.F;
#define TT_FIELD_FROM_JSON(F) read_field(j, #F, v.F);
#define TT_STRUCT_JSON(T, FIELDS)                                                                                      \
    void to_json(Json &j, const T &v) {                                                                                \
        j = Json::object();                                                                                            \
        FIELDS(TT_FIELD_TO_JSON)                                                                                       \
    }                                                                                                                  \
    void from_json(const Json &j, T &v) {                                                                              \
        FIELDS(TT_FIELD_FROM_JSON)                                                                                     \
    }

void to_json(Json &j, const CoreCoord &v) {
    j = Json::array({v.x, v.y});
}
void from_json(const Json &j, CoreCoord &v) {
    if (!j.is_array() || j.size() != 2) TT_USER_ERROR(Validation, Span()) << "a core must be [x, y], got " << j.dump();
    v.x = j[0].get<int>();
    v.y = j[1].get<int>();
}
void to_json(Json &j, const CoreGrid &v) {
    j = Json::array({v.x, v.y});
}
void from_json(const Json &j, CoreGrid &v) {
    CoreCoord c;
    from_json(j, c);
    v = CoreGrid{c.x, c.y};
}
void to_json(Json &j, const CoreRange &v) {
    j = Json::array({v.start, v.end});
}
void from_json(const Json &j, CoreRange &v) {
    if (!j.is_array() || j.size() != 2) {
        TT_USER_ERROR(Validation, Span()) << "a core range must be [[x0, y0], [x1, y1]], got " << j.dump();
    }
    v.start = j[0].get<CoreCoord>();
    v.end = j[1].get<CoreCoord>();
}
TT_STRUCT_JSON(ShardSpec, TT_SHARD_SPEC_FIELDS)

void to_json(Json &j, const BufferLayout &v) {
    j = Json::object();
    TT_BUFFER_LAYOUT_FIELDS(TT_FIELD_TO_JSON)
    if (v.tile_axes != default_tile_axes(v.shape.size())) j["tile_axes"] = v.tile_axes;
    if (v.row_block) j["row_block"] = v.row_block;
    if (v.padded_shape != v.shape) j["padded_shape"] = v.padded_shape;
    if (!v.pad_multiples.empty()) j["pad_multiples"] = v.pad_multiples;
    if (v.shard) j["shard"] = *v.shard;
}
void from_json(const Json &j, BufferLayout &v) {
    TT_BUFFER_LAYOUT_FIELDS(TT_FIELD_FROM_JSON)
    v.tile_axes =
        j.contains("tile_axes") ? j.at("tile_axes").get<std::vector<int>>() : default_tile_axes(v.shape.size());
    v.row_block = j.value("row_block", int64_t{0});
    v.pad_multiples = j.value("pad_multiples", std::vector<int64_t>{});
    v.padded_shape = j.contains("padded_shape") ? j.at("padded_shape").get<std::vector<int64_t>>() : v.shape;
    if (v.padded_shape.size() != v.shape.size()) {
        TT_USER_ERROR(Validation, Span()) << "padded_shape " << Json(v.padded_shape).dump() << " must have the rank of "
                                          << "the shape " << Json(v.shape).dump();
    }
    const int rank = static_cast<int>(v.shape.size());
    const std::vector<int> &a = v.tile_axes;
    const bool valid = !a.empty() && a.size() <= default_tile_axes(v.shape.size()).size() && a.front() >= 0 &&
                       a.back() < rank && (a.size() == 1 || a[0] < a[1]);
    if (!valid) {
        TT_USER_ERROR(Validation, Span()) << "tile_axes " << Json(a).dump() << " of a " << rank << "-D tensor must be "
                                          << "one axis (a batch of vectors) or two increasing axes";
    }
    v.shard.reset();
    if (j.contains("shard")) v.shard = j.at("shard").get<ShardSpec>();
}

void to_json(Json &j, const LayoutAnnotation &v) {
    j = Json::object();
    if (v.memory) j["memory"] = *v.memory;
    if (v.layout) j["layout"] = *v.layout;
    if (v.shard_grid) j["shard_grid"] = *v.shard_grid;
    if (v.shard_shape_tiles) j["shard_shape_tiles"] = *v.shard_shape_tiles;
    if (v.data_format) j["data_format"] = *v.data_format;
}
/*! `value` as positive integers (`count` of them, or any number > 0 when count is 0), else a
 *  Validation error naming `key` and what it must be. */
std::vector<int64_t> positive_integers(const Json &value, const char *key, size_t count, const char *shape) {
    bool valid = value.is_array() && (count ? value.size() == count : !value.empty());
    for (size_t i = 0; valid && i < value.size(); ++i) {
        valid = value[i].is_number_integer() && value[i].get<int64_t>() > 0 &&
                value[i].get<int64_t>() <= std::numeric_limits<int32_t>::max();
    }
    if (!valid) {
        TT_USER_ERROR(Validation, Span()) << key << " must be " << shape << ", got " << value.dump();
    }
    return value.get<std::vector<int64_t>>();
}

void from_json(const Json &j, LayoutAnnotation &v) {
    if (!j.is_object()) TT_USER_ERROR(Validation, Span()) << "a layout request must be a dict, got " << j.dump();
    v = LayoutAnnotation{};
    for (const auto &[key, value] : j.items()) {
        if ((key == "memory" || key == "layout") && !value.is_string()) {
            TT_USER_ERROR(Validation, Span()) << key << " must be a string, got " << value.dump();
        }
        if (key == "memory") {
            v.memory = value.get<MemoryKind>();
        } else if (key == "layout") {
            v.layout = value.get<LayoutKind>();
        } else if (key == "shard_grid") {
            const std::vector<int64_t> grid =
                positive_integers(value, "shard_grid", 2, "[x, y]: two positive integers (cores across, cores down)");
            v.shard_grid = std::array<int, 2>{static_cast<int>(grid[0]), static_cast<int>(grid[1])};
        } else if (key == "shard_shape_tiles") {
            v.shard_shape_tiles =
                positive_integers(value, "shard_shape_tiles", 0, "a list of positive integers (tiles per dimension)");
        } else if (key == "data_format") {
            if (!value.is_string() || !block_float_tile_bytes(value.get<std::string>())) {
                TT_USER_ERROR(Validation, Span()) << "data_format must be \"Bfp8_b\" or \"Bfp4_b\" (Tenstorrent's block "
                                                  << "floats: 8 or 4 bits per value, one exponent per 16), got "
                                                  << value.dump();
            }
            v.data_format = value.get<std::string>();
        } else {
            TT_USER_ERROR(Validation, Span()) << "unknown layout request key \"" << key
                                              << "\"; the keys are memory, layout, shard_grid, shard_shape_tiles, "
                                              << "data_format";
        }
    }
}

void validate_layout_request(const std::string &buffer, const LayoutAnnotation &a, const target::DeviceSpec &dev) {
    const bool sharded = a.layout == LayoutKind::Sharded;
    if (sharded && a.memory == MemoryKind::DRAM) {
        TT_USER_ERROR(Validation, Span())
            << "layouts[" << buffer << "]: sharded layouts live in L1; use memory=\"l1\" or layout=\"interleaved\"";
    }
    if (sharded && !a.shard_grid) {
        TT_USER_ERROR(Validation, Span()) << "layouts[" << buffer << "]: a sharded layout needs shard_grid=[x, y]";
    }
    if (!sharded && (a.shard_grid || a.shard_shape_tiles)) {
        TT_USER_ERROR(Validation, Span())
            << "layouts[" << buffer << "]: shard_grid / shard_shape_tiles need layout=\"sharded\"";
    }
    if (a.shard_grid) {
        const auto &g = *a.shard_grid;
        if (g[0] < 1 || g[1] < 1 || g[0] > dev.grid_x || g[1] > dev.grid_y) {
            TT_USER_ERROR(Validation, Span())
                << "layouts[" << buffer << "]: shard_grid [" << g[0] << ", " << g[1] << "] does not fit the "
                << dev.name << " worker grid of " << dev.grid_x << "x" << dev.grid_y << " cores";
        }
    }
}

TT_STRUCT_JSON(CBConfig, TT_CB_CONFIG_FIELDS)
TT_STRUCT_JSON(ComputeConfig, TT_COMPUTE_CONFIG_FIELDS)
TT_STRUCT_JSON(CoreWork, TT_CORE_WORK_FIELDS)
TT_STRUCT_JSON(WorkPartition, TT_WORK_PARTITION_FIELDS)

void to_json(Json &j, const KernelArg &v) {
    if (v.marker.empty()) {
        j = v.value;
    } else {
        j = Json{{v.marker, v.operand}};
    }
}
void from_json(const Json &j, KernelArg &v) {
    static const char *const markers[] = {
        "buffer_address", "tensor_accessor_args", "num_pages", "semaphore", "noc_x", "noc_y", "formula"};
    if (j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0)) {
        v = KernelArg::of(j.get<uint32_t>());
        return;
    }
    if (j.is_object() && j.size() == 1) {
        for (const char *m : markers) {
            if (j.begin().key() == m) {
                v = KernelArg{0, m, j.begin().value()};
                return;
            }
        }
    }
    TT_USER_ERROR(Validation, Span()) << "a kernel argument must be a uint32 or a one-key marker (buffer_address, "
                                         "tensor_accessor_args, num_pages, semaphore, noc_x, noc_y, formula), got "
                                      << j.dump();
}

TT_STRUCT_JSON(KernelDesc, TT_KERNEL_DESC_FIELDS)
TT_STRUCT_JSON(DynamicDim, TT_DYNAMIC_DIM_FIELDS)
TT_STRUCT_JSON(DynamicShape, TT_DYNAMIC_SHAPE_FIELDS)
TT_STRUCT_JSON(MulticastOperand, TT_MULTICAST_OPERAND_FIELDS)
TT_STRUCT_JSON(MulticastPlan, TT_MULTICAST_PLAN_FIELDS)

template<typename T> std::optional<T> find_attr(const ir::PrimFunc &func, const char *key) {
    auto it = func->attrs.find(key);
    if (it == func->attrs.end()) return std::nullopt;
    return it->second.get<T>();
}

template<typename T> T get_attr(const ir::PrimFunc &func, const char *key, const char *written_by) {
    std::optional<T> value = find_attr<T>(func, key);
    TT_ICHECK(value) << "function " << func->name << " has no attribute " << key << "; " << written_by
                     << " writes it and must run first";
    return *value;
}

#define TT_INSTANTIATE_ATTR(T)                                                                                         \
    template std::optional<T> find_attr<T>(const ir::PrimFunc &, const char *);                                        \
    template T get_attr<T>(const ir::PrimFunc &, const char *, const char *);
TT_INSTANTIATE_ATTR(Json)
TT_INSTANTIATE_ATTR(std::string)
TT_INSTANTIATE_ATTR(CoreGrid)
TT_INSTANTIATE_ATTR(CoreRanges)
TT_INSTANTIATE_ATTR(LayoutDesc)
TT_INSTANTIATE_ATTR(CBDesc)
TT_INSTANTIATE_ATTR(ComputeConfig)
TT_INSTANTIATE_ATTR(WorkPartition)
TT_INSTANTIATE_ATTR(KernelDescs)
TT_INSTANTIATE_ATTR(DynamicShape)
TT_INSTANTIATE_ATTR(MulticastPlan)
#undef TT_INSTANTIATE_ATTR

// ---- block index decoding -------------------------------------------------------------------

BlockDecodeExtents constant_decode_extents(const WorkPartition &partition) {
    BlockDecodeExtents extents;
    for (int64_t g : partition.grid) extents.grid.push_back(ir::make_int(g));
    const int64_t rows = partition.grid.size() >= 2 ? partition.grid[1] : 1;
    extents.panel = ir::make_int(std::max<int64_t>(1, std::min<int64_t>(partition.panel, rows)));
    return extents;
}

ir::Expr decode_block_index(const WorkPartition &partition, const ir::Expr &linear_block_id, int grid_dim) {
    return decode_block_index(partition.strategy, constant_decode_extents(partition), linear_block_id, grid_dim);
}

ir::Expr decode_block_index(PartitionStrategy strategy, const BlockDecodeExtents &extents,
                            const ir::Expr &linear_block_id, int grid_dim) {
    const std::vector<ir::Expr> &g = extents.grid;
    const int rank = static_cast<int>(g.size());
    TT_ICHECK(grid_dim >= 0 && grid_dim < rank) << "grid dimension " << grid_dim << " of a " << rank << "-D grid";
    const ir::Expr &i = linear_block_id;
    if (sweeps_panels(strategy) && rank >= 2) {
        const ir::Expr plane = fold_mul(g[0], g[1]);
        if (grid_dim == 2) return fold_div(i, plane);
        const ir::Expr in_plane = rank == 3 ? fold_mod(i, plane) : i;
        const ir::Expr &panel = extents.panel;
        const ir::Expr panel_blocks = fold_mul(panel, g[0]);
        const ir::Expr p = fold_div(in_plane, panel_blocks);
        const ir::Expr r = ir::SubNode::make(in_plane, fold_mul(p, panel_blocks));
        // The last panel may be shorter; with constant extents that divide evenly every panel is full.
        int64_t rows, panel_rows;
        const bool full_panels =
            ir::as_const_int(g[1], &rows) && ir::as_const_int(panel, &panel_rows) && rows % panel_rows == 0;
        const ir::Expr height =
            full_panels ? panel : ir::MinNode::make(panel, ir::SubNode::make(g[1], fold_mul(p, panel)));
        const ir::Expr b1 = ir::AddNode::make(fold_mul(p, panel), ir::FloorModNode::make(r, height));
        if (grid_dim == 1) return b1;
        const ir::Expr b0 = ir::FloorDivNode::make(r, height);
        if (strategy == PartitionStrategy::Block) return b0;
        // serpentine: odd rows walk x backwards.
        return ir::SelectNode::make(ir::EQNode::make(ir::FloorModNode::make(b1, ir::make_int(2)), ir::make_int(1)),
                                    ir::SubNode::make(ir::SubNode::make(g[0], ir::make_int(1)), b0), b0);
    }
    // row_major: dimension 0 fastest; column_major: the last dimension fastest.
    ir::Expr stride = ir::make_int(1);
    if (strategy == PartitionStrategy::ColumnMajor) {
        for (int d = rank - 1; d > grid_dim; --d) stride = fold_mul(stride, g[d]);
    } else {
        for (int d = 0; d < grid_dim; ++d) stride = fold_mul(stride, g[d]);
    }
    const bool slowest = strategy == PartitionStrategy::ColumnMajor ? grid_dim == 0 : grid_dim == rank - 1;
    const ir::Expr scaled = fold_div(i, stride);
    return slowest ? scaled : fold_mod(scaled, g[grid_dim]);
}

std::vector<int64_t> decode_block_index(const WorkPartition &partition, int64_t linear_block_id) {
    const std::vector<int64_t> &g = partition.grid;
    std::vector<int64_t> idx(g.size());
    const int rank = static_cast<int>(g.size());
    const int64_t i = linear_block_id;
    if (sweeps_panels(partition.strategy) && rank >= 2) {
        const int64_t plane = g[0] * g[1];
        const int64_t in_plane = i % plane;
        const int64_t panel = std::max<int64_t>(1, std::min<int64_t>(partition.panel, g[1]));
        const int64_t p = in_plane / (panel * g[0]);
        const int64_t r = in_plane - p * panel * g[0];
        const int64_t height = std::min(panel, g[1] - p * panel);
        idx[0] = r / height;
        idx[1] = p * panel + r % height;
        if (partition.strategy == PartitionStrategy::Serpentine && idx[1] % 2 == 1) idx[0] = g[0] - 1 - idx[0];
        if (rank == 3) idx[2] = i / plane;
        return idx;
    }
    int64_t rest = i;
    if (partition.strategy == PartitionStrategy::ColumnMajor) {
        for (int d = rank - 1; d >= 0; --d) {
            idx[d] = d == 0 ? rest : rest % g[d];
            rest /= g[d];
        }
    } else {
        for (int d = 0; d < rank; ++d) {
            idx[d] = d == rank - 1 ? rest : rest % g[d];
            rest /= g[d];
        }
    }
    return idx;
}

}  // namespace tt::transform
