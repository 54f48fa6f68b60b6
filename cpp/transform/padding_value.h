/*! \file padding_value.h
 *  \brief What an element-wise value is where the loads it reads are padding (zero, or finite),
 *  for the padding checks of verify_tt_padding.h and padding_flow.h.
 */
#pragma once

#include <functional>

#include "ir/ir.h"

namespace tt::transform {

/*! \brief Calls f on every buffer load in e. */
void for_each_load(const ir::Expr &e, const std::function<void(const ir::BufferLoadNode *)> &f);

/*! \brief A flag argument of a tile op (T.gemm's transpose_A/B, clear_accum; a reduction's clear):
 *  true for a non-zero immediate. */
bool flag_arg(const ir::CallNode *op, size_t i);

/*! \brief Whether an element-wise value is zero, or finite, wherever the loads it reads are at
 *  their padding, given that of each load: constants are what they are; a product of a zero with a
 *  value finite there is zero; sums, differences, minima, maxima, selects and casts of zeros are
 *  zero; functions that keep zero (abs, sqrt, tanh, sin, erf, ...) keep it, those that keep finite
 *  values (exp, sigmoid, ...) keep those; a quotient by a value that reads padding is neither. */
class PaddingValue {
public:
    using LoadTest = std::function<bool(const ir::BufferLoadNode *)>;
    /*! zero / finite: the load is zero / finite at the padding; padded: the load reads padding. */
    PaddingValue(LoadTest zero, LoadTest finite, LoadTest padded)
        : zero_load_(std::move(zero)), finite_load_(std::move(finite)), padded_load_(std::move(padded)) {}
    bool zero(const ir::Expr &e) const;
    bool finite(const ir::Expr &e) const;

private:
    bool reads_padded(const ir::Expr &e) const;
    LoadTest zero_load_, finite_load_, padded_load_;
};

}  // namespace tt::transform
