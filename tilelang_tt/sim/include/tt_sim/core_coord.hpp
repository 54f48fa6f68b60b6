/*! \file core_coord.hpp
 *  \brief CoreCoord, CoreRange, CoreRangeSet (TT-Metalium's tt-metalium/core_coord.hpp). */
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/*! \brief A logical core position in the worker grid (x = column, y = row). */
struct CoreCoord {
    std::size_t x = 0;
    std::size_t y = 0;

    CoreCoord() = default;
    CoreCoord(std::size_t x_in, std::size_t y_in) : x(x_in), y(y_in) {
    }
    std::string str() const {
        return "(x=" + std::to_string(x) + ",y=" + std::to_string(y) + ")";
    }
    bool operator==(const CoreCoord &o) const {
        return x == o.x && y == o.y;
    }
    bool operator!=(const CoreCoord &o) const {
        return !(*this == o);
    }
    bool operator<(const CoreCoord &o) const {
        return y < o.y || (y == o.y && x < o.x);
    }
};

/*! \brief An inclusive rectangle of cores. */
class CoreRange {
public:
    CoreCoord start_coord;
    CoreCoord end_coord;

    CoreRange(const CoreCoord &point) : start_coord(point), end_coord(point) {
    }
    CoreRange(const CoreCoord &start, const CoreCoord &end) : start_coord(start), end_coord(end) {
    }
    bool contains(const CoreCoord &c) const {
        return c.x >= start_coord.x && c.x <= end_coord.x && c.y >= start_coord.y && c.y <= end_coord.y;
    }
    std::size_t size() const {
        return (end_coord.x - start_coord.x + 1) * (end_coord.y - start_coord.y + 1);
    }
    CoreCoord grid_size() const {
        return {end_coord.x - start_coord.x + 1, end_coord.y - start_coord.y + 1};
    }
    std::string str() const {
        return "[" + start_coord.str() + " - " + end_coord.str() + "]";
    }
    bool operator==(const CoreRange &o) const {
        return start_coord == o.start_coord && end_coord == o.end_coord;
    }
};

/*! \brief A set of core rectangles. */
class CoreRangeSet {
public:
    CoreRangeSet() = default;
    CoreRangeSet(const CoreRange &range) : ranges_{range} {
    }
    CoreRangeSet(const std::vector<CoreRange> &ranges) : ranges_(ranges) {
    }
    CoreRangeSet(std::initializer_list<CoreRange> ranges) : ranges_(ranges) {
    }
    const std::vector<CoreRange> &ranges() const {
        return ranges_;
    }
    std::size_t size() const {
        return ranges_.size();
    }
    bool empty() const {
        return ranges_.empty();
    }
    std::size_t num_cores() const {
        std::size_t n = 0;
        for (const CoreRange &r : ranges_) n += r.size();
        return n;
    }
    bool contains(const CoreCoord &c) const {
        return std::any_of(ranges_.begin(), ranges_.end(), [&](const CoreRange &r) { return r.contains(c); });
    }
    CoreRangeSet merge(const CoreRangeSet &other) const {
        std::vector<CoreRange> all = ranges_;
        all.insert(all.end(), other.ranges_.begin(), other.ranges_.end());
        return CoreRangeSet(all);
    }
    /*! \brief Smallest rectangle holding every range. */
    CoreRange bounding_box() const {
        CoreCoord lo = ranges_.at(0).start_coord, hi = ranges_.at(0).end_coord;
        for (const CoreRange &r : ranges_) {
            lo = {std::min(lo.x, r.start_coord.x), std::min(lo.y, r.start_coord.y)};
            hi = {std::max(hi.x, r.end_coord.x), std::max(hi.y, r.end_coord.y)};
        }
        return {lo, hi};
    }
    std::string str() const {
        std::string s = "{";
        for (const CoreRange &r : ranges_) s += r.str();
        return s + "}";
    }

private:
    std::vector<CoreRange> ranges_;
};

/*! \brief The cores of `crs`, row by row (row_wise) or column by column, at most `max_cores`. */
inline std::vector<CoreCoord> corerange_to_cores(const CoreRangeSet &crs, std::optional<uint32_t> max_cores = std::nullopt,
                                                 bool row_wise = false) {
    std::vector<CoreCoord> cores;
    for (const CoreRange &r : crs.ranges()) {
        if (row_wise) {
            for (std::size_t y = r.start_coord.y; y <= r.end_coord.y; ++y)
                for (std::size_t x = r.start_coord.x; x <= r.end_coord.x; ++x) cores.emplace_back(x, y);
        } else {
            for (std::size_t x = r.start_coord.x; x <= r.end_coord.x; ++x)
                for (std::size_t y = r.start_coord.y; y <= r.end_coord.y; ++y) cores.emplace_back(x, y);
        }
    }
    if (max_cores && cores.size() > *max_cores) cores.resize(*max_cores);
    return cores;
}

namespace tt::tt_metal {
using ::CoreCoord;
using ::CoreRange;
using ::CoreRangeSet;
using ::corerange_to_cores;
}  // namespace tt::tt_metal
