/*! \file reconfig_data_format.h
 *  \brief Pre-2026 include path of api/compute/reconfig_data_format.h. */
#pragma once

#include "api/compute/reconfig_data_format.h"
