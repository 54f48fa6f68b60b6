/*! \file attrs.h
 *  \brief Attribute values and the attribute keys, declared once.
 *
 *  Attributes are JSON-like values (nlohmann::json) keyed by name on PrimFuncs, modules and loop
 *  annotations. Every key any pass reads or writes is listed in TT_FOR_EACH_ATTR_KEY; the Python
 *  package mirrors the list (tilelang_tt.attrs) from the bindings, so a key is spelled once.
 *  The schema of each TT attribute's value is a typed struct with to_json/from_json next to the
 *  pass that writes it.
 */
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace tt::ir {

using Json = nlohmann::json;
/*! \brief Sorted by key so printing and serialization are deterministic. */
using AttrMap = std::map<std::string, Json>;

// clang-format off
/*! \brief (C++ constant name, key string, meaning). */
#define TT_FOR_EACH_ATTR_KEY(X) \
    X(GLOBAL_SYMBOL, "global_symbol", "name the function is exported under") \
    X(TL_SWIZZLE, "tl.use_swizzle", "T.use_swizzle(panel_size, order): block rasterization request") \
    X(TL_GEMM_POLICY, "tl.gemm_policy", "GPU warp policy given to T.gemm (recorded, no effect on TT)") \
    X(TL_SOURCE_FILE, "tl.source_file", "Python file the kernel was parsed from") \
    X(TL_TENSOR_VIEWS, "tl.tensor_views", "T.Tensor(shape, dtype, X.data): viewed parameter name -> the shape it is declared and called with (the parameter has the view's shape)") \
    X(TT_DEVICE, "tt.device", "card the program is compiled for (device table name, e.g. n150)") \
    X(TT_LAYOUT_REQUESTS, "tt.layout_requests", "user layout requests: param name -> {memory, layout, shard_grid, ...}") \
    X(TT_LAYOUT_DESC, "tt.layout_desc", "layout of every global buffer: param name -> BufferLayout") \
    X(TT_CB_DESC, "tt.cb_desc", "circular buffer of every shared/fragment buffer: name -> CBConfig") \
    X(TT_COMPUTE_CONFIG, "tt.compute_config", "math fidelity, fp32 DST accumulation and DST capacity") \
    X(TT_CORE_GRID, "tt.core_grid", "[x, y]: bounding box of the cores used") \
    X(TT_CORE_RANGES, "tt.core_ranges", "the used cores as inclusive rectangles [{start, end}]") \
    X(TT_WORK_PARTITION, "tt.work_partition", "launch-grid blocks dealt to cores: strategy, per-core start/count") \
    X(TT_MULTICAST, "tt.multicast", "operands one core reads from DRAM and multicasts along its core row or column: core grid, per tensor axis and semaphores") \
    X(TT_KERNELS, "tt.kernels", "reader/compute/writer kernels: processor, NoC, args, per-core runtime args") \
    X(TT_KERNEL_ROLE, "tt.kernel_role", "reader | compute | writer: which kernel of a core a lowered function is") \
    X(TT_LAUNCH, "tt.launch", "{index, count, buffers}: which T.Kernel launch of a multi-launch function this function is, and the function's globals") \
    X(TT_DYNAMIC_SHAPE, "tt.dynamic_shape", "dynamic dimensions {name, tensor, axis, value} and the launch grid as formulas") \
    X(TT_DYNAMIC_EXTENT, "tt.dynamic_extent", "loop annotation: the trip count as a formula of dynamic dimensions")
// clang-format on

namespace attr {
#define TT_ATTR_CONST(NAME, KEY, DOC) inline constexpr const char *NAME = KEY;
TT_FOR_EACH_ATTR_KEY(TT_ATTR_CONST)
#undef TT_ATTR_CONST
}  // namespace attr

}  // namespace tt::ir
