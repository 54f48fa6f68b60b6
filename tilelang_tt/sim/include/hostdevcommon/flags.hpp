/*! \file flags.hpp
 *  \brief Flags<E>, a set of bits named by an enum (TT-Metalium's hostdevcommon/flags.hpp). Its name
 *  is part of TensorAccessorArgs' constructors, so it lives in the global namespace as there.
 *  Kernels include it too, so it stays C++17. */
#pragma once

#include <type_traits>

template <typename E>
class Flags {
public:
    using Underlying = std::underlying_type_t<E>;

    constexpr Flags() = default;
    constexpr Flags(E flag) : bits_(static_cast<Underlying>(flag)) {  // NOLINT: implicit, like the release
    }
    constexpr explicit Flags(Underlying bits) : bits_(bits) {
    }
    constexpr Flags operator|(Flags other) const {
        return Flags(static_cast<Underlying>(bits_ | other.bits_));
    }
    constexpr Flags &operator|=(Flags other) {
        bits_ |= other.bits_;
        return *this;
    }
    constexpr bool test(E flag) const {
        return (bits_ & static_cast<Underlying>(flag)) != 0;
    }
    constexpr void set(E flag, bool value = true) {
        bits_ = static_cast<Underlying>(value ? (bits_ | static_cast<Underlying>(flag))
                                              : (bits_ & ~static_cast<Underlying>(flag)));
    }
    constexpr Underlying raw() const {
        return bits_;
    }
    constexpr bool operator==(const Flags &other) const {
        return bits_ == other.bits_;
    }
    constexpr bool operator!=(const Flags &other) const {
        return bits_ != other.bits_;
    }

private:
    Underlying bits_ = 0;
};

template <typename E, typename = std::enable_if_t<std::is_enum_v<E>>>
constexpr Flags<E> operator|(E a, E b) {
    return Flags<E>(a) | Flags<E>(b);
}
