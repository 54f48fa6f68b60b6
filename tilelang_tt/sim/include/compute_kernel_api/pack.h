/*! \file pack.h
 *  \brief Pre-2026 include path of api/compute/pack.h. */
#pragma once

#include "api/compute/pack.h"
