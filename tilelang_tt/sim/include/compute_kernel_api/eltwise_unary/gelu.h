/*! \file gelu.h
 *  \brief Pre-2026 include path of api/compute/eltwise_unary/gelu.h. */
#pragma once

#include "api/compute/eltwise_unary/gelu.h"
