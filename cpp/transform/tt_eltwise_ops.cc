// The registered element-wise operations and their TT-Metalium forms (see tt_eltwise_ops.h). Every
// call named here is registered in cpp/ir/tt_ops.cc with the header that declares it in v0.67.
#include "transform/tt_eltwise_ops.h"

#include <map>

namespace tt::transform {

namespace {

const std::map<std::string, EltwiseOp> &registry() {
    static const std::map<std::string, EltwiseOp> ops = [] {
        std::map<std::string, EltwiseOp> m;
        auto add = [&m](EltwiseOp op) { m.emplace(op.name, std::move(op)); };
        const std::string with_scalar = "binop_with_scalar_tile_init";
        // Binary arithmetic: the matrix engine adds, subtracts and multiplies CB tiles directly.
        add({"add", 2, "add_binary", "add", "add_unary", "add_unary", with_scalar});
        add({"sub", 2, "sub_binary", "sub", "sub_unary", "rsub_unary", with_scalar});
        add({"mul", 2, "mul_binary", "mul", "mul_unary", "mul_unary", with_scalar});
        add({"div", 2, "div_binary", "", "div_unary", "", with_scalar});
        add({"max", 2, "binary_max", "", "unary_max", "unary_max", "unary_max_tile_init"});
        add({"min", 2, "binary_min", "", "unary_min", "unary_min", "unary_min_tile_init"});
        // Unary SFPU operations.
        for (const char *fn : {"exp", "exp2", "log", "sqrt", "rsqrt", "abs", "recip", "relu", "gelu", "sigmoid", "tanh",
                               "silu", "square", "sin", "cos", "erf"}) {
            add({fn, 1, fn, "", "", "", ""});
        }
        add({"neg", 1, "negative", "", "", "", ""});
        // Comparisons: with a constant on the SFPU's scalar form, of two tiles as (x - y) against zero.
        for (const char *cmp : {"gt", "ge", "lt", "le", "eq", "ne"}) {
            const std::string name = cmp, zero = name + "z";
            add({zero, 1, zero, "", "", "", ""});
            add({name, 2, "", "", "unary_" + name, "", "unary_" + name + "_tile_init", zero});
        }
        return m;
    }();
    return ops;
}

}  // namespace

const EltwiseOp *lookup_eltwise_op(const std::string &name) {
    auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

std::string eltwise_op_names() {
    std::string names;
    for (const auto &[name, op] : registry()) names += (names.empty() ? "" : ", ") + name;
    return names;
}

}  // namespace tt::transform
