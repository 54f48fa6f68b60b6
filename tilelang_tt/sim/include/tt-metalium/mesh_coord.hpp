/*! \file mesh_coord.hpp
 *  \brief TT-Metalium host header <tt-metalium/mesh_coord.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/host.hpp"
#include "tt_sim/host_util.hpp"
