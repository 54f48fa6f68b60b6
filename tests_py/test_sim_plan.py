"""tilelang_tt.sim: kernel sources + a runtime plan with NumPy inputs, compared with NumPy."""

import json
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt.sim as sim
from tilelang_tt.errors import SimulationError, ValidationError

KERNELS = Path(__file__).resolve().parent.parent / "tests_cpp" / "sim" / "kernels"
BF16 = ml_dtypes.bfloat16


def _cb(index, pages, fmt="Float16_b", page=2048):
    return {"cb_index": index, "data_format": fmt, "page_size": page, "num_pages": pages}


def _buffers(shape, *names, dtype="bfloat16"):
    return [{"name": n, "shape": list(shape), "dtype": dtype, "page_size": 2048 if dtype == "bfloat16" else 4096,
             "layout": "dram_interleaved"} for n in names]


def eltwise_plan(op, shape=(64, 96), cores=2):
    tiles = (shape[0] // 32) * (shape[1] // 32)
    per = tiles // cores
    reader = {f"{x},0": [{"buffer_address": "A"}, {"buffer_address": "B"}, x * per, per] for x in range(cores)}
    writer = {f"{x},0": [{"buffer_address": "C"}, x * per, per] for x in range(cores)}
    return {
        "device": "n150",
        "core_ranges": [[[0, 0], [cores - 1, 0]]],
        "buffers": _buffers(shape, "A", "B", "C"),
        "circular_buffers": [_cb(0, 2), _cb(1, 2), _cb(16, 2)],
        "kernels": [
            {"role": "reader", "source": "read_two.cpp",
             "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "B"}], "runtime_args": reader},
            {"role": "compute", "source": "eltwise_binary.cpp", "defines": {"BINARY_OP": op, "BINARY_INIT": op + "_init"},
             "runtime_args": {f"{x},0": [per] for x in range(cores)}},
            {"role": "writer", "source": "write_tiles.cpp", "compile_args": [{"tensor_accessor_args": "C"}],
             "runtime_args": writer},
        ],
        "compute_config": {"math_fidelity": "HiFi4"},
    }


def matmul_plan(M, N, K, grid=(2, 2), fidelity="HiFi4", fp32_acc=False):
    Mt, Nt, Kt = M // 32, N // 32, K // 32
    cores = grid[0] * grid[1]
    per = Mt * Nt // cores
    keys = [f"{i % grid[0]},{i // grid[0]}" for i in range(cores)]
    return {
        "device": "n150",
        "core_ranges": [[[0, 0], [grid[0] - 1, grid[1] - 1]]],
        "buffers": _buffers((M, K), "A") + _buffers((K, N), "B") + _buffers((M, N), "C"),
        "circular_buffers": [_cb(0, 2), _cb(1, 2), _cb(16, 2)],
        "kernels": [
            {"role": "reader", "source": "read_matmul.cpp",
             "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "B"}],
             "runtime_args": {k: [{"buffer_address": "A"}, {"buffer_address": "B"}, Kt, Nt, i * per, per]
                              for i, k in enumerate(keys)}},
            {"role": "compute", "source": "matmul.cpp", "runtime_args": {k: [per, Kt] for k in keys}},
            {"role": "writer", "source": "write_tiles.cpp", "compile_args": [{"tensor_accessor_args": "C"}],
             "runtime_args": {k: [{"buffer_address": "C"}, i * per, per] for i, k in enumerate(keys)}},
        ],
        "compute_config": {"math_fidelity": fidelity, "fp32_dest_acc_en": fp32_acc},
    }


def _bf16(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape).astype(BF16)


def _pcc(a, b):
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def test_eltwise_add_matches_numpy_exactly():
    """FPU add in 16-bit DST then a bf16 pack is the bf16 rounding of the float sum."""
    rng = np.random.default_rng(0)
    a, b = _bf16(rng, (64, 96)), _bf16(rng, (64, 96))
    result = sim.run_plan(eltwise_plan("add_tiles"), KERNELS, {"A": a, "B": b})
    want = (a.astype(np.float32) + b.astype(np.float32)).astype(BF16)
    assert result["C"].dtype == BF16
    np.testing.assert_array_equal(result["C"], want)
    assert result.stats["totals"]["tile_ops"]["add_tiles"] == 6


def test_matmul_bf16_pcc_and_tolerance():
    """bf16 matmul over 4 cores: PCC >= 0.999, error within the bf16-accumulation bound."""
    rng = np.random.default_rng(1)
    M, N, K = 128, 64, 96
    a, b = _bf16(rng, (M, K)), _bf16(rng, (K, N))
    result = sim.run_plan(matmul_plan(M, N, K), KERNELS, {"A": a, "B": b})
    got = result["C"].astype(np.float32)
    want = a.astype(np.float32) @ b.astype(np.float32)
    assert _pcc(got, want) >= 0.999
    bound = 2 * (K // 32) * np.abs(want).max() / 256  # one bf16 rounding per 16-deep accumulation
    np.testing.assert_allclose(got, want, atol=bound, rtol=0)
    assert result.stats["roofline"]["compute_cycles"] == (M // 32) * (N // 32) // 4 * (K // 32) * 64


def test_lofi_is_less_accurate_than_hifi4():
    """Math fidelity changes the numerics the way the hardware's mantissa passes do."""
    rng = np.random.default_rng(2)
    a, b = _bf16(rng, (64, 64)), _bf16(rng, (64, 64))
    want = a.astype(np.float32) @ b.astype(np.float32)
    err = {}
    for fidelity in ("LoFi", "HiFi4"):
        got = sim.run_plan(matmul_plan(64, 64, 64, (1, 1), fidelity, fp32_acc=True), KERNELS, {"A": a, "B": b})["C"]
        err[fidelity] = float(np.abs(got.astype(np.float32) - want).mean())
    assert err["LoFi"] > 2 * err["HiFi4"]


def test_plan_accepts_json_file(tmp_path):
    rng = np.random.default_rng(3)
    a, b = _bf16(rng, (64, 96)), _bf16(rng, (64, 96))
    path = tmp_path / "tt.plan.json"
    path.write_text(json.dumps(eltwise_plan("mul_tiles")))
    result = sim.run_plan(path, KERNELS, {"A": a, "B": b})
    np.testing.assert_array_equal(result["C"], (a.astype(np.float32) * b.astype(np.float32)).astype(BF16))


def test_kernel_fault_raises_simulation_error_with_location(tmp_path):
    """A protocol error names core, kernel and line, and the exception carries file and line."""
    source = (KERNELS / "write_tiles.cpp").read_text().replace("cb_wait_front(cb_out, 1);", "")
    (tmp_path / "write_tiles.cpp").write_text(source)
    for name in ("read_two.cpp", "eltwise_binary.cpp"):
        (tmp_path / name).write_text((KERNELS / name).read_text())
    rng = np.random.default_rng(4)
    with pytest.raises(SimulationError) as info:
        sim.run_plan(eltwise_plan("add_tiles"), tmp_path, {"A": _bf16(rng, (64, 96)), "B": _bf16(rng, (64, 96))})
    err = info.value
    assert "core (0,0)" in str(err) and "writer kernel write_tiles.cpp" in str(err)
    assert "missing cb_wait_front" in str(err)
    assert err.file.endswith("write_tiles.cpp")
    assert "cb_pop_front" in source.splitlines()[err.line - 1]


def test_deadlock_lists_every_blocked_kernel():
    """Nobody pushes CB 1: the reader never runs, so compute waits forever; the report says so."""
    plan = eltwise_plan("add_tiles", cores=1)
    plan["kernels"] = [k for k in plan["kernels"] if k["role"] != "reader"]
    rng = np.random.default_rng(5)
    with pytest.raises(SimulationError, match="deadlock") as info:
        sim.run_plan(plan, KERNELS, {"A": _bf16(rng, (64, 96)), "B": _bf16(rng, (64, 96))})
    message = str(info.value)
    assert "compute kernel eltwise_binary.cpp: waits in cb_wait_front" in message
    assert "writer kernel write_tiles.cpp: waits in cb_wait_front" in message


def test_bad_plans_raise_validation_errors():
    rng = np.random.default_rng(6)
    inputs = {"A": _bf16(rng, (64, 96)), "B": _bf16(rng, (64, 96))}
    plan = eltwise_plan("add_tiles")
    plan["kernels"][0]["runtime_args"]["0,0"][0] = {"buffer_address": "Z"}
    with pytest.raises(ValidationError, match="unknown buffer"):
        sim.run_plan(plan, KERNELS, inputs)
    with pytest.raises(ValidationError, match="valid names"):
        sim.run_plan(eltwise_plan("add_tiles"), KERNELS, inputs, device="h100")
    with pytest.raises(ValidationError, match="shape"):
        sim.run_plan(eltwise_plan("add_tiles"), KERNELS, {"A": _bf16(rng, (32, 32)), "B": inputs["B"]})


def test_malformed_plans_name_the_problem():
    """Wrong JSON types, missing fields and plan text that is not JSON are ValidationErrors that
    say what is wrong, never a raw JSON-library error."""
    rng = np.random.default_rng(8)
    inputs = {"A": _bf16(rng, (64, 96)), "B": _bf16(rng, (64, 96))}
    plan = eltwise_plan("add_tiles")
    plan["circular_buffers"][0]["page_size"] = "one tile"
    with pytest.raises(ValidationError, match="invalid simulator plan: a field has the wrong type"):
        sim.run_plan(plan, KERNELS, inputs)
    plan = eltwise_plan("add_tiles")
    del plan["buffers"][2]["name"]
    with pytest.raises(ValidationError, match="every buffer needs a name and a shape"):
        sim.run_plan(plan, KERNELS, inputs)
    plan = eltwise_plan("add_tiles")
    del plan["core_ranges"]
    plan["semaphores"] = [{"initial_value": 0}]
    for kernel in plan["kernels"]:
        kernel["core_ranges"] = [[[0, 0], [1, 0]]]
    for cb in plan["circular_buffers"]:
        cb["core_ranges"] = [[[0, 0], [1, 0]]]
    with pytest.raises(ValidationError, match="plan lacks 'core_ranges'"):
        sim.run_plan(plan, KERNELS, inputs)
    with pytest.raises(ValidationError, match="the plan text is not JSON"):
        sim.run_plan("{not json", KERNELS, inputs)


def test_trace_is_written_for_perfetto(tmp_path):
    rng = np.random.default_rng(7)
    trace = tmp_path / "trace.json"
    sim.run_plan(eltwise_plan("add_tiles"), KERNELS, {"A": _bf16(rng, (64, 96)), "B": _bf16(rng, (64, 96))}, trace=trace)
    events = json.loads(trace.read_text())["traceEvents"]
    assert any(e["ph"] == "X" for e in events)
    assert {e["args"]["name"] for e in events if e["name"] == "thread_name"} >= {"compute kernel eltwise_binary.cpp"}


def test_tilize_round_trip_and_face_order():
    x = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    tiles = sim.tilize(x)
    assert tiles[256] == x[0, 16]  # face 1 starts at row 0, column 16
    np.testing.assert_array_equal(sim.untilize(tiles, (64, 64)), x)


def test_device_table():
    spec = sim.device_spec("wormhole_b0")
    assert spec["name"] == "n150" and spec["grid"] == (8, 8) and spec["dram_banks"] == 12
    assert spec["dst_tiles"][(False, False)] == 8 and spec["matmul_cycles_per_tile"]["LoFi"] == 16
    assert {"grayskull", "wormhole", "blackhole", "p100a"} <= set(sim.device_names())
    with pytest.raises(ValidationError, match="valid names are"):
        sim.device_spec("h100")


def multicast_plan(n):
    """A sender core multicasts X to a row of n - 1 receivers under two semaphores; every core adds
    its own tile of B to X. Semaphore ids and physical NoC coordinates reach the kernels through
    plan markers."""
    row = [[[0, 0], [n - 1, 0]]]

    def reader_args(i):
        return [{"buffer_address": "X"}, {"buffer_address": "B"}, i, int(i == 0),
                {"noc_x": [1, 0]}, {"noc_y": [1, 0]}, {"noc_x": [n - 1, 0]}, {"noc_y": [n - 1, 0]}, n - 1,
                {"noc_x": [0, 0]}, {"noc_y": [0, 0]}, {"semaphore": 0}, {"semaphore": 1}]

    return {
        "device": "n150",
        "core_ranges": row,
        "buffers": _buffers((32, 32), "X") + _buffers((32, 32 * n), "B", "C"),
        "circular_buffers": [_cb(0, 2), _cb(1, 2), _cb(16, 2)],
        "semaphores": [{"initial_value": 0}, {"initial_value": 0}],
        "kernels": [
            {"role": "reader", "source": "mcast_reader.cpp",
             "compile_args": [{"tensor_accessor_args": "X"}, {"tensor_accessor_args": "B"}],
             "runtime_args": [{"core": [i, 0], "args": reader_args(i)} for i in range(n)]},
            {"role": "compute", "source": "eltwise_binary.cpp",
             "defines": {"BINARY_OP": "add_tiles", "BINARY_INIT": "add_tiles_init"},
             "runtime_args": {f"{i},0": [1] for i in range(n)}},
            {"role": "writer", "source": "write_tiles.cpp", "compile_args": [{"tensor_accessor_args": "C"}],
             "runtime_args": {f"{i},0": [{"buffer_address": "C"}, i, 1] for i in range(n)}},
        ],
    }


def test_multicast_with_semaphores_through_plan_markers():
    n = 4
    rng = np.random.default_rng(8)
    x, b = _bf16(rng, (32, 32)), _bf16(rng, (32, 32 * n))
    plan = multicast_plan(n)
    result = sim.run_plan(plan, KERNELS, {"X": x, "B": b})
    want = (np.tile(x.astype(np.float32), (1, n)) + b.astype(np.float32)).astype(BF16)
    np.testing.assert_array_equal(result["C"], want)
    sender = next(k for k in result.stats["kernels"] if k["core"] == [0, 0] and k["kernel"] == "reader")
    assert sender["noc_write_bytes"] == (n - 1) * (2048 + 4)  # the tile and the VALID flag, once per receiver
