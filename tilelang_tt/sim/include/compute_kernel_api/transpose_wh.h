/*! \file transpose_wh.h
 *  \brief Pre-2026 include path of api/compute/transpose_wh.h. */
#pragma once

#include "api/compute/transpose_wh.h"
