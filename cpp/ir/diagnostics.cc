// User and internal errors, and the formatter of located messages (diagnostics.h).
#include "ir/diagnostics.h"

#include <fstream>

namespace tt {

std::string Span::to_string() const {
    if (!defined()) return "<unknown>";
    std::ostringstream os;
    os << (file.empty() ? "<kernel>" : file) << ":" << line << ":" << col;
    return os.str();
}

std::string format_located(const std::string &message, const Span &span) {
    if (!span.defined()) return message;
    std::ostringstream os;
    os << span.to_string() << ": error: " << message;
    std::ifstream in(span.file);
    std::string text;
    for (int i = 1; in && std::getline(in, text); ++i) {
        if (i != span.line) continue;
        os << "\n    " << text << "\n    " << std::string(span.col > 1 ? span.col - 1 : 0, ' ') << "^";
        break;
    }
    return os.str();
}

Error::Error(ErrorKind kind, const std::string &message, Span span)
    : std::runtime_error(format_located(message, span)), kind_(kind), message_(message), span_(std::move(span)) {
}

ErrorBuilder::~ErrorBuilder() noexcept(false) {
    std::string msg = os_.str();
    if (kind_ == ErrorKind::Internal && file_) {
        msg = "internal error (" + std::string(file_) + ":" + std::to_string(line_) + "): " + msg +
              "\nThis is a bug in tilelang-tt; please report it with the kernel that triggered it.";
    }
    throw Error(kind_, msg, span_);
}

}  // namespace tt
