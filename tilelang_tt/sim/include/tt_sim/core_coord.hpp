/*! \file core_coord.hpp
 *  \brief CoreCoord, CoreRange and CoreRangeSet (TT-Metalium's tt-metalium/core_coord.hpp).
 *  CoreCoord is tt::xy_pair and the ranges live in tt::tt_metal, as in the release, because those
 *  names are part of the host functions' link names. Everything here is inline. */
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "umd/device/types/xy_pair.hpp"

using CoreCoord = tt_xy_pair;

namespace tt::tt_metal {

/*! \brief An inclusive rectangle of cores; range-for visits its cores row by row. */
class CoreRange {
public:
    CoreCoord start_coord;
    CoreCoord end_coord;

    CoreRange(const CoreCoord &point) : start_coord(point), end_coord(point) {  // NOLINT: implicit as released
    }
    CoreRange(const CoreCoord &start, const CoreCoord &end) : start_coord(start), end_coord(end) {
    }

    bool contains(const CoreCoord &c) const {
        return c.x >= start_coord.x && c.x <= end_coord.x && c.y >= start_coord.y && c.y <= end_coord.y;
    }
    bool contains(const CoreRange &other) const {
        return contains(other.start_coord) && contains(other.end_coord);
    }
    bool intersects(const CoreRange &o) const {
        return start_coord.x <= o.end_coord.x && o.start_coord.x <= end_coord.x && start_coord.y <= o.end_coord.y &&
               o.start_coord.y <= end_coord.y;
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
    bool operator!=(const CoreRange &o) const {
        return !(*this == o);
    }
    bool operator<(const CoreRange &o) const {
        return end_coord < o.end_coord || (end_coord == o.end_coord && start_coord < o.start_coord);
    }

    /*! \brief Walks x fastest, then y; `end()` is the first core of the row past the range. */
    class CoreIterator {
    public:
        CoreIterator(const CoreCoord &current, const CoreRange &range) : current_(current), range_(&range) {
        }
        CoreCoord &operator*() {
            return current_;
        }
        CoreIterator &operator++() {
            if (current_.x < range_->end_coord.x) {
                ++current_.x;
            } else {
                current_ = {range_->start_coord.x, current_.y + 1};
            }
            return *this;
        }
        bool operator==(const CoreIterator &o) const {
            return current_ == o.current_;
        }
        bool operator!=(const CoreIterator &o) const {
            return !(*this == o);
        }

    private:
        CoreCoord current_;
        const CoreRange *range_;
    };
    CoreIterator begin() const {
        return CoreIterator(start_coord, *this);
    }
    CoreIterator end() const {
        return CoreIterator({start_coord.x, end_coord.y + 1}, *this);
    }
};

/*! \brief A set of core rectangles. */
class CoreRangeSet {
public:
    CoreRangeSet() = default;
    CoreRangeSet(const CoreRange &range) : ranges_{range} {  // NOLINT: implicit as released
    }
    CoreRangeSet(std::span<const CoreRange> ranges) : ranges_(ranges.begin(), ranges.end()) {  // NOLINT
    }
    CoreRangeSet(std::vector<CoreRange> &&ranges) : ranges_(std::move(ranges)) {  // NOLINT
    }
    CoreRangeSet(const std::set<CoreRange> &ranges) : ranges_(ranges.begin(), ranges.end()) {  // NOLINT
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
    uint32_t num_cores() const {
        std::size_t n = 0;
        for (const CoreRange &r : ranges_) n += r.size();
        return static_cast<uint32_t>(n);
    }
    bool contains(const CoreCoord &c) const {
        return std::any_of(ranges_.begin(), ranges_.end(), [&](const CoreRange &r) { return r.contains(c); });
    }
    bool intersects(const CoreCoord &c) const {
        return contains(c);
    }
    bool intersects(const CoreRange &range) const {
        return std::any_of(ranges_.begin(), ranges_.end(), [&](const CoreRange &r) { return r.intersects(range); });
    }
    /*! \brief This set plus the ranges of `other` (a CoreCoord, CoreRange or CoreRangeSet). */
    template <typename T>
    CoreRangeSet merge(const T &other) const {
        std::vector<CoreRange> all = ranges_;
        if constexpr (std::is_same_v<T, CoreRangeSet>) {
            all.insert(all.end(), other.ranges_.begin(), other.ranges_.end());
        } else {
            all.push_back(CoreRange(other));
        }
        return CoreRangeSet(std::move(all));
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
    bool operator==(const CoreRangeSet &o) const {
        return ranges_ == o.ranges_;
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

using ::CoreCoord;

}  // namespace tt::tt_metal

using tt::tt_metal::CoreRange;
using tt::tt_metal::CoreRangeSet;
using tt::tt_metal::corerange_to_cores;

template <>
struct fmt::formatter<tt::tt_metal::CoreRange> : fmt::formatter<std::string> {
    auto format(const tt::tt_metal::CoreRange &range, fmt::format_context &ctx) const {
        return fmt::formatter<std::string>::format(range.str(), ctx);
    }
};
template <>
struct fmt::formatter<tt::tt_metal::CoreRangeSet> : fmt::formatter<std::string> {
    auto format(const tt::tt_metal::CoreRangeSet &set, fmt::format_context &ctx) const {
        return fmt::formatter<std::string>::format(set.str(), ctx);
    }
};
