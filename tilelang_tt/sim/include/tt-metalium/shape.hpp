/*! \file shape.hpp
 *  \brief tt::tt_metal::Shape (TT-Metalium's tt-metalium/shape.hpp): a tensor's dimensions,
 *  outermost first. Constructed explicitly, as in the release: Shape({4, 8}), Shape(small_vector),
 *  Shape(std::array), Shape(span). Inline on the simulator. */
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>

#include <tt-metalium/shape_base.hpp>

namespace tt::tt_metal {

class Shape final : protected ShapeBase {
public:
    using ShapeBase::ShapeBase;
    using ShapeBase::operator[];
    using ShapeBase::cbegin;
    using ShapeBase::cend;
    using ShapeBase::empty;
    using ShapeBase::size;
    using ShapeBase::view;

    template<std::size_t N> bool operator==(const std::array<uint32_t, N> &other) const {
        return ShapeBase::operator==(other);
    }
    bool operator==(const Shape &other) const { return ShapeBase::operator==(other); }
    bool operator==(const ShapeBase::Container &other) const { return ShapeBase::operator==(other); }

    [[nodiscard]] size_t rank() const { return value_.size(); }
    /*! \brief Product of the dimensions (1 for rank 0). */
    [[nodiscard]] uint64_t volume() const {
        uint64_t v = 1;
        for (uint32_t d : value_) v *= d;
        return v;
    }
};

inline std::ostream &operator<<(std::ostream &os, const Shape &shape) {
    os << "Shape([";
    for (size_t i = 0; i < shape.rank(); ++i) os << (i ? ", " : "") << shape[static_cast<int32_t>(i)];
    return os << "])";
}

}  // namespace tt::tt_metal
