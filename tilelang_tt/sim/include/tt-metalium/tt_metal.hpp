/*! \file tt_metal.hpp
 *  \brief TT-Metalium host header <tt-metalium/tt_metal.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host.hpp"
#include "tt_sim/host_util.hpp"
