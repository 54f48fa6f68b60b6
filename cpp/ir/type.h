/*! \file type.h
 *  \brief Scalar data types of the IR.
 *
 *  A DataType is a code plus a bit width. Strings follow TileLang/TVM spelling ("float16",
 *  "bfloat16", "float32", "int32", "uint8", "bool", "handle"); "float" is accepted as float32 and
 *  "int" as int32 on input and always printed in the canonical form.
 */
#pragma once

#include <cstdint>
#include <string>

namespace tt::ir {

struct DataType {
    enum class Code : uint8_t {
        Int,
        UInt,
        Float,   ///< IEEE binary floating point (float16, float32, float64)
        BFloat,  ///< bfloat16: float32's exponent with a 7-bit mantissa
        Bool,
        Handle,  ///< an opaque value: a buffer region or a string
    };
    Code code = Code::Int;
    int bits = 32;

    static DataType int32() {
        return {Code::Int, 32};
    }
    static DataType float32() {
        return {Code::Float, 32};
    }
    static DataType boolean() {
        return {Code::Bool, 1};
    }
    static DataType handle() {
        return {Code::Handle, 64};
    }
    /*! \brief Parses a dtype name; throws a Validation error listing the accepted names. */
    static DataType parse(const std::string &name);
    /*! \brief True when `name` is a dtype name parse() accepts. */
    static bool is_valid_name(const std::string &name);

    bool is_int() const {
        return code == Code::Int || code == Code::UInt;
    }
    bool is_float() const {
        return code == Code::Float || code == Code::BFloat;
    }
    bool is_bool() const {
        return code == Code::Bool;
    }
    bool is_handle() const {
        return code == Code::Handle;
    }
    /*! \brief Storage size of one element in bytes. */
    int bytes() const {
        return bits < 8 ? 1 : bits / 8;
    }
    std::string to_string() const;

    bool operator==(const DataType &o) const {
        return code == o.code && bits == o.bits;
    }
    bool operator!=(const DataType &o) const {
        return !(*this == o);
    }
};

}  // namespace tt::ir
