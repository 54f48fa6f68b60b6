/*! \file xy_pair.hpp
 *  \brief tt::xy_pair, the (x, y) pair TT-Metalium's CoreCoord is an alias of (UMD's
 *  umd/device/types/xy_pair.hpp). Its name and namespace are part of every host function that
 *  takes a core, so they match the release exactly. */
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

#include <fmt/format.h>

namespace tt {

/*! \brief A point of a 2-D grid: x is the column, y the row. */
struct xy_pair {
    std::size_t x = 0;
    std::size_t y = 0;

    constexpr xy_pair() = default;
    constexpr xy_pair(std::size_t x_in, std::size_t y_in) : x(x_in), y(y_in) {
    }

    std::string str() const {
        return "(x=" + std::to_string(x) + ",y=" + std::to_string(y) + ")";
    }
    constexpr bool operator==(const xy_pair &other) const {
        return x == other.x && y == other.y;
    }
    constexpr bool operator!=(const xy_pair &other) const {
        return !(*this == other);
    }
    /*! \brief Row-major order (y first), so sorted cores walk the grid row by row. */
    constexpr bool operator<(const xy_pair &other) const {
        return y < other.y || (y == other.y && x < other.x);
    }
};

inline std::ostream &operator<<(std::ostream &os, const xy_pair &pair) {
    return os << pair.str();
}

}  // namespace tt

using tt_xy_pair = tt::xy_pair;

template <>
struct std::hash<tt::xy_pair> {
    std::size_t operator()(const tt::xy_pair &pair) const noexcept {
        return std::hash<std::size_t>{}(pair.x) ^ (std::hash<std::size_t>{}(pair.y) << 1);
    }
};

template <>
struct fmt::formatter<tt::xy_pair> : fmt::formatter<std::string> {
    auto format(const tt::xy_pair &pair, fmt::format_context &ctx) const {
        return fmt::formatter<std::string>::format(pair.str(), ctx);
    }
};
