/*! \file common.h
 *  \brief The compute API's common part (TT-Metalium's api/compute/common.h): the DST protocol,
 *  pack, data-format reconfiguration, CB calls, hardware startup and runtime arguments. */
#pragma once

#include "api/compute/common_globals.h"
#include "api/compute/reg_api.h"
#include "api/compute/pack.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "tt_sim/core_args.h"

