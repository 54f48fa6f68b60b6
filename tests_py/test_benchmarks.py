"""The benchmarks run, and fail loudly rather than report a time for work they did not do
(they are measured in docs/performance.md; here only that they work, on small sizes)."""

import os
import subprocess
import sys

import pytest

BENCHMARKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benchmarks")


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(BENCHMARKS, script), *args], capture_output=True, text=True,
                          timeout=300)


def test_pipeline_benchmark_runs_on_the_parsed_kernel():
    done = run("bench_pipeline.py", "--repeat", "1")
    assert done.returncode == 0, done.stderr
    assert "gemm 16384^3" in done.stdout and "VerifyTTIR" in done.stdout


@pytest.mark.parametrize("size", ["256", "512"])
def test_blocked_simulator_benchmark_does_every_tile_product(size):
    """The blocked program's subblocks fit its blocks at every size the grid divides."""
    done = run("sim_matmul.py", "--size", size, "--repeat", "1")
    assert done.returncode == 0, done.stderr
    assert "PCC 0.99" in done.stdout


def test_simulator_benchmark_rejects_a_size_it_cannot_split():
    done = run("sim_matmul.py", "--size", "96", "--repeat", "1")
    assert done.returncode != 0 and "do not split" in done.stderr
