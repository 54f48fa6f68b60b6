/*! \file plan.h
 *  \brief The runtime plan tt.plan.json: everything a host needs to run the lowered program
 *  without the IR. One schema (docs/plan.md, tilelang_tt/schemas/tt.plan.schema.json), which the
 *  simulator's plan runner reads (docs/simulator.md).
 *
 *  The plan is assembled only from attributes the passes wrote (tt_attrs.h): tt.device,
 *  tt.layout_desc, tt.cb_desc, tt.compute_config, tt.core_grid, tt.core_ranges,
 *  tt.work_partition and tt.kernels. Nothing is re-derived here.
 */
#pragma once

#include <string>
#include <vector>

#include "transform/pass.h"

namespace tt::transform {

/*! \brief Version of the plan schema; bump on any incompatible change. */
inline constexpr int kPlanSchemaVersion = 1;

/*! \brief The plan of a lowered function (after GridToPersistentTT has written tt.kernels).
 *  Checks that each kernel has runtime arguments for exactly the cores of the work partition and
 *  as many values per core as it names slots (Internal error otherwise: a pass produced an
 *  inconsistent program). ctx supplies the device table entry named by tt.device. */
Json build_plan(const ir::PrimFunc &lowered, const PassContext &ctx);

/*! \brief The plan of a function of several T.Kernel launches (SplitTTLaunches) from the plans of
 *  its launches, in order: the first launch's program at the top level, the programs of the others
 *  (every key but the function-wide schema_version, generator, kernel_name, device, arch and
 *  buffers) in "launches", run in order after it. Buffers are the union of the launches': the
 *  function's parameters in their order, then the buffers it allocates (T.alloc_global), whose
 *  access is "none" (the host neither uploads nor reads them back); a parameter is read when the
 *  first launch using it reads it, written when any launch writes it. Validation errors, at the
 *  launch: a buffer two launches store differently, an allocated buffer read before any launch
 *  writes it. */
Json merge_launch_plans(const ir::PrimFunc &function, const std::vector<Json> &launch_plans);

/*! \brief Writes the plan as indented JSON to path (parent directories created); a Validation
 *  error naming the path when it cannot be written. */
void write_plan(const Json &plan, const std::string &path);

}  // namespace tt::transform
