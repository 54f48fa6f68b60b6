/*! \file common_globals.h
 *  \brief Base of the compute API (TT-Metalium's api/compute/common_globals.h): ALWI and the
 *  UNPACK/MATH/PACK thread-selection macros. The simulator runs a compute kernel once, not as three
 *  TRISC binaries, so each macro keeps its argument.
 */
#pragma once

#include "tt_sim/compute_api.h"

#define ALWI inline __attribute__((always_inline))

#define UNPACK(x) x
#define MATH(x) x
#define PACK(x) x

// v0.67 compute kernels define `void kernel_main()`; the release no longer builds the
// `namespace NAMESPACE { void MAIN { ... } }` form. Using it stops the compile here, at the kernel's
// own line, with that explanation.
#define MAIN                                                                                             \
    tt_sim_legacy_main();                                                                                \
    static_assert(false, "TT-Metalium v0.67 compute kernels define void kernel_main() { ... }; the "      \
                         "namespace NAMESPACE { void MAIN { ... } } form is not built by this release"); \
    void tt_sim_legacy_main_body()
