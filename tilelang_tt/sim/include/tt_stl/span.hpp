/*! \file span.hpp
 *  \brief ttsl::Span (TT-Metalium's tt_stl/span.hpp), a view of contiguous elements; the
 *  simulator's is std::span. */
#pragma once

#include <cstddef>
#include <span>

namespace ttsl {

template<typename T, std::size_t Extent = std::dynamic_extent> using Span = std::span<T, Extent>;

}  // namespace ttsl

namespace tt {
namespace stl = ::ttsl;
}  // namespace tt
