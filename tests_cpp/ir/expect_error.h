/*! \file expect_error.h
 *  \brief Asserting that a call raises a tt::Error of a given kind with a given message.
 */
#pragma once

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "ir/diagnostics.h"

namespace tt::ir::testing {

inline const char *error_kind_name(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Syntax: return "Syntax";
    case ErrorKind::Validation: return "Validation";
    case ErrorKind::Simulation: return "Simulation";
    case ErrorKind::Internal: return "Internal";
    }
    return "?";
}

/*! \brief Success when `action` throws a tt::Error of `kind` whose message contains `fragment`;
 *  anything else (no throw, another kind, another message, a foreign exception) is a failure that
 *  says what happened instead. */
inline ::testing::AssertionResult raises(ErrorKind kind, const std::string &fragment,
                                         const std::function<void()> &action) {
    try {
        action();
    } catch (const Error &e) {
        if (e.kind() != kind) {
            return ::testing::AssertionFailure() << "raised a " << error_kind_name(e.kind()) << " error instead of "
                                                 << error_kind_name(kind) << ": " << e.what();
        }
        if (e.message().find(fragment) == std::string::npos) {
            return ::testing::AssertionFailure() << "message \"" << e.message() << "\" lacks \"" << fragment << "\"";
        }
        return ::testing::AssertionSuccess();
    } catch (const std::exception &e) {
        return ::testing::AssertionFailure() << "raised a foreign exception: " << e.what();
    }
    return ::testing::AssertionFailure() << "raised nothing; expected \"" << fragment << "\"";
}

}  // namespace tt::ir::testing
