"""The experimental "Device 2.0" kernel objects of TT-Metalium v0.67 (experimental/noc.h,
circular_buffer.h, tensor.h, endpoints.h) on the simulator: programs whose kernels move tiles with
experimental::Noc and experimental::CircularBuffer, compared with NumPy, and their misuse, which
is a located SimulationError at run time or, where the release refuses it at compile time, a
compile error that says why."""

import re

import numpy as np
import pytest

import tilelang_tt.sim as sim
from tilelang_tt.errors import SimulationError, ValidationError

from test_sim_plan import BF16, KERNELS, _bf16, _buffers, _cb, eltwise_plan, multicast_plan

READER = "noc_read_two.cpp"
WRITER = "noc_write_tiles.cpp"


def device2_eltwise_plan(op="add_tiles", shape=(64, 96), cores=2):
    """eltwise_plan with its reader and writer replaced by their Device 2.0 versions (same arguments)."""
    plan = eltwise_plan(op, shape, cores)
    plan["kernels"][0]["source"] = READER
    plan["kernels"][2]["source"] = WRITER
    return plan


def inputs(seed, shape=(64, 96)):
    rng = np.random.default_rng(seed)
    return {"A": _bf16(rng, shape), "B": _bf16(rng, shape)}


def run_edited(tmp_path, plan, data, kernel, old, new):
    """Runs `plan` with `kernel` edited (its text `old` replaced by `new`); returns the edited line."""
    for k in plan["kernels"]:
        (tmp_path / k["source"]).write_text((KERNELS / k["source"]).read_text())
    source = (KERNELS / kernel).read_text()
    assert old in source, f"{kernel} no longer contains {old!r}"
    (tmp_path / kernel).write_text(source.replace(old, new, 1))
    sim.run_plan(plan, tmp_path, data)


def line_of(kernel, text):
    return next(i for i, line in enumerate((KERNELS / kernel).read_text().splitlines(), 1) if text in line)


def test_eltwise_add_through_noc_and_circular_buffer_objects():
    data = inputs(0)
    result = sim.run_plan(device2_eltwise_plan(), KERNELS, data)
    want = (data["A"].astype(np.float32) + data["B"].astype(np.float32)).astype(BF16)
    np.testing.assert_array_equal(result["C"], want)
    reader = next(k for k in result.stats["kernels"] if k["core"] == [0, 0] and k["kernel"] == "reader")
    assert reader["dram_read_bytes"] == 2 * 3 * 2048  # three tiles of A and of B, each read once


def test_multicast_of_a_circular_buffer_page_and_a_raw_address():
    """The sender multicasts its reserved CB page (use<WRITE_PTR> as the source, the CB as the
    destination) and the VALID flag (UnicastEndpoint to MulticastEndpoint) to the receivers."""
    n = 4
    rng = np.random.default_rng(1)
    x, b = _bf16(rng, (32, 32)), _bf16(rng, (32, 32 * n))
    plan = multicast_plan(n)
    plan["kernels"][0]["source"] = "noc_mcast_reader.cpp"
    result = sim.run_plan(plan, KERNELS, {"X": x, "B": b})
    want = (np.tile(x.astype(np.float32), (1, n)) + b.astype(np.float32)).astype(BF16)
    np.testing.assert_array_equal(result["C"], want)
    sender = next(k for k in result.stats["kernels"] if k["core"] == [0, 0] and k["kernel"] == "reader")
    assert sender["noc_write_bytes"] == (n - 1) * (2048 + 4)


def test_compute_kernel_circular_buffer_objects(monkeypatch, capfd):
    """A compute kernel's CircularBuffer: the CB protocol, read_tile_value (the first word of each
    input tile, as DPRINT shows it) and get_tile_address (get_read_ptr in 16-byte units)."""
    tiles = 3
    plan = {
        "device": "n150",
        "core_ranges": [[[0, 0], [0, 0]]],
        "buffers": _buffers((32, 32 * tiles), "A", "C"),
        "circular_buffers": [_cb(0, 2), _cb(16, 2)],
        "kernels": [
            {"role": "reader", "source": "read_one.cpp", "compile_args": [{"tensor_accessor_args": "A"}],
             "runtime_args": {"0,0": [{"buffer_address": "A"}, 0, tiles]}},
            {"role": "compute", "source": "copy_cb_objects.cpp", "runtime_args": {"0,0": [tiles]}},
            {"role": "writer", "source": WRITER, "compile_args": [{"tensor_accessor_args": "C"}],
             "runtime_args": {"0,0": [{"buffer_address": "C"}, 0, tiles]}},
        ],
    }
    a = _bf16(np.random.default_rng(2), (32, 32 * tiles))
    monkeypatch.setenv("TT_SIM_DPRINT", "1")
    result = sim.run_plan(plan, KERNELS, {"A": a})
    np.testing.assert_array_equal(result["C"], a)
    printed = re.findall(r"tile (\d+) word (\d+) address (\d+)", capfd.readouterr().err)
    # Word 0 of a tile holds its elements (0, 0) and (0, 1), little-endian.
    first_words = [int(a[0:1, 32 * t:32 * t + 2].view(np.uint32)[0, 0]) for t in range(tiles)]
    assert [(int(t), int(w), int(agrees)) for t, w, agrees in printed] == [(t, first_words[t], 1) for t in range(tiles)]


# ---------------------------------------------------------------------------------------------------
# Misuse found at run time: a SimulationError naming core, kernel and the line of the Noc call


def test_page_beyond_the_tensor_names_the_async_read_line():
    plan = device2_eltwise_plan()
    plan["kernels"][0]["runtime_args"]["1,0"][3] += 1  # core (1,0) reads one tile past the end
    with pytest.raises(SimulationError, match=r"page 6 is beyond the 6 pages") as info:
        sim.run_plan(plan, KERNELS, inputs(3))
    assert "core (1,0)" in str(info.value) and f"{READER}" in str(info.value)
    assert info.value.file.endswith(READER) and info.value.line == line_of(READER, "noc.async_read(a, cb_a")


def test_push_back_before_the_read_barrier_is_reported(tmp_path):
    with pytest.raises(SimulationError, match=r"missing noc_async_read_barrier") as info:
        run_edited(tmp_path, device2_eltwise_plan(), inputs(4), READER, "noc.async_read_barrier();", "")
    assert info.value.file.endswith(READER) and info.value.line == line_of(READER, "cb_a.push_back(1);")


def test_a_dram_page_as_the_local_side_of_a_transfer_is_reported(tmp_path):
    """A TensorAccessor page is the L1 side of a write only if it is in the core's own L1 (the
    release asserts this under its watcher)."""
    plan = device2_eltwise_plan()
    with pytest.raises(SimulationError, match=r"the tensor page is at NoC address 0x[0-9a-f]+, in DRAM bank \d+, "
                                              r"but a local L1 address is needed") as info:
        run_edited(tmp_path, plan, inputs(5), WRITER, "noc.async_write(cb_out, dst, cb_out.get_tile_size(), {}, {.page_id = t});",
                   "noc.async_write(dst, dst, cb_out.get_tile_size(), {.page_id = t}, {.page_id = t});")
    assert info.value.file.endswith(WRITER) and info.value.line == line_of(WRITER, "noc.async_write(")


def test_a_noc_that_does_not_exist_is_reported(tmp_path):
    with pytest.raises(SimulationError, match=r"NoC 2 does not exist") as info:
        run_edited(tmp_path, device2_eltwise_plan(), inputs(6), WRITER, "experimental::Noc noc;",
                   "experimental::Noc noc(2);")
    assert info.value.line == line_of(WRITER, "experimental::Noc noc;")


# ---------------------------------------------------------------------------------------------------
# What the release refuses to compile, the simulator refuses too

REJECTED = {
    # A CB is an L1 address of the calling core: it cannot be the NoC side of a read.
    "circular buffer as the remote source": (
        "noc.async_read(b_pages, cb_b, cb_b.get_tile_size(), {.page_id = t}, {});",
        "noc.async_read(cb_a, cb_b, cb_b.get_tile_size(), {}, {});",
        "CircularBuffer without mcast range can only be used as L1 source"),
    "a type the Noc cannot address": (
        "noc.async_read(b_pages, cb_b, cb_b.get_tile_size(), {.page_id = t}, {});",
        "noc.async_read(b_addr, cb_b, cb_b.get_tile_size(), {}, {});",
        "NoC transactions are not supported for this type"),
    "multicast with a posted response": (
        "noc.async_read_barrier();",
        "noc.async_read_barrier();\n        noc.async_write_multicast<experimental::Noc::McastMode::EXCLUDE_SRC, "
        "experimental::Noc::TxnIdMode::DISABLED, experimental::Noc::ResponseMode::POSTED>(cb_a, cb_b, 32, 1, {}, {});",
        "Mcasts with posted transactions are not supported"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_what_the_release_rejects_fails_to_compile(tmp_path, case):
    old, new, reason = REJECTED[case]
    with pytest.raises(ValidationError, match="failed to compile") as info:
        run_edited(tmp_path, device2_eltwise_plan(), inputs(7), READER, old, new)
    assert reason in str(info.value)


def test_transaction_ids_are_refused_as_not_modelled(tmp_path):
    """The release accepts transaction ids; the simulator does not model them and says so."""
    with pytest.raises(ValidationError, match="the simulator does not model NoC transaction ids"):
        run_edited(tmp_path, device2_eltwise_plan(), inputs(8), READER, "noc.async_read_barrier();",
                   "noc.async_read_barrier<experimental::Noc::BarrierMode::TXN_ID>(1);")
