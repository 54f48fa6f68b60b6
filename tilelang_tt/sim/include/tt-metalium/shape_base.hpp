/*! \file shape_base.hpp
 *  \brief tt::tt_metal::ShapeBase (TT-Metalium's tt-metalium/shape_base.hpp): dimensions,
 *  outermost first, indexable from the end with negative indices. Inline on the simulator. */
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <tt_stl/small_vector.hpp>
#include <tt_stl/span.hpp>

namespace tt::tt_metal {

class ShapeBase {
public:
    using Container = tt::stl::SmallVector<uint32_t>;

    ShapeBase() { init(); }
    explicit ShapeBase(const Container &shape) : value_(shape) { init(); }
    explicit ShapeBase(Container &&shape) : value_(std::move(shape)) { init(); }
    template<typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
    explicit ShapeBase(const tt::stl::SmallVector<T> &shape) : value_(shape.begin(), shape.end()) {
        init();
    }
    explicit ShapeBase(std::initializer_list<uint32_t> ilist) : value_(ilist) { init(); }
    template<std::size_t N> explicit ShapeBase(const std::array<uint32_t, N> &arr) : value_(arr.begin(), arr.end()) {
        init();
    }
    explicit ShapeBase(tt::stl::Span<const uint32_t> span) : value_(span.begin(), span.end()) { init(); }

    template<std::size_t N> bool operator==(const std::array<uint32_t, N> &other) const {
        return value_.size() == N && std::equal(value_.begin(), value_.end(), other.begin());
    }
    bool operator==(const ShapeBase &other) const {
        return static_cast<const std::vector<uint32_t> &>(value_) == other.value_;
    }
    bool operator==(const Container &other) const {
        return static_cast<const std::vector<uint32_t> &>(value_) == other;
    }
    bool operator==(const std::vector<uint32_t> &other) const {
        return static_cast<const std::vector<uint32_t> &>(value_) == other;
    }

    /*! \brief Dimension `index`; a negative index counts from the innermost (-1). */
    uint32_t operator[](int32_t index) const { return value_[normalized(index)]; }
    uint32_t &operator[](int32_t index) { return value_[normalized(index)]; }

    Container::const_iterator cbegin() const { return value_.cbegin(); }
    Container::const_iterator cend() const { return value_.cend(); }
    tt::stl::Span<const uint32_t> view() const { return {value_.data(), value_.size()}; }
    bool empty() const { return value_.empty(); }

protected:
    void init() { original_size_ = value_.size(); }
    size_t size() const { return original_size_; }

    Container value_;

private:
    size_t normalized(int32_t index) const {
        const int64_t rank = static_cast<int64_t>(value_.size());
        const int64_t i = index < 0 ? index + rank : index;
        if (i < 0 || i >= rank)
            throw std::out_of_range("shape index " + std::to_string(index) + " is outside a shape of rank " +
                                    std::to_string(rank));
        return static_cast<size_t>(i);
    }

    size_t original_size_ = 0;
};

}  // namespace tt::tt_metal
