"""Generated programs against the real TT-Metalium v0.67.4 release (tilelang_tt.release_check).

Every kernel and host program of the validation matrix (test_validation_matrix.py, its cases read
from its parametrize marks) must compile against the release's device headers the way its JIT
builds kernels, and call only host functions its libtt_metal.so exports. The check must also
fail, naming the problem, on programs that do not match the release.

The release is downloaded from PyPI on first use and cached; if that fails these tests fail.
"""

import itertools
import json
import os
import shutil

import pytest

import tilelang_tt
import test_validation_matrix as matrix
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from reference_kernels import matmul
from tilelang_tt.release_check import (ReleaseCheckError, ReleaseMismatchError, ReleaseUnavailableError,
                                       check_host_programs, check_kernels, release_root)
from tilelang_tt.release_check import diagnostics
from tilelang_tt.release_check.diagnostics import HOST_NOISE
from tilelang_tt import _core
from tilelang_tt.release_check import genfiles, jit
from tilelang_tt.release_check.jit import ARCHES
from tilelang_tt.release_check.kernels import preamble


def matrix_cases():
    """(test function, arguments) of every case of the validation matrix."""
    for name in sorted(dir(matrix)):
        test = getattr(matrix, name)
        marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
        if not name.startswith("test_") or not marks:
            continue
        axes = []
        for mark in marks:
            names = [n.strip() for n in mark.args[0].split(",")] if isinstance(mark.args[0], str) else mark.args[0]
            axes.append([dict(zip(names, v if len(names) > 1 else (v,))) for v in mark.args[1]])
        for combination in itertools.product(*axes):
            yield test, {k: v for part in combination for k, v in part.items()}


@pytest.fixture(scope="module")
def matrix_artifacts():
    """The artifacts directory of every validation-matrix case: each case runs as written, with its
    numerics check replaced by compiling (the plan assertions it makes still hold)."""
    directories = []

    def compile_only(func, M, N, K, dtype, trans_B=False, **options):
        kernel = tilelang_tt.compile(func, out_idx=[-1], **options)
        directories.append(kernel.artifacts_dir)
        return kernel

    mp = pytest.MonkeyPatch()
    mp.setattr(matrix, "check", compile_only)
    try:
        for test, arguments in matrix_cases():
            test(**arguments)
    finally:
        mp.undo()
    return directories


def plan_arch(directory):
    with open(os.path.join(directory, "tt.plan.json")) as fh:
        return json.load(fh)["arch"]


def test_every_matrix_test_is_covered(matrix_artifacts):
    tests = {name for name in dir(matrix) if name.startswith("test_")}
    assert {test.__name__ for test, _ in matrix_cases()} == tests
    assert len(matrix_artifacts) >= 35


def test_matrix_kernels_compile_against_the_release(tt_release, matrix_artifacts):
    supported = [d for d in matrix_artifacts if plan_arch(d) in ARCHES]
    result = check_kernels(supported)
    assert set(result.noise) <= {n.name for n in HOST_NOISE}
    # Byte-identical kernels compile once: far fewer compiles than kernels x processors.
    assert len(result.compiles) < 5 * len(supported)


def test_matrix_kernels_of_an_architecture_the_release_lacks(tt_release, matrix_artifacts):
    """v0.67 dropped Grayskull; kernels compiled for it are the same TT-Metalium code and must build
    for every architecture the release has."""
    grayskull = [d for d in matrix_artifacts if plan_arch(d) not in ARCHES]
    assert grayskull
    with pytest.raises(ReleaseCheckError, match="builds no kernels for 'grayskull'"):
        check_kernels(grayskull[:1])
    for arch in ARCHES:
        check_kernels(grayskull, arch=arch)


def test_matrix_host_programs_link_against_the_release(tt_release, matrix_artifacts):
    for program in check_host_programs(matrix_artifacts):
        assert program.resolved and not program.missing


# ---------------------------------------------------------------------------------------------------
# The check fails on programs that do not match the release


@pytest.fixture(scope="module")
def small_program():
    return tilelang_tt.compile(matmul(32, 32, 32, 32, 32, 32), out_idx=[-1]).artifacts_dir


# (kernel, replaced text, replacement, text appended, what the error must say)
BROKEN_KERNELS = {
    "eleven-argument matmul_block": (
        "compute.cpp", "matmul_block(cb_A_shared, cb_B_shared, 0, 0, 0, 0, 1, 1, 1)",
        "matmul_block(cb_A_shared, cb_B_shared, 0, 0, 0, 0, 1, 1, 1, 1, false)", "",
        ["compute.cpp:", "too many arguments to function", "matmul_block"]),
    "undeclared call": (
        "reader.cpp", "noc_async_read_barrier();",
        "noc_async_read_barrier();\n            noc_async_read_tile_bulk(0);", "",
        ["reader.cpp:", "'noc_async_read_tile_bulk' was not declared"]),
    "wrong include path": (
        "writer.cpp", '#include "api/dataflow/dataflow_api.h"', '#include "dataflow_api.h"', "",
        ["writer.cpp:5", "dataflow_api.h: No such file or directory"]),
    "legacy NAMESPACE / MAIN compute kernel": (
        "compute.cpp", "void kernel_main() {", "namespace NAMESPACE {\nvoid MAIN {", "}  // namespace NAMESPACE\n",
        ["chlkc_list.h", "'kernel_main' was not declared"]),
    "TensorAccessorArgs::is_dram called": (
        "reader.cpp", "noc_async_read_barrier();", "noc_async_read_barrier();\n            if (A_args.is_dram()) {}",
        "", ["reader.cpp:", "is_dram"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN_KERNELS))
def test_kernel_that_does_not_match_the_release_fails(tt_release, small_program, tmp_path, case):
    file, old, new, appended, expected = BROKEN_KERNELS[case]
    target = tmp_path / "artifacts"
    shutil.copytree(small_program, target)
    text = (target / file).read_text()
    assert old in text, f"{file} no longer contains {old!r}"
    (target / file).write_text(text.replace(old, new, 1) + appended)
    with pytest.raises(ReleaseMismatchError) as failure:
        check_kernels([str(target)])
    for words in expected:
        assert words in str(failure.value)


def test_noise_is_set_aside_only_outside_the_kernel():
    header_noise = ("/r/sfpi.h:456:17: error: 'sfpi::vInt::vInt(int32_t)' cannot be overloaded with "
                    "'sfpi::vInt::vInt(int)'\n")
    in_kernel = header_noise.replace("/r/sfpi.h", "/k/compute.cpp")
    unlocated = "cc1plus: error: unrecognized command-line option '-mcpu=tt-wh'\n"
    preamble_found = diagnostics.parse(header_noise + in_kernel)
    errors = diagnostics.kernel_errors(diagnostics.parse(header_noise + in_kernel + unlocated), preamble_found,
                                       "/k/compute.cpp")
    assert [(d.file, d.line) for d in errors] == [("/k/compute.cpp", 456), ("cc1plus", 0)]
    assert diagnostics.unexplained(preamble_found, "/k/compute.cpp") == []


def test_preamble_is_the_leading_includes_and_defines():
    source = ("// a kernel\n/* more\n   words */\n#include <cstdint>\n#define WIDE \\\n    2\n\n"
              "constexpr auto cb = 0;\n#include \"late.h\"\nvoid kernel_main() {}\n")
    assert preamble(source) == source[:source.index("constexpr")]


def test_descriptors_unpack_listed_float32_cbs_as_float32(tt_release):
    """As the release's JIT writes chlkc_descriptors.h: a Float32 CB unpacks to Tf32 with a float32
    DST unless the compute kernel unpacks it straight to DST (UnpackToDestFp32), then as Float32."""
    headers = jit.ReleaseHeaders(tt_release, "wormhole_b0", dict(_core.target.lookup_device("n150")))
    plan = {"compute_config": {"fp32_dest_acc_en": True},
            "circular_buffers": [{"name": name, "cb_index": index, "data_format": "Float32", "page_size": 4096}
                                 for name, index in (("x", 0), ("partials", 24))]}
    text = genfiles.compute_descriptors(plan, {"unpack_to_dest_fp32": [24]}, headers)
    unpack_dst = text.split("unpack_dst_format")[1].split("{")[1].split("}")[0].strip().split(",")
    formats = headers.data_formats
    assert (int(unpack_dst[0]), int(unpack_dst[24])) == (formats["Tf32"], formats["Float32"])


def host_program(tmp_path, declaration="", call=""):
    """A minimal host program, optionally declaring and calling one more function."""
    (tmp_path / "main.cpp").write_text(
        "#include <tt-metalium/distributed.hpp>\n#include <tt-metalium/host_api.hpp>\n\n"
        f"using namespace tt::tt_metal;\n{declaration}\n\n"
        "int main() {\n    Program program = CreateProgram();\n"
        f"    {call};\n    return 0;\n}}\n")
    return str(tmp_path)


def host_failure(tmp_path, declaration, call):
    with pytest.raises(ReleaseMismatchError) as failure:
        check_host_programs([host_program(tmp_path, declaration, call)])
    return str(failure.value)


def test_minimal_host_program_links(tt_release, tmp_path):
    program, = check_host_programs([host_program(tmp_path)])
    assert "tt::tt_metal::CreateProgram()" in {s.name for s in program.resolved}


def test_host_call_the_release_lacks_fails(tt_release, tmp_path):
    """A function an older release had, declared as its header did: v0.67's library lacks it."""
    message = host_failure(tmp_path,
                           "namespace tt::tt_metal::distributed {\n"
                           "void AddProgramToMeshWorkload(MeshWorkload&, Program&&, const MeshCoordinateRange&);\n}",
                           "distributed::MeshWorkload workload;\n    distributed::AddProgramToMeshWorkload(workload, "
                           "std::move(program), distributed::MeshCoordinateRange(distributed::MeshShape(1, 1)))")
    assert "tt::tt_metal::distributed::AddProgramToMeshWorkload(" in message
    assert "the release exports nothing named tt::tt_metal::distributed::AddProgramToMeshWorkload" in message


def test_host_call_with_a_signature_the_release_lacks_fails(tt_release, tmp_path):
    message = host_failure(tmp_path, "namespace tt::tt_metal {\nProgram CreateProgram(int);\n}", "CreateProgram(3)")
    assert "tt::tt_metal::CreateProgram(int)" in message
    assert "the release exports: tt::tt_metal::CreateProgram()" in message


def test_host_program_that_does_not_compile_fails(tt_release, tmp_path):
    message = host_failure(tmp_path, "", "CreateProgramme()")
    assert "does not compile against the simulator's headers" in message and "CreateProgramme" in message


def test_release_download_failure_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_RELEASE_DIR", str(tmp_path))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    with pytest.raises(ReleaseUnavailableError, match=r"ttnn==0\.67\.4 wheel from PyPI\) failed"):
        release_root()
    assert os.listdir(tmp_path) == []  # nothing half-extracted is left to be mistaken for the release
