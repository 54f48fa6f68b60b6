/*! \file intrinsics.h
 *  \brief The registry of intrinsics: every operation a Call node may name.
 *
 *  An intrinsic declares its argument kinds, its result type, whether it has effects, which kernel
 *  roles may use it and how it prints as C++. CallNode::make checks every call against its entry,
 *  so passes and code generators can rely on argument shapes without re-checking. TileLang's tile
 *  operations ("tl.*") are registered in tile_ops.cc; Tenstorrent operations ("tt.*") are
 *  registered next to the passes that introduce them.
 */
#pragma once

#include <string>
#include <vector>

#include "ir/type.h"

namespace tt::ir {

/*! \brief What an argument must be. */
enum class ArgKind : uint8_t {
    Int,      ///< an integer expression
    Float,    ///< a floating-point expression
    Bool,     ///< a bool expression
    Numeric,  ///< integer or floating point
    String,   ///< a StringImm
    Region,   ///< a RegionNode (a buffer or part of one)
    Any,
};
const char *arg_kind_name(ArgKind kind);

struct ArgSpec {
    std::string name;
    ArgKind kind;
};

/*! \brief How a call's dtype is determined. */
enum class ResultRule : uint8_t {
    Void,         ///< no value (dtype handle); the call is used in an Evaluate
    Fixed,        ///< IntrinsicInfo::result
    FromCaller,   ///< given to CallNode::make (e.g. get_arg_val<uint32_t>)
    SameAsFirst,  ///< the first argument's dtype (math functions)
};

/*! \brief Kernel roles, as a bit set: which kernels may contain a call. */
enum RoleMask : uint8_t {
    kRoleFrontend = 1,  ///< a TileLang operation that lowering must remove
    kRoleReader = 2,
    kRoleCompute = 4,
    kRoleWriter = 8,
    kRoleDataMovement = kRoleReader | kRoleWriter,
    kRoleAnyKernel = kRoleReader | kRoleCompute | kRoleWriter,
};

struct IntrinsicInfo {
    std::string name;  ///< "tl.copy", "tt.cb_reserve_back", ...
    std::vector<ArgSpec> args;
    bool variadic = false;  ///< the last ArgSpec may repeat zero or more times
    ResultRule result_rule = ResultRule::Void;
    DataType result = DataType::handle();
    bool pure = false;
    uint8_t roles = kRoleFrontend;
    std::string cpp_name;  ///< the C++ function it prints as, when it is a TT-Metalium call
    std::string doc;
    std::string header;  ///< the kernel API header of the release that declares cpp_name (compute calls)
};

/*! \brief Registers an intrinsic; a second registration of the same name is an internal error.
 *  Returns the stable entry. The built-in sets are registered on first use of the registry (no
 *  static initializers, which a static library would drop). */
const IntrinsicInfo *register_intrinsic(IntrinsicInfo info);
/*! \brief The entry for name, or nullptr. */
const IntrinsicInfo *lookup_intrinsic(const std::string &name);
/*! \brief Every registered intrinsic, sorted by name. */
std::vector<const IntrinsicInfo *> list_intrinsics();

/*! \brief The built-in sets, called once by the registry: TileLang tile operations and scalar
 *  math (tile_ops.cc) and TT-Metalium operations (tt_ops.cc). */
void register_tile_ops();
void register_tt_ops();

}  // namespace tt::ir
