/*! \file reg_api.h
 *  \brief DST register protocol (TT-Metalium's api/compute/reg_api.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief Deprecated pair: acquire + wait. */
ALWI void acquire_dst(Loc loc = Loc::here()) { sk::acquire_dst(loc); }
/*! \brief MATH: take the DST registers (zeroed) for the next math ops. */
ALWI void tile_regs_acquire(Loc loc = Loc::here()) { sk::tile_regs_acquire(loc); }
/*! \brief PACK: wait until math has committed DST. */
ALWI void tile_regs_wait(Loc loc = Loc::here()) { sk::tile_regs_wait(loc); }
/*! \brief Deprecated pair: commit + release. */
ALWI void release_dst(Loc loc = Loc::here()) { sk::release_dst(loc); }
/*! \brief MATH: hand the DST registers to the packer. */
ALWI void tile_regs_commit(Loc loc = Loc::here()) { sk::tile_regs_commit(loc); }
/*! \brief PACK: give the DST registers back to math. */
ALWI void tile_regs_release(Loc loc = Loc::here()) { sk::tile_regs_release(loc); }

}  // namespace ckernel
