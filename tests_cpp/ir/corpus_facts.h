/*! \file corpus_facts.h
 *  \brief The structural facts a corpus case expects (tests_cases/README.md defines each key).
 *
 *  The pytest side checks the same keys with the same meaning, so both languages hold the IR to
 *  one set of expectations.
 */
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace tt::ir::testing {

/*! \brief The expectation keys this checker knows, in the order README.md lists them. */
const std::vector<std::string> &fact_keys();

/*! \brief Checks every key of `expect` against the module; one line per mismatch, empty when all
 *  facts hold. An unknown key is a mismatch, so a misspelled expectation cannot pass silently. */
std::vector<std::string> check_facts(const IRModule &module, const Json &expect);

/*! \brief node_counts of one function body: kind name (and "Call:<intrinsic>") to occurrences. */
std::map<std::string, int> count_nodes(const Stmt &body);

}  // namespace tt::ir::testing
