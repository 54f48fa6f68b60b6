/*! \file assert.hpp
 *  \brief TT_THROW, TT_FATAL and TT_ASSERT (TT-Metalium's tt_stl/assert.hpp). A failed check
 *  throws std::runtime_error naming the file, the line, the macro, the failed condition and the
 *  fmt-formatted message, as the release does; TT_ASSERT checks only in DEBUG builds. */
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/base.h>
#include <fmt/format.h>

namespace tt::assert {

/*! \brief Throw std::runtime_error for a failed TT_THROW / TT_FATAL / TT_ASSERT. `condition` is
 *  empty for TT_THROW; `message` is an fmt format string for `args`. */
template <typename... Args>
[[noreturn]] void tt_throw(const char *file, int line, std::string_view macro, std::string_view condition,
                           std::string_view message = {}, const Args &...args) {
    std::string what = fmt::format("{} @ {}:{}", macro, file, line);
    if (!condition.empty()) what += fmt::format(": {}", condition);
    if (!message.empty()) what += "\ninfo:\n" + fmt::vformat(message, fmt::make_format_args(args...));
    throw std::runtime_error(what);
}

}  // namespace tt::assert

#ifndef TT_THROW
#define TT_THROW(...) ::tt::assert::tt_throw(__FILE__, __LINE__, "TT_THROW", "", ##__VA_ARGS__)
#endif

#ifndef TT_FATAL
#define TT_FATAL(condition, message, ...)                                                                  \
    do {                                                                                                   \
        if (!(condition)) [[unlikely]]                                                                     \
            ::tt::assert::tt_throw(__FILE__, __LINE__, "TT_FATAL", #condition, message, ##__VA_ARGS__);   \
    } while (0)
#endif

#ifndef TT_ASSERT
#ifdef DEBUG
#define TT_ASSERT(condition, ...)                                                                          \
    do {                                                                                                   \
        if (!(condition)) [[unlikely]]                                                                     \
            ::tt::assert::tt_throw(__FILE__, __LINE__, "TT_ASSERT", #condition, ##__VA_ARGS__);           \
    } while (0)
#else
#define TT_ASSERT(condition, ...) ((void)sizeof(condition))
#endif
#endif
