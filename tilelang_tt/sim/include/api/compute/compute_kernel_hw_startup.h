/*! \file compute_kernel_hw_startup.h
 *  \brief One-time unpacker/math/packer configuration (TT-Metalium's
 *  api/compute/compute_kernel_hw_startup.h). */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

/*! \brief Configure unpacker, math and packer for the given CBs; call once at kernel start. */
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb0, icb1, ocb, loc);
}
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb0, icb0, ocb, loc);
}

}  // namespace ckernel
