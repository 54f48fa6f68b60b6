"""tilelang_tt.autotune: TileLang's @autotune over @jit, ranking configs by the simulator's cost model."""

import inspect
import warnings

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import ValidationError


def gemm_factory():
    """TileLang's GEMM as its autotune examples write it: block sizes are the factory's defaults."""

    @tilelang_tt.jit(out_idx=[-1])
    def matmul(M, N, K, block_M=128, block_N=128, block_K=32, num_stages=2, dtype="bfloat16", accum_dtype="float"):
        @T.prim_func
        def gemm(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
            with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
                A_shared = T.alloc_shared((block_M, block_K), dtype)
                B_shared = T.alloc_shared((block_K, block_N), dtype)
                C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
                T.clear(C_local)
                for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=num_stages):
                    T.copy(A[by * block_M, k * block_K], A_shared)
                    T.copy(B[k * block_K, bx * block_N], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
                T.copy(C_local, C[by * block_M, bx * block_N])

        return gemm

    return matmul


CONFIGS = [{"block_M": 32, "block_N": 32, "block_K": 32}, {"block_M": 64, "block_N": 64, "block_K": 64},
           {"block_M": 128, "block_N": 128, "block_K": 32}]


def _check(kernel, n):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    got = kernel(a, b).astype(np.float32)
    want = a.astype(np.float32) @ b.astype(np.float32)
    assert np.corrcoef(got.ravel(), want.ravel())[0, 1] >= 0.999


def test_ranking_follows_the_cost_model_and_the_winner_runs(tmp_path, monkeypatch):
    """128x128 blocks give a 512^3 GEMM 16 blocks for the n150's 64 cores: the longest estimate, so
    it ranks last. (32x32 blocks, 256 of them, are joined 2x2 per core by JoinTTBlocks into blocks
    as large as the 64x64 config's.) The winner is the config of the fewest estimated cycles and
    computes the GEMM."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    matmul = tilelang_tt.autotune(configs=CONFIGS)(gemm_factory())
    kernel = matmul(512, 512, 512)
    estimates = kernel.autotune_estimates
    assert [e["config"] for e in estimates] == CONFIGS
    cycles = [e["estimated_cycles"] for e in estimates]
    assert cycles[2] > max(cycles[:2])
    assert kernel.config == CONFIGS[int(np.argmin(cycles))]
    assert kernel.autotune_skipped == []
    _check(kernel, 512)


def test_the_choice_is_cached_and_not_simulated_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    first = tilelang_tt.autotune(configs=CONFIGS[1:])(gemm_factory())(256, 256, 256)
    runs = []
    original = tilelang_tt.JITKernel.__call__
    monkeypatch.setattr(tilelang_tt.JITKernel, "__call__", lambda self, *a: runs.append(self) or original(self, *a))
    second = tilelang_tt.autotune(configs=CONFIGS[1:])(gemm_factory())(256, 256, 256)
    assert runs == []  # a cache hit: no candidate was simulated
    assert second.config == first.config and second.autotune_estimates == first.autotune_estimates


def test_configs_may_be_a_callable_of_the_factory_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    seen = []

    def configs(M, N, K):
        seen.append((M, N, K))
        return [{"block_M": 64, "block_N": 64}, {"block_M": 128, "block_N": 128}]

    kernel = tilelang_tt.autotune(configs=configs)(gemm_factory())(256, 256, 256)
    assert seen == [(256, 256, 256)] and kernel.config in configs(256, 256, 256)


def test_a_config_that_does_not_compile_is_skipped_with_its_reason(tmp_path, monkeypatch):
    """4096x4096 blocks do not fit a core's L1: the compiler refuses them; the others are ranked."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    bad = {"block_M": 4096, "block_N": 4096, "block_K": 32}
    with pytest.warns(UserWarning, match="skipping config"):
        kernel = tilelang_tt.autotune(configs=[bad, CONFIGS[1]])(gemm_factory())(256, 256, 256)
    assert kernel.config == CONFIGS[1]
    assert [s["config"] for s in kernel.autotune_skipped] == [bad] and kernel.autotune_skipped[0]["reason"]


def test_no_config_compiles_is_a_located_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    line = inspect.currentframe().f_lineno + 1
    tuned = tilelang_tt.autotune(configs=[{"block_M": 4096, "block_N": 4096}])(gemm_factory())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValidationError, match="no config compiles") as err:
            tuned(256, 256, 256)
    assert err.value.line == line and err.value.file == __file__


def test_an_unknown_key_is_a_located_error_naming_the_parameters():
    line = inspect.currentframe().f_lineno + 1
    tuned = tilelang_tt.autotune(configs=[{"block_M": 64, "blockN": 64}])(gemm_factory())
    with pytest.raises(ValidationError, match="'blockN', which is not a parameter of the factory") as err:
        tuned(256, 256, 256)
    assert err.value.line == line and "block_N" in str(err.value)
    assert f"{__file__}:{line}" in str(err.value)


def test_a_key_the_call_also_passes_is_a_located_error():
    line = inspect.currentframe().f_lineno + 1
    tuned = tilelang_tt.autotune(configs=[{"block_M": 64}])(gemm_factory())
    with pytest.raises(ValidationError, match="which the call also passes") as err:
        tuned(256, 256, 256, block_M=128)
    assert err.value.line == line


def test_autotune_needs_configs_and_a_jit_factory():
    with pytest.raises(ValidationError, match="autotune needs configs"):
        tilelang_tt.autotune(configs=None)
    with pytest.raises(ValidationError, match="put @jit below @autotune"):
        tilelang_tt.autotune(configs=CONFIGS)(lambda M: None)


def test_tilelang_timing_arguments_are_refused_not_ignored():
    line = inspect.currentframe().f_lineno + 2
    with pytest.raises(ValidationError, match="rep, warmup configure timed runs on hardware") as err:
        tilelang_tt.autotune(configs=CONFIGS, warmup=3, rep=20)
    assert err.value.line == line
