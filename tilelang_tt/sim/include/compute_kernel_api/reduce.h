/*! \file reduce.h
 *  \brief Pre-2026 include path of api/compute/reduce.h. */
#pragma once

#include "api/compute/reduce.h"
