/*! \file verify_tt_ir.h
 *  \brief VerifyTTIR: the lowered program is complete and consistent, before code generation.
 *
 *  Requires: GridToPersistentTT (kernel functions with tt.kernel_role and tt.kernels).
 *
 *  Guarantees (otherwise an Internal error naming the kernel and the offending call, since a
 *  failure means a pass produced a wrong program):
 *  - a reader, a compute and a writer kernel exist, and no frontend intrinsic (tl.*, unbound runtime arguments)
 *    remains;
 *  - every call is of an intrinsic its kernel's role may use;
 *  - each kernel's get_arg_val indices are exactly the runtime-argument slots tt.kernels names
 *    for it, and its TensorAccessor declarations match its tensor_accessor_args compile args;
 *  - per block of the persistent loop (the kernel body is executed abstractly: constant loops
 *    unrolled, conditions on loop variables decided), every circular buffer has one producer
 *    and one consumer kernel, pages pushed equal pages popped, every push is covered by an
 *    earlier reserve and every pop by an earlier wait, and no single call moves more pages than
 *    the CB holds. When an if around tile operations depends on block indices (runtime
 *    arguments), the same is checked per core instead, over the core's whole run with its
 *    runtime arguments, where a CB may also be idle.
 *  Errors (Validation, located): an if around tile operations on data the kernel reads; in a kernel
 *  checked per core, a loop whose trip count depends on such data.
 *  The module is returned unchanged.
 */
#pragma once

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Checks the module (see file comment) and returns it. */
IRModule verify_tt_ir(const IRModule &mod, const PassContext &ctx);

/*! \brief The registered pass object "VerifyTTIR". */
Pass verify_tt_ir_pass();

}  // namespace tt::transform
