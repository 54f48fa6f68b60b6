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

#include "ir/ir.h"

namespace tt::bindings {

/*! \brief JSON value → Python object (dict/list/str/int/float/bool/None). */
pybind11::object json_to_py(const ir::Json &j);
/*! \brief Python object → JSON value; tuples become lists; anything else is a Validation error. */
ir::Json py_to_json(pybind11::handle h);
/*! \brief A Python (file, line, col) tuple or None → Span. */
Span span_from_py(const pybind11::object &o);

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
