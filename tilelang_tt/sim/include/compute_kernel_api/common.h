/*! \file common.h
 *  \brief Pre-2026 include path of api/compute/common.h. */
#pragma once

#include "api/compute/common.h"
