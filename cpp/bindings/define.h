/*! \file define.h
 *  \brief One entry point per area of the extension module tilelang_tt._core. */
#pragma once

#include <pybind11/pybind11.h>

namespace tt::bindings {

/*! \brief Each registers one area's classes and functions on the module (module.cc calls them
 *  in dependency order: errors first). */
void define_errors(pybind11::module_ &m);
void define_ir(pybind11::module_ &m);
void define_transform(pybind11::module_ &m);
void define_codegen(pybind11::module_ &m);
void define_target(pybind11::module_ &m);
void define_sim(pybind11::module_ &m);
void define_host_codegen(pybind11::module_ &m);

}  // namespace tt::bindings
