"""The benchmarks run, and fail loudly rather than report a time for work they did not do
(they are measured in docs/performance.md; here only that they work, on small sizes)."""

import json
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


def test_simulator_speed_benchmark_reports_the_ratio_to_numpy():
    done = run("bench_sim_speed.py", "--size", "256", "--repeat", "1")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["size"] == 256 and report["pcc"] >= 0.999 and report["ratio"] > 0


def test_simulator_speed_benchmark_rejects_a_size_of_partial_blocks():
    done = run("bench_sim_speed.py", "--size", "200")
    assert done.returncode != 0 and "positive multiple of 128" in done.stderr


def test_tt_lang_sim_benchmark_checks_its_size_before_installing_anything(tmp_path):
    venv = tmp_path / "venv"
    done = run("bench_ttlang_sim.py", "--size", "100", "--venv", str(venv))
    assert done.returncode != 0 and "use a positive multiple of 256" in done.stderr
    assert not venv.exists()


def test_split_k_benchmark_compares_with_the_plain_gemm():
    done = run("bench_splitk.py", "--size", "256", "--split-k", "2")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["split_k_extra_bytes_vs_plain_float32_c"] == 256 * 256 * 4  # one read of C


def test_autotune_benchmark_picks_a_winner_that_computes_the_gemm_and_hits_its_cache():
    done = run("bench_autotune.py", "--size", "256")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["pcc"] >= 0.999 and len(report["estimates"]) == report["configs"] == 11
    best = min(e["estimated_cycles"] for e in report["estimates"])
    assert next(e for e in report["estimates"] if e["config"] == report["best"])["estimated_cycles"] == best


def test_cost_model_benchmark_refuses_a_size_of_partial_blocks():
    done = run("bench_cost_model.py", "--size", "200")
    assert done.returncode != 0 and "positive multiple of 256" in done.stderr


def test_gemm_benchmark_with_block_float_weights_counts_their_bytes():
    done = run("bench_gemm.py", "--size", "256", "--weights", "Bfp4_b")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["weights"] == "Bfp4_b" and report["dram_minimum_bytes"] == 256 * 256 * 4 + 256 * 256 * 576 // 1024


def test_convolution_benchmark_matches_numpy_and_reports_traffic():
    done = run("bench_convolution.py", "--hw", "8", "--c", "32", "--f", "64")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["pcc"] >= 0.999 and report["dram_bytes"] >= report["dram_minimum_bytes"] > 0


def test_convolution_benchmark_rejects_channels_it_cannot_gather():
    done = run("bench_convolution.py", "--c", "48")
    assert done.returncode != 0 and "multiple of 32" in done.stderr


def test_gemm_benchmark_takes_the_peak_at_the_fidelity_asked_for():
    """At LoFi a tile product takes 16 cycles, not HiFi4's 64: the peak shrinks with it, and the
    transposed-B program (one matmul_tiles per product) computes the same product."""
    done = run("bench_gemm.py", "--size", "256", "--math-fidelity", "LoFi", "--transpose-b")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["math_fidelity"] == "LoFi" and report["transpose_b"]
    assert report["peak_cycles"] == (256 // 32) ** 3 * 16 / 64
    assert 0 < report["cost_fraction_of_peak"] <= 1
