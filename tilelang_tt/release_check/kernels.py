"""The kernel check: every kernel of a compiled program, compiled against the release's device
headers for every processor that runs it, as the release's JIT would (:mod:`.jit`).

A plan's reader and writer run on the data-movement processor the plan names (RISCV_0 = BRISC,
RISCV_1 = NCRISC) with its NoC; its compute kernel runs on TRISC0, 1 and 2 (unpack, math, pack).
Each compile comes with its preamble compile (:mod:`.diagnostics`), and byte-identical compiles run
once, so checking many programs that share kernels stays fast.
"""

import contextlib
import dataclasses
import json
import os
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from .. import codegen
from . import diagnostics, genfiles, jit
from .errors import ReleaseCheckError, ReleaseMismatchError
from .release import RELEASE_VERSION, release_root

PREAMBLE_BODY = "void kernel_main() {}\n"


def _device(plan):
    from .. import _core

    return dict(_core.target.lookup_device(plan["device"]))


def kernel_builds(artifacts_dir, root, arch=None):
    """Every compile the JIT would run for the kernels of one artifacts directory (its tt.plan.json
    names them, for every launch). ``arch`` overrides the plan's architecture."""
    with open(os.path.join(artifacts_dir, "tt.plan.json")) as fh:
        whole_plan = json.load(fh)
    headers = jit.ReleaseHeaders(root, arch or whole_plan["arch"], _device(whole_plan))
    builds = []
    for plan, kernel in ((p, k) for p in codegen.plan_programs(whole_plan) for k in p["kernels"]):
        source_path = os.path.abspath(os.path.join(artifacts_dir, kernel["source"]))
        with open(source_path) as fh:
            text = fh.read()
        defines = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in kernel.get("defines", {}).items()}
        defines["NOC_MODE"] = jit.DEDICATED_NOC_MODE
        args = genfiles.compile_time_args(plan, kernel, headers)
        if kernel["role"] == "compute":
            descriptors = genfiles.compute_descriptors(plan, kernel, headers)
            targets = [(p, descriptors) for p in jit.TRISCS]
        else:
            processor = jit.DATA_MOVEMENT_PROCESSORS.get(kernel.get("processor"))
            if processor is None:
                raise ReleaseCheckError(f"kernel {kernel['name']!r}: unknown data-movement processor "
                                        f"{kernel.get('processor')!r} (RISCV_0, RISCV_1)")
            defines["NOC_INDEX"] = kernel.get("noc", 0)
            targets = [(processor, "")]
        for processor, descriptors in targets:
            builds.append(jit.KernelBuild(f"{source_path} as {processor.name} ({headers.arch.name})", source_path,
                                          text, processor, headers, dict(defines), args, descriptors))
    return builds


def preamble(source):
    """The kernel's leading preprocessor lines (includes, defines), comments and blank lines."""
    lines, in_comment, continued = [], False, False
    for line in source.splitlines(keepends=True):
        text = line.strip()
        opens_comment = not in_comment and text.startswith("/*")
        if not (in_comment or continued or opens_comment or not text or text.startswith(("#", "//"))):
            break
        lines.append(line)
        if opens_comment:
            in_comment = "*/" not in text[2:]
        elif in_comment:
            in_comment = "*/" not in text
        continued = (continued or text.startswith("#")) and text.endswith("\\")
    return "".join(lines)


def preamble_build(build):
    """The same compile with the kernel cut to its preamble and an empty kernel_main."""
    return dataclasses.replace(build, label=f"preamble of {build.label}",
                               source_text=preamble(build.source_text) + PREAMBLE_BODY)


@dataclasses.dataclass
class KernelCheck:
    """What a kernel check did: each distinct compile (label, command) and the host noise it set
    aside, by HostDifference name."""

    compiles: list
    noise: Counter


def check_kernels(artifact_dirs, arch=None, work_dir=None, jobs=None):
    """Compiles every kernel of each artifacts directory against the release for every processor
    that runs it. Raises ReleaseMismatchError naming each failing kernel with its errors; returns a
    KernelCheck otherwise. ``work_dir`` keeps the generated files and is where the commands run."""
    root = release_root()
    unique = {}
    for directory in artifact_dirs:
        for build in kernel_builds(directory, root, arch):
            unique.setdefault(build.key(), build)
    builds = list(unique.values())
    with _work_dir(work_dir) as scratch:
        toolchain = jit.Toolchain.make(root, scratch, any(b.processor.compute for b in builds))
        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:

            def compile_all(distinct):
                return dict(zip(distinct, pool.map(lambda b: jit.compile_kernel(b, scratch, toolchain),
                                                   distinct.values())))

            outputs = compile_all({b.key(): b for b in builds})
            found = {b.key(): diagnostics.parse(outputs[b.key()][1]) for b in builds}
            # Only a compile that reports something outside its kernel needs its preamble compiled.
            preambles = {b.key(): preamble_build(b) for b in builds
                         if any(not diagnostics.belongs_to(d, b.source_path) for d in found[b.key()])}
            preamble_outputs = compile_all({p.key(): p for p in preambles.values()})
    failures, noise = [], Counter()
    for build in builds:
        preamble_found = diagnostics.parse(preamble_outputs[preambles[build.key()].key()][1]) \
            if build.key() in preambles else []
        errors = diagnostics.kernel_errors(found[build.key()], preamble_found, build.source_path)
        unexplained = diagnostics.unexplained(preamble_found, build.source_path)
        noise.update(diagnostics.host_difference(d).name for d in found[build.key()] if d not in errors)
        if errors or unexplained:
            failures.append(_failure_text(build, errors, unexplained))
    if failures:
        raise ReleaseMismatchError(
            f"{len(failures)} kernel compile(s) against TT-Metalium v{RELEASE_VERSION} failed:\n\n" +
            "\n\n".join(failures), failures)
    return KernelCheck([(b.label, outputs[b.key()][0]) for b in builds], noise)


def _failure_text(build, errors, unexplained, limit=60):
    parts = [f"{build.label}:"]
    parts += [d.text for d in errors]
    if unexplained:
        parts.append("its includes and defines alone (with an empty kernel_main) fail to compile:")
        parts += [d.text for d in unexplained]
    lines = "\n".join(parts).splitlines()
    return "\n".join(lines[:limit] + ([f"... ({len(lines) - limit} more lines)"] if len(lines) > limit else []))


@contextlib.contextmanager
def _work_dir(path):
    """The given directory (kept, to read the generated files and rerun commands), or a temporary one."""
    if path:
        os.makedirs(path, exist_ok=True)
        yield os.path.abspath(path)
    else:
        with tempfile.TemporaryDirectory(prefix="tilelang_tt_release_check_") as temp:
            yield temp
