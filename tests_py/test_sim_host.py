"""tilelang_tt.sim runs TT-Metalium host programs (main.cpp + kernels) on the simulator."""

from pathlib import Path

import pytest

import tilelang_tt.sim as sim
from tilelang_tt.errors import SimulationError

HERE = Path(__file__).resolve().parent
KERNELS = HERE.parent / "tests_cpp" / "sim" / "kernels"


def test_host_program_runs_and_reports_statistics():
    """A Mesh-API host program compiles against the simulated headers and its kernels run."""
    result = sim.run_host_program(HERE / "sim_programs" / "loopback_main.cpp", KERNELS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PASS"
    assert result.stats["totals"]["dram_read_bytes"] == 6 * 1024
    assert {tuple(k["core"]) for k in result.stats["kernels"]} == {(0, 0), (1, 0)}


def test_host_program_failure_raises_with_the_simulator_message(tmp_path):
    """A kernel error inside a host program surfaces as SimulationError with the kernel's line."""
    faulty = tmp_path / "dram_copy.cpp"
    faulty.write_text((KERNELS / "dram_copy.cpp").read_text().replace("cb_reserve_back(cb, 1);", "", 1))
    with pytest.raises(SimulationError, match="missing cb_reserve_back"):
        sim.run_host_program(HERE / "sim_programs" / "loopback_main.cpp", tmp_path)
