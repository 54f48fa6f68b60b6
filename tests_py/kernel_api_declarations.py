"""The simulator's kernel-API declarations compared with TT-Metalium v0.67's, both read by libclang.

The release's headers are parsed the way its JIT compiles a kernel (the firmware wrapper
``brisck.cc`` or ``trisck.cc`` with the JIT's include path, defines, generated descriptors and the
host-compiler stand-ins of :mod:`tilelang_tt.release_check.jit`); the simulator's as its JIT
compiles one (``tt_sim/kernel_common.h`` first, then the kernel). The "kernel" of both parses
includes the headers under comparison.

A declaration is compared by qualified name, return type, parameter types and default arguments,
and template parameters (kind, type, default); parameter names are not part of it. Two parameters
are left out on purpose: the simulator's trailing ``tt_sim::Loc`` (it captures the kernel's call
site for error messages) and the release's trailing ``uint32_t call_line = __builtin_LINE()``
(the same idea in the release). Types are compared canonically, for the device's 32-bit data model.
"""

import dataclasses
import os
import subprocess
import tempfile

import clang.cindex as ci

from tilelang_tt._core import target
from tilelang_tt.release_check import genfiles, jit

SIM_INCLUDE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tilelang_tt", "sim", "include")
# The simulator's stand-ins for what the release's firmware and generated files give every kernel.
SIM_IMPLICIT_HEADERS = ("tt_sim/kernel_common.h", "tt_sim/compute_api.h", "tt_sim/core_args.h", "tt_sim/cb_index.h")
# The folders of the kernel API, under the kernel include root of the release and of the simulator:
# the API proper and the experimental "Device 2.0" objects.
API_ROOTS = ("api", "experimental")
# Namespaces that hold the simulator's own machinery, not TT-Metalium API.
SIM_PRIVATE_NAMESPACES = ("tt_sim", "detail")
# What the reduce API's default template arguments name (the release requires the defines).
REDUCE_DEFINES = {"REDUCE_OP": "PoolType::SUM", "REDUCE_DIM": "ReduceDim::REDUCE_ROW"}
# TensorAccessor's deduction guides: they name its template argument, a DistributionSpec in the
# release and the TensorAccessorArgs type on the simulator; kernels never name it.
DEDUCTION_GUIDE = "<deduction guide for "
K = ci.CursorKind
TEMPLATE_PARAMETERS = (K.TEMPLATE_TYPE_PARAMETER, K.TEMPLATE_NON_TYPE_PARAMETER, K.TEMPLATE_TEMPLATE_PARAMETER)
FUNCTIONS = (K.FUNCTION_DECL, K.FUNCTION_TEMPLATE, K.CXX_METHOD, K.CONSTRUCTOR)
CLASSES = (K.STRUCT_DECL, K.CLASS_DECL, K.CLASS_TEMPLATE)


@dataclasses.dataclass(frozen=True)
class Declaration:
    """One function or member as compared; `where` (file:line) is for messages only."""

    name: str
    signature: str
    where: str = dataclasses.field(compare=False)


def _tokens(cursor):
    return " ".join(t.spelling for t in cursor.get_tokens())


def _default(cursor):
    tokens = [t.spelling for t in cursor.get_tokens()]
    return " ".join(tokens[tokens.index("=") + 1:]) if "=" in tokens else ""


def _template_parameter(cursor):
    kind = {K.TEMPLATE_TYPE_PARAMETER: "typename", K.TEMPLATE_TEMPLATE_PARAMETER: "template"}.get(cursor.kind)
    kind = kind or cursor.type.get_canonical().spelling
    pack = "..." if "..." in _tokens(cursor).split("=")[0] else ""
    return f"{kind}{pack}" + (f" = {_default(cursor)}" if _default(cursor) else "")


def _parameters(cursor, sim):
    params = [c for c in cursor.get_children() if c.kind == K.PARM_DECL]
    if params and sim and params[-1].type.get_canonical().spelling.endswith("tt_sim::Loc"):
        params = params[:-1]
    if params and not sim and params[-1].spelling == "call_line" and "__builtin_LINE" in _default(params[-1]):
        params = params[:-1]
    return [p.type.get_canonical().spelling + (f" = {_default(p)}" if _default(p) else "") for p in params]


def _result(cursor):
    """A function's result type: `auto` when declared so (what it deduces to is the body's business,
    and a lambda's type names the file it is in), otherwise the canonical type."""
    head = []
    for token in cursor.get_tokens():
        if token.spelling == cursor.spelling:
            if "auto" in head:
                return "auto"
            break
        head.append(token.spelling)
    return cursor.result_type.get_canonical().spelling


def _signature(cursor, sim):
    tparams = [_template_parameter(c) for c in cursor.get_children() if c.kind in TEMPLATE_PARAMETERS]
    result = "" if cursor.kind == K.CONSTRUCTOR else _result(cursor) + " "
    text = f"{result}({', '.join(_parameters(cursor, sim))})"
    if cursor.kind == K.CXX_METHOD:
        text = ("static " if cursor.is_static_method() else "") + text + (" const" if cursor.is_const_method() else "")
    return (f"template <{', '.join(tparams)}> " if tparams else "") + text


def _where(cursor):
    return f"{cursor.location.file.name if cursor.location.file else '?'}:{cursor.location.line}"


class Parse:
    """Every declaration of one translation unit, by qualified name: functions, the public members
    of classes (methods, static and non-static data members) and enumerators."""

    def __init__(self, source, args, sim):
        index = ci.Index.create()
        options = ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES | ci.TranslationUnit.PARSE_INCOMPLETE
        self.unit = index.parse(source, args=args, options=options)
        self.sim = sim
        self.declarations = {}
        self._walk(self.unit.cursor, [])

    def errors_in(self, prefix):
        """Errors reported inside files under prefix (the headers being compared must parse)."""
        return [f"{d.location.file}:{d.location.line}: {d.spelling}" for d in self.unit.diagnostics
                if d.severity >= ci.Diagnostic.Error and d.location.file and d.location.file.name.startswith(prefix)]

    def _add(self, name, signature, cursor):
        self.declarations.setdefault(name, []).append(Declaration(name, signature, _where(cursor)))

    def _walk(self, cursor, scope, in_class=False):
        for child in cursor.get_children():
            name = "::".join(scope + [child.spelling])
            if child.kind == K.NAMESPACE:
                self._walk(child, scope + [child.spelling])
            elif in_class and child.access_specifier not in (ci.AccessSpecifier.PUBLIC, ci.AccessSpecifier.INVALID):
                continue
            elif child.kind in FUNCTIONS and child.spelling:
                self._add(name, _signature(child, self.sim), child)
            elif child.kind in CLASSES and child.is_definition():
                self._add(name, child.kind.name.replace("_DECL", "").lower(), child)
                self._walk(child, scope + [child.spelling], in_class=True)
            elif in_class and child.kind in (K.FIELD_DECL, K.VAR_DECL):
                static = "static " if child.kind == K.VAR_DECL else ""
                self._add(name, f"{static}data member of type {child.type.get_canonical().spelling}", child)
            elif child.kind == K.ENUM_DECL and child.is_definition():
                self._add(name, "enum", child)
                for item in child.get_children():
                    self._add(f"{name}::{item.spelling}", f"enumerator = {item.enum_value}", item)


def sim_headers(sim_include=SIM_INCLUDE):
    """The simulator's kernel API headers, relative to its include root: api/** and experimental/**."""
    found = []
    for root in API_ROOTS:
        for folder, _, files in os.walk(os.path.join(sim_include, root)):
            found += [os.path.relpath(os.path.join(folder, f), sim_include) for f in files if f.endswith(".h")]
    return sorted(found)


def release_api_dirs(release_root):
    """The release's kernel API header folders (API_ROOTS under its kernel include root)."""
    return [os.path.join(release_root, "tt_metal", "hw", "inc", root) for root in API_ROOTS]


def _host_include_dirs():
    """The host compiler's own include directories, which libclang lacks (stddef.h, ...)."""
    out = subprocess.run(["g++", "-m32", "-E", "-x", "c++", "-", "-v"], input="", capture_output=True, text=True).stderr
    lines = out.split("#include <...> search starts here:")[1].split("End of search list.")[0].split("\n")
    return [flag for line in lines if line.strip() for flag in ("-isystem", line.strip())]


class Environments:
    """How to parse a kernel that includes some headers, in the release and in the simulator."""

    def __init__(self, release_root, work_dir, arch="wormhole_b0", device="n150"):
        self.root = release_root
        self.work_dir = work_dir
        self.headers = jit.ReleaseHeaders(release_root, arch, dict(target.lookup_device(device)))
        self.toolchain = jit.Toolchain.make(release_root, work_dir, need_sfpi=True)
        self.system = ["-x", "c++", "-std=c++17", "-m32", "-ferror-limit=0", *_host_include_dirs()]
        plan = {"circular_buffers": [{"name": "in", "cb_index": 0, "data_format": "Float16_b", "page_size": 2048}]}
        self.descriptors = genfiles.compute_descriptors(plan, {}, self.headers)

    def release(self, includes, compute):
        """Parse of the release's firmware wrapper around a kernel that includes `includes`."""
        processor = jit.TRISCS[1] if compute else jit.BRISC
        out_dir = tempfile.mkdtemp(dir=self.work_dir)
        kernel = os.path.join(out_dir, "kernel.cpp")
        with open(kernel, "w") as fh:
            fh.write("".join(f'#include "{h}"\n' for h in includes) + "void kernel_main() {}\n")
        generated = {"chlkc_descriptors.h": self.descriptors}
        if compute:
            generated["chlkc_math.cpp"] = f'#define TRISC_MATH\n#include "defines_generated.h"\n#include "{kernel}"\n'
            generated["defines_generated.h"] = "".join(f"#define {k} {v}\n" for k, v in REDUCE_DEFINES.items())
        else:
            generated["kernel_includes.hpp"] = f'#include "{kernel}"\n'
        for name, text in generated.items():
            with open(os.path.join(out_dir, name), "w") as fh:
                fh.write(text)
        defines = self.headers.defines(processor) + ["-DNOC_INDEX=0", f"-DNOC_MODE={jit.DEDICATED_NOC_MODE}"]
        # The JIT runs the compiler in the kernel's output directory: "." and ".." are relative to it.
        relative = {"-I.": f"-I{out_dir}", "-I..": f"-I{os.path.dirname(out_dir)}"}
        includes_flags = [relative.get(f, f) for f in self.headers.includes(processor, self.toolchain)]
        args = [*self.system, *includes_flags, "-include", self.toolchain.prelude, *defines]
        if not compute:
            args += [f"-D{k}={v}" for k, v in REDUCE_DEFINES.items()]
        wrapper = os.path.join(self.headers.firmware_dir, processor.firmware)
        return Parse(wrapper, args, sim=False)

    def sim(self, includes, compute, sim_include=SIM_INCLUDE):
        """Parse of the simulator's JIT wrapper around a kernel that includes `includes`."""
        source = os.path.join(tempfile.mkdtemp(dir=self.work_dir), "wrapper.cpp")
        with open(source, "w") as fh:
            fh.write("constexpr unsigned char tt_sim_cb_data_format[64] = {5};\n"
                     "constexpr unsigned tt_sim_cb_tile_size[64] = {2048};\n")
            fh.write('#include "tt_sim/compute_api.h"\n' if compute else '#include "api/dataflow/dataflow_api.h"\n')
            fh.write("".join(f'#include "{h}"\n' for h in includes))
        # What the simulator's JIT defines for the kernel's processor (headers with a compute and a
        # data-movement variant, as experimental/circular_buffer.h, choose by it).
        defines = [f"-D{k}={v}" for k, v in REDUCE_DEFINES.items()]
        defines.append("-DCOMPILE_FOR_TRISC=1" if compute else "-DCOMPILE_FOR_BRISC=1")
        return Parse(source, [*self.system, f"-I{sim_include}", *defines], sim=True)


def api_declarations(parse, sim_include=SIM_INCLUDE):
    """The simulator's public declarations: its api/** headers and the headers that stand for what
    the release's firmware gives every kernel (SIM_IMPLICIT_HEADERS)."""
    places = [os.path.join(sim_include, root) + os.sep for root in API_ROOTS]
    places += [os.path.join(sim_include, h) for h in SIM_IMPLICIT_HEADERS]
    return [d for decls in parse.declarations.values() for d in decls
            if d.where.startswith(tuple(places)) and not any(part in SIM_PRIVATE_NAMESPACES for part in d.name.split("::"))]


def mismatches(sim_parse, release_parse, sim_include=SIM_INCLUDE):
    """One line per simulator declaration the release does not declare identically."""
    problems = []
    for decl in api_declarations(sim_parse, sim_include):
        if decl.name.startswith(DEDUCTION_GUIDE):
            continue
        candidates = release_parse.declarations.get(decl.name, [])
        where = os.path.relpath(decl.where, sim_include)
        same = [c for c in candidates if c.signature == decl.signature]
        if same:
            # A declaration the release makes in a public header is made in the same header (the
            # simulator's shared pieces, included by those headers, aside).
            headers = {_api_header(c.where) for c in same}
            in_api = where.startswith(tuple(root + os.sep for root in API_ROOTS))
            if in_api and None not in headers and where.split(":")[0] not in headers:
                problems.append(f"{where}: {decl.name}: v0.67 declares it in {', '.join(sorted(headers))}")
            continue
        if not candidates:
            problems.append(f"{where}: {decl.name} {decl.signature}: v0.67 declares no {decl.name}")
        else:
            release = "; ".join(sorted({c.signature for c in candidates}))
            problems.append(f"{where}: {decl.name} {decl.signature}: v0.67 declares it as {release}")
    return problems


def _api_header(where):
    """api/... (or experimental/...) of a release declaration's header, or None for the release's
    internal headers."""
    path = where.rsplit(":", 1)[0]
    for root in API_ROOTS:
        marker = os.sep + os.path.join("hw", "inc", root) + os.sep
        if marker in path:
            return root + os.sep + path.split(marker, 1)[1]
    return None


def visible_api_names(parse, sim_include=SIM_INCLUDE):
    """Names of the simulator's API declarations a kernel of this parse can use."""
    return {d.name for d in api_declarations(parse, sim_include)}


def headers_the_release_lacks(release_root, sim_include=SIM_INCLUDE):
    """The simulator's API headers (sim_headers) that are not at the same path in the release."""
    inc = os.path.join(release_root, "tt_metal", "hw", "inc")
    return [h for h in sim_headers(sim_include) if not os.path.isfile(os.path.join(inc, h))]
