/*! \file rsqrt.h
 *  \brief TT-Metalium compute API header; the simulated API lives in tt_sim/compute_api.h. */
#pragma once

#include "tt_sim/compute_api.h"
