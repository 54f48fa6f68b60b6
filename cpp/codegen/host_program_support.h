/*! \file host_program_support.h
 *  \brief The fixed helper functions of main.cpp (command line, tensor files, stand-in inputs,
 *  tilize with padding, output fingerprints), printed into the generated file so it builds on its
 *  own against TT-Metalium or the simulator. Only the helpers a plan needs are printed.
 */
#pragma once

#include <string>
#include <vector>

#include "codegen/code_writer.h"
#include "codegen/host_plan.h"

namespace tt::codegen {

/*! \brief "[64, 96]": a shape as the usage text and comments print it. */
std::string shape_text(const std::vector<HostSize> &shape);

/*! \brief The program's usage text, one line per entry: the header comment of main.cpp and its
 *  --help output, so the two cannot disagree. */
std::vector<std::string> usage_lines(const HostPlan &plan);

/*! \brief Prints the helpers `plan` needs, inside an anonymous namespace. */
void emit_support_functions(CodeWriter &w, const HostPlan &plan);

}  // namespace tt::codegen
