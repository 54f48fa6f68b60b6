/*! \file builders.h
 *  \brief Short-hands for building IR in tests, and the kernels of the shared corpus.
 *
 *  The corpus kernels (tests_cases/ir/<stem>.json) are built here with the factories, so the
 *  committed JSON is checked against what the factories produce today (test_corpus.cc) and the
 *  printer and round-trip tests reuse the same realistic kernels instead of toy trees.
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace tt::ir::testing {

Expr i32(int64_t value);
Expr f32(double value);
/*! \brief A buffer with constant extents; `dtype` is a dtype name ("float16", ...). */
Buffer tensor(const std::string &name, const std::vector<int64_t> &shape, const std::string &dtype,
              MemoryScope scope = MemoryScope::Global);
/*! \brief TileLang's head-address form: buffer[starts...] with the given extents (T.copy(A[y, x], S)). */
Expr tile_at(const Buffer &buffer, const std::vector<Expr> &starts, const std::vector<int64_t> &extents);
/*! \brief Evaluate of an intrinsic call: a tile operation as a statement. */
Stmt call_stmt(const std::string &intrinsic, std::vector<Expr> args, Span span = Span());
/*! \brief `body` wrapped in one Allocate per buffer, the first buffer outermost. */
Stmt allocate_all(const std::vector<Buffer> &buffers, Stmt body);
/*! \brief A span in the kernel source file of a corpus case. */
Span source_at(const std::string &file, int line, int col);

/*! \brief `for i: for i: S[outer, inner] = outer - inner`: two distinct variables that share the
 *  name "i" (indices swapped when `swap_indices`), to check that identity is by object. */
Stmt same_name_loop_nest(bool swap_indices = false);

/*! \brief The knobs of the reference GEMM (TileLang's examples/gemm/example_gemm.py). */
struct GemmVariant {
    bool transpose_B = false;
    bool shared_epilogue = false;  ///< C_local -> C_shared -> C instead of C_local -> C
    int num_stages = 3;
};
/*! \brief The reference GEMM, M = N = K = 512 with 128x128x32 blocks, as the frontend builds it. */
PrimFunc gemm_func(const GemmVariant &variant);

/*! \brief One kernel of the shared corpus and the factory calls that build it. */
struct CorpusCase {
    std::string stem;  ///< file name in tests_cases/ir without ".json"
    std::function<IRModule()> build;
};
const std::vector<CorpusCase> &corpus_cases();
/*! \brief The module of the corpus case `stem`. */
IRModule build_corpus_case(const std::string &stem);

}  // namespace tt::ir::testing
