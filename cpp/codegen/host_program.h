/*! \file host_program.h
 *  \brief main.cpp: the TT-Metalium host program of a compiled kernel, generated from its runtime
 *  plan (tt.plan.json).
 *
 *  The program uses the Mesh host API of the release in docs/metalium_api.md: it opens the device
 *  as a unit mesh, creates one interleaved MeshBuffer per kernel parameter, reads each input from
 *  a file named on its command line (or makes deterministic stand-in values), tilizes and uploads
 *  it, creates the circular buffers, kernels and per-core runtime arguments of the plan, runs the
 *  program as a MeshWorkload, reads the outputs back, untilizes them and writes them to files.
 *  The command line is documented in the file's header comment and in docs/codegen.md.
 *
 *  Output is deterministic: the same plan gives the same bytes.
 */
#pragma once

#include <string>

#include "ir/attrs.h"

namespace tt::codegen {

/*! \brief main.cpp for `plan`. \throws tt::Error (Validation) when the plan is malformed or uses
 *  something the host program cannot run (see host_plan.h). */
std::string generate_host_program(const ir::Json &plan);

}  // namespace tt::codegen
