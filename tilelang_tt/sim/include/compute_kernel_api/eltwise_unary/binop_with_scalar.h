/*! \file binop_with_scalar.h
 *  \brief Pre-2026 include path of api/compute/eltwise_unary/binop_with_scalar.h. */
#pragma once

#include "api/compute/eltwise_unary/binop_with_scalar.h"
