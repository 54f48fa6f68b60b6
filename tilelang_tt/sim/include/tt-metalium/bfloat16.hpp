/*! \file bfloat16.hpp
 *  \brief TT-Metalium host header <tt-metalium/bfloat16.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host_util.hpp"
