/*! \file tile.hpp
 *  \brief TT-Metalium host header <tt-metalium/tile.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/block_float.hpp"
