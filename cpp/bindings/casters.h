/*! \file casters.h
 *  \brief pybind11 conversions for IR handles and JSON attribute values.
 *
 *  IR nodes are immutable and held by shared_ptr<const T>; Python sees each node as an instance
 *  of its most-derived class (pybind11's polymorphic downcast via the virtual Node base). The
 *  const is cast away only to satisfy pybind11's holder type: the bindings expose read-only
 *  properties, so no Python code can mutate a node.
 */
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <string>
#include <type_traits>

#include "ir/diagnostics.h"
#include "ir/ir.h"

namespace tt::bindings {

/*! \brief JSON value → Python object (dict/list/str/int/float/bool/None). */
pybind11::object json_to_py(const ir::Json &j);
/*! \brief Python object → JSON value; tuples become lists; anything else is a Validation error. */
ir::Json py_to_json(pybind11::handle h);
/*! \brief A Python (file, line, col) tuple or None → Span. */
Span span_from_py(const pybind11::object &o);

/*! \brief A Python integer (or anything with __index__) as T. Values outside T's range and
 *  non-integers are a Validation error at `span` naming `what` and the range, where pybind11's own
 *  conversion would raise an untyped cast error or an "incompatible function arguments" TypeError. */
template<typename T>
T int_from_py(pybind11::handle value, const char *what, const Span &span) {
    static_assert(sizeof(T) < sizeof(long long) || std::is_signed_v<T>, "the range check goes through long long");
    if (!pybind11::isinstance<pybind11::float_>(value)) {
        pybind11::object index = pybind11::reinterpret_steal<pybind11::object>(PyNumber_Index(value.ptr()));
        if (index) {
            int overflow = 0;
            const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
            if (overflow == 0 && v >= static_cast<long long>(std::numeric_limits<T>::min()) &&
                v <= static_cast<long long>(std::numeric_limits<T>::max()))
                return static_cast<T>(v);
            TT_USER_ERROR(Validation, span)
                << what << " " << std::string(pybind11::str(index)) << " is out of range: it must lie in ["
                << +std::numeric_limits<T>::min() << ", " << +std::numeric_limits<T>::max() << "]";
        }
        PyErr_Clear();
    }
    TT_USER_ERROR(Validation, span) << what << " must be an integer, got " << std::string(pybind11::repr(value));
}

}  // namespace tt::bindings

namespace pybind11::detail {

// Handle<T> (Expr, Stmt, Var) ↔ the node's Python object.
template<typename T>
struct type_caster<tt::ir::Handle<T>> {
    PYBIND11_TYPE_CASTER(tt::ir::Handle<T>, const_name("Node"));
    bool load(handle src, bool convert) {
        if (src.is_none()) {
            value = tt::ir::Handle<T>();
            return true;
        }
        copyable_holder_caster<T, std::shared_ptr<T>> inner;
        if (!inner.load(src, convert)) return false;
        value = tt::ir::Handle<T>(std::shared_ptr<const T>(static_cast<std::shared_ptr<T> &>(inner)));
        return true;
    }
    static handle cast(const tt::ir::Handle<T> &h, return_value_policy, handle) {
        if (!h.defined()) return none().release();
        return pybind11::cast(std::const_pointer_cast<T>(h.ptr())).release();
    }
};

// shared_ptr<const T> for the non-expression IR objects (Buffer, PrimFunc, IRModule).
#define TT_CONST_SHARED_CASTER(T)                                                                  \
    template<>                                                                                     \
    struct type_caster<std::shared_ptr<const T>> {                                                 \
        PYBIND11_TYPE_CASTER(std::shared_ptr<const T>, const_name(#T));                            \
        bool load(handle src, bool convert) {                                                      \
            if (src.is_none()) {                                                                   \
                value = nullptr;                                                                   \
                return true;                                                                       \
            }                                                                                      \
            copyable_holder_caster<T, std::shared_ptr<T>> inner;                                   \
            if (!inner.load(src, convert)) return false;                                           \
            value = static_cast<std::shared_ptr<T> &>(inner);                                      \
            return true;                                                                           \
        }                                                                                          \
        static handle cast(const std::shared_ptr<const T> &p, return_value_policy, handle) {       \
            if (!p) return none().release();                                                       \
            return pybind11::cast(std::const_pointer_cast<T>(p)).release();                        \
        }                                                                                          \
    };
TT_CONST_SHARED_CASTER(tt::ir::BufferNode)
TT_CONST_SHARED_CASTER(tt::ir::PrimFuncNode)
TT_CONST_SHARED_CASTER(tt::ir::IRModuleNode)
#undef TT_CONST_SHARED_CASTER

// JSON attribute values ↔ plain Python values.
template<>
struct type_caster<tt::ir::Json> {
    PYBIND11_TYPE_CASTER(tt::ir::Json, const_name("object"));
    bool load(handle src, bool) {
        value = tt::bindings::py_to_json(src);
        return true;
    }
    static handle cast(const tt::ir::Json &j, return_value_policy, handle) {
        return tt::bindings::json_to_py(j).release();
    }
};

}  // namespace pybind11::detail
