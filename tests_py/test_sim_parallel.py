"""Parallel simulation: a program's cores run in several processes at once only when that cannot
change anything. Results, statistics, step counts and errors are those of the serial schedule
(TT_SIM_PROCESSES=1); programs whose cores share data, or that synchronize with semaphores, run
serially."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.sim as sim
from tilelang_tt.errors import SimulationError, ValidationError

from reference_kernels import matmul
from test_sim_plan import KERNELS, _bf16, _buffers, _cb, eltwise_plan, multicast_plan
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

BF16 = ml_dtypes.bfloat16


def run_both(monkeypatch, run):
    """run() serially and in two processes: the two results."""
    monkeypatch.setenv("TT_SIM_PROCESSES", "1")
    serial = run()
    monkeypatch.setenv("TT_SIM_PROCESSES", "2")
    return serial, run()


def comparable(stats):
    return {key: value for key, value in stats.items() if key not in ("wall_seconds", "compile_seconds", "processes")}


def test_a_compiled_gemm_runs_in_two_processes_with_the_serial_results(monkeypatch):
    # Every core reading its own operands (a strategy given, so no multicast): a multicast GEMM's
    # cores wait on each other's semaphores and run serially (below).
    kernel = tilelang_tt.compile(matmul(256, 256, 256, 64, 64, 32, dtype="bfloat16"), out_idx=[-1],
                                 partition_strategy="row_major")
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((256, 256)).astype(BF16) for _ in range(2))

    def run():
        return kernel(a, b), kernel.stats()

    (serial, serial_stats), (parallel, parallel_stats) = run_both(monkeypatch, run)
    assert serial_stats["processes"] == 1 and parallel_stats["processes"] == 2
    assert serial.tobytes() == parallel.tobytes()
    assert comparable(parallel_stats) == comparable(serial_stats)  # per-kernel counters and scheduler steps


def dram_copy_plan(copies):
    """One dram_copy.cpp kernel per core; copies[i] = (source, destination) buffer of core i's
    copy of all four pages."""
    return {
        "device": "n150",
        "core_ranges": [[[0, 0], [len(copies) - 1, 0]]],
        "buffers": _buffers((64, 64), "A", "B", "C"),
        "circular_buffers": [_cb(0, 2)],
        "kernels": [{"role": "reader", "source": "dram_copy.cpp",
                     "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "A"}],
                     "runtime_args": {f"{i},0": [{"buffer_address": src}, {"buffer_address": dst}, 0, 4]
                                      for i, (src, dst) in enumerate(copies)}}],
    }


def test_cores_that_share_dram_without_an_order_are_a_race(monkeypatch):
    """Core (1,0) copies B, which core (0,0) writes in the same program without a semaphore: a race on
    a device. The serial schedule runs core (0,0) first, so the read would see the write; the
    ordering check reports it instead, at core (1,0)'s read, naming the write. Run in two processes,
    the two touch the same DRAM, so the program runs again serially: the same report."""
    a = _bf16(np.random.default_rng(2), (64, 64))
    zeros = np.zeros((64, 64), BF16)
    for processes in ("1", "2"):
        monkeypatch.setenv("TT_SIM_PROCESSES", processes)
        with pytest.raises(SimulationError, match=r"core \(1,0\), reader kernel dram_copy.cpp: noc_async_read: reads "
                           r"DRAM bytes that reader kernel dram_copy.cpp on core \(0,0\) wrote at dram_copy.cpp:26"):
            sim.run_plan(dram_copy_plan([("A", "B"), ("B", "C")]), KERNELS, {"A": a, "B": zeros, "C": zeros})


def test_cores_with_their_own_data_run_in_parallel(monkeypatch):
    a = _bf16(np.random.default_rng(3), (64, 64))
    zeros = np.zeros((64, 64), BF16)

    def run():
        result = sim.run_plan(dram_copy_plan([("A", "B"), ("A", "C")]), KERNELS, {"A": a, "B": zeros, "C": zeros})
        return result["B"], result["C"], result.stats["processes"]

    serial, parallel = run_both(monkeypatch, run)
    assert serial[2] == 1 and parallel[2] == 2
    for got in serial[:2] + parallel[:2]:
        np.testing.assert_array_equal(got, a)


PEER_COPY = """
// Core (0,0) reads page 0 of A into its CB 0; every other core reads that page from core (0,0)'s
// L1 over the NoC (no semaphore orders the two) and writes it to page 0 of C.
// Runtime args: A address, C address, is_first, physical x and y of core (0,0).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0), c_addr = get_arg_val<uint32_t>(1);
    const bool is_first = get_arg_val<uint32_t>(2) != 0;
    const uint32_t peer_x = get_arg_val<uint32_t>(3), peer_y = get_arg_val<uint32_t>(4);
    constexpr uint32_t cb = tt::CBIndex::c_0;
    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto c_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, a_addr);
    const auto c = TensorAccessor(c_args, c_addr);
    cb_reserve_back(cb, 1);
    const uint32_t page = get_write_ptr(cb);
    if (is_first)
        noc_async_read_page(0, a, page);
    else
        noc_async_read(get_noc_addr(peer_x, peer_y, page), page, 2048);
    noc_async_read_barrier();
    cb_push_back(cb, 1);
    cb_wait_front(cb, 1);
    if (!is_first) {
        noc_async_write_page(0, c, get_read_ptr(cb));
        noc_async_write_barrier();
    }
    cb_pop_front(cb, 1);
}
"""


def test_a_core_reading_another_process_cores_l1_runs_serially(monkeypatch, tmp_path):
    (tmp_path / "peer_copy.cpp").write_text(PEER_COPY)
    a = _bf16(np.random.default_rng(4), (64, 64))
    plan = {
        "device": "n150",
        "core_ranges": [[[0, 0], [1, 0]]],
        "buffers": _buffers((64, 64), "A", "C"),
        "circular_buffers": [_cb(0, 1)],
        "kernels": [{"role": "reader", "source": "peer_copy.cpp",
                     "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "C"}],
                     "runtime_args": {f"{i},0": [{"buffer_address": "A"}, {"buffer_address": "C"}, int(i == 0),
                                                 {"noc_x": [0, 0]}, {"noc_y": [0, 0]}] for i in range(2)}}],
    }

    def run():
        result = sim.run_plan(plan, tmp_path, {"A": a, "C": np.zeros((64, 64), BF16)})
        return result["C"], result.stats["processes"]

    (serial, _), (parallel, processes) = run_both(monkeypatch, run)
    for got in (serial, parallel):
        np.testing.assert_array_equal(got[:32, :32], a[:32, :32])  # page 0 of C is tile 0 of A
    assert processes == 1


def test_programs_with_semaphores_run_serially(monkeypatch):
    n = 4
    rng = np.random.default_rng(8)
    x, b = _bf16(rng, (32, 32)), _bf16(rng, (32, 32 * n))
    monkeypatch.setenv("TT_SIM_PROCESSES", "2")
    result = sim.run_plan(multicast_plan(n), KERNELS, {"X": x, "B": b})
    assert result.stats["processes"] == 1
    want = (np.tile(x.astype(np.float32), (1, n)) + b.astype(np.float32)).astype(BF16)
    np.testing.assert_array_equal(result["C"], want)


def test_errors_are_reported_as_the_serial_schedule_reports_them(monkeypatch):
    """Core (1,0) has no reader: its compute and writer wait forever while core (0,0) finishes."""
    plan = eltwise_plan("add_tiles", cores=2)
    reader = next(k for k in plan["kernels"] if k["role"] == "reader")
    reader["core_ranges"] = [[[0, 0], [0, 0]]]
    reader["runtime_args"] = {"0,0": reader["runtime_args"]["0,0"]}
    rng = np.random.default_rng(5)
    inputs = {"A": _bf16(rng, (64, 96)), "B": _bf16(rng, (64, 96))}

    def run():
        with pytest.raises(SimulationError, match="deadlock") as info:
            sim.run_plan(plan, KERNELS, inputs)
        return str(info.value)

    serial, parallel = run_both(monkeypatch, run)
    assert parallel == serial
    assert "core (1,0)" in serial


def test_a_bad_process_count_is_a_validation_error(monkeypatch):
    monkeypatch.setenv("TT_SIM_PROCESSES", "two")
    with pytest.raises(ValidationError, match="TT_SIM_PROCESSES must be a number of processes"):
        sim.run_plan(eltwise_plan("add_tiles"), KERNELS, {"A": np.zeros((64, 96), BF16), "B": np.zeros((64, 96), BF16)})
