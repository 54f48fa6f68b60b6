/*! \file tt_unpack_to_dest.h
 *  \brief Which circular buffers a compute kernel unpacks straight into DST
 *  (ComputeConfig::unpack_to_dest_mode = UnpackToDestFp32).
 *
 *  The unpacker delivers tiles to the matrix engine's source registers srcA/srcB, which hold 19
 *  bits (tf32: 10 explicit mantissa bits), so a Float32 tile loses its low 13 mantissa bits there.
 *  copy_tile and unary_bcast can instead unpack a 32-bit CB straight into a float32 DST, exactly,
 *  when the host marks the CB UnpackToDestFp32; a CB so marked can no longer feed the source
 *  registers (matmul, the element-wise *_tiles, reduce_tile, transpose_wh_tile).
 *
 *  Requires: a lowered compute kernel body (tt.* calls whose CB arguments are constant indices).
 *  Guarantees: the CBs returned are Float32, read by copy_tile or unary_bcast and by no op that
 *  reads through the source registers; none when DST holds 16-bit values.
 */
#pragma once

#include <vector>

#include "ir/ir.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

/*! \brief The CB indices (ascending) `compute_body` should unpack straight to DST, given the
 *  program's CBs and whether DST holds float32 (fp32_dest_acc_en). */
std::vector<int> unpack_to_dest_cbs(const ir::Stmt &compute_body, const CBDesc &cbs, bool fp32_dest);

}  // namespace tt::transform
