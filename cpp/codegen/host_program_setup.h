/*! \file host_program_setup.h
 *  \brief The program section of main.cpp: CreateProgram, the core sets, one CreateCircularBuffer
 *  per plan CB, CreateSemaphore, CreateKernel with each kernel's DataMovementConfig /
 *  ComputeConfig (compile args, TensorAccessorArgs, defines), and SetRuntimeArgs per core.
 *  Kernel-argument markers become host expressions here (docs/codegen.md, "Host program").
 */
#pragma once

#include "codegen/code_writer.h"
#include "codegen/host_plan.h"

namespace tt::codegen {

/*! \brief Prints the section into the body of run(), where `mesh_device`, `cli`, the
 *  `<name>_buffer` and `<name>_address` variables already exist. */
void emit_program_setup(CodeWriter &w, const HostPlan &plan);

}  // namespace tt::codegen
