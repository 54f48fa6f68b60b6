// CodeWriter: indentation, blocks and comments of generated host-side text (code_writer.h).
#include "codegen/code_writer.h"

#include <cstdio>

#include "ir/diagnostics.h"

namespace tt::codegen {

void CodeWriter::line(const std::string &text) {
    if (!text.empty()) os_ << std::string(static_cast<size_t>(depth_ * indent_width_), ' ') << text;
    os_ << '\n';
}

void CodeWriter::comment(const std::string &text) {
    line(text.empty() ? comment_prefix_ : comment_prefix_ + " " + text);
}

void CodeWriter::open(const std::string &head) {
    line(head.empty() ? "{" : head + " {");
    indent();
}

void CodeWriter::close(const std::string &suffix) {
    dedent();
    line("}" + suffix);
}

void CodeWriter::dedent() {
    TT_ICHECK(depth_ > 0) << "unbalanced close() in generated code";
    --depth_;
}

std::string join(const std::vector<std::string> &items, const std::string &separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
    return out;
}

std::string cpp_string_literal(const std::string &text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char hex[8];
                std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
                out += hex;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

}  // namespace tt::codegen
