// DataType parsing and spelling (type.h).
#include "ir/type.h"

#include <map>

#include "ir/diagnostics.h"

namespace tt::ir {

namespace {

const std::map<std::string, DataType> &dtype_names() {
    static const std::map<std::string, DataType> names = {
        {"bool", {DataType::Code::Bool, 1}},      {"int8", {DataType::Code::Int, 8}},
        {"int16", {DataType::Code::Int, 16}},     {"int32", {DataType::Code::Int, 32}},
        {"int64", {DataType::Code::Int, 64}},     {"int", {DataType::Code::Int, 32}},
        {"uint8", {DataType::Code::UInt, 8}},     {"uint16", {DataType::Code::UInt, 16}},
        {"uint32", {DataType::Code::UInt, 32}},   {"uint64", {DataType::Code::UInt, 64}},
        {"float16", {DataType::Code::Float, 16}}, {"float32", {DataType::Code::Float, 32}},
        {"float", {DataType::Code::Float, 32}},   {"float64", {DataType::Code::Float, 64}},
        {"bfloat16", {DataType::Code::BFloat, 16}}, {"handle", {DataType::Code::Handle, 64}},
    };
    return names;
}

}  // namespace

bool DataType::is_valid_name(const std::string &name) {
    return dtype_names().count(name) > 0;
}

DataType DataType::parse(const std::string &name) {
    auto it = dtype_names().find(name);
    if (it == dtype_names().end()) {
        TT_USER_ERROR(Validation, Span()) << "unknown dtype '" << name
                                          << "'; use one of bool, int8, int16, int32, int64, uint8, uint16, uint32, "
                                             "uint64, float16, bfloat16, float32 (\"float\"), float64";
    }
    return it->second;
}

std::string DataType::to_string() const {
    switch (code) {
    case Code::Int: return "int" + std::to_string(bits);
    case Code::UInt: return "uint" + std::to_string(bits);
    case Code::Float: return "float" + std::to_string(bits);
    case Code::BFloat: return "bfloat" + std::to_string(bits);
    case Code::Bool: return "bool";
    case Code::Handle: return "handle";
    }
    return "?";
}

}  // namespace tt::ir
