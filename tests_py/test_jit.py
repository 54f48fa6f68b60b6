"""tilelang_tt.jit / compile: TileLang's usage, the artifacts, the cache, the simulator run."""

import os

import numpy as np
import pytest

import tilelang_tt
from tilelang_tt.errors import ValidationError

from reference_kernels import matmul


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TILELANG_TT_DISABLE_CACHE", raising=False)


def pcc(a, b):
    return float(np.corrcoef(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel())[0, 1])


def test_jit_decorator_runs_the_reference_gemm():
    """@jit(out_idx=[-1]) on the factory: kernel(a, b) returns C computed on the simulator."""
    factory = tilelang_tt.jit(target="tenstorrent", out_idx=[-1])(matmul)
    kernel = factory(128, 128, 128, 64, 64, 32)
    assert factory(128, 128, 128, 64, 64, 32) is kernel  # memoised per arguments
    rng = np.random.default_rng(1)
    a = rng.standard_normal((128, 128)).astype(np.float16)
    b = rng.standard_normal((128, 128)).astype(np.float16)
    c = kernel(a, b)
    ref = a.astype(np.float32) @ b.astype(np.float32)
    assert c.shape == (128, 128) and c.dtype == np.float16
    assert pcc(c, ref) >= 0.999
    np.testing.assert_allclose(c.astype(np.float32), ref, rtol=1e-2, atol=0.1)


def test_artifacts_sources_plan_and_stats():
    """The kernel exposes every artifact, its plan and the statistics of its last run."""
    kernel = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
    names = set(os.listdir(kernel.artifacts_dir))
    assert {"reader.cpp", "compute.cpp", "writer.cpp", "main.cpp", "CMakeLists.txt", "tt.plan.json"} <= names
    assert "matmul_tiles" in kernel.get_kernel_source("compute")
    assert "void kernel_main()" in kernel.get_kernel_source("reader")
    assert kernel.plan["device"] == "n150"
    with pytest.raises(ValidationError, match="has not run yet"):
        kernel.stats()
    kernel(np.ones((64, 64), np.float16), np.ones((64, 64), np.float16))
    assert kernel.stats()["roofline"]["estimated_cycles"] > 0
    with pytest.raises(ValidationError, match="unknown kernel role"):
        kernel.get_kernel_source("gpu")


def test_cache_hit_and_switch(monkeypatch):
    """The same kernel and options reuse the cached directory; disabling the cache does not."""
    k1 = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
    k2 = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
    assert k1.artifacts_dir == k2.artifacts_dir
    k3 = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1], partition_strategy="column_major")
    assert k3.artifacts_dir != k1.artifacts_dir
    monkeypatch.setenv("TILELANG_TT_DISABLE_CACHE", "1")
    k4 = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
    assert k4.artifacts_dir != k1.artifacts_dir


def test_bad_calls_are_clear_errors():
    """Wrong targets, devices, input counts and shapes are ValidationErrors naming the problem."""
    func = matmul(64, 64, 64, 32, 32, 32)
    with pytest.raises(ValidationError, match="target"):
        tilelang_tt.compile(func, target="cuda")
    with pytest.raises(ValidationError, match="device"):
        tilelang_tt.compile(func, target_device="tpu")
    with pytest.raises(ValidationError, match="out_idx 5"):
        tilelang_tt.compile(func, out_idx=[5])
    kernel = tilelang_tt.compile(func, out_idx=[-1])
    with pytest.raises(ValidationError, match="takes 2 inputs"):
        kernel(np.ones((64, 64)))
    with pytest.raises(ValidationError, match="shape"):
        kernel(np.ones((64, 32)), np.ones((64, 64)))


def test_torch_tensors_in_and_out():
    """torch tensors (when torch is installed) go in and come back as torch tensors."""
    torch = pytest.importorskip("torch")
    kernel = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32, dtype="bfloat16"), out_idx=[-1])
    a = torch.randn(64, 64, dtype=torch.bfloat16)
    b = torch.randn(64, 64, dtype=torch.bfloat16)
    c = kernel(a, b)
    assert isinstance(c, torch.Tensor) and c.dtype == torch.bfloat16
    assert pcc(c.float().numpy(), (a.float() @ b.float()).numpy()) >= 0.999
