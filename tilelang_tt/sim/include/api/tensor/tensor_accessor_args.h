/*! \file tensor_accessor_args.h
 *  \brief TensorAccessorArgs; defined with TensorAccessor in tensor_accessor.h. */
#pragma once

#include "api/tensor/tensor_accessor.h"
