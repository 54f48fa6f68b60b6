/*! \file rsqrt.h
 *  \brief Pre-2026 include path of api/compute/eltwise_unary/rsqrt.h. */
#pragma once

#include "api/compute/eltwise_unary/rsqrt.h"
