/*! \file base_types.hpp
 *  \brief TT-Metalium host header <tt-metalium/base_types.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/formats.h"
