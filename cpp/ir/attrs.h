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
    X(TL_SOURCE_FILE, "tl.source_file", "Python file the kernel was parsed from")
// clang-format on

namespace attr {
#define TT_ATTR_CONST(NAME, KEY, DOC) inline constexpr const char *NAME = KEY;
TT_FOR_EACH_ATTR_KEY(TT_ATTR_CONST)
#undef TT_ATTR_CONST
}  // namespace attr

}  // namespace tt::ir
