/*! \file eltwise_unary.h
 *  \brief Pre-2026 include path of api/compute/eltwise_unary/eltwise_unary.h. */
#pragma once

#include "api/compute/eltwise_unary/eltwise_unary.h"
