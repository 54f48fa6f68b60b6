/*! \file cb_api.h
 *  \brief Pre-2026 include path of api/compute/cb_api.h. */
#pragma once

#include "api/compute/cb_api.h"
