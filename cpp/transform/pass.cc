// The pass manager: option validation, pipeline parsing and running with verification, timing
// and IR dumps, and the name → pass registry.
#include "transform/pass.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include "ir/printer.h"
#include "transform/verify_well_formed.h"

namespace tt::transform {

namespace {

// ---- options --------------------------------------------------------------------------------

const std::set<std::string> kOptionNames = {
    "target_device", "partition_strategy", "enable_double_buffer", "enable_prefetch", "plan_path",
    "math_fidelity", "fp32_dest_acc_en", "layouts", "dump_dir", "verify_each", "shape_values"};

std::string join(const std::vector<std::string> &items, const std::string &sep) {
    std::string out;
    for (const std::string &s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

template<typename T>
T option_of_type(const Json &value, const std::string &name, const char *type_name, bool (Json::*is_type)() const) {
    if (!(value.*is_type)()) {
        TT_USER_ERROR(Validation, Span()) << "run_pipeline option " << name << " must be " << type_name << ", got "
                                          << value.dump();
    }
    return value.get<T>();
}

bool bool_option(const Json &value, const std::string &name) {
    return option_of_type<bool>(value, name, "a bool", &Json::is_boolean);
}

std::string string_option(const Json &value, const std::string &name) {
    return option_of_type<std::string>(value, name, "a string", &Json::is_string);
}

// ---- running --------------------------------------------------------------------------------

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

/*! Writes the printed module to dump_dir/NN_<stage><suffix>.txt and records the file. */
void dump_module(const IRModule &mod, const std::string &dir, size_t index, const std::string &stage,
                 const std::string &suffix, PipelineReport &report) {
    std::error_code ignored;  // an unusable directory is reported by the open below
    std::filesystem::create_directories(dir, ignored);
    std::ostringstream file_name;
    file_name << std::setw(2) << std::setfill('0') << index << "_" << stage << suffix << ".txt";
    const std::string path = (std::filesystem::path(dir) / file_name.str()).string();
    std::ofstream out(path);
    if (!out) TT_USER_ERROR(Validation, Span()) << "cannot write IR dump " << path << " (dump_dir " << dir << ")";
    out << ir::to_text(mod);
    report.dumped_files.push_back(path);
}

std::string trim(const std::string &s) {
    const size_t b = s.find_first_not_of(" \t\n");
    const size_t e = s.find_last_not_of(" \t\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

PassContext::PassContext() : PassContext(PassOptions{}) {
}

PassContext::PassContext(PassOptions options) : options_(std::move(options)) {
    device_ = &target::lookup_device(options_.target_device);
    if (options_.fp32_dest_acc_en.value_or(false) && !device_->supports_fp32_dest_acc) {
        TT_USER_ERROR(Validation, Span()) << "fp32_dest_acc_en=True: " << device_->name << " (" << device_->arch_name
                                          << ") cannot accumulate in fp32 in DST; use False or None (auto)";
    }
    for (const auto &[buffer, request] : options_.layouts) validate_layout_request(buffer, request, *device_);
    if (options_.dump_dir.empty()) {
        if (const char *env = std::getenv("TILELANG_TT_DUMP_IR")) options_.dump_dir = env;
    }
}

PassContext PassContext::from_json(const Json &j) {
    if (!j.is_object()) TT_USER_ERROR(Validation, Span()) << "run_pipeline options must be a dict, got " << j.dump();
    PassOptions o;
    for (const auto &[name, value] : j.items()) {
        if (!kOptionNames.count(name)) {
            TT_USER_ERROR(Validation, Span()) << "unknown run_pipeline option " << name << "; the options are "
                                              << join({kOptionNames.begin(), kOptionNames.end()}, ", ");
        }
        if (name == "target_device") o.target_device = string_option(value, name);
        if (name == "partition_strategy" && !value.is_null())
            o.partition_strategy = parse_partition_strategy(string_option(value, name));
        if (name == "enable_double_buffer") o.enable_double_buffer = bool_option(value, name);
        if (name == "enable_prefetch") o.enable_prefetch = bool_option(value, name);
        if (name == "plan_path" && !value.is_null()) o.plan_path = string_option(value, name);
        if (name == "math_fidelity") o.math_fidelity = target::parse_math_fidelity(string_option(value, name));
        if (name == "fp32_dest_acc_en" && !value.is_null() && value != "auto") {
            o.fp32_dest_acc_en = option_of_type<bool>(value, name, "a bool, None or \"auto\"", &Json::is_boolean);
        }
        if (name == "layouts" && !value.is_null()) {
            if (!value.is_object()) {
                TT_USER_ERROR(Validation, Span()) << "run_pipeline option layouts must map buffer names to dicts, got "
                                                  << value.dump();
            }
            for (const auto &[buffer, request] : value.items()) {
                try {
                    o.layouts[buffer] = request.get<LayoutAnnotation>();
                } catch (const Error &e) {
                    TT_USER_ERROR(Validation, Span()) << "layouts[" << buffer << "]: " << e.message();
                }
            }
        }
        if (name == "dump_dir" && !value.is_null()) o.dump_dir = string_option(value, name);
        if (name == "verify_each") o.verify_each = bool_option(value, name);
        if (name == "shape_values" && !value.is_null()) {
            if (!value.is_object()) {
                TT_USER_ERROR(Validation, Span()) << "run_pipeline option shape_values must map dynamic dimension names "
                                                  << "to sizes, got " << value.dump();
            }
            for (const auto &[dim, size] : value.items()) {
                if (!size.is_number_integer()) {
                    TT_USER_ERROR(Validation, Span()) << "shape_values[" << dim << "] must be an int, got " << size.dump();
                }
                o.shape_values[dim] = size.get<int64_t>();
            }
        }
    }
    return PassContext(std::move(o));
}

Json PassContext::to_json() const {
    Json layouts = Json::object();
    for (const auto &[buffer, request] : options_.layouts) layouts[buffer] = request;
    return Json{{"target_device", options_.target_device},
                {"partition_strategy",
                 options_.partition_strategy ? Json(*options_.partition_strategy) : Json(nullptr)},
                {"enable_double_buffer", options_.enable_double_buffer},
                {"enable_prefetch", options_.enable_prefetch},
                {"plan_path", options_.plan_path},
                {"math_fidelity", target::to_string(options_.math_fidelity)},
                {"fp32_dest_acc_en", options_.fp32_dest_acc_en ? Json(*options_.fp32_dest_acc_en) : Json("auto")},
                {"layouts", layouts},
                {"dump_dir", options_.dump_dir},
                {"verify_each", options_.verify_each},
                {"shape_values", options_.shape_values}};
}

IRModule map_functions(const IRModule &mod, const std::function<ir::PrimFunc(const ir::PrimFunc &)> &f) {
    IRModule out = mod;
    for (const auto &[name, func] : mod->functions) out = ir::with_function(out, name, f(func));
    return out;
}

std::string PipelineReport::to_string() const {
    std::ostringstream os;
    os << std::fixed << std::setprecision(3);
    os << "pass                          time (ms)   verify (ms)   share\n";
    for (const PassTiming &t : passes) {
        const double share = total_milliseconds > 0 ? 100.0 * t.milliseconds / total_milliseconds : 0.0;
        os << std::left << std::setw(28) << t.pass << std::right << std::setw(11) << t.milliseconds << std::setw(14)
           << t.verify_milliseconds << std::setw(7) << std::setprecision(1) << share << "%\n"
           << std::setprecision(3);
    }
    os << std::left << std::setw(28) << "total" << std::right << std::setw(11) << total_milliseconds << "\n";
    return os.str();
}

Json PipelineReport::to_json() const {
    Json rows = Json::array();
    for (const PassTiming &t : passes) {
        rows.push_back({{"pass", t.pass}, {"milliseconds", t.milliseconds}, {"verify_milliseconds", t.verify_milliseconds}});
    }
    return Json{{"passes", rows}, {"dumped_files", dumped_files}, {"total_milliseconds", total_milliseconds}};
}

Pipeline Pipeline::parse(const std::string &text) {
    std::vector<Pass> passes;
    std::string normalized = text;
    for (size_t pos; (pos = normalized.find("->")) != std::string::npos;) normalized.replace(pos, 2, ",");
    std::istringstream in(normalized);
    for (std::string item; std::getline(in, item, ',');) {
        const std::string name = trim(item);
        if (name.empty()) TT_USER_ERROR(Validation, Span()) << "empty pass name in pipeline \"" << text << "\"";
        passes.push_back(lookup_pass(name));
    }
    return Pipeline(std::move(passes));
}

std::string Pipeline::to_string() const {
    std::vector<std::string> names;
    for (const Pass &p : passes_) names.push_back(p.name);
    return join(names, " -> ");
}

IRModule Pipeline::run(const IRModule &mod, const PassContext &ctx, PipelineReport *report) const {
    PipelineReport local;
    PipelineReport &r = report ? *report : local;
    const PassOptions &o = ctx.options();
    const auto start = std::chrono::steady_clock::now();
    if (o.verify_each) verify_well_formed(mod, "");
    if (!o.dump_dir.empty()) dump_module(mod, o.dump_dir, 0, "input", "", r);
    IRModule current = mod;
    for (size_t i = 0; i < passes_.size(); ++i) {
        const Pass &pass = passes_[i];
        PassTiming timing{pass.name};
        const auto pass_start = std::chrono::steady_clock::now();
        IRModule next;
        try {
            next = pass.run(current, ctx);
        } catch (const Error &) {
            // The input the pass failed on is what a bug report needs.
            if (!o.dump_dir.empty()) dump_module(current, o.dump_dir, i + 1, pass.name, ".failed_input", r);
            throw;
        }
        timing.milliseconds = elapsed_ms(pass_start);
        TT_ICHECK(next) << "pass " << pass.name << " returned no module";
        if (o.verify_each) {
            const auto verify_start = std::chrono::steady_clock::now();
            verify_well_formed(next, pass.name);
            timing.verify_milliseconds = elapsed_ms(verify_start);
        }
        if (!o.dump_dir.empty()) dump_module(next, o.dump_dir, i + 1, pass.name, "", r);
        r.passes.push_back(timing);
        current = std::move(next);
    }
    r.total_milliseconds = elapsed_ms(start);
    return current;
}

Pass lookup_pass(const std::string &name) {
    for (const PassRegistration &reg : builtin_passes()) {
        if (name == reg.name) return reg.factory();
    }
    TT_USER_ERROR(Validation, Span()) << "no pass named " << name << "; the registered passes are "
                                      << join(registered_pass_names(), ", ");
}

std::vector<std::string> registered_pass_names() {
    std::vector<std::string> names;
    for (const PassRegistration &reg : builtin_passes()) names.push_back(reg.name);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace tt::transform
