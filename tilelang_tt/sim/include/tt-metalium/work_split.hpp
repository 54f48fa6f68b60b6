/*! \file work_split.hpp
 *  \brief TT-Metalium host header <tt-metalium/work_split.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host_util.hpp"
