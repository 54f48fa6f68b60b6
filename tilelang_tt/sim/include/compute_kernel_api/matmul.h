/*! \file matmul.h
 *  \brief Pre-2026 include path of api/compute/matmul.h. */
#pragma once

#include "api/compute/matmul.h"
