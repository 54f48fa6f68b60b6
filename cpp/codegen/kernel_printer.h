/*! \file kernel_printer.h
 *  \brief Prints one lowered kernel function (after GridToPersistentTT) as a TT-Metalium kernel
 *  source file, in the API of the release in docs/metalium_api.md (v0.67).
 *
 *  KernelPrinter is the IR printer with C++ syntax: every TT intrinsic prints as its cpp_name,
 *  CB operands (arguments named "...cb") as named constants (`cb_A_shared`, from tt.cb_desc),
 *  tensor operands as the kernel's TensorAccessor variables, integers as uint32_t (all index
 *  arithmetic is non-negative, so floor and truncating division agree), loops as `for`, lets as
 *  declarations. A `// file:line` comment precedes each statement whose source line differs from
 *  the previous one. The output depends only on the IR: printing twice gives identical bytes.
 */
#pragma once

#include <map>
#include <set>
#include <string>

#include "ir/printer.h"
#include "transform/tt_attrs.h"

namespace tt::codegen {

class KernelPrinter : public ir::IRPrinter {
public:
    /*! \brief The complete source file of a kernel function (tt.kernel_role, tt.cb_desc). */
    std::string print_kernel(const ir::PrimFunc &kernel);

protected:
    using IRPrinter::print;
#define TT_KERNEL_PRINT_BINARY(N, OP) std::string print(const ir::N##Node *op) override;
    TT_FOR_EACH_BINARY(TT_KERNEL_PRINT_BINARY)
#undef TT_KERNEL_PRINT_BINARY
    std::string print(const ir::IntImmNode *op) override;
    std::string print(const ir::FloatImmNode *op) override;
    std::string print(const ir::NotNode *op) override;
    std::string print(const ir::SelectNode *op) override;
    std::string print(const ir::CastNode *op) override;
    std::string print(const ir::CallNode *op) override;
    std::string print(const ir::RegionNode *op) override;
    void print(const ir::ForNode *op) override;
    void print(const ir::IfThenElseNode *op) override;
    void print(const ir::LetStmtNode *op) override;
    void print(const ir::EvaluateNode *op) override;
    void print(const ir::BufferStoreNode *op) override;
    void print(const ir::AllocateNode *op) override;
    void print(const ir::KernelLaunchNode *op) override;
    int precedence(const ir::Expr &e) const override;
    std::string dtype_str(ir::DataType t) const override;

private:
    std::string binary(const ir::Expr &self, const ir::Expr &a, const ir::Expr &b, const char *op);
    std::string cb_name(int64_t index) const;
    /*! Emits `// file:line` when the statement's line differs from the last one commented. */
    void source_comment(const Span &span);
    /*! A TensorAccessor declaration (tt.tensor_accessor) as two C++ lines. */
    void print_accessor(const ir::CallNode *call);

    std::map<int64_t, std::string> cb_names_;
    std::set<int64_t> cbs_used_;
    std::string last_accessor_args_;
    std::string last_comment_;
};

/*! \brief The C++ source of a kernel function; see KernelPrinter. */
std::string generate_kernel_source(const ir::PrimFunc &kernel);

/*! \brief The sources of every kernel function of a lowered module, keyed by file name
 *  ("reader.cpp", "compute.cpp", "writer.cpp": the `source` of its tt.kernels entry). */
std::map<std::string, std::string> generate_kernel_sources(const ir::IRModule &lowered);

}  // namespace tt::codegen
