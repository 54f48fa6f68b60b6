/*! \file compute_kernel_api.h
 *  \brief Umbrella compute header of older releases. */
#pragma once

#include "tt_sim/compute_api.h"
