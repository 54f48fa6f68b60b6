// The _core extension module: registers every binding area in dependency order.
#include "bindings/define.h"

PYBIND11_MODULE(_core, m) {
    m.doc() = "tilelang-tt compiler core (private; use the tilelang_tt package)";
    // Errors first: every later area may throw during registration-time checks.
    tt::bindings::define_errors(m);
    tt::bindings::define_ir(m);
    tt::bindings::define_transform(m);
    tt::bindings::define_codegen(m);
    tt::bindings::define_target(m);
    tt::bindings::define_sim(m);
    tt::bindings::define_host_codegen(m);
}
