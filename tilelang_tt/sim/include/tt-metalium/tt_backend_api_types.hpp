/*! \file tt_backend_api_types.hpp
 *  \brief TT-Metalium host header <tt-metalium/tt_backend_api_types.hpp>; the simulated declarations live in tt_sim/. */
#pragma once

#include "tt_sim/formats.h"
