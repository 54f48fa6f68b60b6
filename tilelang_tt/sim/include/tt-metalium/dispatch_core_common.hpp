/*! \file dispatch_core_common.hpp
 *  \brief TT-Metalium host header <tt-metalium/dispatch_core_common.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host.hpp"
#include "tt_sim/host_util.hpp"
