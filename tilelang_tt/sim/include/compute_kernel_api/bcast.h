/*! \file bcast.h
 *  \brief Pre-2026 include path of api/compute/bcast.h. */
#pragma once

#include "api/compute/bcast.h"
