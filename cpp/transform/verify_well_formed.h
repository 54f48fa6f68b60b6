/*! \file verify_well_formed.h
 *  \brief The IR well-formedness verifier the pipeline runs after every pass.
 *
 *  Rules checked on every PrimFunc:
 *  - every Var used is bound before its use by an enclosing binder (loop variable, LetStmt,
 *    KernelLaunch block variable, or a parameter's extents: dynamic dimensions bound by the call) and
 *    each Var object is bound at most once in the function;
 *  - every Buffer accessed (load, store, region) is a parameter of the function or allocated by an
 *    enclosing Allocate, and is declared (parameter or allocation) at most once;
 *  - buffer shapes use only bound variables; KernelLaunch is not nested in another KernelLaunch;
 *  - each module entry is named after its function (uniqueness is the factory's).
 *  That parameters are global and allocations are not is guaranteed by the factories (ir.h).
 */
#pragma once

#include <string>
#include <vector>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief One broken rule: what is wrong, at which node (printed), and where in kernel source. */
struct WellFormedViolation {
    std::string function;
    std::string message;
    std::string node_text;  ///< the offending statement or expression as the printer shows it
    Span span;              ///< the nearest source span (the node's, else an enclosing statement's)
    /*! \brief "function gemm: message\n  at: node (file:line)". */
    std::string to_string() const;
};

/*! \brief Every violation in the module, in program order (empty when well formed). */
std::vector<WellFormedViolation> check_well_formed(const ir::IRModule &mod);

/*! \brief Throws when the module is not well formed: an Internal error "IR verification failed
 *  after pass <after_pass>: ..." located at the first violation's span, listing all violations.
 *  When after_pass is empty the input itself is at fault and the error is a Validation error. */
void verify_well_formed(const ir::IRModule &mod, const std::string &after_pass);

}  // namespace tt::transform
