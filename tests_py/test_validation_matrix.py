"""The validation matrix: compiled GEMMs run on the simulator and match NumPy.

Every case compiles TileLang's reference GEMM (or a variant) through the whole pipeline and code
generators, runs the generated reader/compute/writer kernels on the simulator and compares with a
float32 NumPy matmul of the same inputs: PCC >= 0.999 and an explicit tolerance that grows with
the output's magnitude (sqrt(K) for unit-normal inputs) and the output dtype's precision.
"""

import numpy as np
import pytest

import tilelang_tt

from reference_kernels import gemm_epilogue, matmul, matmul_splitk

EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7}


@pytest.fixture(autouse=True, scope="module")
def private_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


def numpy_dtype(name):
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


def check(func, M, N, K, dtype, trans_B=False, **options):
    kernel = tilelang_tt.compile(func, out_idx=[-1], **options)
    rng = np.random.default_rng(M * 7 + N * 3 + K)
    a = rng.standard_normal((M, K)).astype(numpy_dtype(dtype))
    b = rng.standard_normal((N, K) if trans_B else (K, N)).astype(numpy_dtype(dtype))
    c = kernel(a, b).astype(np.float32)
    b32 = b.astype(np.float32)
    ref = a.astype(np.float32) @ (b32.T if trans_B else b32)
    pcc = float(np.corrcoef(c.ravel(), ref.ravel())[0, 1])
    assert pcc >= 0.999, f"PCC {pcc}"
    # Output rounding (half an ulp of |C| ~ sqrt(K)) plus accumulation rounding in DST.
    atol = 2 * EPS[dtype] * np.sqrt(K)
    np.testing.assert_allclose(c, ref, rtol=2 * EPS[dtype], atol=atol)
    return kernel


def check_splitk(shape, dtype, tile_atomic=False, **options):
    """The split-K GEMM (T.atomic_add into a float32 C) on a random C: C_initial + A @ B."""
    M, N, K, block_M, block_N, block_K, split_k = shape
    kernel = tilelang_tt.compile(matmul_splitk(*shape, dtype=dtype, tile_atomic=tile_atomic), **options)
    rng = np.random.default_rng(M + 3 * N + 7 * K + split_k)
    a = rng.standard_normal((M, K)).astype(numpy_dtype(dtype))
    b = rng.standard_normal((K, N)).astype(numpy_dtype(dtype))
    c = rng.standard_normal((M, N)).astype(np.float32)
    want = c + a.astype(np.float32) @ b.astype(np.float32)
    assert kernel(a, b, c) is None  # C is accumulated into in place, as TileLang's kernel(a, b, c)
    # fp32 accumulation into an fp32 C: only float32 rounding of the products' sums remains.
    np.testing.assert_allclose(c, want, rtol=1e-4, atol=1e-4 * np.sqrt(K))
    return kernel


SHAPES = [  # (M, N, K, block_M, block_N, block_K)
    (32, 32, 32, 32, 32, 32),
    (64, 96, 160, 32, 32, 32),
    (96, 32, 64, 32, 32, 32),
    (128, 128, 128, 128, 128, 32),
    (256, 512, 128, 128, 128, 32),
    (128, 512, 64, 128, 128, 64),
    (512, 256, 96, 64, 128, 32),
    (1024, 1024, 1024, 128, 128, 32),
]
BLOCKS = [(32, 32, 32), (64, 64, 64), (128, 64, 32), (64, 128, 64), (256, 256, 32), (256, 128, 64), (128, 256, 128)]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_shapes(shape):
    M, N, K, bM, bN, bK = shape
    check(matmul(M, N, K, bM, bN, bK), M, N, K, "float16")


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: "x".join(map(str, b)))
def test_blocks(block):
    bM, bN, bK = block
    check(matmul(256, 256, 256, bM, bN, bK), 256, 256, 256, "float16")


@pytest.mark.parametrize("stages", [1, 2, 3])
def test_num_stages(stages):
    kernel = check(matmul(256, 256, 256, 64, 64, 32, num_stages=stages), 256, 256, 256, "float16")
    depth = {cb["name"]: cb["num_pages"] // cb["tiles_per_stage"] for cb in kernel.plan["circular_buffers"]}
    assert depth["A_shared"] == max(2, stages)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("shape", [(128, 256, 192, 64, 64, 32), (256, 256, 256, 128, 128, 32)], ids=["small", "square"])
def test_transpose_b(dtype, shape):
    M, N, K, bM, bN, bK = shape
    check(matmul(M, N, K, bM, bN, bK, dtype=dtype, trans_B=True), M, N, K, dtype, trans_B=True)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_input_dtypes_with_float_accumulation(dtype):
    check(matmul(256, 128, 512, 64, 64, 64, dtype=dtype), 256, 128, 512, dtype)


@pytest.mark.parametrize("shape", [(256, 256, 256, 128, 128, 32), (128, 64, 96, 64, 32, 32)], ids=["square", "small"])
def test_fragment_shared_global_epilogue(shape):
    M, N, K, bM, bN, bK = shape
    check(gemm_epilogue(M, N, K, bM, bN, bK), M, N, K, "float16")


@pytest.mark.parametrize("strategy", ["row_major", "column_major", "block"])
@pytest.mark.parametrize("device", ["grayskull", "wormhole", "blackhole"])
def test_devices_and_partition_strategies(device, strategy):
    kernel = check(matmul(384, 256, 128, 32, 64, 32), 384, 256, 128, "bfloat16",
                   target_device=device, partition_strategy=strategy)
    assert kernel.plan["work_partition"]["strategy"] == strategy


@pytest.mark.parametrize("grid", [[2, 2], [1, 4], [4, 1]], ids=["block", "height", "width"])
def test_sharded_l1_tensors(grid):
    """A and C sharded in L1 (block-, height- or width-sharded over the grid), B in DRAM."""
    sharded = {"layout": "sharded", "shard_grid": grid}
    kernel = check(matmul(256, 256, 128, 64, 64, 32), 256, 256, 128, "bfloat16", layouts={"A": sharded, "C": sharded})
    layouts = {b["name"]: b["layout"] for b in kernel.plan["buffers"]}
    assert layouts == {"A": "l1_sharded", "B": "dram_interleaved", "C": "l1_sharded"}


SPLITK_SHAPES = [  # (M, N, K, block_M, block_N, block_K, split_k)
    (256, 256, 256, 64, 64, 32, 4),
    (128, 192, 512, 64, 64, 64, 2),
    (96, 160, 384, 32, 32, 32, 3),  # 12 K tiles over 3 slices of 4
    (64, 64, 256, 64, 64, 32, 8),   # one K tile per slice
    (128, 128, 128, 64, 64, 32, 1),
]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("shape", SPLITK_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_split_k_atomic_add(shape, dtype):
    """TileLang's examples/gemm_splitk: each K slice's product added into C with T.atomic_add."""
    check_splitk(shape, dtype)
