"""tilelang_tt.jit / compile: TileLang's usage, the artifacts, the cache, the simulator run."""

import gc
import os
import tempfile

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import passes
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
    assert "matmul_block" in kernel.get_kernel_source("compute")
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
    with pytest.raises(ValidationError, match="takes 2 arguments"):
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


@T.prim_func
def no_parameters():
    with T.Kernel(1) as bx:
        S = T.alloc_shared((32, 32), "float32")
        T.clear(S)


def doubled(M, N, block):
    """Reads and writes its only tensor (access read_write)."""

    @T.prim_func
    def double_in_place(A: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block)) as (bx, by):
            S = T.alloc_shared((block, block), "float32")
            T.copy(A[by * block, bx * block], S)
            for i, j in T.Parallel(block, block):
                S[i, j] = S[i, j] * 2.0
            T.copy(S, A[by * block, bx * block])

    return double_in_place


@pytest.fixture(scope="module")
def operands():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((64, 64)).astype(np.float16)
    b = rng.standard_normal((64, 64)).astype(np.float16)
    return a, b, a.astype(np.float32) @ b.astype(np.float32)


def test_without_out_idx_the_kernel_writes_the_callers_output(operands):
    """out_idx=None (TileLang's default): every tensor is passed and C is written in place."""
    a, b, ref = operands
    for kernel in (tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32)),
                   tilelang_tt.jit(matmul)(64, 64, 64, 32, 32, 32)):
        c = np.zeros((64, 64), np.float16)
        assert kernel(a, b, c) is None
        np.testing.assert_allclose(c.astype(np.float32), ref, rtol=1e-2, atol=0.1)
        c32 = np.zeros((64, 64), np.float32)  # any floating-point array can receive it
        kernel(a, b, c32)
        assert pcc(c32, ref) >= 0.999


def test_an_int_out_idx_is_one_position(operands):
    """out_idx=-1 means [-1], as in TileLang."""
    a, b, ref = operands
    c = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=-1)(a, b)
    assert c.shape == (64, 64) and pcc(c, ref) >= 0.999


@pytest.mark.parametrize("out_idx", ["C", [None], [1.5], [True], [0, -3], {"C": 2}, 2**70])
def test_bad_out_idx_is_a_validation_error(out_idx):
    with pytest.raises(ValidationError, match="out_idx"):
        tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=out_idx)


def test_kernel_without_parameters():
    """out_idx cannot name a parameter of a kernel that has none; without out_idx it runs."""
    with pytest.raises(ValidationError, match="out_idx -1 is out of range for no_parameters, which has 0"):
        tilelang_tt.compile(no_parameters, out_idx=[-1])
    with pytest.raises(ValidationError, match="out_idx -1 is out of range"):
        tilelang_tt.compile(no_parameters, out_idx=-1)
    assert tilelang_tt.compile(no_parameters)() is None


@pytest.mark.parametrize("bad", [np.full((64, 64), "a"), np.ones((64, 64), complex), np.empty((64, 64), object)],
                         ids=["str", "complex", "object"])
def test_non_numeric_inputs_are_validation_errors(bad):
    kernel = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
    with pytest.raises(ValidationError, match="input A is an array of"):
        kernel(bad, np.ones((64, 64), np.float16))


def test_written_arguments_must_be_able_to_hold_the_result():
    kernel = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32))
    a = np.ones((64, 64), np.float16)
    read_only = np.zeros((64, 64), np.float16)
    read_only.flags.writeable = False
    for c, message in [(read_only, "writable"), (np.zeros((64, 64)).tolist(), "writable"),
                       (np.zeros((64, 64), np.int32), "floating-point"), (np.zeros((64, 32), np.float16), "shape")]:
        with pytest.raises(ValidationError, match=message):
            kernel(a, a, c)


def test_a_buffer_read_and_written_is_updated_in_place():
    """A tensor the kernel reads and writes (plan access read_write) comes back from the simulator
    and is written into the caller's array."""
    kernel = tilelang_tt.compile(doubled(64, 64, 32))
    a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    assert kernel(a) is None
    np.testing.assert_array_equal(a, 2 * np.arange(64 * 64, dtype=np.float32).reshape(64, 64))


def test_unknown_options_and_bad_layouts_are_validation_errors():
    func = matmul(64, 64, 64, 32, 32, 32)
    with pytest.raises(ValidationError, match="unknown run_pipeline option bogus"):
        tilelang_tt.compile(func, out_idx=[-1], bogus=1)
    with pytest.raises(ValidationError, match="unknown run_pipeline option bogus"):
        passes.run_pipeline(func, bogus=1)
    with pytest.raises(ValidationError, match="unknown run_pipeline option bogus"):
        passes.InferTTLayout(bogus=1)
    with pytest.raises(ValidationError, match="layouts must map buffer names to dicts"):
        passes.run_pipeline(func, layouts=[1, 2])


def test_plan_path_and_dump_dir_are_written_on_a_cache_hit(tmp_path):
    """The output locations are not part of the cache key and are honoured when the kernel is cached."""
    first = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1], plan_path=tmp_path / "miss.json")
    hit = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1], plan_path=tmp_path / "hit.json",
                              dump_dir=tmp_path / "dumps")
    assert hit.artifacts_dir == first.artifacts_dir
    assert (tmp_path / "hit.json").read_text() == (tmp_path / "miss.json").read_text()
    assert any(name.endswith("_GridToPersistentTT.txt") for name in os.listdir(tmp_path / "dumps"))


def test_disabled_cache_leaves_no_directory_behind(tmp_path, monkeypatch):
    """Uncached artifacts live as long as their kernel."""
    monkeypatch.setenv("TILELANG_TT_DISABLE_CACHE", "1")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    kernel = tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
    assert os.listdir(tmp_path) == [os.path.basename(kernel.artifacts_dir)]
    kernel(np.ones((64, 64), np.float16), np.ones((64, 64), np.float16))
    del kernel
    gc.collect()
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValidationError):
        tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[5])
    assert os.listdir(tmp_path) == []


def test_cache_dir_under_a_regular_file(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path / "file" / "cache"))
    with pytest.raises(ValidationError, match="artifact cache directory .* cannot be created"):
        tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1])
