/*! \file cb_api.h
 *  \brief Circular-buffer calls from a compute kernel (TT-Metalium's api/compute/cb_api.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief Consumer side: block until `ntiles` pages are available at the front of CB `cbid`. */
ALWI void cb_wait_front(uint32_t cbid, uint32_t ntiles, Loc loc = Loc::here()) {
    sk::cb_wait_front(cbid, ntiles, loc);
}
/*! \brief Consumer side: free `ntiles` pages at the front. */
ALWI void cb_pop_front(uint32_t cbid, uint32_t ntiles, Loc loc = Loc::here()) { sk::cb_pop_front(cbid, ntiles, loc); }
/*! \brief Producer side: block until `ntiles` pages are free at the back. */
ALWI void cb_reserve_back(uint32_t cbid, uint32_t ntiles, Loc loc = Loc::here()) {
    sk::cb_reserve_back(cbid, ntiles, loc);
}
/*! \brief Producer side: publish `ntiles` reserved pages to the consumer. */
ALWI void cb_push_back(uint32_t cbid, uint32_t ntiles, Loc loc = Loc::here()) { sk::cb_push_back(cbid, ntiles, loc); }

}  // namespace ckernel
