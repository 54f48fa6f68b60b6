// main.cpp from the runtime plan (see host_program.h). One function per section of the generated
// file, in the order the sections appear; every TT-Metalium call is the Mesh-flow form of the
// release in docs/metalium_api.md.
#include "codegen/host_program.h"

#include <algorithm>
#include <set>

#include "codegen/code_writer.h"
#include "codegen/host_plan.h"
#include "codegen/host_program_support.h"

namespace tt::codegen {

namespace {

/*! The TT-Metalium release whose host API main.cpp is written in (docs/metalium_api.md). */
constexpr const char *kMetaliumRelease = "TT-Metalium v0.67";

std::string join(const std::vector<std::string> &items, const std::string &separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
    return out;
}

std::string coord_text(const CoreCoord &c) {
    return "{" + std::to_string(c.x) + ", " + std::to_string(c.y) + "}";
}

std::string range_text(const CoreRange &r) {
    return "CoreRange(" + coord_text(r.start) + ", " + coord_text(r.end) + ")";
}

int core_count(const std::vector<CoreRange> &ranges) {
    int n = 0;
    for (const CoreRange &r : ranges) n += r.num_cores();
    return n;
}

bool same_cores(const std::vector<CoreRange> &a, const std::vector<CoreRange> &b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const CoreRange &x, const CoreRange &y) { return x.start == y.start && x.end == y.end; });
}

/*! `const CoreRange name(...)` or, for several rectangles, `const CoreRangeSet name(...)`. */
void emit_core_set(CodeWriter &w, const std::string &name, const std::vector<CoreRange> &ranges) {
    if (ranges.size() == 1) {
        w.line("const CoreRange " + name + "(" + coord_text(ranges[0].start) + ", " + coord_text(ranges[0].end) + ");");
        return;
    }
    std::vector<std::string> parts;
    for (const CoreRange &r : ranges) parts.push_back(range_text(r));
    w.line("const CoreRangeSet " + name + "(std::vector<CoreRange>{" + join(parts, ", ") + "});");
}

/*! The variable holding the cores of a kernel, CB or semaphore: the program's, or its own. */
std::string cores_variable(CodeWriter &w, const std::string &owner, const std::vector<CoreRange> &ranges,
                           const HostPlan &plan) {
    if (same_cores(ranges, plan.cores)) return "program_cores";
    emit_core_set(w, owner + "_cores", ranges);
    return owner + "_cores";
}

// ---- kernel arguments ------------------------------------------------------------------------

bool expands_to_words(const KernelArg &a) {
    return a.marker == "tensor_accessor_args";
}

/*! A one-word argument as a C++ expression of type uint32_t. */
std::string arg_expr(const KernelArg &a, const HostPlan &plan) {
    if (a.marker.empty()) return std::to_string(a.value);
    if (a.marker == "buffer_address") return a.operand.get<std::string>() + "_address";
    if (a.marker == "num_pages") return std::to_string(plan.buffer(a.operand.get<std::string>()).num_pages);
    if (a.marker == "semaphore") return "semaphore_" + std::to_string(a.operand.get<size_t>());
    TT_ICHECK(a.marker == "noc_x" || a.marker == "noc_y") << "unexpected marker " << a.marker;
    const CoreCoord core = a.operand.get<CoreCoord>();
    return "static_cast<uint32_t>(mesh_device->worker_core_from_logical_core(CoreCoord" + coord_text(core) + ")." +
           (a.marker == "noc_x" ? "x" : "y") + ")";
}

/*! Declares `std::vector<uint32_t> name` holding `args`: one-word arguments as a list, each
 *  TensorAccessorArgs appending the words of its buffer in place. */
void emit_arg_vector(CodeWriter &w, const std::string &name, const std::vector<KernelArg> &args, const HostPlan &plan) {
    auto words_until_accessor = [&](size_t from) {
        std::vector<std::string> words;
        for (size_t i = from; i < args.size() && !expands_to_words(args[i]); ++i) words.push_back(arg_expr(args[i], plan));
        return words;
    };
    std::vector<std::string> leading = words_until_accessor(0);
    if (leading.size() == args.size()) {
        w.line("const std::vector<uint32_t> " + name + " = {" + join(leading, ", ") + "};");
        return;
    }
    w.line("std::vector<uint32_t> " + name + (leading.empty() ? "" : " = {" + join(leading, ", ") + "}") + ";");
    for (size_t i = leading.size(); i < args.size();) {
        if (expands_to_words(args[i])) {
            w.line("TensorAccessorArgs(*" + args[i].operand.get<std::string>() + "_buffer).append_to(" + name + ");");
            ++i;
            continue;
        }
        const std::vector<std::string> words = words_until_accessor(i);
        w.line(name + ".insert(" + name + ".end(), {" + join(words, ", ") + "});");
        i += words.size();
    }
}

// ---- sections ----------------------------------------------------------------------------------

void emit_file_comment(CodeWriter &w, const HostPlan &plan) {
    w.comment("main.cpp: TT-Metalium host program of the TileLang kernel `" + plan.kernel_name + "`.");
    w.comment("Generated by tilelang-tt from its runtime plan (tt.plan.json); regenerate rather than edit.");
    w.comment("Written against the Mesh host API of " + std::string(kMetaliumRelease) +
              "; builds against it or the tilelang-tt simulator.");
    w.comment("Compiled for " + plan.device + (plan.arch.empty() ? "" : " (" + plan.arch + ")") + ", " +
              std::to_string(core_count(plan.cores)) + " worker cores.");
    w.comment("");
    for (const std::string &line : usage_lines(plan)) w.comment(line);
}

void emit_includes(CodeWriter &w, const HostPlan &plan) {
    const bool uses_bfloat16 = std::any_of(plan.buffers.begin(), plan.buffers.end(),
                                           [](const HostBuffer &b) { return b.host_type == "bfloat16"; });
    bool uses_tensor_accessor = false;
    for (const HostKernel &k : plan.kernels) {
        uses_tensor_accessor = uses_tensor_accessor || std::any_of(k.compile_args.begin(), k.compile_args.end(), expands_to_words);
        for (const CoreArgs &c : k.runtime_args)
            uses_tensor_accessor = uses_tensor_accessor || std::any_of(c.args.begin(), c.args.end(), expands_to_words);
    }
    for (const char *header : {"algorithm", "cstdint", "cstring", "fstream", "iostream", "map", "memory", "set",
                               "stdexcept", "string", "vector"})
        w.line("#include <" + std::string(header) + ">");
    w.line();
    if (uses_bfloat16) w.line("#include <tt-metalium/bfloat16.hpp>");
    w.line("#include <tt-metalium/distributed.hpp>");
    w.line("#include <tt-metalium/host_api.hpp>");
    if (uses_tensor_accessor) w.line("#include <tt-metalium/tensor_accessor_args.hpp>");
    w.line("#include <tt-metalium/tilize_utils.hpp>");
    w.line();
    w.line("using namespace tt::tt_metal;");
    w.line();
    w.comment("CMakeLists.txt defines this as the directory holding the kernels.");
    w.line("#ifndef TILELANG_TT_KERNEL_DIR");
    w.line("#define TILELANG_TT_KERNEL_DIR \".\"");
    w.line("#endif");
}

void emit_usage_constant(CodeWriter &w, const HostPlan &plan) {
    w.line("const char *const kUsage =");
    w.indent();
    const std::vector<std::string> lines = usage_lines(plan);
    for (size_t i = 0; i < lines.size(); ++i) w.line(cpp_string_literal(lines[i] + "\n") + (i + 1 == lines.size() ? ";" : ""));
    w.dedent();
}

void emit_open_device(CodeWriter &w, const HostPlan &plan) {
    const CoreCoord extent = grid_extent(plan.cores);
    w.comment("The device: one chip as a 1x1 mesh, with its command queue.");
    w.line("std::shared_ptr<distributed::MeshDevice> mesh_device = distributed::MeshDevice::create_unit_mesh(0);");
    w.line("distributed::MeshCommandQueue &cq = mesh_device->mesh_command_queue();");
    w.line("require_worker_grid(*mesh_device, " + std::to_string(extent.x) + ", " + std::to_string(extent.y) + ", " +
           cpp_string_literal(plan.device) + ");");
}

std::set<std::string> addressed_buffers(const HostPlan &plan) {
    std::set<std::string> names;
    auto note = [&](const std::vector<KernelArg> &args) {
        for (const KernelArg &a : args)
            if (a.marker == "buffer_address") names.insert(a.operand.get<std::string>());
    };
    for (const HostKernel &k : plan.kernels) {
        note(k.compile_args);
        note(k.common_runtime_args);
        for (const CoreArgs &c : k.runtime_args) note(c.args);
    }
    return names;
}

void emit_buffers(CodeWriter &w, const HostPlan &plan) {
    const std::set<std::string> addressed = addressed_buffers(plan);
    w.comment("Global buffers, one per kernel parameter: pages of one 32x32 tile, interleaved over the banks.");
    for (const HostBuffer &b : plan.buffers) {
        const std::string use = b.is_input && b.is_output ? "read and written" : b.is_input ? "read" : b.is_output ? "written" : "unused";
        w.comment(b.name + ": " + b.dtype + " " + shape_text(b.shape) + ", " + std::to_string(b.num_pages) + " tiles in " +
                  (b.in_dram ? "DRAM" : "L1") + ", " + use + " by the kernels.");
        w.line("std::shared_ptr<distributed::MeshBuffer> " + b.name + "_buffer = distributed::MeshBuffer::create(");
        w.indent();
        w.line("distributed::ReplicatedBufferConfig{.size = " + std::to_string(b.num_pages) + " * " + std::to_string(b.page_size) + "},");
        w.line("distributed::DeviceLocalBufferConfig{.page_size = " + std::to_string(b.page_size) +
               ", .buffer_type = BufferType::" + (b.in_dram ? "DRAM" : "L1") + "},");
        w.line("mesh_device.get());");
        w.dedent();
        if (addressed.count(b.name))
            w.line("const uint32_t " + b.name + "_address = static_cast<uint32_t>(" + b.name + "_buffer->address());");
    }
}

std::string tensor_shape_text(const HostBuffer &b) {
    return "TensorShape{" + std::to_string(b.tensor.batch) + ", " + std::to_string(b.tensor.rows) + ", " +
           std::to_string(b.tensor.cols) + "}";
}

void emit_inputs(CodeWriter &w, const HostPlan &plan) {
    w.comment("Inputs: row-major tensors from their files (or stand-in values), tilized and uploaded.");
    w.comment("The tiled copies stay alive until the queue has finished with them (the release's");
    w.comment("EnqueueWriteMeshBuffer takes a non-const vector).");
    uint32_t seed = 0;
    for (const HostBuffer &b : plan.buffers) {
        ++seed;  // stand-in values differ per buffer, and stay put when other buffers change role
        if (!b.is_input) continue;
        w.line("std::vector<" + b.host_type + "> " + b.name + "_tiles = to_tiles(input_tensor<" + b.host_type +
               ">(cli, \"" + b.name + "\", " + std::to_string(b.tensor.elements()) + ", " + std::to_string(seed) + "), " +
               tensor_shape_text(b) + ");");
        w.line("distributed::EnqueueWriteMeshBuffer(cq, " + b.name + "_buffer, " + b.name + "_tiles, false);");
    }
}

void emit_circular_buffers(CodeWriter &w, const HostPlan &plan) {
    w.comment("Circular buffers in each core's L1: the pages the reader, compute and writer kernels pass on.");
    for (const HostCircularBuffer &cb : plan.circular_buffers) {
        const CBConfig &c = cb.config;
        const std::string index = "tt::CBIndex::c_" + std::to_string(c.cb_index);
        w.comment("c_" + std::to_string(c.cb_index) + ": " + cb.name + " (" + transform::to_string(c.flow) + "), " +
                  std::to_string(c.depth) + " x " + std::to_string(c.tiles_per_stage) + " tiles of " + c.data_format + ".");
        const std::string cores = cores_variable(w, cb.name, cb.cores, plan);
        w.line("CreateCircularBuffer(program, " + cores + ",");
        w.indent();
        w.line("CircularBufferConfig(" + std::to_string(c.num_pages) + " * " + std::to_string(c.page_size) + ", {{" + index +
               ", tt::DataFormat::" + c.data_format + "}})");
        w.indent();
        w.line(".set_page_size(" + index + ", " + std::to_string(c.page_size) + "));");
        w.dedent();
        w.dedent();
    }
}

void emit_semaphores(CodeWriter &w, const HostPlan &plan) {
    for (size_t i = 0; i < plan.semaphores.size(); ++i) {
        const HostSemaphore &s = plan.semaphores[i];
        const std::string name = "semaphore_" + std::to_string(i);
        const std::string cores = cores_variable(w, name, s.cores, plan);
        w.line("const uint32_t " + name + " = CreateSemaphore(program, " + cores + ", " + std::to_string(s.initial_value) + ");");
    }
}

std::string defines_text(const std::map<std::string, std::string> &defines) {
    std::vector<std::string> pairs;
    for (const auto &[key, value] : defines) pairs.push_back("{" + cpp_string_literal(key) + ", " + cpp_string_literal(value) + "}");
    return "{" + join(pairs, ", ") + "}";
}

/*! The fields of a kernel's DataMovementConfig / ComputeConfig, as designated initializers in the
 *  order the release declares the members. */
std::vector<std::string> kernel_config_fields(const HostKernel &k, const HostPlan &plan) {
    std::vector<std::string> fields;
    auto flag = [](const char *field, bool value) { return std::string(".") + field + " = " + (value ? "true" : "false"); };
    if (k.role == KernelRole::Compute) {
        const ComputeConfig &c = plan.compute_config;
        fields.push_back(".math_fidelity = MathFidelity::" + c.math_fidelity);
        fields.push_back(flag("fp32_dest_acc_en", c.fp32_dest_acc_en));
        fields.push_back(flag("dst_full_sync_en", c.dst_full_sync_en));
        fields.push_back(flag("math_approx_mode", c.math_approx_mode));
    } else {
        fields.push_back(std::string(".processor = DataMovementProcessor::") + (k.riscv_1 ? "RISCV_1" : "RISCV_0"));
        fields.push_back(".noc = NOC::NOC_" + std::to_string(k.noc));
    }
    if (!k.compile_args.empty()) fields.push_back(".compile_args = " + k.name + "_compile_args");
    if (!k.defines.empty()) fields.push_back(".defines = " + defines_text(k.defines));
    return fields;
}

void emit_kernels(CodeWriter &w, const HostPlan &plan) {
    for (const HostKernel &k : plan.kernels) {
        const bool compute = k.role == KernelRole::Compute;
        const std::string placement = compute ? "the compute RISC-Vs (TRISC 0-2)"
                                              : std::string(k.riscv_1 ? "RISCV_1" : "RISCV_0") + ", NoC " + std::to_string(k.noc);
        w.comment("The " + std::string(transform::to_string(k.role)) + " kernel " + k.source + " on " + placement + ".");
        const std::string cores = cores_variable(w, k.name, k.cores, plan);
        if (!k.compile_args.empty()) emit_arg_vector(w, k.name + "_compile_args", k.compile_args, plan);
        w.line("const KernelHandle " + k.name + "_kernel = CreateKernel(program, kernel_path(cli, " +
               cpp_string_literal(k.source) + "), " + cores + ",");
        w.indent();
        w.line(std::string(compute ? "ComputeConfig" : "DataMovementConfig") + "{");
        w.indent();
        const std::vector<std::string> fields = kernel_config_fields(k, plan);
        for (size_t i = 0; i < fields.size(); ++i) w.line(fields[i] + (i + 1 == fields.size() ? "});" : ","));
        w.dedent();
        w.dedent();
    }
}

void emit_runtime_args(CodeWriter &w, const HostPlan &plan) {
    for (const HostKernel &k : plan.kernels) {
        if (k.runtime_args.empty() && k.common_runtime_args.empty()) continue;
        w.comment(k.name + " runtime arguments per core" +
                  (k.runtime_arg_names.empty() ? std::string(".") : ": " + join(k.runtime_arg_names, ", ") + "."));
        for (const CoreArgs &core : k.runtime_args) {
            if (core.args.empty()) continue;
            const std::string target = "program, " + k.name + "_kernel, CoreCoord" + coord_text(core.core);
            if (std::none_of(core.args.begin(), core.args.end(), expands_to_words)) {
                std::vector<std::string> words;
                for (const KernelArg &a : core.args) words.push_back(arg_expr(a, plan));
                w.line("SetRuntimeArgs(" + target + ", {" + join(words, ", ") + "});");
                continue;
            }
            w.open("");
            emit_arg_vector(w, "args", core.args, plan);
            w.line("SetRuntimeArgs(" + target + ", args);");
            w.close();
        }
        if (!k.common_runtime_args.empty()) {
            emit_arg_vector(w, k.name + "_common_args", k.common_runtime_args, plan);
            w.line("SetCommonRuntimeArgs(program, " + k.name + "_kernel, " + k.name + "_common_args);");
        }
    }
}

void emit_program(CodeWriter &w, const HostPlan &plan) {
    w.comment("The program: " + std::to_string(core_count(plan.cores)) + " cores, each running the kernels below.");
    w.line("Program program = CreateProgram();");
    emit_core_set(w, "program_cores", plan.cores);
    w.line();
    emit_circular_buffers(w, plan);
    if (!plan.semaphores.empty()) {
        w.line();
        emit_semaphores(w, plan);
    }
    w.line();
    emit_kernels(w, plan);
    w.line();
    emit_runtime_args(w, plan);
}

void emit_execute(CodeWriter &w) {
    w.comment("Run: the program as a workload on the whole mesh (its one device).");
    w.line("distributed::MeshWorkload workload;");
    w.line("distributed::AddProgramToMeshWorkload(workload, std::move(program), "
           "distributed::MeshCoordinateRange(mesh_device->shape()));");
    w.line("distributed::EnqueueMeshWorkload(cq, workload, false);");
}

void emit_outputs(CodeWriter &w, const HostPlan &plan) {
    w.comment("Outputs: read back, untilized to row-major, written to their files.");
    for (const HostBuffer &b : plan.buffers) {
        if (!b.is_output) continue;
        const std::string read_back = b.name + "_read_back";
        w.line("std::vector<" + b.host_type + "> " + read_back + "(" + std::to_string(b.num_pages) + " * 1024);");
        w.line("distributed::EnqueueReadMeshBuffer(cq, " + read_back + ", " + b.name + "_buffer, true);");
        w.line("output_tensor(cli, \"" + b.name + "\", from_tiles(" + read_back + ", " + tensor_shape_text(b) + "));");
    }
    w.line("distributed::Finish(cq);");
}

void emit_run(CodeWriter &w, const HostPlan &plan) {
    w.comment("Runs the program once with the tensors named on the command line.");
    w.open("void run(const CommandLine &cli)");
    emit_open_device(w, plan);
    w.line();
    emit_buffers(w, plan);
    if (std::any_of(plan.buffers.begin(), plan.buffers.end(), [](const HostBuffer &b) { return b.is_input; })) {
        w.line();
        emit_inputs(w, plan);
    }
    w.line();
    emit_program(w, plan);
    w.line();
    emit_execute(w);
    w.line();
    emit_outputs(w, plan);
    w.line("mesh_device->close();");
    w.close();
}

void emit_main(CodeWriter &w, const HostPlan &plan) {
    std::vector<std::string> names;
    for (const HostBuffer &b : plan.buffers)
        if (b.is_input || b.is_output) names.push_back(cpp_string_literal(b.name));
    w.open("int main(int argc, char **argv)");
    w.open("try");
    w.line("const CommandLine cli = parse_command_line(argc, argv, {" + join(names, ", ") + "});");
    w.open("if (cli.help)");
    w.line("std::cout << kUsage;");
    w.line("return 0;");
    w.close();
    w.line("run(cli);");
    w.line("return 0;");
    w.close(" catch (const UsageError &e) {");
    w.indent();
    w.line("std::cerr << \"error: \" << e.what() << \"\\n(\" << argv[0] << \" --help shows the usage)\\n\";");
    w.line("return 2;");
    w.close(" catch (const std::exception &e) {");
    w.indent();
    w.line("std::cerr << \"error: \" << e.what() << \"\\n\";");
    w.line("return 1;");
    w.close();
    w.close();
}

}  // namespace

std::string generate_host_program(const ir::Json &plan_json) {
    const HostPlan plan = read_host_plan(plan_json);
    CodeWriter w;
    emit_file_comment(w, plan);
    w.line();
    emit_includes(w, plan);
    w.line();
    emit_support_functions(w, plan);
    w.line();
    emit_usage_constant(w, plan);
    w.line();
    emit_run(w, plan);
    w.line();
    emit_main(w, plan);
    return w.str();
}

}  // namespace tt::codegen
