// tilelang_tt._core: C++ errors (tt::Error) become the tilelang_tt.errors classes, with their
// source location, and pybind11's conversion errors ValidationErrors; and the one formatter of
// located messages.
#include "bindings/define.h"
#include "ir/diagnostics.h"

namespace py = pybind11;

namespace tt::bindings {

void define_errors(py::module_ &m) {
    // The Python classes live in tilelang_tt.errors; _core only needs to raise them, so they are
    // created there and looked up lazily here to keep one definition of the hierarchy.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error &e) {
            py::module_ errors = py::module_::import("tilelang_tt.errors");
            const char *cls = "InternalError";
            switch (e.kind()) {
            case ErrorKind::Syntax: cls = "TTSyntaxError"; break;
            case ErrorKind::Validation: cls = "ValidationError"; break;
            case ErrorKind::Simulation: cls = "SimulationError"; break;
            case ErrorKind::Internal: cls = "InternalError"; break;
            }
            py::object exc_type = errors.attr(cls);
            py::object exc = exc_type(py::str(e.what()));
            const Span &s = e.span();
            exc.attr("file") = s.file.empty() ? py::object(py::none()) : py::object(py::str(s.file));
            exc.attr("line") = s.line > 0 ? py::object(py::int_(s.line)) : py::object(py::none());
            exc.attr("col") = s.col > 0 ? py::object(py::int_(s.col)) : py::object(py::none());
            exc.attr("message") = py::str(e.message());
            PyErr_SetObject(exc_type.ptr(), exc.ptr());
        } catch (const py::cast_error &e) {
            // A Python value of the wrong type for a C++ parameter (e.g. a span whose file is not a
            // string): the caller's mistake, so a ValidationError rather than pybind11's RuntimeError.
            py::object exc_type = py::module_::import("tilelang_tt.errors").attr("ValidationError");
            PyErr_SetObject(exc_type.ptr(),
                            exc_type(py::str(std::string("a value has the wrong type: ") + e.what())).ptr());
        }
    });
    m.def("format_located", [](const std::string &message, const std::string &file, int line, int col) {
        return format_located(message, Span{file, line, col});
    }, "The one formatter of located messages: 'file:line:col: error: msg', the source line and a caret.");
}

}  // namespace tt::bindings
