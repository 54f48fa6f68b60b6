// Checks shared by the validating node factories (expr.cc, stmt.cc). Internal to cpp/ir: each
// check raises a Validation user error located at the node's span, naming what is wrong.
#pragma once

#include <cctype>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ir/ir.h"

namespace tt::ir::detail {

/*! Allocates an immutable node; the factories validate their arguments before calling it. */
template<typename T, typename... Args>
std::shared_ptr<const T> node(Args &&...args) {
    return std::make_shared<const T>(std::forward<Args>(args)...);
}

/*! `e` must be defined; `what` names it in the error. */
inline void require_defined(const Expr &e, const char *what, const Span &span) {
    if (!e.defined()) TT_USER_ERROR(Validation, span) << what << " is missing";
}

/*! `e` must be a defined integer expression. */
inline void require_int(const Expr &e, const char *what, const Span &span) {
    require_defined(e, what, span);
    if (!e->dtype.is_int()) {
        TT_USER_ERROR(Validation, span) << what << " must be an integer, got " << e->dtype.to_string();
    }
}

/*! `e` must be a defined bool condition. */
inline void require_bool(const Expr &e, const char *what, const Span &span) {
    require_defined(e, what, span);
    if (!e->dtype.is_bool()) {
        TT_USER_ERROR(Validation, span) << what << " must be a bool condition, got " << e->dtype.to_string();
    }
}

/*! Whether `name` is a C identifier (letters, digits, underscores; not starting with a digit). */
inline bool is_identifier(const std::string &name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

/*! `indices` must be one integer index per dimension of `buffer`. */
inline void require_indices(const Buffer &buffer, const std::vector<Expr> &indices, const Span &span) {
    if (!buffer) TT_USER_ERROR(Validation, span) << "buffer access without a buffer";
    if (indices.size() != buffer->shape.size()) {
        TT_USER_ERROR(Validation, span) << "buffer " << buffer->name << " has " << buffer->shape.size()
                                        << " dimensions but is indexed with " << indices.size() << " indices";
    }
    for (const Expr &i : indices) require_int(i, "buffer index", span);
}

}  // namespace tt::ir::detail
