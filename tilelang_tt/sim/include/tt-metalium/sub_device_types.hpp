/*! \file sub_device_types.hpp
 *  \brief TT-Metalium host header <tt-metalium/sub_device_types.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host.hpp"
#include "tt_sim/host_util.hpp"
