/*! \file runtime_args_data.hpp
 *  \brief TT-Metalium host header <tt-metalium/runtime_args_data.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host.hpp"
#include "tt_sim/host_util.hpp"
