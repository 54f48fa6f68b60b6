// TT-Metalium kernel sources printed from lowered kernel functions (see kernel_printer.h).
#include "codegen/kernel_printer.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <limits>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"

namespace tt::codegen {

using namespace ir;
using transform::CBDesc;
using transform::KernelDesc;
using transform::KernelDescs;
using transform::KernelRole;

namespace {

// C++ binding strengths (higher binds tighter).
enum Prec { kSelect = 0, kOr = 1, kAnd = 2, kEquality = 3, kRelational = 4, kAdd = 5, kMul = 6, kUnary = 8, kAtom = 10 };

// The compute API header that declares a compute call (its intrinsic's registered header).
const std::string &compute_header(const IntrinsicInfo &op) {
    TT_ICHECK(!op.header.empty()) << "no compute header registered for " << op.name;
    return op.header;
}

// The file's base name only, so the same kernel gives the same bytes wherever it is compiled.
std::string source_file_name(const std::string &path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_cb_operand(const ArgSpec &spec) {
    return ends_with(spec.name, "cb");
}

// Identifiers a kernel's own names must not shadow or collide with: C++ keywords and alternative
// tokens, <cstdint>'s types and macros, and the names the TT-Metalium kernel API and this printer
// use outside the NameTable. A Python name equal to one of them prints with a numeric suffix
// (`int` -> `int_1`), as any other clash does.
constexpr const char *kReservedIdentifiers[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
    "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr", "constinit",
    "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
    "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "requires", "return", "short", "signed",
    "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
    "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
    "wchar_t", "while", "xor", "xor_eq", "final", "override", "main", "NULL", "std", "size_t", "ptrdiff_t", "int8_t",
    "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "intptr_t", "uintptr_t", "intmax_t",
    "uintmax_t", "INT8_MIN", "INT16_MIN", "INT32_MIN", "INT64_MIN", "INT8_MAX", "INT16_MAX", "INT32_MAX", "INT64_MAX",
    "UINT8_MAX", "UINT16_MAX", "UINT32_MAX", "UINT64_MAX", "SIZE_MAX",
    // TT-Metalium kernel API names beyond the registered calls (whose cpp_name is reserved too).
    "kernel_main", "tt", "ckernel", "sfpi", "get_arg_val", "get_common_arg_val", "get_compile_time_arg_val",
    "TensorAccessor", "TensorAccessorArgs", "NOC_INDEX", "noc_index", "NOC_X", "NOC_Y", "my_x", "my_y", "PoolType",
    "ReduceDim", "REDUCE_OP", "REDUCE_DIM", "DataFormat", "CBIndex", "MATH", "PACK", "UNPACK", "ALWI", "APPROX",
    "DST_ACCUM_MODE", "uint"};

// The identifier a registered call prints as: its cpp_name up to a template argument list or scope.
std::string call_identifier(const std::string &cpp_name) {
    const size_t end = cpp_name.find_first_of("<(:");
    return cpp_name.substr(0, end);
}

// A float the API takes as its IEEE-754 single-precision bits (scalar SFPU parameters), printed as
// those bits with the value beside them: `0x3fc00000u /* 1.5 */`.
std::string float_bits(double value) {
    const float f = static_cast<float>(value);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    std::ostringstream os;
    os << "0x" << std::hex << std::setw(8) << std::setfill('0') << bits << "u /* " << std::defaultfloat
       << std::setprecision(9) << f << " */";
    return os.str();
}

}  // namespace

std::string KernelPrinter::print_kernel(const PrimFunc &kernel) {
    const KernelRole role =
        Json(transform::get_attr<std::string>(kernel, attr::TT_KERNEL_ROLE, "LowerTTTileIntrinsics")).get<KernelRole>();
    const CBDesc cbs = transform::get_attr<CBDesc>(kernel, attr::TT_CB_DESC, "PropagateTTLayout");
    for (const char *name : kReservedIdentifiers) names_.reserve(name);
    for (const IntrinsicInfo *op : list_intrinsics()) {
        if (!op->cpp_name.empty()) names_.reserve(call_identifier(op->cpp_name));
    }
    for (const auto &[name, cb] : cbs) {
        std::string id = "cb_" + name;
        for (char &c : id) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        cb_names_[cb.cb_index] = names_.name_of(&cb_names_[cb.cb_index], id);
    }
    const KernelDescs descs = transform::get_attr<KernelDescs>(kernel, attr::TT_KERNELS, "GridToPersistentTT");

    indent_ = 1;
    print_stmt(kernel->body);
    const std::string body = os_.str();

    std::ostringstream out;
    out << "// " << transform::to_string(role) << " kernel of " << kernel->name << ", generated by tilelang-tt";
    if (kernel->span.defined()) out << " from " << source_file_name(kernel->span.file);
    out << ".\n// TT-Metalium v0.67 (docs/metalium_api.md).";
    for (const KernelDesc &d : descs) {
        if (d.role != role) continue;
        out << " Runtime arguments:";
        for (size_t i = 0; i < d.runtime_args.size(); ++i) out << (i ? ", " : " ") << i << " " << d.runtime_args[i];
        out << ".";
    }
    out << "\n#include <cstdint>\n\n";
    if (role == KernelRole::Compute) {
        std::set<std::string> headers;
        post_order_visit(kernel->body, [&](const Node *n) {
            if (n->kind == NodeKind::Call) headers.insert(compute_header(*static_cast<const CallNode *>(n)->op));
        });
        // reduce.h's default template arguments name these macros, which TT-Metalium's JIT takes
        // from the kernel's defines; every call here gives its template arguments explicitly.
        if (headers.count("api/compute/reduce.h")) {
            out << "#define REDUCE_OP PoolType::SUM\n#define REDUCE_DIM ReduceDim::REDUCE_ROW\n\n";
        }
        for (const std::string &h : headers) out << "#include \"" << h << "\"\n";
    } else {
        out << "#include \"api/dataflow/dataflow_api.h\"\n";
    }
    if (!cbs_used_.empty()) out << "\n";
    for (int64_t index : cbs_used_) {
        out << "constexpr auto " << cb_names_.at(index) << " = tt::CBIndex::c_" << index << ";\n";
    }
    out << "\nvoid kernel_main() {\n" << body << "}\n";
    return out.str();
}

std::string KernelPrinter::dtype_str(DataType t) const {
    if (t.is_bool()) return "bool";
    if (t.is_float()) return t.bits == 64 ? "double" : "float";
    return "uint32_t";
}

int KernelPrinter::precedence(const Expr &e) const {
    switch (e->kind) {
    case NodeKind::Or: return kOr;
    case NodeKind::And: return kAnd;
    case NodeKind::EQ:
    case NodeKind::NE: return kEquality;
    case NodeKind::LT:
    case NodeKind::LE:
    case NodeKind::GT:
    case NodeKind::GE: return kRelational;
    case NodeKind::Add:
    case NodeKind::Sub: return kAdd;
    case NodeKind::Mul:
    case NodeKind::Div:
    case NodeKind::Mod:
    case NodeKind::FloorDiv:
    case NodeKind::FloorMod: return kMul;
    case NodeKind::Not: return kUnary;
    case NodeKind::Select:
    case NodeKind::Min:
    case NodeKind::Max: return kSelect;
    default: return kAtom;
    }
}

std::string KernelPrinter::binary(const Expr &self, const Expr &a, const Expr &b, const char *op) {
    const int p = precedence(self);
    // Left-associative: the right operand needs parentheses at equal precedence.
    return operand(a, p) + " " + op + " " + operand(b, p + 1);
}

// Min/Max print as a conditional so kernels need no <algorithm>; the rest are C++ operators
// (floor division equals C++ division on the non-negative values kernels compute).
#define TT_KERNEL_BINARY(N, OP)                                                                         \
    std::string KernelPrinter::print(const N##Node *op) {                                              \
        Expr self(std::static_pointer_cast<const ExprNode>(op->shared_from_this()));                   \
        if (NodeKind::N == NodeKind::Min || NodeKind::N == NodeKind::Max) {                            \
            const char *cmp = NodeKind::N == NodeKind::Min ? " < " : " > ";                            \
            std::string a = operand(op->a, kRelational + 1), b = operand(op->b, kRelational + 1);      \
            return "(" + a + cmp + b + " ? " + a + " : " + b + ")";                                    \
        }                                                                                              \
        const char *sym = NodeKind::N == NodeKind::FloorDiv   ? "/"                                   \
                          : NodeKind::N == NodeKind::FloorMod ? "%"                                   \
                          : NodeKind::N == NodeKind::And      ? "&&"                                  \
                          : NodeKind::N == NodeKind::Or       ? "||"                                  \
                                                              : OP;                                   \
        return binary(self, op->a, op->b, sym);                                                        \
    }
TT_FOR_EACH_BINARY(TT_KERNEL_BINARY)
#undef TT_KERNEL_BINARY

std::string KernelPrinter::print(const IntImmNode *op) {
    if (op->dtype.is_bool()) return op->value ? "true" : "false";
    return std::to_string(op->value);
}

// Kernels compute in float: a float literal with the fewest digits that read back as the same
// float; infinities and NaN through compiler builtins, so no header is needed for them.
std::string KernelPrinter::print(const FloatImmNode *op) {
    const float v = static_cast<float>(op->value);
    if (std::isnan(v)) return "__builtin_nanf(\"\")";
    if (std::isinf(v)) return v > 0 ? "__builtin_inff()" : "-__builtin_inff()";
    std::string text;
    for (int digits = 1; digits <= std::numeric_limits<float>::max_digits10; ++digits) {
        std::ostringstream os;
        os << std::setprecision(digits) << v;
        text = os.str();
        if (std::strtof(text.c_str(), nullptr) == v) break;
    }
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return text + "f";
}

std::string KernelPrinter::print(const NotNode *op) {
    return "!" + operand(op->a, kUnary);
}

std::string KernelPrinter::print(const SelectNode *op) {
    return "(" + print_expr(op->cond) + " ? " + print_expr(op->true_value) + " : " + print_expr(op->false_value) + ")";
}

std::string KernelPrinter::print(const CastNode *op) {
    // Integers are int32 in the IR and print as uint32_t: to a float they convert as signed values.
    const bool from_int = !op->value->dtype.is_float() && !op->value->dtype.is_bool();
    const std::string value = from_int && op->dtype.is_float() ? "static_cast<int32_t>(" + print_expr(op->value) + ")"
                                                               : print_expr(op->value);
    return "static_cast<" + dtype_str(op->dtype) + ">(" + value + ")";
}

// A tensor operand of a NoC call is the buffer's TensorAccessor.
std::string KernelPrinter::print(const RegionNode *op) {
    return buffer_name(op->buffer);
}

std::string KernelPrinter::cb_name(int64_t index) const {
    auto it = cb_names_.find(index);
    TT_ICHECK(it != cb_names_.end()) << "CB " << index << " is not in tt.cb_desc";
    return it->second;
}

std::string KernelPrinter::print(const CallNode *op) {
    TT_ICHECK(!op->op->cpp_name.empty()) << op->op->name << " has no C++ form; it should have been lowered";
    if (op->op->name == "tt.get_arg_val") return "get_arg_val<uint32_t>(" + print_expr(op->args[0]) + ")";
    // A TensorAccessor is addressed through its member: the release's free get_noc_addr(id, addrgen)
    // admits only the legacy address generators.
    if (op->op->name == "tt.get_noc_addr")
        return print_expr(op->args[1]) + ".get_noc_addr(" + print_expr(op->args[0]) + ", " + print_expr(op->args[2]) +
               ")";
    if (op->op->name == "tt.signed") return "static_cast<int32_t>(" + print_expr(op->args[0]) + ")";
    // Scalar L1 words through a pointer, as data-movement kernels read and write CB pages.
    if (op->op->name == "tt.l1_read_u32" || op->op->name == "tt.l1_write_u32") {
        std::string word = "reinterpret_cast<volatile tt_l1_ptr uint32_t *>(" + print_expr(op->args[0]) + ")[" +
                           print_expr(op->args[1]) + "]";
        return op->op->name == "tt.l1_read_u32" ? word : word + " = " + print_expr(op->args[2]);
    }
    // The release's local semaphore calls take the semaphore as a pointer into L1.
    if (op->op->name == "tt.noc_semaphore_wait" || op->op->name == "tt.noc_semaphore_set")
        return op->op->cpp_name + "(reinterpret_cast<volatile tt_l1_ptr uint32_t *>(" + print_expr(op->args[0]) +
               "), " + print_expr(op->args[1]) + ")";
    std::string text = op->op->cpp_name + "(";
    for (size_t i = 0; i < op->args.size(); ++i) {
        int64_t index;
        const auto *bits = ends_with(op->op->args[i].name, "_bits") ? op->args[i].as<FloatImmNode>() : nullptr;
        if (is_cb_operand(op->op->args[i]) && as_const_int(op->args[i], &index)) {
            cbs_used_.insert(index);
            text += (i ? ", " : "") + cb_name(index);
        } else if (bits) {
            text += (i ? ", " : "") + float_bits(bits->value);
        } else {
            text += (i ? ", " : "") + print_expr(op->args[i]);
        }
    }
    return text + ")";
}

void KernelPrinter::source_comment(const Span &span) {
    if (!span.defined()) return;
    std::string comment = "// " + source_file_name(span.file) + ":" + std::to_string(span.line);
    if (comment == last_comment_) return;
    last_comment_ = comment;
    line(comment);
}

void KernelPrinter::print_accessor(const CallNode *call) {
    const Buffer &tensor = call->args[0].as<RegionNode>()->buffer;
    const std::string name = buffer_name(tensor), args = names_.name_of(call, name + "_args");
    int64_t index;
    TT_ICHECK(as_const_int(call->args[1], &index)) << "accessor index must be constant";
    // Each TensorAccessorArgs starts where the previous one's compile-time arguments end, since
    // their length is the release's business (docs/metalium_api.md).
    const std::string base = index == 0 ? "0" : last_accessor_args_ + ".next_compile_time_args_offset()";
    line("constexpr auto " + args + " = TensorAccessorArgs<" + base + ">();");
    line("const auto " + name + " = TensorAccessor(" + args + ", " + print_expr(call->args[2]) + ", " +
         print_expr(call->args[3]) + ");");
    last_accessor_args_ = args;
}

void KernelPrinter::print(const ForNode *op) {
    source_comment(op->span);
    const std::string v = var_name(op->loop_var);
    const std::string end = print_expr(fold_constants(AddNode::make(op->min, op->extent)));
    line("for (uint32_t " + v + " = " + print_expr(op->min) + "; " + v + " < " + end + "; ++" + v + ") {");
    ++indent_;
    print_stmt(op->body);
    --indent_;
    line("}");
}

void KernelPrinter::print(const IfThenElseNode *op) {
    source_comment(op->span);
    line("if (" + print_expr(op->cond) + ") {");
    ++indent_;
    print_stmt(op->then_case);
    --indent_;
    if (op->else_case) {
        line("} else {");
        ++indent_;
        print_stmt(op->else_case);
        --indent_;
    }
    line("}");
}

void KernelPrinter::print(const LetStmtNode *op) {
    source_comment(op->span);
    line(dtype_str(op->var->dtype) + " " + var_name(op->var) + " = " + print_expr(op->value) + ";");
    print_stmt(op->body);
}

void KernelPrinter::print(const EvaluateNode *op) {
    if (op->value.as<IntImmNode>()) return;  // an empty kernel body
    source_comment(op->span);
    const auto *call = op->value.as<CallNode>();
    if (call && call->op->name == "tt.tensor_accessor") return print_accessor(call);
    line(print_expr(op->value) + ";");
}

void KernelPrinter::print(const BufferStoreNode *op) {
    TT_ICHECK(false) << "element store to " << op->buffer->name << " in a lowered kernel";
}
void KernelPrinter::print(const AllocateNode *op) {
    TT_ICHECK(false) << "allocation of " << op->buffer->name << " in a lowered kernel";
}
void KernelPrinter::print(const KernelLaunchNode *) {
    TT_ICHECK(false) << "KernelLaunch in a kernel: GridToPersistentTT must run before code generation";
}

std::string generate_kernel_source(const PrimFunc &kernel) {
    KernelPrinter printer;
    return printer.print_kernel(kernel);
}

std::map<std::string, std::string> generate_kernel_sources(const IRModule &lowered) {
    std::map<std::string, std::string> sources;
    for (const auto &[name, func] : lowered->functions) {
        auto role = transform::find_attr<std::string>(func, attr::TT_KERNEL_ROLE);
        if (!role) continue;
        const KernelDescs descs = transform::get_attr<KernelDescs>(func, attr::TT_KERNELS, "GridToPersistentTT");
        const KernelRole r = Json(*role).get<KernelRole>();
        for (const KernelDesc &d : descs) {
            if (d.role == r) sources[d.source] = generate_kernel_source(func);
        }
    }
    if (sources.empty()) {
        TT_USER_ERROR(Validation, Span()) << "the module has no lowered kernels; run the pass pipeline "
                                          << "(tilelang_tt.passes.run_pipeline) before generating code";
    }
    return sources;
}

}  // namespace tt::codegen
