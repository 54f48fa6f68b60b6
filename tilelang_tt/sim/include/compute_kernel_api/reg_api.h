/*! \file reg_api.h
 *  \brief Pre-2026 include path of api/compute/reg_api.h. */
#pragma once

#include "api/compute/reg_api.h"
