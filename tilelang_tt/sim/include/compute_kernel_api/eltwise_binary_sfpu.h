/*! \file eltwise_binary_sfpu.h
 *  \brief Pre-2026 include path of api/compute/eltwise_binary_sfpu.h. */
#pragma once

#include "api/compute/eltwise_binary_sfpu.h"
