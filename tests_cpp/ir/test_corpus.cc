// The shared corpus (tests_cases/ir/*.json) holds the C++ IR and the Python bindings to the same
// expectations; this is the C++ half. Format: tests_cases/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "builders.h"
#include "corpus_facts.h"
#include "ir/equal.h"
#include "ir/json.h"

namespace tt::ir::testing {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
    return fs::path(TT_TESTS_CASES_DIR) / "ir";
}

/*! \brief The stems of every committed case, sorted. */
std::vector<std::string> corpus_stems() {
    std::vector<std::string> stems;
    for (const auto &entry : fs::directory_iterator(corpus_dir())) {
        if (entry.path().extension() == ".json") stems.push_back(entry.path().stem().string());
    }
    std::sort(stems.begin(), stems.end());
    return stems;
}

Json load_case(const std::string &stem) {
    std::ifstream in(corpus_dir() / (stem + ".json"));
    return Json::parse(in);
}

class CorpusFile : public ::testing::TestWithParam<std::string> {};

// A case is exactly {description, module, expect}, so both readers agree on what a file holds.
TEST_P(CorpusFile, HasTheThreeSections) {
    Json doc = load_case(GetParam());
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc.size(), 3u) << doc.dump().substr(0, 200);
    EXPECT_TRUE(doc.value("description", "") != "");
    EXPECT_TRUE(doc.contains("module"));
    EXPECT_TRUE(doc.value("expect", Json()).is_object());
}

// Lossless: reading the module and writing it again gives the committed JSON exactly.
TEST_P(CorpusFile, RoundTripIsLossless) {
    const Json doc = load_case(GetParam());
    IRModule m = module_from_json(doc.at("module"));
    EXPECT_EQ(to_json(m), doc.at("module"));
    EXPECT_TRUE(structural_equal(module_from_json(to_json(m)), m));
}

// Every structural expectation of the case holds on the module read back.
TEST_P(CorpusFile, ExpectationsHold) {
    const Json doc = load_case(GetParam());
    std::vector<std::string> mismatches = check_facts(module_from_json(doc.at("module")), doc.at("expect"));
    for (const std::string &m : mismatches) ADD_FAILURE() << m;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusFile, ::testing::ValuesIn(corpus_stems()),
                         [](const ::testing::TestParamInfo<std::string> &info) { return info.param; });

// The committed modules are what the factories build today (builders.cc), so a change to the IR
// or its JSON shows up here. TT_UPDATE_CORPUS=1 rewrites the "module" sections (and creates a
// file with empty description and expectations for a new case, to be filled in by hand).
TEST(Corpus, FilesMatchTheFactories) {
    const bool update = std::getenv("TT_UPDATE_CORPUS") != nullptr;
    for (const CorpusCase &c : corpus_cases()) {
        SCOPED_TRACE(c.stem);
        Json built = to_json(c.build());
        fs::path path = corpus_dir() / (c.stem + ".json");
        Json doc = fs::exists(path) ? load_case(c.stem) : Json{{"description", ""}, {"expect", Json::object()}};
        if (update && doc.value("module", Json()) != built) {
            doc["module"] = built;
            std::ofstream(path) << doc.dump(1) << "\n";
        }
        ASSERT_TRUE(doc.contains("module")) << path << " is missing; run with TT_UPDATE_CORPUS=1 to create it";
        IRModule committed = module_from_json(doc.at("module"));
        EXPECT_EQ(structural_difference(c.build(), committed), "");
        EXPECT_TRUE(doc.at("module") == built) << "the committed JSON differs from the factories' output (spans or "
                                                  "names?); run with TT_UPDATE_CORPUS=1 after checking why";
    }
}

// The corpus covers what issue 2 asks of it; a lost file would silently shrink it.
TEST(Corpus, HasEveryBuiltCase) {
    std::vector<std::string> stems = corpus_stems();
    EXPECT_GE(stems.size(), 6u);
    for (const CorpusCase &c : corpus_cases()) {
        EXPECT_TRUE(std::count(stems.begin(), stems.end(), c.stem)) << c.stem;
    }
}

}  // namespace
}  // namespace tt::ir::testing
