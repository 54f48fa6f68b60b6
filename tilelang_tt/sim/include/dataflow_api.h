/*! \file dataflow_api.h
 *  \brief Pre-2026 include path of api/dataflow/dataflow_api.h. */
#pragma once

#include "api/dataflow/dataflow_api.h"
