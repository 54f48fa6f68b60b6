"""Reading the host compiler's diagnostics, and telling header noise from a kernel's errors.

A kernel's *preamble compile* is its preprocessor lines before its first declaration (its includes
and defines) followed by an empty ``kernel_main``, compiled exactly like the kernel. What fails
there fails without any of the kernel's code. Each such diagnostic must be one of the documented
host differences in :data:`HOST_NOISE` (the host g++ 12 and glibc are not the SFPI compiler and
newlib); then the kernel compile may repeat exactly those diagnostics and nothing else. A
diagnostic located in the kernel, or in a template instantiated from the kernel, is always the
kernel's.
"""

import dataclasses
import functools
import re

_PRIMARY = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? "
                      r"(?P<kind>error|warning|fatal error): (?P<message>.*)$")
# An error of the compiler itself (a bad option, a crash): no source location.
_UNLOCATED = re.compile(r"^(?P<file>[^\s:]+): (?P<kind>error|fatal error|internal compiler error): (?P<message>.*)$")
_NOTE = re.compile(r"^[^\s:][^:]*:\d+:(?:\d+:)? note: ")
_INSTANTIATION = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:\d+:)?\s+required (?:from|by) ")
_CONTEXT = re.compile(r"^In file included from |^\s+from \S+[:,]$|^[^\s:][^:]*: (?:In |At global scope)|"
                      r"^[^\s:][^:]*:\d+:(?:\d+:)?\s+(?:required (?:from|by)|in .*expansion of) ")


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One error (or warning) and the lines the compiler printed with it."""

    file: str
    line: int
    col: int
    kind: str
    message: str
    instantiated_from: tuple  # (file, line) of each "required from" of its context
    text: str

    def key(self):
        return (self.file, self.line, self.col, self.kind, self.message)


def parse(output):
    """The diagnostics of a compiler output, each with its context and notes."""
    diagnostics, pending, current = [], [], None
    for line in output.splitlines():
        primary = _PRIMARY.match(line) or _UNLOCATED.match(line)
        if primary:
            if current:
                diagnostics.append(_finish(*current))
            current = (primary, pending + [line])
            pending = []
        elif _CONTEXT.match(line) and not _NOTE.match(line):
            if current:
                diagnostics.append(_finish(*current))
                current = None
            pending.append(line)
        elif current:
            current[1].append(line)
    if current:
        diagnostics.append(_finish(*current))
    return diagnostics


def _finish(primary, lines):
    sites = tuple((m.group("file"), int(m.group("line"))) for m in map(_INSTANTIATION.match, lines) if m)
    located = primary.re is _PRIMARY
    return Diagnostic(primary.group("file"), int(primary.group("line")) if located else 0,
                      int(primary.group("col") or 0) if located else 0, primary.group("kind"),
                      primary.group("message"), sites, "\n".join(lines))


@dataclasses.dataclass(frozen=True)
class HostDifference:
    """A diagnostic the release's headers give on the host compiler but not on the SFPI compiler."""

    name: str
    why: str
    message: str  # regex on the diagnostic's message
    source: str = ""  # regex the offending source line must match too

    def explains(self, diagnostic):
        if not re.search(self.message, diagnostic.message):
            return False
        return not self.source or re.search(self.source, _source_line(diagnostic.file, diagnostic.line)) is not None


HOST_NOISE = (
    HostDifference(
        "int32_t overloads",
        "the RISC-V toolchain's newlib defines int32_t as long, so overloads on int and on int32_t are distinct "
        "there; the host glibc defines int32_t as int, which makes the second a redeclaration",
        r"\(u?int32_t\)' cannot be overloaded with '.*\((?:unsigned )?int\)'"),
    HostDifference(
        "static_assert(false) in a template",
        "g++ 12 rejects static_assert(false) in a discarded branch of a template (allowed from g++ 13, P2593); "
        "the release's newer compiler accepts it",
        r"^static assertion failed", r"static_assert\s*\(\s*false\b"),
    HostDifference(
        "#pragma GCC unroll of a template parameter",
        "g++ 12 needs a non-dependent constant in #pragma GCC unroll; the release's newer compiler accepts a "
        "template parameter",
        r"'#pragma GCC unroll' requires an assignment-expression", r"#pragma\s+GCC\s+unroll\s+[A-Za-z_]\w*\s*$"),
)


def host_difference(diagnostic):
    """The documented host difference behind diagnostic, or None."""
    return next((d for d in HOST_NOISE if d.explains(diagnostic)), None)


@functools.lru_cache(maxsize=4096)
def _source_line(path, number):
    try:
        with open(path, errors="replace") as fh:
            for i, text in enumerate(fh, 1):
                if i == number:
                    return text.rstrip("\n")
    except OSError:
        pass
    return ""


def belongs_to(diagnostic, kernel_path):
    """Whether diagnostic is located in the kernel or in a template the kernel instantiated."""
    return diagnostic.file == kernel_path or any(site == kernel_path for site, _ in diagnostic.instantiated_from)


def kernel_errors(kernel_diagnostics, preamble_diagnostics, kernel_path):
    """The kernel compile's diagnostics that are the kernel's: all but the preamble's documented noise."""
    noise = {d.key() for d in preamble_diagnostics if not belongs_to(d, kernel_path) and host_difference(d)}
    return [d for d in kernel_diagnostics if belongs_to(d, kernel_path) or d.key() not in noise]


def unexplained(preamble_diagnostics, kernel_path):
    """Preamble diagnostics outside the kernel that no documented host difference explains."""
    return [d for d in preamble_diagnostics if not belongs_to(d, kernel_path) and not host_difference(d)]
