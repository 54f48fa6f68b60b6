// The plan runner: the dict a compiler emits (tt.plan.json) plus kernel sources become a Program
// through the same host API a hand-written host program uses.
#include "sim/plan.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "sim/numerics.h"
#include "sim/session.h"

namespace tt_sim {

namespace {

using nlohmann::json;
using namespace tt::tt_metal;

[[noreturn]] void bad_plan(const std::string &what) {
    throw tt::Error(tt::ErrorKind::Validation, "invalid simulator plan: " + what);
}

struct DtypeInfo {
    tt::DataFormat format;
    uint32_t host_bytes;  ///< bytes per element on the host side
};

DtypeInfo dtype_info(const std::string &dtype) {
    if (dtype == "bfloat16") return {tt::DataFormat::Float16_b, 2};
    if (dtype == "float16") return {tt::DataFormat::Float16, 2};
    if (dtype == "float32") return {tt::DataFormat::Float32, 4};
    if (dtype == "int32") return {tt::DataFormat::Int32, 4};
    if (dtype == "uint32") return {tt::DataFormat::UInt32, 4};
    if (dtype == "bfloat8_b") return {tt::DataFormat::Bfp8_b, 4};
    bad_plan("unknown dtype '" + dtype + "' (bfloat16, float16, float32, int32, uint32, bfloat8_b)");
}

tt::DataFormat data_format(const std::string &name) {
    static const std::map<std::string, tt::DataFormat> formats = {
        {"Float16_b", tt::DataFormat::Float16_b}, {"Float16", tt::DataFormat::Float16},
        {"Float32", tt::DataFormat::Float32},     {"Bfp8_b", tt::DataFormat::Bfp8_b},
        {"Bfp4_b", tt::DataFormat::Bfp4_b},
        {"Int32", tt::DataFormat::Int32},         {"UInt32", tt::DataFormat::UInt32},
        {"bfloat16", tt::DataFormat::Float16_b},  {"float16", tt::DataFormat::Float16},
        {"float32", tt::DataFormat::Float32}};
    auto it = formats.find(name);
    if (it == formats.end()) bad_plan("unknown data_format '" + name + "'");
    return it->second;
}

CoreCoord point(const json &p) {
    if (!p.is_array() || p.size() != 2) bad_plan("a core must be [x, y], got " + p.dump());
    return {p[0].get<size_t>(), p[1].get<size_t>()};
}

/*! "core_ranges": a list of [[x0, y0], [x1, y1]] inclusive rectangles. */
CoreRangeSet core_ranges(const json &j) {
    if (!j.is_array() || j.empty())
        bad_plan("core_ranges must be a non-empty list of [[x0,y0],[x1,y1]], got " + j.dump());
    std::vector<CoreRange> ranges;
    for (const json &r : j) {
        if (!r.is_array() || r.size() != 2) bad_plan("a core range must be [[x0,y0],[x1,y1]], got " + r.dump());
        ranges.emplace_back(point(r[0]), point(r[1]));
    }
    return CoreRangeSet(ranges);
}

struct PlanBuffers {
    std::map<std::string, std::shared_ptr<Buffer>> by_name;
    std::map<std::string, json> specs;
};

struct ArgContext {
    const PlanBuffers &buffers;
    const IDevice &device;
    const std::vector<uint32_t> &semaphores;
};

/*! Expands one argument: an integer, or a marker the runner resolves after allocation. */
void expand_arg(const json &arg, const ArgContext &ctx, std::vector<uint32_t> &out) {
    if (arg.is_number_integer()) {
        out.push_back(static_cast<uint32_t>(arg.get<int64_t>()));
        return;
    }
    if (arg.is_boolean()) {
        out.push_back(arg.get<bool>() ? 1u : 0u);
        return;
    }
    if (!arg.is_object() || arg.size() != 1)
        bad_plan("an argument must be an integer or a one-key marker, got " + arg.dump());
    const std::string key = arg.begin().key();
    const json &value = arg.begin().value();
    auto buffer = [&](const json &name) -> Buffer & {
        auto it = ctx.buffers.by_name.find(name.get<std::string>());
        if (it == ctx.buffers.by_name.end()) bad_plan("argument refers to unknown buffer " + name.dump());
        return *it->second;
    };
    if (key == "buffer_address")
        out.push_back(static_cast<uint32_t>(buffer(value).address()));
    else if (key == "tensor_accessor_args")
        TensorAccessorArgs(buffer(value)).append_to(out);
    else if (key == "num_pages")
        out.push_back(buffer(value).num_pages());
    else if (key == "semaphore") {
        const size_t index = value.get<size_t>();
        if (index >= ctx.semaphores.size())
            bad_plan("argument refers to semaphore " + std::to_string(index) + ", not in 'semaphores'");
        out.push_back(ctx.semaphores[index]);
    } else if (key == "noc_x")
        out.push_back(static_cast<uint32_t>(ctx.device.worker_core_from_logical_core(point(value)).x));
    else if (key == "noc_y")
        out.push_back(static_cast<uint32_t>(ctx.device.worker_core_from_logical_core(point(value)).y));
    else
        bad_plan("unknown argument marker '" + key +
                 "' (buffer_address, tensor_accessor_args, num_pages, semaphore, noc_x, noc_y)");
}

std::vector<uint32_t> expand_args(const json &list, const ArgContext &ctx) {
    std::vector<uint32_t> out;
    if (!list.is_array()) bad_plan("argument lists must be arrays, got " + list.dump());
    for (const json &a : list) expand_arg(a, ctx, out);
    return out;
}

const json &field(const json &obj, const char *name, const char *where) {
    if (!obj.contains(name)) bad_plan(std::string(where) + " lacks '" + name + "'");
    return obj.at(name);
}

void add_kernel(Program &program, const json &k, const json &plan, const std::string &kernel_dir,
                const ArgContext &ctx) {
    const std::string role = k.value("role", "");
    const std::string source = field(k, "source", "kernel").get<std::string>();
    const std::string path = source.size() && source[0] == '/' ? source : kernel_dir + "/" + source;
    const CoreRangeSet cores =
        core_ranges(k.contains("core_ranges") ? k["core_ranges"] : field(plan, "core_ranges", "plan"));
    std::map<std::string, std::string> defines;
    const json defines_json = k.value("defines", json::object());
    for (const auto &d : defines_json.items())
        defines[d.key()] = d.value().is_string() ? d.value().get<std::string>() : d.value().dump();
    const std::vector<uint32_t> compile_args = expand_args(k.value("compile_args", json::array()), ctx);
    KernelHandle handle;
    if (role == "compute") {
        const json cfg = k.value("compute_config", plan.value("compute_config", json::object()));
        ComputeConfig cc;
        cc.math_fidelity =
            static_cast<MathFidelity>(tt::target::parse_math_fidelity(cfg.value("math_fidelity", "HiFi4")));
        cc.fp32_dest_acc_en = cfg.value("fp32_dest_acc_en", false);
        cc.dst_full_sync_en = cfg.value("dst_full_sync_en", false);
        cc.math_approx_mode = cfg.value("math_approx_mode", false);
        if (k.contains("unpack_to_dest_fp32")) {
            cc.unpack_to_dest_mode.assign(NUM_CIRCULAR_BUFFERS, UnpackToDestMode::Default);
            for (const json &cb : k["unpack_to_dest_fp32"]) {
                if (!cb.is_number_unsigned() || cb.get<uint32_t>() >= NUM_CIRCULAR_BUFFERS)
                    bad_plan("unpack_to_dest_fp32 lists CB indices below " + std::to_string(NUM_CIRCULAR_BUFFERS) +
                             ", got " + cb.dump());
                cc.unpack_to_dest_mode[cb.get<uint32_t>()] = UnpackToDestMode::UnpackToDestFp32;
            }
        }
        cc.compile_args = compile_args;
        cc.defines = defines;
        handle = CreateKernel(program, path, cores, cc);
    } else if (role == "reader" || role == "writer" || role == "dataflow") {
        if (k.contains("unpack_to_dest_fp32"))
            bad_plan("unpack_to_dest_fp32 configures a compute kernel's unpacker; " + role + " kernels have none");
        DataMovementConfig dm;
        const std::string processor = k.value("processor", role == "writer" ? "RISCV_0" : "RISCV_1");
        if (processor != "RISCV_0" && processor != "RISCV_1")
            bad_plan("processor must be RISCV_0 or RISCV_1, got " + processor);
        dm.processor = processor == "RISCV_0" ? DataMovementProcessor::RISCV_0 : DataMovementProcessor::RISCV_1;
        dm.noc = static_cast<NOC>(k.value("noc", role == "writer" ? 1 : 0));
        dm.compile_args = compile_args;
        dm.defines = defines;
        handle = CreateKernel(program, path, cores, dm);
    } else {
        bad_plan("kernel role must be reader, writer, dataflow or compute, got '" + role + "'");
    }
    program.state_->kernels[handle].label = role;
    const json rt = k.value("runtime_args", json::object());
    if (rt.is_object()) {
        for (const auto &e : rt.items()) {
            const size_t comma = e.key().find(',');
            if (comma == std::string::npos) bad_plan("runtime_args keys are \"x,y\", got \"" + e.key() + "\"");
            const CoreCoord c{std::stoul(e.key().substr(0, comma)), std::stoul(e.key().substr(comma + 1))};
            SetRuntimeArgs(program, handle, c, expand_args(e.value(), ctx));
        }
    } else {
        for (const json &e : rt)
            SetRuntimeArgs(program, handle, point(field(e, "core", "runtime_args entry")),
                           expand_args(field(e, "args", "runtime_args entry"), ctx));
    }
    if (k.contains("common_runtime_args"))
        SetCommonRuntimeArgs(program, handle, expand_args(k["common_runtime_args"], ctx));
}

int64_t elements(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

/*! A shape as a batch of R x C matrices (its last two dimensions; a vector is one row). */
struct Matrices {
    int64_t batch = 1, rows = 1, cols = 1;
    explicit Matrices(const std::vector<int64_t> &shape) {
        const size_t rank = shape.size();
        if (rank >= 1) cols = shape[rank - 1];
        if (rank >= 2) rows = shape[rank - 2];
        for (size_t d = 0; d + 2 < rank; ++d) batch *= shape[d];
    }
    int64_t tile_rows() const { return (rows + 31) / 32; }
    int64_t tile_cols() const { return (cols + 31) / 32; }
    int64_t tiled_elements() const { return batch * tile_rows() * tile_cols() * 1024; }
};

/*! Calls copy(row-major element offset, tiled element offset, count) for every run of elements that
 *  is contiguous in both layouts: up to 16 elements of one row, which share a face row of a tile. */
template<typename Copy> void for_each_face_row(const Matrices &m, Copy copy) {
    for (int64_t b = 0; b < m.batch; ++b)
        for (int64_t r = 0; r < m.rows; ++r)
            for (int64_t c = 0; c < m.cols; c += 16) {
                const int64_t tile = (b * m.tile_rows() + r / 32) * m.tile_cols() + c / 32;
                copy(size_t((b * m.rows + r) * m.cols + c), size_t(tile) * 1024 + tile_face_index(r % 32, c % 32),
                     size_t(std::min<int64_t>(16, m.cols - c)));
            }
}

}  // namespace

std::vector<uint8_t> tilize(const HostTensor &t, uint32_t eb) {
    const Matrices m(t.shape);
    std::vector<uint8_t> out(size_t(m.tiled_elements()) * eb, 0);
    for_each_face_row(m, [&](size_t row_major, size_t tiled, size_t count) {
        std::memcpy(&out[tiled * eb], &t.data[row_major * eb], count * eb);
    });
    return out;
}

HostTensor untilize(const std::vector<uint8_t> &tiles, const std::vector<int64_t> &shape, uint32_t eb) {
    HostTensor t;
    t.shape = shape;
    t.data.assign(size_t(elements(shape)) * eb, 0);
    for_each_face_row(Matrices(shape), [&](size_t row_major, size_t tiled, size_t count) {
        std::memcpy(&t.data[row_major * eb], &tiles[tiled * eb], count * eb);
    });
    return t;
}

namespace {

/*! The buffer's storage order (plan key "storage_order": its axes in the order pages hold them);
 *  empty when the pages hold the tensor as given. */
std::vector<int> storage_order(const json &spec, size_t rank) {
    if (!spec.contains("storage_order")) return {};
    std::vector<int> order = spec["storage_order"].get<std::vector<int>>();
    std::vector<int> axes(rank);
    std::iota(axes.begin(), axes.end(), 0);
    if (!std::is_permutation(order.begin(), order.end(), axes.begin(), axes.end()))
        bad_plan("storage_order " + spec["storage_order"].dump() + " is not a permutation of the " +
                 std::to_string(rank) + " axes");
    return order;
}

/*! The extents the buffer's tensor is stored with (plan key "padded_shape": T.copy blocks run past
 *  the shape), else the shape itself. */
std::vector<int64_t> padded_shape(const json &spec, const std::vector<int64_t> &shape) {
    if (!spec.contains("padded_shape")) return shape;
    std::vector<int64_t> padded = spec["padded_shape"].get<std::vector<int64_t>>();
    bool covers = padded.size() == shape.size();
    for (size_t d = 0; covers && d < shape.size(); ++d) covers = padded[d] >= shape[d];
    if (!covers) bad_plan("padded_shape " + spec["padded_shape"].dump() + " does not cover the shape");
    return padded;
}

/*! The tensor with the extents `shape`: its elements where both have them, zeros elsewhere (pads
 *  or crops each axis at its end). */
HostTensor resized(const HostTensor &t, const std::vector<int64_t> &shape, uint32_t eb) {
    if (shape == t.shape) return t;
    HostTensor out;
    out.shape = shape;
    out.data.assign(size_t(elements(shape)) * eb, 0);
    const size_t rank = shape.size();
    const int64_t run = std::min(shape[rank - 1], t.shape[rank - 1]);  // contiguous elements per row
    int64_t rows = 1;
    for (size_t d = 0; d + 1 < rank; ++d) rows *= std::min(shape[d], t.shape[d]);
    std::vector<int64_t> index(rank, 0);
    for (int64_t r = 0; r < rows; ++r) {
        int64_t from = 0, to = 0;
        for (size_t d = 0; d < rank; ++d) {
            from = from * t.shape[d] + index[d];
            to = to * shape[d] + index[d];
        }
        std::memcpy(&out.data[size_t(to) * eb], &t.data[size_t(from) * eb], size_t(run) * eb);
        for (size_t d = rank - 1; d-- > 0;) {
            if (++index[d] < std::min(shape[d], t.shape[d])) break;
            index[d] = 0;
        }
    }
    return out;
}

/*! The shape with its axes in storage order. */
std::vector<int64_t> stored_shape(const std::vector<int64_t> &shape, const std::vector<int> &order) {
    std::vector<int64_t> stored = shape;
    for (size_t d = 0; d < order.size(); ++d) stored[d] = shape[order[d]];
    return stored;
}

/*! The tensor with its axes permuted: axis d of the result is axis order[d] of t (inverse: the
 *  result's axis order[d] is t's axis d). */
HostTensor permute_axes(const HostTensor &t, const std::vector<int> &order, uint32_t eb, bool inverse) {
    const size_t rank = t.shape.size();
    HostTensor out;
    out.shape.resize(rank);
    for (size_t d = 0; d < rank; ++d) {
        if (inverse)
            out.shape[order[d]] = t.shape[d];
        else
            out.shape[d] = t.shape[order[d]];
    }
    std::vector<int64_t> out_strides(rank, 1);
    for (size_t d = rank - 1; d > 0; --d) out_strides[d - 1] = out_strides[d] * out.shape[d];
    std::vector<int64_t> stride(rank);  // the output stride of each input axis
    for (size_t d = 0; d < rank; ++d) {
        if (inverse)
            stride[d] = out_strides[order[d]];
        else
            stride[order[d]] = out_strides[d];
    }
    out.data.resize(t.data.size());
    std::vector<int64_t> index(rank, 0);  // walks the input in row-major order
    int64_t offset = 0;
    for (size_t i = 0; i * eb < t.data.size(); ++i) {
        std::memcpy(&out.data[size_t(offset) * eb], &t.data[i * eb], eb);
        for (size_t d = rank; d-- > 0;) {
            offset += stride[d];
            if (++index[d] < t.shape[d]) break;
            offset -= stride[d] * index[d];
            index[d] = 0;
        }
    }
    return out;
}

/*! The shape a buffer's tensor is tilized as once in storage order: the plan's tiled_shape
 *  [batch, rows, cols] (a batch of vectors has rows 1), else the stored shape itself. */
std::vector<int64_t> tiled_shape(const json &spec, const std::vector<int64_t> &stored) {
    if (!spec.contains("tiled_shape")) return stored;
    std::vector<int64_t> tiled = spec["tiled_shape"].get<std::vector<int64_t>>();
    if (tiled.size() != 3 || elements(tiled) != elements(stored))
        bad_plan("tiled_shape " + spec["tiled_shape"].dump() +
                 " is not a [batch, rows, cols] of the tensor's elements");
    return tiled;
}

/*! The format a buffer's pages are stored in: its dtype's, or the block float its data_format
 *  names (a float tensor quantized on upload). */
tt::DataFormat stored_format(const json &spec, const DtypeInfo &info) {
    const std::string format = spec.value("data_format", "");
    if (format.empty()) return info.format;
    const tt::DataFormat stored = data_format(format);
    if (stored == tt::DataFormat::Bfp8_b || stored == tt::DataFormat::Bfp4_b) {
        if (info.format != tt::DataFormat::Float16_b && info.format != tt::DataFormat::Float32 &&
            info.format != tt::DataFormat::Bfp8_b)
            bad_plan("buffer '" + spec.value("name", std::string("?")) + "': data_format " + format +
                     " holds a bfloat16 or float32 tensor, not " + spec.value("dtype", std::string("bfloat16")));
        return stored;
    }
    if (stored != info.format)
        bad_plan("buffer '" + spec.value("name", std::string("?")) + "': data_format " + format + " is not its dtype's (" +
                 spec.value("dtype", std::string("bfloat16")) + "); only the block floats Bfp8_b and Bfp4_b may differ");
    return stored;
}

/*! The host tensor's format: its element type's (bfloat8_b tensors travel as float32). */
tt::DataFormat host_format(const DtypeInfo &info) {
    return info.format == tt::DataFormat::Bfp8_b ? tt::DataFormat::Float32 : info.format;
}

/*! Device bytes of a host tensor in a buffer's layout and format. */
std::vector<uint8_t> to_device(const HostTensor &given, const json &spec) {
    const DtypeInfo info = dtype_info(spec.value("dtype", "bfloat16"));
    if (spec.value("tensor_layout", "tile") != "tile") return given.data;
    const std::vector<int> order = storage_order(spec, given.shape.size());
    const HostTensor padded = resized(given, padded_shape(spec, given.shape), info.host_bytes);
    HostTensor t = order.empty() ? padded : permute_axes(padded, order, info.host_bytes, false);
    t.shape = tiled_shape(spec, t.shape);
    std::vector<uint8_t> tiles = tilize(t, info.host_bytes);
    const tt::DataFormat format = stored_format(spec, info), host = host_format(info);
    if (format == host) return tiles;
    // A block float: each tile (face order) through the packer's block-float encoding.
    const size_t host_tile = 1024 * info.host_bytes, n = tiles.size() / host_tile;
    std::vector<uint8_t> out(n * tt::tile_size(format));
    for (size_t i = 0; i < n; ++i) {
        Tile values;
        unpack_tile(&tiles[i * host_tile], host, values);
        pack_tile_bytes(values, format, &out[i * tt::tile_size(format)]);
    }
    return out;
}

HostTensor from_device(const std::vector<uint8_t> &bytes, const json &spec, const std::vector<int64_t> &shape) {
    const DtypeInfo info = dtype_info(spec.value("dtype", "bfloat16"));
    if (spec.value("tensor_layout", "tile") != "tile") return HostTensor{shape, bytes};
    const std::vector<int> order = storage_order(spec, shape.size());
    const std::vector<int64_t> stored = stored_shape(padded_shape(spec, shape), order);
    const std::vector<int64_t> tiled = tiled_shape(spec, stored);
    const uint32_t eb = info.host_bytes;
    const tt::DataFormat format = stored_format(spec, info), host = host_format(info);
    HostTensor t;
    if (format == host) {
        t = untilize(bytes, tiled, eb);
    } else {
        const size_t n = bytes.size() / tt::tile_size(format), host_tile = 1024 * eb;
        std::vector<uint8_t> values_bytes(n * host_tile);
        for (size_t i = 0; i < n; ++i) {
            Tile values;
            unpack_tile(&bytes[i * tt::tile_size(format)], format, values);
            pack_tile_bytes(values, host, &values_bytes[i * host_tile]);
        }
        t = untilize(values_bytes, tiled, eb);
    }
    t.shape = stored;
    return resized(order.empty() ? t : permute_axes(t, order, eb, true), shape, eb);
}

uint64_t device_bytes(const json &spec, const std::vector<int64_t> &given) {
    const DtypeInfo info = dtype_info(spec.value("dtype", "bfloat16"));
    if (spec.value("tensor_layout", "tile") != "tile") return uint64_t(elements(given)) * info.host_bytes;
    const Matrices tiled(tiled_shape(spec, stored_shape(padded_shape(spec, given), storage_order(spec, given.size()))));
    return uint64_t(tiled.tiled_elements() / 1024) * tt::tile_size(stored_format(spec, info));
}

/*! The tensor's shape in tiles, outermost first: the plan's shape_tiles, else [batch, row tiles,
 *  column tiles] of the shape it is tilized as. */
std::vector<uint32_t> shape_in_tiles(const json &spec) {
    if (spec.contains("shape_tiles")) return spec["shape_tiles"].get<std::vector<uint32_t>>();
    const std::vector<int64_t> shape = spec["shape"].get<std::vector<int64_t>>();
    const Matrices m(tiled_shape(spec, stored_shape(padded_shape(spec, shape), storage_order(spec, shape.size()))));
    return {static_cast<uint32_t>(m.batch), static_cast<uint32_t>(m.tile_rows()), static_cast<uint32_t>(m.tile_cols())};
}

/*! An l1_sharded buffer's distribution: "shard": {"grid": [gx, gy], "shard_shape_tiles": [...]} deals
 *  shards of that many tiles round-robin over the cores (0,0)-(gx-1,gy-1), row-major. */
BufferDistributionSpec shard_distribution(const json &spec, const std::string &name, uint64_t num_pages) {
    const json &shard = field(spec, "shard", ("l1_sharded buffer " + name).c_str());
    const std::vector<uint32_t> grid = field(shard, "grid", "shard").get<std::vector<uint32_t>>();
    const std::vector<uint32_t> shard_tiles = field(shard, "shard_shape_tiles", "shard").get<std::vector<uint32_t>>();
    if (grid.size() != 2 || grid[0] == 0 || grid[1] == 0)
        bad_plan("buffer " + name + ": shard grid must be [x, y] of at least one core, got " + shard["grid"].dump());
    const std::vector<uint32_t> tensor_tiles = shape_in_tiles(spec);
    const uint64_t tiles = std::accumulate(tensor_tiles.begin(), tensor_tiles.end(), uint64_t(1), std::multiplies<>());
    if (tiles != num_pages)
        bad_plan("buffer " + name + ": its shape in tiles holds " + std::to_string(tiles) + " tiles, not its " +
                 std::to_string(num_pages) + " pages");
    if (shard_tiles.empty() || shard_tiles.size() > tensor_tiles.size())
        bad_plan("buffer " + name + ": shard_shape_tiles " + shard["shard_shape_tiles"].dump() +
                 " must have between 1 and " + std::to_string(tensor_tiles.size()) + " dimensions");
    const CoreRangeSet cores(CoreRange({0, 0}, {grid[0] - 1, grid[1] - 1}));
    return BufferDistributionSpec(Shape(ShapeBase::Container(tensor_tiles.begin(), tensor_tiles.end())),
                                  Shape(ShapeBase::Container(shard_tiles.begin(), shard_tiles.end())), cores,
                                  ShardOrientation::ROW_MAJOR, ShardDistributionStrategy::ROUND_ROBIN_1D);
}

/*! Builds the program the plan describes (circular buffers, semaphores, kernels and their
 *  arguments) over the allocated buffers and runs it. */
RunStats run_program_of_plan(const json &plan, const std::string &kernel_dir, const PlanBuffers &buffers,
                             distributed::MeshDevice &device) {
    Program program = CreateProgram();
    for (const json &cb : plan.value("circular_buffers", json::array())) {
        const uint8_t index = field(cb, "cb_index", "circular buffer").get<uint8_t>();
        const uint32_t page = field(cb, "page_size", "circular buffer").get<uint32_t>();
        const uint32_t pages = field(cb, "num_pages", "circular buffer").get<uint32_t>();
        CreateCircularBuffer(
            program, core_ranges(cb.contains("core_ranges") ? cb["core_ranges"] : field(plan, "core_ranges", "plan")),
            CircularBufferConfig(page * pages, {{index, data_format(cb.value("data_format", "Float16_b"))}})
                .set_page_size(index, page));
    }
    std::vector<uint32_t> semaphores;
    for (const json &s : plan.value("semaphores", json::array()))
        semaphores.push_back(CreateSemaphore(
            program, core_ranges(s.contains("core_ranges") ? s["core_ranges"] : field(plan, "core_ranges", "plan")),
            s.value("initial_value", 0u)));
    const ArgContext ctx{buffers, device, semaphores};
    for (const json &k : field(plan, "kernels", "plan")) add_kernel(program, k, plan, kernel_dir, ctx);
    return run_and_record(*device.state_, *program.state_);
}

PlanResult run_checked_plan(const json &plan, const std::string &kernel_dir,
                            const std::map<std::string, HostTensor> &inputs, const std::string &device_name) {
    if (!plan.is_object()) bad_plan("the plan must be a JSON object");
    auto device = std::make_shared<distributed::MeshDevice>(
        open_device(device_name.empty() ? plan.value("device", "") : device_name));
    PlanBuffers buffers;
    for (const json &b : field(plan, "buffers", "plan")) {
        const std::string name = field(b, "name", "buffer").get<std::string>();
        const std::vector<int64_t> shape = field(b, "shape", "buffer").get<std::vector<int64_t>>();
        const std::string layout = b.value("layout", "dram_interleaved");
        if (layout != "dram_interleaved" && layout != "l1_interleaved" && layout != "l1_sharded")
            bad_plan("buffer " + name + ": layout '" + layout +
                     "' is not simulated (dram_interleaved, l1_interleaved, l1_sharded)");
        const uint64_t bytes = device_bytes(b, shape);
        const uint64_t page =
            b.value("page_size", uint64_t(tt::tile_size(dtype_info(b.value("dtype", "bfloat16")).format)));
        const BufferShardingArgs sharding =
            layout == "l1_sharded" ? BufferShardingArgs(shard_distribution(b, name, bytes / page)) : std::nullopt;
        buffers.by_name[name] = Buffer::create(device.get(), bytes, page,
                                               layout == "dram_interleaved" ? BufferType::DRAM : BufferType::L1, sharding);
        buffers.specs[name] = b;
    }
    for (const auto &in : inputs) {
        auto it = buffers.by_name.find(in.first);
        if (it == buffers.by_name.end()) bad_plan("input '" + in.first + "' is not a buffer of the plan");
        const std::vector<uint8_t> bytes = to_device(in.second, buffers.specs[in.first]);
        detail::WriteToBuffer(*it->second, std::span<const uint8_t>(bytes));
    }

    // The first launch's program is the plan's top level; a later launch's program replaces those
    // keys (docs/plan.md). One queue runs them in order.
    std::vector<json> programs = {plan};
    for (const json &launch : plan.value("launches", json::array())) {
        if (!launch.is_object()) bad_plan("each entry of launches must be an object of program keys");
        json program = plan;
        for (const auto &[key, value] : launch.items()) program[key] = value;
        programs.push_back(std::move(program));
    }
    PlanResult result;
    for (size_t i = 0; i < programs.size(); ++i) {
        const RunStats stats = run_program_of_plan(programs[i], kernel_dir, buffers, *device);
        if (i == 0)
            result.stats = stats;
        else
            result.stats.append(stats);
    }
    for (const auto &b : buffers.by_name) {
        // A buffer the program only reads is the caller's input unchanged; any other is read back.
        if (inputs.count(b.first) && buffers.specs[b.first].value("access", "read_write") == "read") continue;
        std::vector<uint8_t> bytes(b.second->size());
        detail::ReadFromBuffer(*b.second, bytes.data());
        result.buffers[b.first] =
            from_device(bytes, buffers.specs[b.first], buffers.specs[b.first]["shape"].get<std::vector<int64_t>>());
    }
    return result;
}

}  // namespace

PlanResult run_plan(const json &plan, const std::string &kernel_dir, const std::map<std::string, HostTensor> &inputs,
                    const std::string &device_name) {
    try {
        return run_checked_plan(plan, kernel_dir, inputs, device_name);
    } catch (const json::exception &e) {
        // A field of the wrong JSON type (e.g. a string where a number belongs); docs/simulator.md has the format.
        bad_plan(std::string("a field has the wrong type (") + e.what() +
                 "); see docs/simulator.md for the plan format");
    }
}

}  // namespace tt_sim
