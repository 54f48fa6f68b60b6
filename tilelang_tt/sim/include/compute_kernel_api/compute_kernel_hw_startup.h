/*! \file compute_kernel_hw_startup.h
 *  \brief Pre-2026 include path of api/compute/compute_kernel_hw_startup.h. */
#pragma once

#include "api/compute/compute_kernel_hw_startup.h"
