/*! \file promote_tt_narrow_integers.h
 *  \brief PromoteTTNarrowIntegers: 8- and 16-bit integer buffers (masks) live on the device as floats.
 *
 *  TileLang kernels take masks as uint8 tensors (`mask: T.Tensor([b, s, g], "uint8")`, copied into
 *  a `T.alloc_fragment([block_N], "uint8")` and tested with `mask_local[j] != 0`). TT-Metalium
 *  v0.67.4's host tilize is instantiated for bfloat16, float, uint16_t and uint32_t only, so a host
 *  program cannot lay out 8-bit tensors as tiles, and the vector engine computes on floating-point
 *  tiles. Every integer of 8 bits is exact in bfloat16 and every integer of 16 bits in float32, so
 *  such buffers are stored in that float format (the host converts on upload, exactly) and compared
 *  as floats, which gives the integer comparison's result for every value:
 *      mask: uint8 tensor, mask_local: uint8 fragment, mask_local[j] != T.uint8(0)
 *   => mask: bfloat16 tensor, mask_local: bfloat16 fragment, mask_local[j] != 0.0
 *
 *  Requires: a parsed kernel. Guarantees: no buffer has dtype int8, uint8, int16 or uint16; the
 *  global ones and every on-chip buffer of those dtypes take bfloat16 (8 bits) or float32 (16 bits);
 *  comparisons of their elements with integer constants are float comparisons, T.cast of an element
 *  to a float type reads it directly, and T.fill / element stores of integer constants store the
 *  constant as a float. Other buffers are unchanged.
 *  Errors (Validation, located): a kernel that writes such a global tensor (the host reads it back
 *  as a float); other arithmetic on such elements, or a constant the float format does not hold
 *  exactly; each says what to write instead.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Stores func's narrow integer buffers as floats (see file comment). */
ir::PrimFunc promote_tt_narrow_integers(const ir::PrimFunc &func, const PassContext &ctx);

/*! \brief The registered pass "PromoteTTNarrowIntegers". */
Pass promote_tt_narrow_integers_pass();

}  // namespace tt::transform
