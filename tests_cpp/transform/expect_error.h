/*! \file expect_error.h
 *  \brief The check of a pass's user errors in the pass tests: kind Validation, the message
 *  containing a text, located at a source line. Header-only so any test target can include it.
 */
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "ir/diagnostics.h"
#include "ir/ir.h"

namespace tt::testing {

/*! \brief Runs `run` and expects a Validation error whose message contains `message`, at `at`'s line. */
inline void expect_validation_error(const std::function<void()> &run, const std::string &message, const Span &at) {
    try {
        run();
        FAIL() << "expected a Validation error containing: " << message;
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        EXPECT_EQ(e.span().line, at.line) << e.what();
    }
}

}  // namespace tt::testing
