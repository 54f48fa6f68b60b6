/*! \file cmake_lists.h
 *  \brief The CMakeLists.txt that builds a generated main.cpp.
 *
 *  Which TT-Metalium it builds against is chosen when the project is configured, not when it is
 *  generated: by default the TT-Metalium installation found with find_package(TT-Metalium) (as
 *  the release's programming examples do; TT_METAL_HOME's build directory is searched), or the
 *  tilelang-tt simulator when TT_SIM_ROOT (the installed tilelang_tt package directory) or
 *  TT_SIM_INCLUDE_DIR + TT_SIM_LIBRARY are given. The kernels are not built here: TT-Metalium
 *  (and the simulator) compile them when the program runs, from TILELANG_TT_KERNEL_DIR, which is
 *  set to the directory of the CMakeLists.txt.
 */
#pragma once

#include <string>

namespace tt::codegen {

/*! \brief CMakeLists.txt for an executable `program_name` built from main.cpp.
 *  \throws tt::Error (Validation) when program_name is not a valid target name. */
std::string generate_cmake_lists(const std::string &program_name);

}  // namespace tt::codegen
