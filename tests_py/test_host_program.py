"""The generated host program (main.cpp + CMakeLists.txt) built with CMake against the simulator and
run through its own main(): same results as NumPy and as tilelang_tt.sim's plan runner on the same
plan and kernels.

The plans are hand-written (tests_cpp/codegen_host/programs, shared with the C++ golden tests): a
2-core bf16 tile matmul on the simulator tests' kernels, and a 3-core fp32 copy of a tensor that is
not tile-aligned, with kernels of its own. The last tests do the same for the reference GEMM
compiled by tilelang_tt.compile, against the Python path kernel(a, b).
"""

import importlib.resources
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import ml_dtypes
import numpy as np
import pytest

import tilelang_tt.sim as sim
from tilelang_tt import codegen

TESTS_CPP = Path(__file__).resolve().parents[1] / "tests_cpp"
PROGRAMS = TESTS_CPP / "codegen_host" / "programs"
KERNEL_DIRS = (PROGRAMS / "kernels", TESTS_CPP / "sim" / "kernels")

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake to build the host program")


class HostProgram:
    """A generated program: its artifact directory, plan and built executable."""

    def __init__(self, directory, plan, executable):
        self.directory = directory
        self.plan = plan
        self.executable = executable

    def run(self, *args, env=None):
        return subprocess.run([str(self.executable), *map(str, args)], capture_output=True, text=True,
                              env=env or os.environ, timeout=300)


def simulator_cmake_args():
    """Where the installed package keeps the simulated headers and the runtime library."""
    return [f"-DTT_SIM_INCLUDE_DIR={sim.INCLUDE_DIR}", f"-DTT_SIM_LIBRARY={sim.runtime_library()}"]


def configure_and_build(source_dir, build_dir, cmake_args):
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []  # CI installs ninja, not necessarily make
    for command in (["cmake", "-S", source_dir, "-B", build_dir, *generator, *cmake_args],
                    ["cmake", "--build", build_dir]):
        proc = subprocess.run([str(c) for c in command], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def build_program(tmp_path_factory):
    built = {}

    def build(name):
        if name in built:
            return built[name]
        plan = json.loads((PROGRAMS / f"{name}.plan.json").read_text())
        directory = tmp_path_factory.mktemp(name)
        for kernel in plan["kernels"]:
            source = next(d / kernel["source"] for d in KERNEL_DIRS if (d / kernel["source"]).exists())
            shutil.copy(source, directory)
        (directory / "tt.plan.json").write_text(json.dumps(plan, indent=2))
        (directory / "main.cpp").write_text(codegen.host_program(plan))
        (directory / "CMakeLists.txt").write_text(codegen.cmake_lists(plan["kernel_name"]))
        build_dir = directory / "build"
        configure_and_build(directory, build_dir, simulator_cmake_args())
        built[name] = HostProgram(directory, plan, build_dir / plan["kernel_name"])
        return built[name]

    return build


@pytest.mark.parametrize("name", ["tile_matmul", "padded_copy"])
def test_hand_written_plans_follow_the_plan_schema(name):
    """The fixtures are plans in the one plan format (docs/plan.md), not a dialect of their own."""
    schema = json.loads(importlib.resources.files("tilelang_tt").joinpath("schemas/tt.plan.schema.json").read_text())
    jsonschema.validate(json.loads((PROGRAMS / f"{name}.plan.json").read_text()), schema)


def pcc(x, y):
    return np.corrcoef(np.asarray(x, np.float64).ravel(), np.asarray(y, np.float64).ravel())[0, 1]


def test_tile_matmul_through_main_matches_numpy_and_the_plan_runner(build_program, tmp_path):
    """Inputs from files, output to a file: the bf16 product agrees with NumPy and, bit for bit, with
    the plan runner executing the same plan and kernels in-process."""
    program = build_program("tile_matmul")
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (64, 96)).astype(ml_dtypes.bfloat16)
    b = rng.uniform(-1, 1, (96, 64)).astype(ml_dtypes.bfloat16)
    a.tofile(tmp_path / "a.bin")
    b.tofile(tmp_path / "b.bin")

    proc = program.run(f"A={tmp_path / 'a.bin'}", f"B={tmp_path / 'b.bin'}", f"C={tmp_path / 'c.bin'}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("C: 4096 elements, fnv1a ")
    c = np.fromfile(tmp_path / "c.bin", dtype=ml_dtypes.bfloat16).reshape(64, 64)

    reference = a.astype(np.float32) @ b.astype(np.float32)
    assert pcc(c.astype(np.float32), reference) >= 0.999
    np.testing.assert_allclose(c.astype(np.float32), reference, atol=0.125, rtol=0.02)
    in_process = sim.run_plan(program.plan, program.directory, {"A": a, "B": b})
    np.testing.assert_array_equal(c.view(np.uint16), in_process["C"].view(np.uint16))


def test_padded_copy_with_stand_in_input_matches_the_documented_values(build_program, tmp_path):
    """Without an input file the program makes the stand-in values its usage text documents; a
    40x70 tensor is padded to 2x3 tiles on the way in and cropped on the way out (through L1)."""
    program = build_program("padded_copy")
    proc = program.run(f"Y={tmp_path / 'y.bin'}")
    assert proc.returncode == 0, proc.stderr
    y = np.fromfile(tmp_path / "y.bin", dtype=np.float32).reshape(40, 70)

    seed = 1  # the first buffer of the plan
    steps = (7 * np.arange(40 * 70) + 11 * seed) % 17
    stand_in = ((steps - 8) / 8).astype(np.float32).reshape(40, 70)
    np.testing.assert_array_equal(y, stand_in)
    in_process = sim.run_plan(program.plan, program.directory, {"X": stand_in})
    np.testing.assert_array_equal(y, in_process["Y"])


def test_same_inputs_give_the_same_fingerprint(build_program):
    """Runs are reproducible: stand-in inputs and the printed FNV-1a fingerprint do not vary."""
    program = build_program("tile_matmul")
    first, second = program.run(), program.run()
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_command_line_errors_exit_with_status_2(build_program, tmp_path):
    program = build_program("tile_matmul")
    usage = program.run("--help")
    assert usage.returncode == 0
    assert usage.stdout.startswith("Usage: tile_matmul [--kernel-dir DIR] [A=FILE] [B=FILE] [C=FILE]")

    unknown = program.run("D=d.bin")
    assert unknown.returncode == 2
    assert "unexpected argument 'D=d.bin'" in unknown.stderr

    short = tmp_path / "short.bin"
    short.write_bytes(b"\0" * 10)
    truncated = program.run(f"A={short}")
    assert truncated.returncode == 2
    assert "holds 10 bytes; the tensor needs 12288" in truncated.stderr


def test_kernel_dir_option_points_at_the_kernels(build_program, tmp_path):
    """--kernel-dir overrides the directory CMake configured; a wrong one fails with status 1."""
    program = build_program("tile_matmul")
    moved = tmp_path / "kernels"
    moved.mkdir()
    for kernel in program.plan["kernels"]:
        shutil.copy(program.directory / kernel["source"], moved)
    assert program.run("--kernel-dir", moved).stdout == program.run().stdout

    missing = program.run("--kernel-dir", tmp_path / "nowhere")
    assert missing.returncode == 1
    assert "read_matmul.cpp" in missing.stderr


def test_tt_sim_root_finds_headers_and_library_in_the_package_layout(build_program, tmp_path):
    """-DTT_SIM_ROOT=<package dir> alone is enough when the package is laid out as a wheel installs
    it (sim/include next to lib/libtt_metal_sim.so)."""
    program = build_program("padded_copy")
    root = tmp_path / "tilelang_tt"
    (root / "sim").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "sim" / "include").symlink_to(sim.INCLUDE_DIR)
    library = sim.runtime_library()
    (root / "lib" / library.name).symlink_to(library)
    configure_and_build(program.directory, tmp_path / "build", [f"-DTT_SIM_ROOT={root}"])
    executable = tmp_path / "build" / "padded_copy"
    rebuilt = subprocess.run([str(executable)], capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout == program.run().stdout


@pytest.mark.parametrize("dtype, shape", [("bfloat16", (64, 64, 64)), ("float16", (64, 96, 64)),
                                          ("bfloat16", (100, 72, 48))])
def test_compiled_gemm_through_main_gives_the_python_result(dtype, shape, tmp_path):
    """The reference GEMM compiled by tilelang_tt.compile: its artifacts' main.cpp, built with their
    CMakeLists.txt against the simulator and run with the same inputs, gives kernel(a, b) bit for
    bit (issue 5, validation matrix: the host program and the Python path agree). At 100x72x48 the
    tensors are stored padded: main.cpp pads the inputs with zeros and crops the output."""
    from reference_kernels import matmul

    import tilelang_tt

    M, N, K = shape
    kernel = tilelang_tt.compile(matmul(M, N, K, 32, 32, 32, dtype=dtype), out_idx=[-1], target_device="n150")
    host_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    rng = np.random.default_rng(11)
    a = rng.uniform(-1, 1, (M, K)).astype(host_dtype)
    b = rng.uniform(-1, 1, (K, N)).astype(host_dtype)
    expected = kernel(a, b)

    configure_and_build(kernel.artifacts_dir, tmp_path / "build", simulator_cmake_args())
    a.tofile(tmp_path / "a.bin")
    b.tofile(tmp_path / "b.bin")
    env = dict(os.environ, TT_SIM_DEVICE=kernel.plan["device"])
    proc = subprocess.run([str(tmp_path / "build" / "gemm"), f"A={tmp_path / 'a.bin'}", f"B={tmp_path / 'b.bin'}",
                           f"C={tmp_path / 'c.bin'}"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    c = np.fromfile(tmp_path / "c.bin", dtype=host_dtype).reshape(M, N)

    np.testing.assert_array_equal(c.view(np.uint16), expected.view(np.uint16))
    reference = a.astype(np.float32) @ b.astype(np.float32)
    assert pcc(c.astype(np.float32), reference) >= 0.999
    np.testing.assert_allclose(c.astype(np.float32), reference, atol=0.1, rtol=0.02)


def test_bshd_tensors_through_main_give_the_python_result(tmp_path):
    """A kernel whose copies move (sequence, dim) blocks of one head of [batch, seq, heads, dim]
    tensors: main.cpp permutes the inputs into the plan's storage order before tilizing and the
    output back after reading it, and gives kernel(x) bit for bit."""
    import tilelang_tt
    import tilelang_tt.language as T

    batch, seq, heads, dim = 2, 64, 3, 32

    @T.prim_func
    def scale_heads(X: T.Tensor((batch, seq, heads, dim), "bfloat16"),
                    Y: T.Tensor((batch, seq, heads, dim), "bfloat16")):
        with T.Kernel(seq // 32, heads, batch) as (bx, by, bz):
            block = T.alloc_shared((32, dim), "bfloat16")
            T.copy(X[bz, bx * 32:(bx + 1) * 32, by, :], block)
            for i, j in T.Parallel(32, dim):
                block[i, j] = block[i, j] * 2.0 + 1.0
            T.copy(block, Y[bz, bx * 32:(bx + 1) * 32, by, :])

    kernel = tilelang_tt.compile(scale_heads, out_idx=[-1])
    assert {b["name"]: b.get("storage_order") for b in kernel.plan["buffers"]} == {"X": [0, 2, 1, 3],
                                                                                   "Y": [0, 2, 1, 3]}
    x = np.random.default_rng(5).uniform(-1, 1, (batch, seq, heads, dim)).astype(ml_dtypes.bfloat16)
    expected = kernel(x)
    np.testing.assert_allclose(expected.astype(np.float32), x.astype(np.float32) * 2 + 1, atol=2 ** -6)

    configure_and_build(kernel.artifacts_dir, tmp_path / "build", simulator_cmake_args())
    x.tofile(tmp_path / "x.bin")
    proc = subprocess.run([str(tmp_path / "build" / "scale_heads"), f"X={tmp_path / 'x.bin'}",
                           f"Y={tmp_path / 'y.bin'}"], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TT_SIM_DEVICE=kernel.plan["device"]))
    assert proc.returncode == 0, proc.stderr
    y = np.fromfile(tmp_path / "y.bin", dtype=ml_dtypes.bfloat16).reshape(batch, seq, heads, dim)
    np.testing.assert_array_equal(y.view(np.uint16), expected.view(np.uint16))
