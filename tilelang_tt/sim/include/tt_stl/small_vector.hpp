/*! \file small_vector.hpp
 *  \brief ttsl::SmallVector (TT-Metalium's tt_stl/small_vector.hpp): a vector that the release
 *  keeps inline up to PREALLOCATED_SIZE elements. The simulator's is a std::vector with the same
 *  name and template parameters; every use of it here is inline, so no link name depends on it. */
#pragma once

#include <cstddef>
#include <vector>

namespace ttsl {

template<typename T, std::size_t PREALLOCATED_SIZE = 8> struct SmallVector : public std::vector<T> {
    using std::vector<T>::vector;
};

}  // namespace ttsl

namespace tt {
namespace stl = ::ttsl;
}  // namespace tt
