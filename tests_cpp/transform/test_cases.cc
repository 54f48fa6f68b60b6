// Reads the shared pass cases (tests_cases/passes/*.json, format in its README.md) and checks
// every fact on the C++ passes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gemm_ir.h"
#include "ir/json.h"
#include "transform/pass.h"

namespace tt::transform {
namespace {

using namespace ir;

const std::filesystem::path kCases = std::filesystem::path(TT_TESTS_CASES_DIR);

Json read_json(const std::filesystem::path &path) {
    std::ifstream in(path);
    return Json::parse(in);
}

IRModule kernel_of(const Json &kernel) {
    if (kernel.contains("ir")) return module_from_json(read_json(kCases / kernel["ir"].get<std::string>())["module"]);
    const Json &g = kernel.at("gemm");
    testing::GemmConfig cfg;
    cfg.M = g.at("M");
    cfg.N = g.at("N");
    cfg.K = g.at("K");
    cfg.block_M = g.at("block_M");
    cfg.block_N = g.at("block_N");
    cfg.block_K = g.at("block_K");
    cfg.dtype = g.at("dtype");
    cfg.accum_dtype = g.at("accum_dtype");
    cfg.num_stages = g.value("num_stages", 3);
    cfg.transpose_B = g.value("trans_B", false);
    cfg.shared_epilogue = g.value("epilogue", "fragment") == "shared";
    return testing::make_gemm_module(cfg);
}

/*! "" when actual includes expected (README: attrs_include), else where it does not. */
std::string includes(const Json &actual, const Json &expected, const std::string &path) {
    if (expected.is_object()) {
        if (!actual.is_object()) return path + " is not an object";
        for (const auto &[key, value] : expected.items()) {
            if (!actual.contains(key)) return path + "." + key + " is missing";
            std::string diff = includes(actual[key], value, path + "." + key);
            if (!diff.empty()) return diff;
        }
        return "";
    }
    if (expected.is_array() && actual.is_array() && expected.size() <= actual.size()) {
        for (size_t i = 0; i < expected.size(); ++i) {
            std::string diff = includes(actual[i], expected[i], path + "[" + std::to_string(i) + "]");
            if (!diff.empty()) return diff;
        }
        return "";
    }
    return actual == expected ? "" : path + " is " + actual.dump() + ", expected " + expected.dump();
}

const char *kind_name(ErrorKind k) {
    switch (k) {
    case ErrorKind::Syntax: return "Syntax";
    case ErrorKind::Validation: return "Validation";
    case ErrorKind::Simulation: return "Simulation";
    case ErrorKind::Internal: return "Internal";
    }
    return "?";
}

void check_case(const std::filesystem::path &file) {
    SCOPED_TRACE(file.filename().string());
    const Json doc = read_json(file);
    const Json &expect = doc.at("expect");
    const std::set<std::string> known = {"attrs", "attrs_include", "partition", "cb_names", "error"};
    for (const auto &[key, value] : expect.items()) EXPECT_TRUE(known.count(key)) << "unknown fact " << key;
    IRModule mod = kernel_of(doc.at("kernel"));
    IRModule out;
    try {
        out = Pipeline::parse(doc.at("pipeline")).run(mod, PassContext::from_json(doc.at("options")));
    } catch (const Error &e) {
        ASSERT_TRUE(expect.contains("error")) << "unexpected error: " << e.what();
        EXPECT_EQ(kind_name(e.kind()), expect["error"]["kind"].get<std::string>());
        for (const Json &part : expect["error"]["contains"]) {
            EXPECT_NE(std::string(e.what()).find(part.get<std::string>()), std::string::npos) << part << " not in " << e.what();
        }
        return;
    }
    ASSERT_FALSE(expect.contains("error")) << "expected an error";
    ASSERT_EQ(out->functions.size(), 1u);
    const AttrMap &attrs = out->functions[0].second->attrs;
    const Json exact = expect.value("attrs", Json::object());
    const Json included = expect.value("attrs_include", Json::object());
    for (const auto &[key, value] : exact.items()) {
        ASSERT_TRUE(attrs.count(key)) << key;
        EXPECT_EQ(attrs.at(key), value) << key;
    }
    for (const auto &[key, value] : included.items()) {
        ASSERT_TRUE(attrs.count(key)) << key;
        EXPECT_EQ(includes(attrs.at(key), value, key), "");
    }
    if (expect.contains("partition")) {
        const WorkPartition p = attrs.at(attr::TT_WORK_PARTITION).get<WorkPartition>();
        EXPECT_EQ(p.num_cores, expect["partition"]["num_cores"].get<int>());
        std::map<std::string, int> counts;
        for (const CoreWork &w : p.cores) ++counts[std::to_string(w.count)];
        EXPECT_EQ(Json(counts), expect["partition"]["counts"]);
    }
    if (expect.contains("cb_names")) {
        std::vector<std::string> names;
        for (const auto &[name, cb] : attrs.at(attr::TT_CB_DESC).items()) names.push_back(name);
        EXPECT_EQ(Json(names), expect["cb_names"]);
    }
}

TEST(PassCases, EveryCaseHolds) {
    int checked = 0;
    for (const auto &entry : std::filesystem::directory_iterator(kCases / "passes")) {
        if (entry.path().extension() != ".json") continue;
        check_case(entry.path());
        ++checked;
    }
    EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace tt::transform
