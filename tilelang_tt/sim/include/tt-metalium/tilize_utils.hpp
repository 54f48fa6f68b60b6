/*! \file tilize_utils.hpp
 *  \brief TT-Metalium host header <tt-metalium/tilize_utils.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host_util.hpp"
