"""The simulator's cost model (docs/simulator.md, Statistics: ``cost``): what each engine is charged,
how DST handoffs couple math and pack, what NoC transactions and barriers cost, and the
hand-written multicast matmul (tests_cpp/sim/kernels/mcast_*) next to the generated GEMM."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import tilelang_tt.sim as sim
from test_sim_plan import BF16, KERNELS, _bf16, _pcc, matmul_plan

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _kernel(stats, role, core=(0, 0)):
    return next(k for k in stats["kernels"] if k["kernel"] == role and tuple(k["core"]) == tuple(core))


def _run_matmul(M, N, K, **config):
    plan = matmul_plan(M, N, K, grid=(1, 1))
    plan["compute_config"].update(config)
    rng = np.random.default_rng(0)
    a, b = _bf16(rng, (M, K)), _bf16(rng, (K, N))
    result = sim.run_plan(plan, KERNELS, {"A": a, "B": b})
    assert _pcc(result["C"].astype(np.float32), a.astype(np.float32) @ b.astype(np.float32)) >= 0.999
    return result.stats


def test_compute_kernel_is_charged_unpack_math_pack_and_handoffs():
    """Two output tiles, two K steps each (matmul.cpp), worked through by hand with the Wormhole
    numbers: a matmul_tiles unpacks two bf16 tiles with both unpackers (4096 B at 80 B/cycle =
    51.2), multiplies for 64 cycles once they are unpacked; the commit costs 7; packing a tile is
    2048 B at 64 B/cycle; the release 1. With two DST sections the second tile's math overlaps
    the first tile's pack: math 51.2+64+64+7 = 186.2, pack to 219.2; math again to 321.2, pack
    to 354.2."""
    compute = _kernel(_run_matmul(64, 32, 64), "compute")
    cost = compute["cost"]
    assert cost["unpack_cycles"] == 205 and cost["math_cycles"] == 256 and cost["pack_cycles"] == 64
    assert cost["dst_handoffs"] == 2 and cost["noc_transfers"] == 0
    assert cost["cycles"] == 355
    assert compute["compute_cycles"] == 256  # the roofline's count is unchanged


def test_full_sync_dst_serializes_math_and_pack():
    """With dst_full_sync_en there is one DST section: the second tile's math waits for the first
    tile's release (219.2), so the kernel ends at 219.2+128+7+32+1 = 387.2."""
    half = _kernel(_run_matmul(64, 32, 64), "compute")["cost"]["cycles"]
    full = _kernel(_run_matmul(64, 32, 64, dst_full_sync_en=True), "compute")["cost"]["cycles"]
    assert (half, full) == (355, 388)


def test_copy_and_pack_are_charged_where_the_roofline_counts_them_free():
    """The blocked matmul reloads its partial sums (copy_tile) and packs them back between K
    blocks: the cost model charges both; the roofline counts only the matmul tiles."""
    stats = _run_blocked(256, "blocked")
    compute = _kernel(stats, "compute")
    ops = compute["tile_ops"]
    matmul, copies, packs = ops["matmul_tiles"], ops["copy_tile"], ops["pack_tile"]
    assert copies > 0 and packs > copies
    assert compute["compute_cycles"] == matmul * 64
    assert compute["cost"]["math_cycles"] == matmul * 64 + copies * 8
    assert compute["cost"]["pack_cycles"] == packs * 2048 // 64


def test_more_transactions_for_the_same_bytes_cost_more():
    """The simple matmul reads every tile with its own transaction and barrier; the blocked one reads
    K blocks of tiles under one barrier: per byte read, the blocked reader is charged less."""
    def reader_cycles_per_byte(stats):
        reader = _kernel(stats, "reader")
        return reader["cost"]["cycles"] / reader["dram_read_bytes"], reader["cost"]

    blocked, blocked_cost = reader_cycles_per_byte(_run_blocked(256, "blocked"))
    simple, simple_cost = reader_cycles_per_byte(_run_blocked(256, "simple"))
    assert simple_cost["noc_barriers"] > blocked_cost["noc_barriers"]
    assert simple > blocked


def _run_blocked(size, variant, grid=(8, 8)):
    bench = _load("sim_matmul")
    make = {"blocked": bench.blocked_plan, "mcast": bench.mcast_plan, "simple": bench.simple_plan}[variant]
    rng = np.random.default_rng(0)
    a, b = _bf16(rng, (size, size)), _bf16(rng, (size, size))
    result = sim.run_plan(make(size, *grid, "n150"), KERNELS, {"A": a, "B": b})
    want = a.astype(np.float32) @ b.astype(np.float32)
    assert _pcc(result["C"].astype(np.float32), want) >= 0.999
    return result.stats


@pytest.mark.parametrize("size, grid", [(256, (2, 2)), (512, (4, 2)), (256, (8, 8)), (1024, (2, 2))])
def test_handwritten_multicast_matmul_matches_numpy_and_reads_each_input_once(size, grid):
    """The hand-written multicast matmul (A along rows, B down columns, paced by semaphores) computes
    the matmul and reads A and B from DRAM once per output block of a core (once each when a core's
    share is one block; at 1024 on 2x2 cores, 2x2 blocks of 8x8 tiles each); the other cores get
    their blocks by multicast."""
    stats = _run_blocked(size, "mcast", grid)
    totals = stats["totals"]
    b = _load("sim_matmul").blocking(size, *grid, "mcast")
    assert totals["dram_read_bytes"] == size * size * 2 * (b.blocks_n + b.blocks_m)
    assert totals["dram_write_bytes"] == size * size * 2
    gx, gy = grid
    # Each sender multicasts its blocks to the gx-1 (gy-1) other cores of its line.
    assert totals["noc_write_bytes"] >= size * size * 2 * ((gx - 1) + (gy - 1))
    assert stats["cost"]["estimated_cycles"] > 0


def test_multicast_matmul_beats_the_unicast_blocked_matmul_under_the_cost_model():
    """Same compute kernel, same blocks: reading each input once from DRAM instead of once per
    block that uses it lowers the DRAM time, and with it the estimate."""
    blocked = _run_blocked(512, "blocked")["cost"]
    mcast = _run_blocked(512, "mcast")["cost"]
    assert mcast["dram_cycles"] < blocked["dram_cycles"]
    assert mcast["estimated_cycles"] < blocked["estimated_cycles"]


def test_cost_benchmark_reports_the_generated_gemm_and_the_handwritten_multicast_matmul():
    from test_benchmarks import run
    import json

    done = run("bench_cost_model.py", "--size", "256")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["programs"]) == {"generated GEMM", "hand-written multicast matmul"}
    for entry in report["programs"].values():
        assert entry["pcc"] >= 0.999 and entry["cost_cycles"] > 0 and entry["roofline_cycles"] > 0
