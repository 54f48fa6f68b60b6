// The program section of main.cpp (see host_program_setup.h): core sets, circular buffers,
// semaphores, kernels with their configs, and per-core runtime arguments.
#include "codegen/host_program_setup.h"

#include <algorithm>

#include "transform/shape_formula.h"

namespace tt::codegen {

namespace {

/*! "1 tile", "3 stages". */
std::string count_of(int64_t n, const std::string &noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string coord_text(const CoreCoord &c) {
    return "{" + std::to_string(c.x) + ", " + std::to_string(c.y) + "}";
}

std::string range_text(const CoreRange &r) {
    return "CoreRange(" + coord_text(r.start) + ", " + coord_text(r.end) + ")";
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

bool expands_to_words(const KernelArg &a) {
    return a.marker == "tensor_accessor_args";
}

/*! A one-word argument as a C++ expression of type uint32_t. */
std::string arg_expr(const KernelArg &a, const HostPlan &plan) {
    if (a.marker.empty()) return std::to_string(a.value);
    if (a.marker == "buffer_address") return a.operand.get<std::string>() + "_address";
    if (a.marker == "num_pages") {
        const HostSize &pages = plan.buffer(a.operand.get<std::string>()).num_pages;
        return pages.is_number() ? pages.cpp() : "static_cast<uint32_t>(" + pages.cpp() + ")";
    }
    if (a.marker == "formula") return "static_cast<uint32_t>(" + transform::formula_cpp(a.operand, "") + ")";
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
        for (size_t i = from; i < args.size() && !expands_to_words(args[i]); ++i)
            words.push_back(arg_expr(args[i], plan));
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

void emit_circular_buffers(CodeWriter &w, const HostPlan &plan) {
    w.comment("Circular buffers in each core's L1: the pages the reader, compute and writer kernels pass on.");
    for (const HostCircularBuffer &cb : plan.circular_buffers) {
        const CBConfig &c = cb.config;
        const std::string index = "tt::CBIndex::c_" + std::to_string(c.cb_index);
        w.comment("c_" + std::to_string(c.cb_index) + ": " + cb.name + " (" + transform::to_string(c.flow) + "), " +
                  count_of(c.depth, "stage") + " of " + count_of(c.tiles_per_stage, "tile") + ", " + c.data_format +
                  ".");
        const std::string cores = cores_variable(w, cb.name, cb.cores, plan);
        w.line("CreateCircularBuffer(program, " + cores + ",");
        w.indent();
        w.line("CircularBufferConfig(" + std::to_string(c.num_pages) + " * " + std::to_string(c.page_size) + ", {{" +
               index + ", tt::DataFormat::" + c.data_format + "}})");
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
        w.line("const uint32_t " + name + " = CreateSemaphore(program, " + cores + ", " +
               std::to_string(s.initial_value) + ");");
    }
}

std::string defines_text(const std::map<std::string, std::string> &defines) {
    std::vector<std::string> pairs;
    for (const auto &[key, value] : defines)
        pairs.push_back("{" + cpp_string_literal(key) + ", " + cpp_string_literal(value) + "}");
    return "{" + join(pairs, ", ") + "}";
}

/*! The fields of a kernel's DataMovementConfig / ComputeConfig, as designated initializers in the
 *  order the release declares the members. */
std::vector<std::string> kernel_config_fields(const HostKernel &k, const HostPlan &plan) {
    std::vector<std::string> fields;
    auto flag = [](const char *field, bool value) {
        return std::string(".") + field + " = " + (value ? "true" : "false");
    };
    if (k.role == KernelRole::Compute) {
        const ComputeConfig &c = plan.compute_config;
        fields.push_back(".math_fidelity = MathFidelity::" + c.math_fidelity);
        fields.push_back(flag("fp32_dest_acc_en", c.fp32_dest_acc_en));
        fields.push_back(flag("dst_full_sync_en", c.dst_full_sync_en));
        if (!k.unpack_to_dest_fp32.empty()) fields.push_back(".unpack_to_dest_mode = " + k.name + "_unpack_to_dest");
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
        const std::string placement =
            compute ? "the compute RISC-Vs (TRISC 0-2)"
                    : std::string(k.riscv_1 ? "RISCV_1" : "RISCV_0") + ", NoC " + std::to_string(k.noc);
        w.comment("The " + std::string(transform::to_string(k.role)) + " kernel " + k.source + " on " + placement +
                  ".");
        const std::string cores = cores_variable(w, k.name, k.cores, plan);
        if (!k.compile_args.empty()) emit_arg_vector(w, k.name + "_compile_args", k.compile_args, plan);
        if (!k.unpack_to_dest_fp32.empty()) {
            w.comment("Float32 CBs that copy_tile unpacks straight into DST, at full precision: the source "
                      "registers would keep 19 bits.");
            w.line("std::vector<UnpackToDestMode> " + k.name +
                   "_unpack_to_dest(NUM_CIRCULAR_BUFFERS, UnpackToDestMode::Default);");
            for (int cb : k.unpack_to_dest_fp32)
                w.line(k.name + "_unpack_to_dest[tt::CBIndex::c_" + std::to_string(cb) +
                       "] = UnpackToDestMode::UnpackToDestFp32;");
        }
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
        w.comment("The " + k.name + "'s runtime arguments per core" +
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

}  // namespace

void emit_program_setup(CodeWriter &w, const HostPlan &plan) {
    w.comment("The program: " + std::to_string(plan.num_cores()) + " cores, each running the kernels below.");
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

}  // namespace tt::codegen
