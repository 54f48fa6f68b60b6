"""TT-Metalium v0.67.4's own kernels, taken unmodified from the release (the ttnn wheel the
real-header check downloads; nothing is copied into this repository), run on the simulator with
the defines and arguments TT-Metalium's host code passes them, and compared with NumPy."""

import os

import ml_dtypes
import numpy as np

import tilelang_tt.sim as sim

from test_sim_plan import KERNELS, _buffers, _cb


def release_kernel(root, name, kind="compute"):
    path = os.path.join(root, "tt_metal", "kernels", kind, name)
    assert os.path.isfile(path), f"the release has no {path}"
    return path


def unary_plan(compute, defines, tiles):
    return {
        "device": "n150",
        "core_ranges": [[[0, 0], [0, 0]]],
        "buffers": _buffers((32, 32 * tiles), "A", "C"),
        "circular_buffers": [_cb(0, 2), _cb(16, 2)],
        "kernels": [
            {"role": "reader", "source": str(KERNELS / "read_one.cpp"), "compile_args": [{"tensor_accessor_args": "A"}],
             "runtime_args": {"0,0": [{"buffer_address": "A"}, 0, tiles]}},
            {"role": "compute", "source": compute, "compile_args": [tiles, 1], "defines": defines},
            {"role": "writer", "source": str(KERNELS / "write_tiles.cpp"),
             "compile_args": [{"tensor_accessor_args": "C"}], "runtime_args": {"0,0": [{"buffer_address": "C"}, 0, tiles]}},
        ],
        "compute_config": {"math_fidelity": "HiFi4"},
    }


def test_release_eltwise_sfpu_kernel(tt_release):
    """tt_metal/kernels/compute/eltwise_sfpu.cpp with an SFPU_OP_CHAIN_0 of exp, as TT-Metalium's
    unary ops build it."""
    plan = unary_plan(release_kernel(tt_release, "eltwise_sfpu.cpp"),
                      {"SFPU_OP_EXP_INCLUDE": "1", "SFPU_OP_CHAIN_0": "exp_tile_init(); exp_tile(0);"}, tiles=4)
    a = np.random.default_rng(0).uniform(-2, 2, (32, 128)).astype(ml_dtypes.bfloat16)
    c = sim.run_plan(plan, str(KERNELS), {"A": a})["C"].astype(np.float32)
    np.testing.assert_allclose(c, np.exp(a.astype(np.float32)), rtol=2 ** -7)


def test_release_eltwise_binary_kernel(tt_release):
    """tt_metal/kernels/compute/eltwise_binary.cpp as an add (ELTWISE_OP_TYPE / ELTWISE_OP defines)."""
    tiles = 4
    plan = {
        "device": "n150",
        "core_ranges": [[[0, 0], [0, 0]]],
        "buffers": _buffers((32, 32 * tiles), "A", "B", "C"),
        "circular_buffers": [_cb(0, 2), _cb(1, 2), _cb(16, 2)],
        "kernels": [
            {"role": "reader", "source": str(KERNELS / "read_two.cpp"),
             "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "B"}],
             "runtime_args": {"0,0": [{"buffer_address": "A"}, {"buffer_address": "B"}, 0, tiles]}},
            {"role": "compute", "source": release_kernel(tt_release, "eltwise_binary.cpp"),
             "defines": {"ELTWISE_OP_TYPE": "EltwiseBinaryType::ELWADD", "ELTWISE_OP": "add_tiles"},
             "runtime_args": {"0,0": [tiles, 1, 0]}},
            {"role": "writer", "source": str(KERNELS / "write_tiles.cpp"),
             "compile_args": [{"tensor_accessor_args": "C"}], "runtime_args": {"0,0": [{"buffer_address": "C"}, 0, tiles]}},
        ],
        "compute_config": {"math_fidelity": "HiFi4"},
    }
    rng = np.random.default_rng(1)
    a, b = (rng.uniform(-1, 1, (32, 32 * tiles)).astype(ml_dtypes.bfloat16) for _ in range(2))
    c = sim.run_plan(plan, str(KERNELS), {"A": a, "B": b})["C"]
    expected = (a.astype(np.float32) + b.astype(np.float32)).astype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(c, expected)


def test_release_unary_dataflow_kernels(tt_release):
    """tt_metal/kernels/dataflow/reader_unary.cpp (classic calls) and writer_unary.cpp (an
    experimental::Noc writing an experimental::CircularBuffer to an experimental::AllocatorBank)
    around eltwise_sfpu.cpp: both walk one DRAM bank from an address, so each tensor is one page."""
    tiles = 3
    plan = unary_plan(release_kernel(tt_release, "eltwise_sfpu.cpp"),
                      {"SFPU_OP_EXP_INCLUDE": "1", "SFPU_OP_CHAIN_0": "exp_tile_init(); exp_tile(0);"}, tiles)
    for buffer in plan["buffers"]:
        buffer["page_size"] = 2048 * tiles
    reader, _, writer = plan["kernels"]
    reader.update(source=release_kernel(tt_release, "reader_unary.cpp", "dataflow"), compile_args=[],
                  runtime_args={"0,0": [{"buffer_address": "A"}, 0, tiles]})
    writer.update(source=release_kernel(tt_release, "writer_unary.cpp", "dataflow"), compile_args=[],
                  runtime_args={"0,0": [{"buffer_address": "C"}, 0, tiles]})
    a = np.random.default_rng(2).uniform(-2, 2, (32, 32 * tiles)).astype(ml_dtypes.bfloat16)
    c = sim.run_plan(plan, str(KERNELS), {"A": a})["C"].astype(np.float32)
    np.testing.assert_allclose(c, np.exp(a.astype(np.float32)), rtol=2 ** -7)
