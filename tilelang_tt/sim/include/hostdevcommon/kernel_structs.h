/*! \file kernel_structs.h
 *  \brief tt::CBIndex and related constants, as TT-Metalium's hostdevcommon/kernel_structs.h. */
#pragma once

#include "tt_sim/formats.h"
