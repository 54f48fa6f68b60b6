/*! \file eltwise_binary.h
 *  \brief Pre-2026 include path of api/compute/eltwise_binary.h. */
#pragma once

#include "api/compute/eltwise_binary.h"
