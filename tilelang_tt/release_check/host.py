"""The host check: every TT-Metalium function a generated host program calls, looked up in the
release's ``libtt_metal.so``.

The release wheel ships no host headers but ships the library. ``main.cpp`` is compiled against the
simulator's headers (which declare the release's API) into an object file at ``-O0``, so that
every function it uses is either an undefined symbol (declared by the headers, defined in a
library) or a weak definition (inline or template code of the headers). Each TT-Metalium symbol
is then looked up, by its mangled name, in the library's exported symbols, as the linker would:
  * undefined and exported: **resolved**;
  * undefined and not exported: **missing**, the program cannot link against the release;
  * defined inline by the simulator's headers and not exported: **unchecked**, the release may
    define it inline too, and its host headers are not in the wheel to tell;
  * in the simulator's own namespace (``tt_sim``): simulator internals, reached from its inline
    code; not TT-Metalium's.
"""

import dataclasses
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

from .errors import ReleaseMismatchError, ReleaseUnavailableError
from .release import RELEASE_VERSION, release_root

# Symbols of the C++ runtime, the standard library and fmt (a library TT-Metalium's headers use,
# linked beside it), not TT-Metalium's own.
_FOREIGN = re.compile(r"^(?:std::|__gnu_cxx::|__cxxabiv1::|fmt::|operator (?:new|delete)|__cxa_|__gxx_|_GLOBAL_)")
_SIMULATOR = re.compile(r"^tt_sim::")
_SPECIAL = re.compile(r"^(?:vtable|typeinfo|typeinfo name|VTT|guard variable|construction vtable) for ")
HOST_FLAGS = ("-std=c++20", "-O0", "-c")


@dataclasses.dataclass(frozen=True)
class HostSymbol:
    mangled: str
    name: str  # demangled
    inline: bool  # defined (weak) by the headers rather than left to a library


@dataclasses.dataclass
class HostProgramCheck:
    """The TT-Metalium symbols of one host program, sorted by what the release says of them."""

    source: str
    resolved: list
    missing: list
    unchecked: list
    simulator_internal: list
    hints: dict  # missing symbol name → what the release exports under the same qualified name


def _run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}, **kwargs)


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise ReleaseUnavailableError(f"the host check needs `{name}` (binutils) on PATH")
    return path


@functools.lru_cache(maxsize=None)
def exported_symbols(library):
    """{mangled: demangled} of the functions and objects the library exports."""
    mangled = _run([_tool("nm"), "-D", "--defined-only", "-P", library]).stdout.split("\n")
    names = [line.split(" ")[0] for line in mangled if line]
    demangled = _run([_tool("c++filt")], input="\n".join(names)).stdout.split("\n")
    return dict(zip(names, demangled))


# Operator names: symbols (a space may precede their template arguments), new/delete, conversions.
_OPERATOR_TOKEN = re.compile(r"operator(?:(?:<=>|<<=|>>=|<<|>>|<=|>=|->\*?|<|>)(?: (?=<))?|\(\)|\[\]|"
                             r" (?:new|delete)(?:\[\])?| [A-Za-z_][\w:* &]*(?=\())")


def qualified_name(signature):
    """``ns::Class::f`` of ``void ns::Class::f<int>(int) const``: no return type, template
    arguments or parameters."""
    # Operator names hold brackets that do not nest; mask them, keeping positions.
    masked = _OPERATOR_TOKEN.sub(lambda m: "operator" + "@" * (len(m.group()) - 8), signature)
    depth, spaces, groups, opened = 0, [], [], 0
    for i, char in enumerate(masked):
        if char in "<({[":
            opened = i if depth == 0 else opened
            depth += 1
        elif char in ">)}]":
            depth -= 1
            if char == ")" and depth == 0:
                groups.append(opened)
        elif char == " " and depth == 0:
            spaces.append(i)
    end = groups[-1] if groups else len(signature)  # the parameter list is the last group
    start = max((i + 1 for i in spaces if i < end), default=0)
    name, masked_name = signature[start:end], masked[start:end]
    return (name[:masked_name.index("<")] if masked_name.endswith(">") else name).rstrip()


def program_symbols(obj):
    """The TT-Metalium-or-simulator symbols an object file uses: undefined ones and weak definitions."""
    listing = _run([_tool("nm"), "-P", obj]).stdout.splitlines()
    used = [(line.split(" ")[0], line.split(" ")[1]) for line in listing if line and line.split(" ")[1] in "UWVwv"]
    demangled = _run([_tool("c++filt")], input="\n".join(m for m, _ in used)).stdout.split("\n")
    symbols = []
    for (mangled, kind), name in zip(used, demangled):
        entity = qualified_name(_SPECIAL.sub("", name))
        if _FOREIGN.match(entity) or "::" not in entity and "(" not in name:  # C runtime symbols
            continue
        symbols.append(HostSymbol(mangled, name, kind != "U"))
    return symbols


def compile_host_program(main_cpp, obj, include_dir):
    """Compiles main.cpp to obj against the simulator's headers; returns the compiler's errors or ''."""
    gxx = shutil.which(os.environ.get("CXX", "g++")) or _tool("g++")
    done = _run([gxx, *HOST_FLAGS, f"-I{include_dir}", main_cpp, "-o", obj])
    if done.returncode == 0:
        return ""
    return done.stderr.strip() or f"{gxx} exited with status {done.returncode} and printed nothing"


def check_program_object(source, obj, library):
    exported = exported_symbols(library)
    by_name = {}
    for mangled, name in exported.items():
        by_name.setdefault(qualified_name(name), []).append(name)
    check = HostProgramCheck(source, [], [], [], [], {})
    for symbol in program_symbols(obj):
        if _SIMULATOR.match(_SPECIAL.sub("", symbol.name)):
            check.simulator_internal.append(symbol)
        elif symbol.mangled in exported:
            check.resolved.append(symbol)
        elif symbol.inline:
            check.unchecked.append(symbol)
        else:
            check.missing.append(symbol)
            check.hints[symbol.name] = sorted(by_name.get(qualified_name(symbol.name), []))
    return check


def check_host_programs(artifact_dirs, include_dir=None, jobs=None):
    """Checks the main.cpp of each artifacts directory (identical programs once). Raises
    ReleaseMismatchError naming every call the release does not export; returns the
    HostProgramCheck of each distinct program otherwise."""
    from .. import sim

    include_dir = include_dir or str(sim.INCLUDE_DIR)
    library = os.path.join(release_root(), "build", "lib", "libtt_metal.so")
    programs = {}
    for directory in artifact_dirs:
        path = os.path.abspath(os.path.join(directory, "main.cpp"))
        with open(path, "rb") as fh:
            programs.setdefault(hashlib.sha256(fh.read()).hexdigest(), path)
    exported_symbols(library)  # read once, before the programs are checked in parallel
    with tempfile.TemporaryDirectory(prefix="tilelang_tt_host_check_") as scratch:

        def check(item):
            digest, path = item
            obj = os.path.join(scratch, digest[:16] + ".o")
            errors = compile_host_program(path, obj, include_dir)
            return path, errors, None if errors else check_program_object(path, obj, library)

        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
            results = list(pool.map(check, programs.items()))
    checks, failures = [], []
    for path, errors, program in results:
        if errors:
            failures.append(f"{path} does not compile against the simulator's headers ({include_dir}):\n{errors}")
        else:
            checks.append(program)
            if program.missing:
                failures.append(missing_text(program))
    if failures:
        raise ReleaseMismatchError(
            f"{len(failures)} host program(s) do not match TT-Metalium v{RELEASE_VERSION} (libtt_metal.so):\n\n" +
            "\n\n".join(failures), failures)
    return checks


def missing_text(check):
    names = sorted({symbol.name for symbol in check.missing})
    lines = [f"{check.source}: {len(names)} call(s) the release does not export:"]
    for name in names:
        lines.append(f"  {name}")
        near = check.hints.get(name)
        lines += [f"      the release exports: {n}" for n in near] if near else \
            [f"      the release exports nothing named {qualified_name(name)}"]
    return "\n".join(lines)
