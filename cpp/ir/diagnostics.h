/*! \file diagnostics.h
 *  \brief Errors raised by the compiler and the simulator.
 *
 *  Two families, as in every good compiler: user errors (the kernel, its options or the program
 *  under simulation are wrong; the message says what, where and what to do instead) and internal
 *  errors (a bug in tilelang-tt; the message names the C++ file and line that caught it).
 *  Every class derives from Error; the Python bindings map each ErrorKind onto one exception class
 *  of tilelang_tt.errors, so nothing thrown here ever aborts the process.
 */
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace tt {

/*! \brief A position in kernel source. Line and column are 1-based; 0 means "unknown". */
struct Span {
    std::string file;
    int line = 0;
    int col = 0;

    bool defined() const {
        return line > 0;
    }
    /*! \brief "file:line:col", or "<unknown>" when undefined. */
    std::string to_string() const;
};

/*! \brief Which Python exception an Error maps onto. */
enum class ErrorKind {
    Syntax,      ///< kernel source uses a construct that is not TileLang or not supported
    Validation,  ///< well-formed input that violates a rule (shapes, types, L1 budget, options)
    Simulation,  ///< a TT-Metalium program misbehaved on the simulator (protocol, deadlock, bounds)
    Internal,    ///< a bug in tilelang-tt itself
};

/*! \brief Base of every error tilelang-tt throws. what() is the full, formatted message. */
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string &message, Span span = Span());
    ErrorKind kind() const {
        return kind_;
    }
    const Span &span() const {
        return span_;
    }
    /*! \brief The message without location decoration. */
    const std::string &message() const {
        return message_;
    }

private:
    ErrorKind kind_;
    std::string message_;
    Span span_;
};

/*! \brief Formats "file:line:col: error: msg" plus the source line and a caret when the file can be
 *  read. Shared by every error that points into kernel source. */
std::string format_located(const std::string &message, const Span &span);

/*! \brief Streams a message, then throws on destruction. Usage:
 *  `throw_user(ErrorKind::Validation, span) << "buffer " << name << " ...";`
 */
class ErrorBuilder {
public:
    ErrorBuilder(ErrorKind kind, Span span, const char *file = nullptr, int line = 0)
        : kind_(kind), span_(std::move(span)), file_(file), line_(line) {
    }
    template<typename T>
    ErrorBuilder &operator<<(const T &value) {
        os_ << value;
        return *this;
    }
    [[noreturn]] ~ErrorBuilder() noexcept(false);

private:
    ErrorKind kind_;
    Span span_;
    const char *file_;
    int line_;
    std::ostringstream os_;
};

}  // namespace tt

/*! \brief A user error located at `span`: `TT_USER_ERROR(Validation, span) << "...";` */
#define TT_USER_ERROR(kind, span) ::tt::ErrorBuilder(::tt::ErrorKind::kind, (span))
/*! \brief Checks a compiler invariant; on failure throws an internal error naming this file:line. */
#define TT_ICHECK(cond) \
    if (!(cond)) ::tt::ErrorBuilder(::tt::ErrorKind::Internal, ::tt::Span(), __FILE__, __LINE__) << "check failed: " #cond ": "
