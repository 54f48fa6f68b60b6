/*! \file risc_attribs.h
 *  \brief The attribute macros of TT-Metalium's internal/risc_attribs.h, which every kernel header
 *  of the release may use. On the CPU the L1/register pointer attributes mean nothing. */
#pragma once

#define FORCE_INLINE inline __attribute__((always_inline))
#define tt_l1_ptr
#define tt_reg_ptr
