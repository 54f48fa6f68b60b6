/*! \file code_writer.h
 *  \brief Line-oriented writer for generated text that is not printed from IR (the host program,
 *  CMakeLists.txt): indentation, blocks and comments in one place, so each emitter is a sequence
 *  of calls that reads like the text it produces.
 */
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tt::codegen {

class CodeWriter {
public:
    explicit CodeWriter(std::string comment_prefix = "//", int indent_width = 4)
        : comment_prefix_(std::move(comment_prefix)), indent_width_(indent_width) {
    }

    /*! \brief One line at the current indentation; an empty text gives an empty line (no trailing
     *  spaces, so generated files stay diff-clean). */
    void line(const std::string &text = "");
    /*! \brief A comment line ("// text", or "#" for CMake); an empty text gives a bare prefix. */
    void comment(const std::string &text);
    /*! \brief `head {` (a bare `{` for an empty head) then indents; close() undoes it. */
    void open(const std::string &head);
    /*! \brief Unindents, then `}` followed by `suffix` (e.g. ";" or "  // namespace"). */
    void close(const std::string &suffix = "");
    void indent() {
        ++depth_;
    }
    void dedent();

    std::string str() const {
        return os_.str();
    }

private:
    std::ostringstream os_;
    std::string comment_prefix_;
    int indent_width_;
    int depth_ = 0;
};

/*! \brief The items separated by `separator` ("a, b, c"). */
std::string join(const std::vector<std::string> &items, const std::string &separator);

/*! \brief `text` as a C++ string literal, with quotes and escapes. */
std::string cpp_string_literal(const std::string &text);

}  // namespace tt::codegen
