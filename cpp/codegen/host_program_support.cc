// The helper functions printed into main.cpp (see host_program_support.h). Each block is C++ that
// compiles against TT-Metalium's host headers and the simulator's alike: it uses only
// tilize_nfaces / untilize_nfaces (instantiated there for bfloat16, float, uint16_t, uint32_t),
// bfloat16's float constructor and MeshDevice::compute_with_storage_grid_size.
#include "codegen/host_program_support.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace tt::codegen {

namespace {

/*! Prints a block of fixed code line by line at the writer's indentation. */
void emit_block(CodeWriter &w, const char *text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) w.line(line);
}

const char *const kCommandLine =
    R"(/*! A bad command line or input file: reported with the usage text, exit status 2. */
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/*! What the command line asks for: a file per buffer name, where the kernels are. */
struct CommandLine {
    std::string kernel_dir = TILELANG_TT_KERNEL_DIR;
    std::map<std::string, std::string> files;
    bool help = false;
};

CommandLine parse_command_line(int argc, char **argv, const std::set<std::string> &buffer_names) {
    CommandLine cli;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            cli.help = true;
        } else if (arg == "--kernel-dir") {
            if (i + 1 == argc) throw UsageError("--kernel-dir needs a directory");
            cli.kernel_dir = argv[++i];
        } else {
            const std::size_t equals = arg.find('=');
            const std::string name = arg.substr(0, equals);
            if (equals == std::string::npos || buffer_names.count(name) == 0) {
                throw UsageError("unexpected argument '" + arg + "'");
            }
            cli.files[name] = arg.substr(equals + 1);
        }
    }
    return cli;
}

std::string kernel_path(const CommandLine &cli, const std::string &file) {
    return cli.kernel_dir + "/" + file;
}

/*! The program places work on cores up to (x - 1, y - 1); a smaller worker grid cannot run it. */
void require_worker_grid(distributed::MeshDevice &device, std::size_t x, std::size_t y, const std::string &compiled_for) {
    const CoreCoord grid = device.compute_with_storage_grid_size();
    if (grid.x < x || grid.y < y) {
        throw std::runtime_error("this program was compiled for " + compiled_for + " and needs a " + std::to_string(x) +
                                 "x" + std::to_string(y) + " worker grid; the device has " + std::to_string(grid.x) +
                                 "x" + std::to_string(grid.y));
    }
}
)";

const char *const kDimensions = R"(
/*! The size of dynamic dimension `name`, given on the command line as name=SIZE. */
int64_t dimension(const CommandLine &cli, const std::string &name) {
    const auto given = cli.files.find(name);
    if (given == cli.files.end()) throw UsageError("give the size of dynamic dimension " + name + " as " + name + "=SIZE");
    std::size_t end = 0;
    long long size = 0;
    try {
        size = std::stoll(given->second, &end);
    } catch (const std::exception &) {
        end = 0;
    }
    if (end == 0 || end != given->second.size() || size <= 0)
        throw UsageError(name + "=" + given->second + ": the size of a dimension is a positive integer");
    return size;
}

/*! Floor division and modulo (rounding towards minus infinity) of the plan's formulas. */
int64_t tilelang_tt_floordiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
int64_t tilelang_tt_floormod(int64_t a, int64_t b) {
    return a - tilelang_tt_floordiv(a, b) * b;
}
)";

const char *const kTensorShape = R"(
/*! A tensor as the device stores it: `batch` matrices of rows x cols, each padded to whole tiles. */
struct TensorShape {
    std::size_t batch;
    std::size_t rows;
    std::size_t cols;
};

constexpr std::size_t round_up_to_tile(std::size_t n) {
    return (n + 31) / 32 * 32;
}
)";

const char *const kPermuteAxes = R"(
/*! The row-major tensor `values` of `shape` with its axes reordered: axis d of the result is axis
 *  order[d] of the input. */
template <typename T>
std::vector<T> permute_axes(const std::vector<T> &values, const std::vector<std::size_t> &shape,
                            const std::vector<std::size_t> &order) {
    const std::size_t rank = shape.size();
    std::vector<std::size_t> result_stride(rank, 1), stride(rank);
    for (std::size_t d = rank - 1; d > 0; --d) result_stride[d - 1] = result_stride[d] * shape[order[d]];
    for (std::size_t d = 0; d < rank; ++d) stride[order[d]] = result_stride[d];
    std::vector<T> result(values.size());
    std::vector<std::size_t> index(rank, 0);
    for (const T &value : values) {
        std::size_t offset = 0;
        for (std::size_t d = 0; d < rank; ++d) offset += index[d] * stride[d];
        result[offset] = value;
        for (std::size_t d = rank; d-- > 0 && ++index[d] == shape[d];) index[d] = 0;
    }
    return result;
}
)";

const char *const kResizeAxes = R"(
/*! The row-major tensor `values` of extents `from` with the extents `to`: each axis padded with zeros
 *  or cut at its end (the device stores tensors padded where the kernels' blocks run past them). */
template <typename T>
std::vector<T> resize_axes(const std::vector<T> &values, const std::vector<std::size_t> &from,
                           const std::vector<std::size_t> &to) {
    std::size_t count = 1;
    for (std::size_t extent : to) count *= extent;
    std::vector<T> result(count, T(0));
    const std::size_t rank = to.size();
    std::vector<std::size_t> index(rank, 0);
    for (std::size_t i = 0; i < count; ++i) {
        bool inside = true;
        std::size_t offset = 0;
        for (std::size_t d = 0; d < rank; ++d) {
            inside = inside && index[d] < from[d];
            offset = offset * from[d] + index[d];
        }
        if (inside) result[i] = values[offset];
        for (std::size_t d = rank; d-- > 0 && ++index[d] == to[d];) index[d] = 0;
    }
    return result;
}
)";

const char *const kInputs = R"(
/*! Raw little-endian elements of `path`; the file must hold exactly `count` of them. */
template <typename T>
std::vector<T> read_tensor_file(const std::string &path, std::size_t count) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw UsageError("cannot open input file " + path);
    const std::streamoff bytes = in.tellg();
    if (bytes != static_cast<std::streamoff>(count * sizeof(T))) {
        throw UsageError(path + " holds " + std::to_string(bytes) + " bytes; the tensor needs " +
                         std::to_string(count * sizeof(T)));
    }
    std::vector<T> values(count);
    in.seekg(0);
    in.read(reinterpret_cast<char *>(values.data()), bytes);
    return values;
}

/*! Element i of a stand-in tensor is built from step k = (7 i + 11 seed) mod 17: (k - 8) / 8 for
 *  floating-point tensors (exact in every format), k for integer ones. */
template <typename T>
T stand_in_value(std::uint32_t k);
)";

const char *const kStandInBfloat16 = R"(
template <>
bfloat16 stand_in_value<bfloat16>(std::uint32_t k) {
    return bfloat16((static_cast<float>(k) - 8.0f) / 8.0f);
}
)";

const char *const kStandInFloat = R"(
template <>
float stand_in_value<float>(std::uint32_t k) {
    return (static_cast<float>(k) - 8.0f) / 8.0f;
}
)";

const char *const kStandInFloat16 = R"(
/*! float16 travels as its IEEE bits; stand-in values are zero or normal, so the conversion is exact. */
template <>
std::uint16_t stand_in_value<std::uint16_t>(std::uint32_t k) {
    const float value = (static_cast<float>(k) - 8.0f) / 8.0f;
    if (value == 0.0f) return 0;
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    const std::uint32_t sign = (bits >> 16) & 0x8000u;
    const std::uint32_t exponent = ((bits >> 23) & 0xffu) - 127u + 15u;
    return static_cast<std::uint16_t>(sign | (exponent << 10) | ((bits >> 13) & 0x3ffu));
}
)";

const char *const kStandInInteger = R"(
template <>
std::uint32_t stand_in_value<std::uint32_t>(std::uint32_t k) {
    return k;
}
)";

const char *const kUpload = R"(
/*! The tensor `name` from its file, else stand-in values. */
template <typename T>
std::vector<T> input_tensor(const CommandLine &cli, const std::string &name, std::size_t count, std::uint32_t seed) {
    const auto file = cli.files.find(name);
    if (file != cli.files.end()) return read_tensor_file<T>(file->second, count);
    std::vector<T> values(count);
    for (std::size_t i = 0; i < count; ++i) values[i] = stand_in_value<T>(static_cast<std::uint32_t>((7 * i + 11 * seed) % 17));
    return values;
}

/*! Row-major tensor -> device pages: each matrix zero-padded to whole tiles, then tilized (tiles in
 *  row-major order, each tile as four 16x16 faces). */
template <typename T>
std::vector<T> to_tiles(const std::vector<T> &values, const TensorShape &shape) {
    const std::size_t rows = round_up_to_tile(shape.rows), cols = round_up_to_tile(shape.cols);
    std::vector<T> padded(shape.batch * rows * cols, T{});
    for (std::size_t b = 0; b < shape.batch; ++b) {
        for (std::size_t r = 0; r < shape.rows; ++r) {
            std::copy_n(&values[(b * shape.rows + r) * shape.cols], shape.cols, &padded[(b * rows + r) * cols]);
        }
    }
    return tilize_nfaces(padded, static_cast<std::uint32_t>(shape.batch * rows), static_cast<std::uint32_t>(cols));
}
)";

const char *const kOutputs = R"(
/*! Device pages -> row-major tensor: untilized, padding dropped. */
template <typename T>
std::vector<T> from_tiles(const std::vector<T> &tiles, const TensorShape &shape) {
    const std::size_t rows = round_up_to_tile(shape.rows), cols = round_up_to_tile(shape.cols);
    const std::vector<T> padded =
        untilize_nfaces(tiles, static_cast<std::uint32_t>(shape.batch * rows), static_cast<std::uint32_t>(cols));
    std::vector<T> values(shape.batch * shape.rows * shape.cols);
    for (std::size_t b = 0; b < shape.batch; ++b) {
        for (std::size_t r = 0; r < shape.rows; ++r) {
            std::copy_n(&padded[(b * rows + r) * cols], shape.cols, &values[(b * shape.rows + r) * shape.cols]);
        }
    }
    return values;
}

/*! Writes the tensor `name` to its file when one was given, and prints its FNV-1a fingerprint so
 *  runs can be compared without files. */
template <typename T>
void output_tensor(const CommandLine &cli, const std::string &name, const std::vector<T> &values) {
    const char *bytes = reinterpret_cast<const char *>(values.data());
    std::uint64_t fnv1a = 14695981039346656037ull;
    for (std::size_t i = 0; i < values.size() * sizeof(T); ++i) {
        fnv1a = (fnv1a ^ static_cast<unsigned char>(bytes[i])) * 1099511628211ull;
    }
    const auto file = cli.files.find(name);
    if (file != cli.files.end()) {
        std::ofstream out(file->second, std::ios::binary);
        out.write(bytes, static_cast<std::streamsize>(values.size() * sizeof(T)));
        if (!out) throw std::runtime_error("cannot write output file " + file->second);
    }
    std::cout << name << ": " << values.size() << " elements, fnv1a " << std::hex << fnv1a << std::dec;
    if (file != cli.files.end()) std::cout << " -> " << file->second;
    std::cout << "\n";
}
)";

std::string buffer_usage(const HostBuffer &b) {
    const std::string tensor = b.dtype + " " + shape_text(b.shape);
    if (b.is_input && b.is_output)
        return "input and output, " + tensor + ": read from FILE (else stand-in values), written back";
    if (b.is_input) return "input, " + tensor + ": read from FILE (else stand-in values)";
    return "output, " + tensor + ": written to FILE";
}

}  // namespace

std::string shape_text(const std::vector<HostSize> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + shape[i].text();
    return s + "]";
}

std::vector<std::string> usage_lines(const HostPlan &plan) {
    std::string synopsis = "Usage: " + plan.kernel_name + " [--kernel-dir DIR]";
    std::vector<std::string> options;
    for (const HostDimension &d : plan.dimensions) {
        synopsis += " " + d.name + "=SIZE";
        options.push_back("  " + d.name + "=SIZE  dynamic dimension " + d.name + " (axis " + std::to_string(d.axis) +
                          " of " + d.tensor + ")");
    }
    for (const HostBuffer &b : plan.buffers) {
        if (!b.is_input && !b.is_output) continue;
        synopsis += " [" + b.name + "=FILE]";
        options.push_back("  " + b.name + "=FILE  " + buffer_usage(b));
    }
    std::vector<std::string> lines = {synopsis, ""};
    lines.insert(lines.end(), options.begin(), options.end());
    std::string sources;
    for (const HostKernel &k : plan.kernels) sources += (sources.empty() ? "" : ", ") + k.source;
    for (const HostPlan &launch : plan.launches)
        for (const HostKernel &k : launch.kernels) sources += ", " + k.source;
    lines.push_back("  --kernel-dir DIR  directory of " + sources);
    lines.push_back("                    (default: where CMake configured this program, TILELANG_TT_KERNEL_DIR)");
    lines.push_back("");
    lines.push_back("A FILE holds the tensor's elements row-major as raw little-endian values of its dtype");
    lines.push_back("(bfloat16 and float16 as their 16 bits). Inputs without a FILE get deterministic stand-in");
    lines.push_back("values. Every output is printed with an FNV-1a fingerprint of its bytes.");
    lines.push_back("Exit status: 0 success, 1 device or runtime error, 2 bad command line or input file.");
    return lines;
}

void emit_support_functions(CodeWriter &w, const HostPlan &plan) {
    std::set<std::string> input_types;
    bool any_output = false;
    for (const HostBuffer &b : plan.buffers) {
        if (b.is_input) input_types.insert(b.host_type);
        any_output = any_output || b.is_output;
    }
    w.line("namespace {");
    w.line();
    emit_block(w, kCommandLine);
    if (!plan.dimensions.empty()) emit_block(w, kDimensions);
    if (!input_types.empty() || any_output) emit_block(w, kTensorShape);
    const bool any_permuted = std::any_of(plan.buffers.begin(), plan.buffers.end(), [](const HostBuffer &b) {
        return (b.is_input || b.is_output) && !b.storage_order.empty();
    });
    if (any_permuted) emit_block(w, kPermuteAxes);
    const bool any_padded = std::any_of(plan.buffers.begin(), plan.buffers.end(), [](const HostBuffer &b) {
        return (b.is_input || b.is_output) && b.padded_shape != b.shape;
    });
    if (any_padded) emit_block(w, kResizeAxes);
    if (!input_types.empty()) {
        emit_block(w, kInputs);
        if (input_types.count("bfloat16")) emit_block(w, kStandInBfloat16);
        if (input_types.count("float")) emit_block(w, kStandInFloat);
        if (input_types.count("std::uint16_t")) emit_block(w, kStandInFloat16);
        if (input_types.count("std::uint32_t")) emit_block(w, kStandInInteger);
        emit_block(w, kUpload);
    }
    if (any_output) emit_block(w, kOutputs);
    w.line();
    w.line("}  // namespace");
}

}  // namespace tt::codegen
