/*! \file tt_eltwise_ops.h
 *  \brief The library of element-wise operations the compute kernel can apply to tiles: for each
 *  scalar operation a T.Parallel body may use, the TT-Metalium calls that compute it.
 *
 *  Each operation is registered once, by the name the element-wise lowering gives it ("add",
 *  "exp", "max", ...), with up to four forms, all calls of the targeted release:
 *  - `sfpu`: the SFPU on tiles already in DST — `<sfpu>_tile_init()`, then `<sfpu>_tile(dst)` for
 *    a unary operation or `<sfpu>_tile(dst0, dst1, out_dst)` for a binary one;
 *  - `fpu`: the matrix engine's element-wise form on two circular-buffer tiles, written straight
 *    into DST without copying the operands there first — `<fpu>_tiles_init(cb0, cb1)`,
 *    `<fpu>_tiles(cb0, cb1, tile0, tile1, dst)`;
 *  - `scalar` / `scalar_reversed`: `x op c` / `c op x` with a compile-time constant c, as
 *    `<form>_tile(dst, bits of c)` after `scalar_init()`;
 *  - `against_zero`: for a comparison, the unary operation that compares a tile with zero, so that
 *    `x op y` is `against_zero(x - y)` when both are tiles.
 *  Comparisons give 1.0 where they hold and 0.0 elsewhere; masks combine with mul (and), max (or).
 *  A form that is absent is computed from another one (tt_tile_elementwise.h decides).
 */
#pragma once

#include <string>

namespace tt::transform {

struct EltwiseOp {
    std::string name;
    int arity = 1;
    std::string sfpu;             ///< DST form: "<sfpu>_tile" and "<sfpu>_tile_init"
    std::string fpu;              ///< matrix-engine form on two CB tiles: "<fpu>_tiles", "<fpu>_tiles_init"; or ""
    std::string scalar;           ///< `x op c`: "<scalar>_tile"; or ""
    std::string scalar_reversed;  ///< `c op x`: "<scalar_reversed>_tile"; or ""
    std::string scalar_init;      ///< the init of the scalar forms
    std::string against_zero;     ///< comparisons: the operation comparing x - y with zero; or ""
};

/*! \brief The registered operation of that name, or nullptr. */
const EltwiseOp *lookup_eltwise_op(const std::string &name);

/*! \brief The names of every registered operation, sorted, for error messages. */
std::string eltwise_op_names();

}  // namespace tt::transform
