"""Functions of several T.Kernel launches: one Tenstorrent program per launch (SplitTTLaunches),
run in order on the same buffers by kernel(...) and by the generated main.cpp, with global buffers
passed between launches as parameters or allocated with T.alloc_global. Compared with NumPy on the
simulator; the programs pass the real-header check."""

import importlib.resources
import json
import os
import subprocess

import jsonschema
import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import passes
from tilelang_tt.release_check import check_kernels

from test_host_program import configure_and_build, simulator_cmake_args
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

M, N = 64, 96


def scale_then_add(allocate_scratch=True):
    """Launch 1 doubles X into a scratch tensor; launch 2, on another grid, adds X to it."""
    if allocate_scratch:
        @T.prim_func
        def two_launches(X: T.Tensor((M, N), "bfloat16"), Out: T.Tensor((M, N), "bfloat16")):
            doubled = T.alloc_global((M, N), "bfloat16")
            with T.Kernel(M // 32) as bx:
                rows = T.alloc_shared((32, N), "bfloat16")
                T.copy(X[bx * 32, 0], rows)
                for i, j in T.Parallel(32, N):
                    rows[i, j] = rows[i, j] * 2.0
                T.copy(rows, doubled[bx * 32, 0])
            with T.Kernel(N // 32, M // 32) as (bx, by):
                block = T.alloc_shared((32, 32), "bfloat16")
                x = T.alloc_shared((32, 32), "bfloat16")
                T.copy(doubled[by * 32, bx * 32], block)
                T.copy(X[by * 32, bx * 32], x)
                for i, j in T.Parallel(32, 32):
                    block[i, j] = block[i, j] + x[i, j]
                T.copy(block, Out[by * 32, bx * 32])

        return two_launches

    @T.prim_func
    def two_launches_through_a_parameter(X: T.Tensor((M, N), "bfloat16"), doubled: T.Tensor((M, N), "bfloat16"),
                                         Out: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(M // 32) as bx:
            rows = T.alloc_shared((32, N), "bfloat16")
            T.copy(X[bx * 32, 0], rows)
            for i, j in T.Parallel(32, N):
                rows[i, j] = rows[i, j] * 2.0
            T.copy(rows, doubled[bx * 32, 0])
        with T.Kernel(N // 32, M // 32) as (bx, by):
            block = T.alloc_shared((32, 32), "bfloat16")
            x = T.alloc_shared((32, 32), "bfloat16")
            T.copy(doubled[by * 32, bx * 32], block)
            T.copy(X[by * 32, bx * 32], x)
            for i, j in T.Parallel(32, 32):
                block[i, j] = block[i, j] + x[i, j]
            T.copy(block, Out[by * 32, bx * 32])

    return two_launches_through_a_parameter


def inputs():
    return np.random.default_rng(3).uniform(-1, 1, (M, N)).astype(ml_dtypes.bfloat16)


def expected(x):
    doubled = (x.astype(np.float32) * 2).astype(ml_dtypes.bfloat16)
    return doubled.astype(np.float32) + x.astype(np.float32)


def test_launches_run_in_order_on_a_scratch_buffer():
    kernel = tilelang_tt.compile(scale_then_add(), out_idx=[-1])
    plan = kernel.plan
    schema = json.loads(importlib.resources.files("tilelang_tt").joinpath("schemas/tt.plan.schema.json").read_text())
    jsonschema.validate(plan, schema)
    assert [b["name"] + ":" + b["access"] for b in plan["buffers"]] == ["X:read", "Out:write", "doubled:none"]
    assert len(plan["launches"]) == 1 and plan["core_grid"] != plan["launches"][0]["core_grid"]
    assert [k["source"] for k in plan["launches"][0]["kernels"]] == ["reader_1.cpp", "compute_1.cpp", "writer_1.cpp"]
    x = inputs()
    np.testing.assert_allclose(kernel(x).astype(np.float32), expected(x), atol=2 ** -6, rtol=2 ** -7)
    # Both launches' kernels ran: their files appear in the statistics.
    files = {k["file"] for k in kernel.stats()["kernels"]}
    assert {"reader.cpp", "writer_1.cpp"} <= {os.path.basename(f) for f in files}


def test_a_parameter_written_by_one_launch_and_read_by_the_next():
    kernel = tilelang_tt.compile(scale_then_add(allocate_scratch=False), out_idx=[1, 2])
    # Written before any launch reads it: an output, not an input the host must upload.
    assert {b["name"]: b["access"] for b in kernel.plan["buffers"]}["doubled"] == "write"
    x = inputs()
    doubled, out = kernel(x)
    np.testing.assert_array_equal(doubled.astype(np.float32), (x.astype(np.float32) * 2))
    np.testing.assert_allclose(out.astype(np.float32), expected(x), atol=2 ** -6, rtol=2 ** -7)


def test_get_kernel_source_of_a_later_launch():
    kernel = tilelang_tt.compile(scale_then_add(), out_idx=[-1])
    assert kernel.get_kernel_source("compute", launch=1) != kernel.get_kernel_source("compute")
    with pytest.raises(tilelang_tt.errors.ValidationError, match="launch must be an int from 0 to 1"):
        kernel.get_kernel_source("compute", launch=2)


def test_main_cpp_runs_the_launches_in_order(tmp_path):
    kernel = tilelang_tt.compile(scale_then_add(), out_idx=[-1])
    x = inputs()
    result = kernel(x)
    main = kernel.get_kernel_source("host")
    assert main.count("CreateProgram()") == 2 and "// Launch 2 of 2." in main
    configure_and_build(kernel.artifacts_dir, tmp_path / "build", simulator_cmake_args())
    x.tofile(tmp_path / "x.bin")
    proc = subprocess.run([str(tmp_path / "build" / "two_launches"), f"X={tmp_path / 'x.bin'}",
                           f"Out={tmp_path / 'out.bin'}"], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TT_SIM_DEVICE=kernel.plan["device"]))
    assert proc.returncode == 0, proc.stderr
    out = np.fromfile(tmp_path / "out.bin", dtype=ml_dtypes.bfloat16).reshape(M, N)
    np.testing.assert_array_equal(out.view(np.uint16), result.view(np.uint16))


def test_the_pipeline_alone_lowers_one_launch_and_says_what_to_do():
    with pytest.raises(tilelang_tt.errors.ValidationError, match="one program per launch") as info:
        passes.run_pipeline(scale_then_add(allocate_scratch=False))
    assert "2 T.Kernel launches" in str(info.value)
    split = passes.pass_by_name("SplitTTLaunches")(scale_then_add())
    assert [f.name for f in split.functions.values()] == ["two_launches_launch0", "two_launches_launch1"]
    assert [[p.name for p in f.params] for f in split.functions.values()] == [["X", "doubled"],
                                                                              ["X", "Out", "doubled"]]
    with pytest.raises(tilelang_tt.errors.ValidationError, match="the pipeline lowers one function"):
        passes.run_pipeline(split)


def test_a_parameter_no_launch_uses_stays_a_buffer_of_the_plan():
    @T.prim_func
    def unused(X: T.Tensor((32, 32), "bfloat16"), U: T.Tensor((32, 32), "bfloat16"),
               Out: T.Tensor((32, 32), "bfloat16")):
        s = T.alloc_global((32, 32), "bfloat16")
        with T.Kernel(1) as bx:
            a = T.alloc_shared((32, 32), "bfloat16")
            T.copy(X[0, 0], a)
            T.copy(a, s[0, 0])
        with T.Kernel(1) as bx:
            b = T.alloc_shared((32, 32), "bfloat16")
            T.copy(s[0, 0], b)
            T.copy(b, Out[0, 0])

    kernel = tilelang_tt.compile(unused, out_idx=[1, 2])
    assert kernel.plan["kernel_name"] == "unused"
    assert [(b["name"], b["access"]) for b in kernel.plan["buffers"]] == [("X", "read"), ("U", "none"),
                                                                           ("Out", "write"), ("s", "none")]
    x = inputs()[:32, :32]
    u, out = kernel(x)
    np.testing.assert_array_equal(out.view(np.uint16), x.view(np.uint16))


def test_reading_an_allocated_buffer_before_any_launch_writes_it_is_a_located_error():
    @T.prim_func
    def uninitialized(X: T.Tensor((32, 32), "bfloat16"), Out: T.Tensor((32, 32), "bfloat16")):
        s = T.alloc_global((32, 32), "bfloat16")
        with T.Kernel(1) as bx:
            a = T.alloc_shared((32, 32), "bfloat16")
            T.copy(s[0, 0], a)
            T.copy(a, Out[0, 0])
        with T.Kernel(1) as bx:
            b = T.alloc_shared((32, 32), "bfloat16")
            T.copy(X[0, 0], b)
            T.copy(b, s[0, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="this launch reads s, which T.alloc_global") as info:
        tilelang_tt.compile(uninitialized, out_idx=[-1])
    assert info.value.line is not None


def test_alloc_global_named_like_a_parameter_is_a_located_error():
    with pytest.raises(tilelang_tt.errors.TileLangTTError, match="which is a parameter of the function") as info:
        @T.prim_func
        def shadow(X: T.Tensor((32, 32), "bfloat16")):
            X = T.alloc_global((32, 32), "bfloat16")  # noqa: F841
            with T.Kernel(1) as bx:
                T.fill(X[0:32, 0:32], 0)
    assert info.value.line is not None


def test_alloc_global_inside_a_launch_is_a_located_error():
    with pytest.raises(tilelang_tt.errors.TileLangTTError, match="T.alloc_global must come before") as info:
        @T.prim_func
        def inside(X: T.Tensor((32, 32), "bfloat16")):
            with T.Kernel(1) as bx:
                scratch = T.alloc_global((32, 32), "bfloat16")  # noqa: F841
                T.fill(X[0:32, 0:32], 0)
    assert info.value.line is not None


def test_launches_that_store_a_buffer_differently_are_a_located_error():
    @T.prim_func
    def disagree(X: T.Tensor((2, 64, 32), "bfloat16"), Out: T.Tensor((2, 64, 32), "bfloat16"),
                 First: T.Tensor((2, 32), "bfloat16")):
        with T.Kernel(2) as bx:
            a = T.alloc_shared((64, 32), "bfloat16")
            T.copy(X[bx, 0:64, 0:32], a)
            T.copy(a, Out[bx, 0:64, 0:32])
        with T.Kernel(2) as bx:
            row = T.alloc_fragment((32,), "bfloat16")
            T.copy(X[bx, 0, 0:32], row)
            T.copy(row, First[bx, 0:32])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="this launch stores X differently from launch 0") as info:
        tilelang_tt.compile(disagree, out_idx=[1, 2])
    assert info.value.line is not None


def test_launches_compile_against_the_release(tt_release):
    check_kernels([tilelang_tt.compile(scale_then_add(), out_idx=[-1]).artifacts_dir])
