// Reading tt.plan.json for the host-program generator (see host_plan.h and docs/plan.md).
#include "codegen/host_plan.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <numeric>
#include <set>

#include "transform/shape_formula.h"

namespace tt::codegen {

namespace {

using ir::Json;

[[noreturn]] void bad_plan(const std::string &where, const std::string &what) {
    throw Error(ErrorKind::Validation, "tt.plan.json: " + where + ": " + what);
}

const Json &field(const Json &object, const char *key, const std::string &where) {
    if (!object.is_object() || !object.contains(key)) bad_plan(where, std::string("missing field '") + key + "'");
    return object.at(key);
}

/*! A field converted to T; a value of the wrong JSON type is reported with the field's name. */
template<typename T> T field_as(const Json &object, const char *key, const std::string &where) {
    const Json &value = field(object, key, where);
    try {
        return value.get<T>();
    } catch (const Json::exception &) {
        bad_plan(where, std::string("field '") + key + "' has an unexpected value " + value.dump());
    }
}

template<typename T> T optional_field(const Json &object, const char *key, const std::string &where, T fallback) {
    return object.contains(key) ? field_as<T>(object, key, where) : fallback;
}

/*! Names become C++ identifiers in main.cpp (A_buffer, reader_kernel). */
std::string identifier(const Json &object, const char *key, const std::string &where) {
    const std::string name = field_as<std::string>(object, key, where);
    const bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                       std::all_of(name.begin(), name.end(),
                                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!valid) bad_plan(where, "'" + name + "' is not a C++ identifier");
    return name;
}

struct HostElement {
    const char *dtype;
    const char *host_type;
    int bytes;
};
// Element types of the host arrays: the types TT-Metalium's tilize_nfaces is instantiated for
// (bfloat16, float, uint16_t, uint32_t); float16 and integers travel as their raw bits.
constexpr HostElement kHostElements[] = {
    {"bfloat16", "bfloat16", 2},   {"float16", "std::uint16_t", 2}, {"float32", "float", 4},
    {"int32", "std::uint32_t", 4}, {"uint32", "std::uint32_t", 4},
};

const HostElement &host_element(const std::string &dtype, const std::string &where) {
    for (const HostElement &e : kHostElements)
        if (dtype == e.dtype) return e;
    bad_plan(where, "dtype '" + dtype + "' has no host element type (bfloat16, float16, float32, int32, uint32)");
}

/*! Names main.cpp prints as tt::DataFormat:: and MathFidelity:: enumerators. */
constexpr const char *kDataFormats[] = {"Float32", "Float16", "Float16_b", "Bfp8", "Bfp8_b", "Bfp4_b",
                                        "Int32",   "UInt32",  "UInt16",    "Int8", "UInt8"};
constexpr const char *kMathFidelities[] = {"LoFi", "HiFi2", "HiFi3", "HiFi4"};

template<size_t N> bool one_of(const std::string &name, const char *const (&names)[N]) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

TensorShape tensor_shape(const std::vector<HostSize> &shape) {
    TensorShape t;
    const size_t rank = shape.size();
    t.cols = shape[rank - 1];
    t.rows = rank >= 2 ? shape[rank - 2] : HostSize::of(1);
    t.batch = product(std::vector<HostSize>(shape.begin(), shape.end() - std::min<size_t>(rank, 2)));
    return t;
}

/*! Size field `key` of object: a number, or {"formula": F} in a plan with dynamic dimensions. */
HostSize size_of(const Json &value, const char *key, const std::string &at, bool dynamic) {
    if (dynamic && transform::is_formula_value(value)) return HostSize::of_formula(value.at("formula"));
    if (!value.is_number_integer())
        bad_plan(at, std::string("field '") + key + "' has an unexpected value " + value.dump());
    return HostSize::of(value.get<int64_t>());
}

std::vector<HostSize> sizes_of(const Json &object, const char *key, const std::string &at, bool dynamic) {
    const Json &value = field(object, key, at);
    if (!value.is_array()) bad_plan(at, std::string("field '") + key + "' has an unexpected value " + value.dump());
    std::vector<HostSize> out;
    for (const Json &v : value) out.push_back(size_of(v, key, at, dynamic));
    return out;
}

std::vector<int64_t> numbers(const std::vector<HostSize> &sizes) {
    std::vector<int64_t> out;
    for (const HostSize &s : sizes) out.push_back(s.value);
    return out;
}

bool all_numbers(const std::vector<HostSize> &sizes) {
    return std::all_of(sizes.begin(), sizes.end(), [](const HostSize &s) { return s.is_number(); });
}

std::vector<CoreRange> core_ranges(const Json &value, const std::string &where) {
    if (!value.is_array() || value.empty())
        bad_plan(where, "core_ranges must be a non-empty list of [[x0, y0], [x1, y1]]");
    return value.get<std::vector<CoreRange>>();
}

HostBuffer read_buffer(const Json &b, size_t index, bool dynamic) {
    const std::string where = "buffers[" + std::to_string(index) + "]";
    HostBuffer buffer;
    buffer.name = identifier(b, "name", where);
    const std::string at = "buffer '" + buffer.name + "'";
    buffer.shape = sizes_of(b, "shape", at, dynamic);
    if (buffer.shape.empty() || std::any_of(buffer.shape.begin(), buffer.shape.end(),
                                            [](const HostSize &d) { return d.is_number() && d.value <= 0; }))
        bad_plan(at, "shape must be a non-empty list of positive extents");
    buffer.padded_shape = b.contains("padded_shape") ? sizes_of(b, "padded_shape", at, dynamic) : buffer.shape;
    bool covers = buffer.padded_shape.size() == buffer.shape.size();
    for (size_t d = 0; covers && d < buffer.shape.size(); ++d) {
        const HostSize &padded = buffer.padded_shape[d], &extent = buffer.shape[d];
        covers = !padded.is_number() || !extent.is_number() || padded.value >= extent.value;
    }
    if (!covers) bad_plan(at, "padded_shape must have the shape's rank and extents at least the shape's");
    buffer.storage_order = optional_field<std::vector<int>>(b, "storage_order", at, {});
    std::vector<int> axes(buffer.shape.size());
    std::iota(axes.begin(), axes.end(), 0);
    if (!buffer.storage_order.empty() &&
        !std::is_permutation(buffer.storage_order.begin(), buffer.storage_order.end(), axes.begin(), axes.end()))
        bad_plan(at, "storage_order must be a permutation of the tensor's " + std::to_string(axes.size()) + " axes");
    std::vector<HostSize> stored = buffer.padded_shape;
    for (size_t d = 0; d < buffer.storage_order.size(); ++d) stored[d] = buffer.padded_shape[buffer.storage_order[d]];
    buffer.tensor = tensor_shape(stored);
    if (b.contains("tiled_shape")) {  // [batch, rows, cols]: a batch of vectors has rows 1
        const std::vector<HostSize> tiled = sizes_of(b, "tiled_shape", at, dynamic);
        const HostSize elements = product({buffer.tensor.batch, buffer.tensor.rows, buffer.tensor.cols});
        if (tiled.size() != 3 || (all_numbers(tiled) && elements.is_number() && product(tiled).value != elements.value))
            bad_plan(at, "tiled_shape must be [batch, rows, cols] of the tensor's elements");
        buffer.tensor = TensorShape{tiled[0], tiled[1], tiled[2]};
        stored = tiled;
    }
    buffer.dtype = field_as<std::string>(b, "dtype", at);
    const HostElement &element = host_element(buffer.dtype, at);
    buffer.host_type = element.host_type;
    buffer.element_bytes = element.bytes;

    const std::string layout = field_as<std::string>(b, "layout", at);
    if (layout != "dram_interleaved" && layout != "l1_interleaved" && layout != "l1_sharded")
        bad_plan(at, "layout '" + layout +
                         "' is not supported by the host program (dram_interleaved, l1_interleaved, l1_sharded)");
    buffer.in_dram = layout == "dram_interleaved";
    if (layout == "l1_sharded") {
        if (!b.contains("shard")) bad_plan(at, "an l1_sharded buffer needs shard {grid, shard_shape_tiles}");
        buffer.shard = b.at("shard").get<transform::ShardSpec>();
        const std::vector<HostSize> tiles = sizes_of(b, "shape_tiles", at, dynamic);
        if (!all_numbers(tiles)) bad_plan(at, "an l1_sharded buffer needs a static shape_tiles");
        buffer.shape_tiles = numbers(tiles);
        if (buffer.shard->shard_shape_tiles.size() != buffer.shape_tiles.size())
            bad_plan(at, "shard.shard_shape_tiles must have shape_tiles' rank");
    }
    if (optional_field<std::string>(b, "tensor_layout", at, "tile") != "tile")
        bad_plan(at, "the host program uploads tiled tensors only (tensor_layout 'tile')");

    buffer.page_size = field_as<int64_t>(b, "page_size", at);
    buffer.num_pages = size_of(field(b, "num_pages", at), "num_pages", at, dynamic);
    const std::string format = optional_field<std::string>(b, "data_format", at, "");
    if (transform::block_float_tile_bytes(format)) {
        if (buffer.host_type != "bfloat16" && buffer.host_type != "float")
            bad_plan(at, "a " + format + " buffer holds a bfloat16 or float32 tensor, not " + buffer.dtype);
        buffer.block_float = format;
    }
    const int64_t tile_bytes = buffer.block_float.empty()
                                   ? int64_t{transform::kTileRows} * transform::kTileCols * element.bytes
                                   : transform::block_float_tile_bytes(format);
    if (buffer.page_size != tile_bytes)
        bad_plan(at, "page_size " + std::to_string(buffer.page_size) + " is not one " +
                         (buffer.block_float.empty() ? buffer.dtype : format) + " tile (" + std::to_string(tile_bytes) +
                         " bytes)");
    if (buffer.num_pages.is_number() && all_numbers(stored) &&
        buffer.num_pages.value != transform::tiles_of_shape(numbers(stored)))
        bad_plan(at, "num_pages " + std::to_string(buffer.num_pages.value) + " does not match the shape's " +
                         std::to_string(transform::tiles_of_shape(numbers(stored))) + " tiles");

    const std::string access = field_as<std::string>(b, "access", at);
    if (access != "read" && access != "write" && access != "read_write" && access != "none")
        bad_plan(at, "access must be read, write, read_write or none, got '" + access + "'");
    buffer.is_input = access == "read" || access == "read_write";
    buffer.is_output = access == "write" || access == "read_write";
    if (buffer.is_output && !buffer.block_float.empty())
        bad_plan(at, "a " + buffer.block_float + " buffer is uploaded only; the kernels may not write it");
    return buffer;
}

HostCircularBuffer read_circular_buffer(const Json &c, size_t index, const std::vector<CoreRange> &program_cores) {
    const std::string where = "circular_buffers[" + std::to_string(index) + "]";
    HostCircularBuffer cb;
    cb.name = field_as<std::string>(c, "name", where);
    cb.config = c.get<CBConfig>();
    if (!one_of(cb.config.data_format, kDataFormats))
        bad_plan(where, "data_format '" + cb.config.data_format + "' is not a TT-Metalium DataFormat");
    cb.cores = c.contains("core_ranges") ? core_ranges(c.at("core_ranges"), where) : program_cores;
    return cb;
}

CoreCoord parse_core_key(const std::string &key, const std::string &where) {
    const size_t comma = key.find(',');
    try {
        size_t used_x = 0, used_y = 0;
        const int x = std::stoi(key.substr(0, comma), &used_x);
        const int y = std::stoi(key.substr(comma + 1), &used_y);
        if (comma != std::string::npos && used_x == comma && used_y == key.size() - comma - 1) return CoreCoord{x, y};
    } catch (const std::exception &) {
    }
    bad_plan(where, "runtime_args keys are \"x,y\", got \"" + key + "\"");
}

std::vector<CoreArgs> per_core_args(const Json &value, const std::string &where) {
    if (!value.is_object()) bad_plan(where, "runtime_args must map \"x,y\" to an argument list");
    std::vector<CoreArgs> cores;
    for (const auto &entry : value.items())
        cores.push_back(CoreArgs{parse_core_key(entry.key(), where), entry.value().get<std::vector<KernelArg>>()});
    std::sort(cores.begin(), cores.end(), [](const CoreArgs &a, const CoreArgs &b) {
        return a.core.y != b.core.y ? a.core.y < b.core.y : a.core.x < b.core.x;
    });
    return cores;
}

/*! Defines map to strings; a number is accepted and spelled as JSON does. */
std::map<std::string, std::string> defines(const Json &k, const std::string &where) {
    std::map<std::string, std::string> out;
    if (!k.contains("defines")) return out;
    const Json &value = k.at("defines");
    if (!value.is_object()) bad_plan(where, "defines must map names to values");
    for (const auto &d : value.items())
        out[d.key()] = d.value().is_string() ? d.value().get<std::string>() : d.value().dump();
    return out;
}

HostKernel read_kernel(const Json &k, size_t index, const std::vector<CoreRange> &program_cores) {
    const std::string where = "kernels[" + std::to_string(index) + "]";
    HostKernel kernel;
    kernel.name = identifier(k, "name", where);
    const std::string at = "kernel '" + kernel.name + "'";
    kernel.role = field(k, "role", at).get<KernelRole>();
    kernel.source = field_as<std::string>(k, "source", at);
    if (kernel.role != KernelRole::Compute) {
        const std::string processor = field_as<std::string>(k, "processor", at);
        if (processor != "RISCV_0" && processor != "RISCV_1")
            bad_plan(at, "processor must be RISCV_0 or RISCV_1, got " + processor);
        kernel.riscv_1 = processor == "RISCV_1";
        kernel.noc = field_as<int>(k, "noc", at);
        if (kernel.noc != 0 && kernel.noc != 1) bad_plan(at, "noc must be 0 or 1");
    }
    kernel.cores = k.contains("core_ranges") ? core_ranges(k.at("core_ranges"), at) : program_cores;
    kernel.compile_args = optional_field<std::vector<KernelArg>>(k, "compile_args", at, {});
    kernel.defines = defines(k, at);
    kernel.runtime_arg_names = optional_field<std::vector<std::string>>(k, "runtime_arg_names", at, {});
    if (k.contains("runtime_args")) kernel.runtime_args = per_core_args(k.at("runtime_args"), at + " runtime_args");
    kernel.common_runtime_args = optional_field<std::vector<KernelArg>>(k, "common_runtime_args", at, {});
    kernel.unpack_to_dest_fp32 = optional_field<std::vector<int>>(k, "unpack_to_dest_fp32", at, {});
    if (!kernel.unpack_to_dest_fp32.empty() && kernel.role != KernelRole::Compute)
        bad_plan(at, "unpack_to_dest_fp32 configures a compute kernel's unpacker; a data movement kernel has none");
    return kernel;
}

/*! Only a Float32 CB of the plan can unpack straight to DST. */
void check_unpack_to_dest(const HostKernel &kernel, const HostPlan &plan) {
    for (int index : kernel.unpack_to_dest_fp32) {
        auto cb = std::find_if(plan.circular_buffers.begin(), plan.circular_buffers.end(),
                               [&](const HostCircularBuffer &c) { return c.config.cb_index == index; });
        if (cb == plan.circular_buffers.end() || cb->config.data_format != "Float32")
            bad_plan("kernel '" + kernel.name + "'",
                     "unpack_to_dest_fp32 lists c_" + std::to_string(index) + ", which is not a Float32 CB of the plan");
    }
}

/*! Every marker must name something the host program creates. */
/*! A formula must name only the plan's dynamic dimensions and known operators. */
void check_formula(const Json &formula, const HostPlan &plan, const std::string &where) {
    transform::DimValues ones;
    for (const HostDimension &d : plan.dimensions) ones[d.name] = 1;
    try {
        transform::evaluate_formula(formula, ones);
    } catch (const Error &e) {
        bad_plan(where, e.what());
    }
}

void check_marker(const KernelArg &arg, const HostPlan &plan, const std::string &where) {
    if (arg.marker.empty()) return;
    if (arg.marker == "semaphore") {
        if (!arg.operand.is_number_unsigned() || arg.operand.get<size_t>() >= plan.semaphores.size())
            bad_plan(where, "argument refers to semaphore " + arg.operand.dump() + ", not in 'semaphores'");
    } else if (arg.marker == "noc_x" || arg.marker == "noc_y") {
        arg.operand.get<CoreCoord>();
    } else if (arg.marker == "formula") {
        check_formula(arg.operand, plan, where);
    } else {
        if (!arg.operand.is_string()) bad_plan(where, arg.marker + " needs a buffer name, got " + arg.operand.dump());
        plan.buffer(arg.operand.get<std::string>());
    }
}

}  // namespace

namespace {

/*! formula with each dimension `d` renamed dim_d, as main.cpp declares it. */
Json with_dimension_variables(const Json &formula) {
    if (formula.is_string()) return "dim_" + formula.get<std::string>();
    if (!formula.is_array()) return formula;
    return Json::array({formula[0], with_dimension_variables(formula[1]), with_dimension_variables(formula[2])});
}

/*! Names the subformulas that several sizes of the plan share (shared_sizes) and rewrites every
 *  size and formula argument to use the names, so that main.cpp computes each once. */
class SharedSizes {
public:
    /*! Counts the subformulas of a size (or a subformula of `parent`). */
    void count(const Json &f, const std::string &parent = "") {
        if (!f.is_array()) return;
        const std::string key = f.dump();
        count(f[1], key);
        count(f[2], key);
        if (counts_[key]++ == 0) order_.push_back(f);
        users_[key].insert(parent);
    }
    /*! Names each subformula used more than once, unless all its uses are inside one other
     *  subformula (which is named instead, or used once). */
    void name(HostPlan &plan) {
        for (const Json &f : order_) {
            const std::string key = f.dump();
            if (counts_.at(key) < 2 || (users_.at(key).size() == 1 && !users_.at(key).count(""))) continue;
            const std::string name = "size_" + std::to_string(plan.shared_sizes.size() + 1);
            plan.shared_sizes.push_back({name, rewrite_children(f)});
            names_[f.dump()] = name;
        }
    }
    Json rewrite(const Json &f) const {
        if (!f.is_array()) return f;
        auto named = names_.find(f.dump());
        return named != names_.end() ? Json(named->second) : rewrite_children(f);
    }

private:
    Json rewrite_children(const Json &f) const { return Json::array({f[0], rewrite(f[1]), rewrite(f[2])}); }

    std::map<std::string, int> counts_;
    std::map<std::string, std::set<std::string>> users_;  ///< the subformulas (or "" for a size) using it
    std::vector<Json> order_;
    std::map<std::string, std::string> names_;
};

void each_size(HostPlan &plan, const std::function<void(HostSize &)> &f) {
    for (HostBuffer &b : plan.buffers) {
        for (HostSize &s : b.shape) f(s);
        for (HostSize &s : b.padded_shape) f(s);
        for (HostSize *s : {&b.num_pages, &b.tensor.batch, &b.tensor.rows, &b.tensor.cols}) f(*s);
    }
}

void each_formula_arg(HostPlan &plan, const std::function<void(KernelArg &)> &f) {
    for (HostKernel &k : plan.kernels) {
        for (CoreArgs &core : k.runtime_args)
            for (KernelArg &a : core.args)
                if (a.marker == "formula") f(a);
        for (KernelArg &a : k.common_runtime_args)
            if (a.marker == "formula") f(a);
    }
}

/*! Rewrites a dynamic plan's sizes and formula arguments as main.cpp computes them. */
void share_sizes(HostPlan &plan) {
    SharedSizes shared;
    each_size(plan, [&](HostSize &s) { shared.count(s.cpp_formula); });
    each_formula_arg(plan, [&](KernelArg &a) {
        a.operand = with_dimension_variables(a.operand);
        shared.count(a.operand);
    });
    shared.name(plan);
    each_size(plan, [&](HostSize &s) { s.cpp_formula = shared.rewrite(s.cpp_formula); });
    each_formula_arg(plan, [&](KernelArg &a) { a.operand = shared.rewrite(a.operand); });
}

}  // namespace

HostSize HostSize::of_formula(const Json &formula) {
    return HostSize{0, formula, with_dimension_variables(formula)};
}

std::string HostSize::cpp() const {
    return is_number() ? std::to_string(value) : transform::formula_cpp(cpp_formula, "");
}

std::string HostSize::cpp_size_t() const {
    return is_number() ? std::to_string(value) : "std::size_t(" + cpp() + ")";
}

std::string HostSize::text() const {
    return is_number() ? std::to_string(value) : transform::formula_cpp(formula, "");
}

HostSize product(const std::vector<HostSize> &factors) {
    HostSize out = HostSize::of(1);
    for (const HostSize &f : factors) {
        if (out.is_number() && f.is_number()) {
            out.value *= f.value;
        } else {
            const Json a = out.is_number() ? Json(out.value) : out.formula;
            out = HostSize::of_formula(out.is_number() && out.value == 1
                                           ? (f.is_number() ? Json(f.value) : f.formula)
                                           : Json::array({"*", a, f.is_number() ? Json(f.value) : f.formula}));
        }
    }
    return out;
}

const HostBuffer &HostPlan::buffer(const std::string &name) const {
    for (const HostBuffer &b : buffers)
        if (b.name == name) return b;
    bad_plan("buffers", "no buffer named '" + name + "'");
}

HostPlan read_host_plan(const Json &json) {
    if (!json.is_object()) bad_plan("plan", "must be a JSON object");
    HostPlan plan;
    plan.kernel_name = identifier(json, "kernel_name", "plan");
    plan.device = field_as<std::string>(json, "device", "plan");
    plan.arch = optional_field<std::string>(json, "arch", "plan", "");
    plan.cores = core_ranges(field(json, "core_ranges", "plan"), "plan core_ranges");
    for (const Json &d : json.value("dynamic_dims", Json::array())) {
        plan.dimensions.push_back(HostDimension{identifier(d, "name", "plan dynamic_dims"),
                                                field_as<std::string>(d, "tensor", "plan dynamic_dims"),
                                                field_as<int>(d, "axis", "plan dynamic_dims")});
    }
    const bool dynamic = !plan.dimensions.empty();
    const Json &buffers = field(json, "buffers", "plan");
    for (size_t i = 0; i < buffers.size(); ++i) {
        plan.buffers.push_back(read_buffer(buffers[i], i, dynamic));
        const HostBuffer &b = plan.buffers.back();
        for (const HostSize &size : b.shape) {
            if (!size.is_number()) check_formula(size.formula, plan, "buffer '" + b.name + "'");
        }
        for (const HostSize &size : b.padded_shape) {
            if (!size.is_number()) check_formula(size.formula, plan, "buffer '" + b.name + "'");
        }
        if (!b.num_pages.is_number()) check_formula(b.num_pages.formula, plan, "buffer '" + b.name + "'");
    }
    const Json cbs = json.value("circular_buffers", Json::array());
    for (size_t i = 0; i < cbs.size(); ++i)
        plan.circular_buffers.push_back(read_circular_buffer(cbs[i], i, plan.cores));
    const Json semaphores = json.value("semaphores", Json::array());
    for (size_t i = 0; i < semaphores.size(); ++i) {
        const std::string where = "semaphores[" + std::to_string(i) + "]";
        const Json &s = semaphores[i];
        plan.semaphores.push_back(
            HostSemaphore{s.contains("core_ranges") ? core_ranges(s.at("core_ranges"), where) : plan.cores,
                          optional_field<uint32_t>(s, "initial_value", where, 0)});
    }
    const Json &kernels = field(json, "kernels", "plan");
    for (size_t i = 0; i < kernels.size(); ++i) plan.kernels.push_back(read_kernel(kernels[i], i, plan.cores));
    for (const HostKernel &k : plan.kernels) check_unpack_to_dest(k, plan);
    for_each_kernel_arg(plan, [&](const KernelArg &arg, const std::string &where) { check_marker(arg, plan, where); });
    if (json.contains("compute_config")) plan.compute_config = json.at("compute_config").get<ComputeConfig>();
    if (!one_of(plan.compute_config.math_fidelity, kMathFidelities))
        bad_plan("compute_config",
                 "math_fidelity '" + plan.compute_config.math_fidelity + "' is not LoFi, HiFi2, HiFi3 or HiFi4");
    if (dynamic) share_sizes(plan);
    const Json launches = json.value("launches", Json::array());
    for (size_t i = 0; i < launches.size(); ++i) {
        // A later launch's program keys replace the first's (docs/plan.md).
        if (!launches[i].is_object())
            bad_plan("launches[" + std::to_string(i) + "]", "must be an object of program keys");
        Json program = json;
        program.erase("launches");
        for (const auto &[key, value] : launches[i].items()) program[key] = value;
        plan.launches.push_back(read_host_plan(program));
    }
    return plan;
}

int HostPlan::num_cores() const {
    int n = 0;
    for (const CoreRange &r : cores) n += r.num_cores();
    return n;
}

void for_each_kernel_arg(const HostPlan &plan,
                         const std::function<void(const KernelArg &arg, const std::string &where)> &f) {
    for (const HostKernel &k : plan.kernels) {
        const std::string where = "kernel '" + k.name + "'";
        for (const KernelArg &a : k.compile_args) f(a, where + " compile_args");
        for (const KernelArg &a : k.common_runtime_args) f(a, where + " common_runtime_args");
        for (const CoreArgs &core : k.runtime_args)
            for (const KernelArg &a : core.args) f(a, where + " runtime_args");
    }
    for (const HostPlan &launch : plan.launches) for_each_kernel_arg(launch, f);
}

CoreCoord grid_extent(const std::vector<CoreRange> &ranges) {
    CoreCoord extent{0, 0};
    for (const CoreRange &r : ranges)
        extent = CoreCoord{std::max(extent.x, r.end.x + 1), std::max(extent.y, r.end.y + 1)};
    return extent;
}

}  // namespace tt::codegen
