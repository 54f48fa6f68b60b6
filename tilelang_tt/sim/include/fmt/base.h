/*! \file base.h
 *  \brief <fmt/base.h> for fmt releases older than 11, which lack it: TT-Metalium's host headers
 *  and programs include it for fmt::print. A newer fmt's own base.h is used when installed. */
#pragma once

#if __has_include_next(<fmt/base.h>)
#include_next <fmt/base.h>
#else
#include <fmt/core.h>
#endif
