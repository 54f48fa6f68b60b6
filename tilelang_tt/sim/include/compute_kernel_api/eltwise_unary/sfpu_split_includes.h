/*! \file sfpu_split_includes.h
 *  \brief Pre-2026 include path of api/compute/eltwise_unary/sfpu_split_includes.h. */
#pragma once

#include "api/compute/eltwise_unary/sfpu_split_includes.h"
