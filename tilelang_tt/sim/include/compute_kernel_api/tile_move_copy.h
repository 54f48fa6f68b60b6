/*! \file tile_move_copy.h
 *  \brief Pre-2026 include path of api/compute/tile_move_copy.h. */
#pragma once

#include "api/compute/tile_move_copy.h"
