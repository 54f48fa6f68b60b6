/*! \file corpus_pipeline.h
 *  \brief For before → after pass tests: a module of the shared IR corpus (tests_cases/ir) and a
 *  pipeline run on it with default options, and a count of the calls a lowered kernel makes.
 */
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/json.h"
#include "transform/pass.h"

namespace tt::testing {

inline ir::IRModule corpus_module(const std::string &name) {
    std::ifstream in(std::filesystem::path(TT_TESTS_CASES_DIR) / "ir" / (name + ".json"));
    return ir::module_from_json(ir::Json::parse(in).at("module"));
}

inline ir::IRModule run(const ir::IRModule &mod, const std::string &pipeline) {
    return transform::Pipeline::parse(pipeline).run(mod, transform::PassContext(transform::PassOptions{}));
}

/*! \brief How many calls of the intrinsic `name` s holds, counted statically (loops not unrolled). */
inline int count_calls(const ir::Stmt &s, const std::string &name) {
    int n = 0;
    ir::post_order_visit(s, [&](const ir::Node *node) {
        n += node->kind == ir::NodeKind::Call && static_cast<const ir::CallNode *>(node)->op->name == name;
    });
    return n;
}

}  // namespace tt::testing
