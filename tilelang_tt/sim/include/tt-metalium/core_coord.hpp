/*! \file core_coord.hpp
 *  \brief TT-Metalium host header <tt-metalium/core_coord.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/core_coord.hpp"
