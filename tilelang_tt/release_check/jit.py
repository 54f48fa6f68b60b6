"""How TT-Metalium v0.67's JIT compiles a kernel, reproduced with the host g++ in syntax-only mode.

The JIT never compiles a kernel file by itself: it compiles a firmware wrapper of the release that
includes it. A data-movement kernel goes through ``brisck.cc`` or ``ncrisck.cc``, which include
the generated ``kernel_includes.hpp`` (``#include "<kernel>"``). A compute kernel goes three times
through ``trisck.cc``, once per TRISC, which includes ``chlkc_list.h`` → the generated
``chlkc_descriptors.h`` and ``chlkc_{unpack,math,pack}.cpp`` (``#define TRISC_*``,
``#include "defines_generated.h"``, then the kernel); ``chlkc_list.h`` calls ``kernel_main()``.
:func:`compile_kernel` writes those generated files and runs the host g++ on the release's own
wrapper with the JIT's flags, defines and include path (tt_metal/jit_build/build.cpp and
genfiles.cpp, and the HAL's JIT query in tt_metal/llrt/hal/tt-1xx of v0.67).

The host compiler is not the SFPI RISC-V compiler. What that changes, and nothing else:
  * ``-m32``: the device is ILP32; the firmware casts between pointers and 32-bit integers;
  * target-only options are dropped: ``-mcpu=...``, ``-flto``, ``-MMD``, and ``-c -o`` (syntax only);
  * the RISC-V compiler's own extensions are supplied: its builtins (``__builtin_rvtt_*``,
    ``__builtin_riscv_*``, declared by name in a prelude, :func:`builtin_declarations`), its
    vector type ``__xtt_vector``, its pointer attributes (``rvtt_l1_ptr``, ``rvtt_reg_ptr``,
    accepted by name), the macro its ``-mcpu=tt-*-tensix`` predefines for compute processors
    (``__riscv_xtttensixwh`` / ``__riscv_xtttensixbh``), and sfpi.h's probe for its builtins.
No TT-Metalium function is declared, so a call the release lacks or a wrong signature still fails.
"""

import ast
import dataclasses
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess

from .errors import ReleaseCheckError, ReleaseUnavailableError


@dataclasses.dataclass(frozen=True)
class Arch:
    """Where one architecture's headers live in the release (the HAL's JIT include list)."""

    name: str  # as plans name it
    define: str
    chip: str  # tt_metal/hw/inc/internal/tt-1xx/<chip>
    chip_defines: str  # .../<chip>/<chip_defines>
    ckernels: str  # tt_metal/hw/ckernels/<ckernels>, tt_llk_<ckernels>
    soc_descriptor: str
    tensix_extension: str  # predefined by the RISC-V compiler for the compute processors' -mcpu


ARCHES = {
    "wormhole_b0": Arch("wormhole_b0", "ARCH_WORMHOLE", "wormhole", "wormhole_b0_defines", "wormhole_b0",
                        "wormhole_b0_80_arch.yaml", "__riscv_xtttensixwh"),
    "blackhole": Arch("blackhole", "ARCH_BLACKHOLE", "blackhole", "blackhole_defines", "blackhole",
                      "blackhole_140_arch.yaml", "__riscv_xtttensixbh"),
}


@dataclasses.dataclass(frozen=True)
class Processor:
    """One RISC-V of a Tensix core as the JIT builds for it."""

    name: str
    firmware: str  # the kernel wrapper, tt_metal/hw/firmware/src/tt-1xx/<firmware>
    defines: tuple
    index: int  # PROCESSOR_INDEX: the HAL numbers the Tensix processors DM0, DM1, TRISC0..2
    compute: bool
    opt_level: str  # the DataMovementConfig and ComputeConfig defaults
    trisc_define: str = ""  # the TRISC_* macro its generated chlkc_*.cpp defines


BRISC = Processor("BRISC", "brisck.cc", ("COMPILE_FOR_BRISC",), 0, False, "-O2")
NCRISC = Processor("NCRISC", "ncrisck.cc", ("COMPILE_FOR_NCRISC",), 1, False, "-O2")
TRISCS = (
    Processor("TRISC0", "trisck.cc", ("UCK_CHLKC_UNPACK", "COMPILE_FOR_TRISC=0"), 2, True, "-O3", "TRISC_UNPACK"),
    Processor("TRISC1", "trisck.cc", ("UCK_CHLKC_MATH", "COMPILE_FOR_TRISC=1"), 3, True, "-O3", "TRISC_MATH"),
    Processor("TRISC2", "trisck.cc", ("UCK_CHLKC_PACK", "COMPILE_FOR_TRISC=2"), 4, True, "-O3", "TRISC_PACK"),
)
# A plan's DataMovementProcessor → the RISC-V that runs the kernel.
DATA_MOVEMENT_PROCESSORS = {"RISCV_0": BRISC, "RISCV_1": NCRISC}
# NOC_MODE of DM_DEDICATED_NOC: the DataMovementConfig default, and what compute kernels are given.
DEDICATED_NOC_MODE = 0

# JitBuildEnv's flags, less the target's and the build system's (-mcpu, -flto, -MMD).
JIT_CFLAGS = (
    "-std=c++17", "-ffast-math", "-fno-exceptions", "-fno-use-cxa-atexit", "-Wall", "-Werror",
    "-Wno-unknown-pragmas", "-Wno-deprecated-declarations", "-Wno-error=multistatement-macros",
    "-Wno-error=parentheses", "-Wno-error=unused-but-set-variable", "-Wno-unused-variable",
    "-Wno-unused-function",
)
# The HAL's addition for data-movement processors (copy loops are not turned into memcpy calls).
DATA_MOVEMENT_CFLAGS = ("-fno-tree-loop-distribute-patterns",)
# What stands in for the RISC-V compiler on the host (see the module comment).
HOST_FLAGS = ("-fsyntax-only", "-m32", "-Wno-attributes=gnu::rvtt_l1_ptr,gnu::rvtt_reg_ptr")
# A device address the JIT passes; its value only matters when linking.
DISPATCH_MESSAGE_ADDR = 0
_BUILTIN_NAME = re.compile(r"\b__builtin_(?:rvtt|riscv)_\w+")

# sfpi.h and sfpi_fp16.h refuse a compiler that lacks the builtin __builtin_rvtt_synth_opcode (which
# they never call). While they are read, that name stands for a builtin the host has, so their probe
# `__has_builtin(__builtin_rvtt_synth_opcode)` holds; the builtins they do call are the prelude's.
SFPI_PROBE_SHIM = """\
// Lets the sfpi headers accept the host compiler (their builtins are declared by the prelude).
#pragma push_macro("__builtin_rvtt_synth_opcode")
#define __builtin_rvtt_synth_opcode __builtin_trap
#include_next <sfpi.h>
#pragma pop_macro("__builtin_rvtt_synth_opcode")
"""


def sfpi_include_dir(root):
    """The sfpi headers the release pins (tt_metal/sfpi-version): ``$SFPI_INCLUDE_DIR``, else the
    unmodified copy kept beside this project, ``<project>/../shared/third_party/sfpi-<version>/include``."""
    with open(os.path.join(root, "tt_metal", "sfpi-version")) as fh:
        version = re.search(r"sfpi_version='([^']+)'", fh.read()).group(1)
    project = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidate = os.environ.get("SFPI_INCLUDE_DIR") or os.path.join(
        os.path.dirname(project), "shared", "third_party", f"sfpi-{version}", "include")
    if not os.path.isfile(os.path.join(candidate, "sfpi.h")):
        raise ReleaseUnavailableError(
            f"compute kernels include the sfpi {version} headers, which the release wheel does not ship; "
            f"none at {candidate} (set SFPI_INCLUDE_DIR to the include directory of sfpi {version})")
    return candidate


@functools.lru_cache(maxsize=None)
def builtin_declarations(search_dirs):
    """The prelude: every RISC-V compiler builtin that the headers under search_dirs call, and the
    compiler's vector type. Each builtin takes any arguments and yields a value convertible to what
    the caller expects: the host cannot check how the headers call the compiler, only how kernels
    call the headers."""
    names = set()
    for directory in search_dirs:
        for folder, _, files in os.walk(directory):
            for name in files:
                if name.endswith((".h", ".hpp")):
                    with open(os.path.join(folder, name), errors="replace") as fh:
                        names.update(_BUILTIN_NAME.findall(fh.read()))
    lines = [
        "// The SFPI RISC-V compiler's own extensions, declared for the host compiler.",
        "#pragma once",
        "typedef float __xtt_vector __attribute__((vector_size(64 * sizeof(float))));",
        "struct __tt_host_builtin_result {",
        "    template <class T> operator T() const { return T(); }",
        "};",
    ]
    lines += [f"template <class... Args> __tt_host_builtin_result {name}(Args&&...);" for name in sorted(names)]
    return "\n".join(lines) + "\n"


def read_enum(header, enum_name):
    """{enumerator: value} of ``enum class <enum_name>`` in header, as the release defines it."""
    with open(header) as fh:
        text = fh.read()
    body = re.search(r"enum\s+class\s+" + enum_name + r"\b[^{]*\{(.*?)\};", text, re.S)
    if not body:
        raise ReleaseCheckError(f"{header} defines no enum class {enum_name}")
    values, next_value = {}, 0
    for item in re.sub(r"//[^\n]*", "", body.group(1)).split(","):
        name, _, value = (part.strip() for part in item.partition("="))
        if name:
            next_value = _integer_constant(value, values, header) if value else next_value
            values[name] = next_value
            next_value += 1
    return values


def _integer_constant(text, known, header):
    """An enumerator's value: integer literals, earlier enumerators, ``<<`` and ``|``."""
    operators = {ast.LShift: lambda a, b: a << b, ast.BitOr: lambda a, b: a | b}

    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name) and node.id in known:
            return known[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in operators:
            return operators[type(node.op)](value(node.left), value(node.right))
        raise ReleaseCheckError(f"{header}: cannot read the enumerator value {text!r}")

    try:
        return value(ast.parse(text, mode="eval").body)
    except SyntaxError as e:
        raise ReleaseCheckError(f"{header}: cannot read the enumerator value {text!r}") from e


class ReleaseHeaders:
    """The release's headers for one architecture and device: the JIT's include path and defines,
    and the enumerations the generated files are written in."""

    def __init__(self, root, arch_name, device):
        if arch_name not in ARCHES:
            raise ReleaseCheckError(
                f"TT-Metalium v0.67 builds no kernels for {arch_name!r} (it supports {', '.join(sorted(ARCHES))}; "
                f"check the kernels for one of those with arch= or --arch)")
        self.root = root
        self.arch = ARCHES[arch_name]
        self.device = device
        self.firmware_dir = os.path.join(root, "tt_metal", "hw", "firmware", "src", "tt-1xx")
        chip_dir = os.path.join(root, "tt_metal", "hw", "inc", "internal", "tt-1xx", self.arch.chip)
        # Found as the include path finds it: the chip's defines directory first (Blackhole has none).
        tensix_types = next(p for p in (os.path.join(chip_dir, self.arch.chip_defines, "tensix_types.h"),
                                        os.path.join(chip_dir, "tensix_types.h")) if os.path.isfile(p))
        self.data_formats = read_enum(tensix_types, "DataFormat")
        llk = os.path.join(root, "tt_metal", "third_party", "tt_llk", f"tt_llk_{self.arch.ckernels}")
        self.math_fidelities = read_enum(os.path.join(llk, "llk_lib", "llk_defs.h"), "MathFidelity")
        hostdevcommon = os.path.join(root, "tt_metal", "hostdevcommon", "api", "hostdevcommon")
        self.arg_config_bits = read_enum(os.path.join(hostdevcommon, "tensor_accessor", "arg_config.hpp"), "ArgConfig")
        self.pcie_core = self._first_pcie_core()

    def includes(self, processor, toolchain):
        """JitBuildEnv's include list, the sfpi headers for compute processors, then the HAL's."""
        r, a = self.root, self.arch
        paths = [".", "..", r, f"{r}/ttnn", f"{r}/ttnn/cpp", f"{r}/tt_metal", f"{r}/tt_metal/hw/inc",
                 f"{r}/tt_metal/third_party/tt_llk/common", f"{r}/tt_metal/hostdevcommon/api", f"{r}/tt_metal/api/"]
        if processor.compute:
            paths += [toolchain.sfpi_probe_dir, toolchain.sfpi_dir]
        paths += [f"{r}/tt_metal/hw/ckernels/{a.ckernels}/metal/common",
                  f"{r}/tt_metal/hw/ckernels/{a.ckernels}/metal/llk_io",
                  f"{r}/tt_metal/hw/inc/internal/tt-1xx", f"{r}/tt_metal/hw/inc/internal/tt-1xx/{a.chip}",
                  f"{r}/tt_metal/hw/inc/internal/tt-1xx/{a.chip}/{a.chip_defines}",
                  f"{r}/tt_metal/hw/inc/internal/tt-1xx/{a.chip}/noc",
                  f"{r}/tt_metal/third_party/tt_llk/tt_llk_{a.ckernels}/common/inc",
                  f"{r}/tt_metal/third_party/tt_llk/tt_llk_{a.ckernels}/llk_lib"]
        if processor.compute:
            paths += [f"{r}/tt_metal/hw/ckernels/{a.ckernels}/metal/llk_api",
                      f"{r}/tt_metal/hw/ckernels/{a.ckernels}/metal/llk_api/llk_sfpu"]
        paths.append(f"{r}/tt_metal/hw/firmware/src/tt-1xx")
        return ["-I" + p for p in paths]

    def defines(self, processor):
        """The device's defines (bank counts, PCIe core), JitBuildEnv's, then the HAL's for processor."""
        dram_banks = self.device["dram_banks"]
        grid_x, grid_y = self.device["grid"]
        pcie_x, pcie_y = self.pcie_core
        device = {"NUM_DRAM_BANKS": dram_banks, "NUM_L1_BANKS": grid_x * grid_y, "PCIE_NOC_X": pcie_x,
                  "PCIE_NOC_Y": pcie_y}
        for name, count in (("DRAM", dram_banks), ("L1", grid_x * grid_y)):
            if count & (count - 1):
                device[f"IS_NOT_POW2_NUM_{name}_BANKS"] = 1
            else:
                device[f"LOG_BASE_2_OF_NUM_{name}_BANKS"] = count.bit_length() - 1
        flags = [f"-D{k}={v}" for k, v in sorted(device.items())]
        flags += ["-DTENSIX_FIRMWARE", "-DLOCAL_MEM_EN=0", f"-DPROCESSOR_INDEX={processor.index}"]
        flags += [f"-D{d}" for d in processor.defines]
        if processor.compute:
            flags.append(f"-D{self.arch.tensix_extension}=1")
        flags += [f"-D{self.arch.define}", f"-DDISPATCH_MESSAGE_ADDR={DISPATCH_MESSAGE_ADDR}", "-DKERNEL_BUILD"]
        return flags

    def _first_pcie_core(self):
        """The first PCIe core of the release's SoC descriptor (the JIT's PCIE_NOC_X/Y)."""
        with open(os.path.join(self.root, "tt_metal", "soc_descriptors", self.arch.soc_descriptor)) as fh:
            match = re.search(r"^pcie:\s*\[\s*(\d+)-(\d+)", fh.read(), re.M)
        return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


@dataclasses.dataclass
class Toolchain:
    """The host compiler and the files that stand in for the RISC-V compiler's extensions."""

    gxx: str
    prelude: str
    sfpi_probe_dir: str
    sfpi_dir: str

    @classmethod
    def make(cls, root, work_dir, need_sfpi):
        gxx = shutil.which(os.environ.get("CXX", "g++")) or shutil.which("g++")
        if not gxx:
            raise ReleaseUnavailableError("no host C++ compiler (g++) on PATH")
        probe = subprocess.run([gxx, "-m32", "-fsyntax-only", "-x", "c++", "-"], input="#include <cstdint>\n",
                               capture_output=True, text=True)
        if probe.returncode != 0:
            raise ReleaseUnavailableError(f"{gxx} cannot compile for the device's 32-bit data model (-m32); "
                                          f"install g++-multilib:\n{probe.stderr.strip()}")
        sfpi_dir = sfpi_include_dir(root) if need_sfpi else ""
        search = [os.path.join(root, "tt_metal", "hw"), os.path.join(root, "tt_metal", "third_party", "tt_llk")]
        search += [sfpi_dir] if sfpi_dir else []
        prelude = _write(work_dir, "tt_host_compiler_extensions.h", builtin_declarations(tuple(search)))
        probe_dir = os.path.join(work_dir, "sfpi_probe")
        _write(probe_dir, "sfpi.h", SFPI_PROBE_SHIM)
        return cls(gxx, prelude, probe_dir, sfpi_dir)


@dataclasses.dataclass
class KernelBuild:
    """One compile of one kernel for one processor, with what the JIT would generate for it."""

    label: str  # e.g. "<dir>/compute.cpp as TRISC1 (wormhole_b0)"
    source_path: str  # the kernel as diagnostics name it
    source_text: str
    processor: Processor
    headers: ReleaseHeaders
    defines: dict  # the kernel's own defines (the plan's, NOC_INDEX, NOC_MODE)
    compile_args: list
    descriptors: str = ""  # chlkc_descriptors.h, for compute kernels

    def key(self):
        """Equal for compiles that see the same files and flags."""
        h = hashlib.sha256()
        for part in (self.source_text, self.processor.name, self.headers.root,
                     " ".join(self.headers.defines(self.processor)), json.dumps(self.defines, sort_keys=True),
                     json.dumps(self.compile_args), self.descriptors):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()[:20]


def compile_kernel(build, work_dir, toolchain):
    """Writes the JIT's generated files for build into its own directory under work_dir and compiles
    the firmware wrapper there. Returns (command, compiler output with the kernel's path as
    build.source_path)."""
    out_dir = os.path.join(work_dir, f"{build.key()}-{build.processor.name}")
    kernel_copy = _write(os.path.join(out_dir, "kernel"), os.path.basename(build.source_path), build.source_text)
    include_kernel = f'#include "{kernel_copy}"\n'
    processor = build.processor
    defines = build.headers.defines(processor)
    if processor.compute:
        trisc = processor.trisc_define[len("TRISC_"):].lower()
        _write(out_dir, f"chlkc_{trisc}.cpp",
               f'#define {processor.trisc_define}\n#include "defines_generated.h"\n' + include_kernel)
        _write(out_dir, "chlkc_descriptors.h", build.descriptors)
        _write(out_dir, "defines_generated.h", "".join(f"#define {k} {v}\n" for k, v in build.defines.items()))
    else:
        _write(out_dir, "kernel_includes.hpp", include_kernel)
        defines += [f"-D{k}={v}" for k, v in build.defines.items()]
    if build.compile_args:
        defines.append("-DKERNEL_COMPILE_TIME_ARGS=" + ",".join(str(v) for v in build.compile_args))
    command = [toolchain.gxx, processor.opt_level, *JIT_CFLAGS, *(() if processor.compute else DATA_MOVEMENT_CFLAGS),
               *HOST_FLAGS, *build.headers.includes(processor, toolchain), "-include", toolchain.prelude,
               os.path.join(build.headers.firmware_dir, processor.firmware), *defines]
    # The C locale keeps the compiler's quotes plain ASCII, as the diagnostics are parsed.
    done = subprocess.run(command, cwd=out_dir, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    output = done.stderr.replace(kernel_copy, build.source_path)
    if done.returncode and not output.strip():
        output = f"{toolchain.gxx}: error: exited with status {done.returncode} and printed nothing\n"
    return command, output


def _write(directory, name, text):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    with open(path, "w") as fh:
        fh.write(text)
    return path
