// The intrinsic table: every operation a Call may name, with its argument kinds and result rule
// (intrinsics.h).
#include "ir/intrinsics.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "ir/diagnostics.h"

namespace tt::ir {

namespace {

struct Registry {
    std::map<std::string, std::unique_ptr<IntrinsicInfo>> entries;
};

Registry &raw_registry() {
    static Registry r;
    return r;
}

// Registers the built-in sets exactly once, before any lookup.
Registry &registry() {
    static std::once_flag once;
    std::call_once(once, [] {
        register_tile_ops();
        register_tt_ops();
    });
    return raw_registry();
}

}  // namespace

const char *arg_kind_name(ArgKind kind) {
    switch (kind) {
    case ArgKind::Int: return "integer";
    case ArgKind::Float: return "float";
    case ArgKind::Bool: return "bool";
    case ArgKind::Numeric: return "number";
    case ArgKind::String: return "string";
    case ArgKind::Region: return "buffer region";
    case ArgKind::Any: return "any";
    }
    return "?";
}

const IntrinsicInfo *register_intrinsic(IntrinsicInfo info) {
    auto &entries = raw_registry().entries;
    TT_ICHECK(!entries.count(info.name)) << "intrinsic " << info.name << " registered twice";
    TT_ICHECK(!info.variadic || !info.args.empty()) << "variadic intrinsic " << info.name << " needs an ArgSpec";
    auto owned = std::make_unique<IntrinsicInfo>(std::move(info));
    const IntrinsicInfo *entry = owned.get();
    entries.emplace(entry->name, std::move(owned));
    return entry;
}

const IntrinsicInfo *lookup_intrinsic(const std::string &name) {
    auto &entries = registry().entries;
    auto it = entries.find(name);
    return it == entries.end() ? nullptr : it->second.get();
}

std::vector<const IntrinsicInfo *> list_intrinsics() {
    std::vector<const IntrinsicInfo *> out;
    for (auto &kv : registry().entries) out.push_back(kv.second.get());
    return out;
}

}  // namespace tt::ir
