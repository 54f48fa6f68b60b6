"""Persistent kernels, both ways TileLang writes them.

By hand: a fixed number of blocks (one per core) loops over waves of output tiles and guards the
last wave with `if bx * block_M < M and by * block_N < N`. The guard depends on block indices and
loop counters only, so the reader, compute and writer kernels each decide it the same way;
VerifyTTIR checks the tile traffic core by core (docs/passes.md).

With the primitive: `for bx, by in T.Persistent(domain, wave_size, index, group_size=8)` in a
`T.Kernel(wave_size)`. LowerTTPersistent makes the domain the launch grid (every Tenstorrent program
is persistent already) and group_size the block-panel order of T.use_swizzle (docs/language.md)."""

import inspect
import re

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import TTSyntaxError, ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def matmul_persistent(M, N, K, block_M, block_N, block_K, blocks, dtype="bfloat16", accum_dtype="float"):
    m_blocks, n_blocks = T.ceildiv(M, block_M), T.ceildiv(N, block_N)
    waves = T.ceildiv(m_blocks * n_blocks, blocks)

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(blocks, threads=128) as block_id:
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            for w in T.serial(waves):
                tile = block_id + w * blocks
                bx = tile // n_blocks
                by = tile % n_blocks
                if bx * block_M < M and by * block_N < N:
                    T.clear(C_local)
                    for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                        T.copy(A[bx * block_M, k * block_K], A_shared)
                        T.copy(B[k * block_K, by * block_N], B_shared)
                        T.gemm(A_shared, B_shared, C_local)
                    T.copy(C_local, C[bx * block_M, by * block_N])

    return main


@pytest.mark.parametrize("shape, blocks", [((128, 256, 64), 6), ((200, 136, 100), 5), ((64, 64, 32), 8)])
def test_persistent_gemm_matches_numpy(private_cache, shape, blocks):  # noqa: F811
    M, N, K = shape
    kernel = tilelang_tt.compile(matmul_persistent(M, N, K, 32, 32, 32, blocks), out_idx=[-1])
    rng = np.random.default_rng(M)
    a = rng.uniform(-1, 1, (M, K)).astype(ml_dtypes.bfloat16)
    b = rng.uniform(-1, 1, (K, N)).astype(ml_dtypes.bfloat16)
    reference = a.astype(np.float32) @ b.astype(np.float32)
    c = kernel(a, b).astype(np.float32)
    np.testing.assert_allclose(c, reference, atol=0.06, rtol=0.02)
    assert np.corrcoef(c.ravel(), reference.ravel())[0, 1] >= 0.999
    # The last wave has idle blocks unless the blocks divide the tiles (35 tiles on 5 blocks: the
    # bounds check proves the guard always holds and removes it).
    idle = -(-M // 32) * -(-N // 32) % blocks != 0
    assert ("if (bx * 32 < " in kernel.get_kernel_source("compute")) == idle


def test_persistent_gemm_compiles_against_the_release(tt_release, private_cache):  # noqa: F811
    check_kernels([tilelang_tt.compile(matmul_persistent(128, 256, 64, 32, 32, 32, 6), out_idx=[-1]).artifacts_dir])


# ---- T.Persistent: TileLang's persistent primitive ------------------------------------------------

EPS_BF16 = 2.0 ** -7


def matmul_persistent_primitive(M, N, K, block_M, block_N, block_K, sm_num, group_size=8, guard=False,
                                dtype="bfloat16", accum_dtype="float"):
    """TileLang's persistent GEMM (examples/gemm/example_gemm_persistent.py) over a domain of N
    blocks first: bx walks the columns, by the rows."""

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(sm_num, threads=128) as block_id:
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            C_shared = T.alloc_shared((block_M, block_N), dtype)
            for bx, by in T.Persistent([T.ceildiv(N, block_N), T.ceildiv(M, block_M)], sm_num, block_id,
                                       group_size=group_size):
                if guard:
                    if by * block_M < M and bx * block_N < N:
                        T.clear(C_local)
                        for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                            T.copy(A[by * block_M, k * block_K], A_shared)
                            T.copy(B[k * block_K, bx * block_N], B_shared)
                            T.gemm(A_shared, B_shared, C_local)
                        T.copy(C_local, C_shared)
                        T.copy(C_shared, C[by * block_M, bx * block_N])
                else:
                    T.clear(C_local)
                    for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                        T.copy(A[by * block_M, k * block_K], A_shared)
                        T.copy(B[k * block_K, bx * block_N], B_shared)
                        T.gemm(A_shared, B_shared, C_local)
                    T.copy(C_local, C_shared)
                    T.copy(C_shared, C[by * block_M, bx * block_N])

    return main


def matmul_grid(M, N, K, block_M, block_N, block_K, swizzle=None, dtype="bfloat16", accum_dtype="float"):
    """The same GEMM as an ordinary launch over the tiles (what T.Persistent becomes)."""

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            C_shared = T.alloc_shared((block_M, block_N), dtype)
            if swizzle:
                T.use_swizzle(swizzle)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C_shared)
            T.copy(C_shared, C[by * block_M, bx * block_N])

    return main


def add_persistent(M, N, block, sm_num, dtype="bfloat16"):
    """An element-wise persistent kernel: no allocations, a T.Parallel block per tile."""

    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(sm_num) as cta:
            for by, bx in T.Persistent([T.ceildiv(M, block), T.ceildiv(N, block)], sm_num, cta, group_size=2):
                for i, j in T.Parallel(block, block):
                    C[by * block + i, bx * block + j] = A[by * block + i, bx * block + j] + B[by * block + i,
                                                                                            bx * block + j]

    return main


def check_gemm(kernel, M, N, K):
    rng = np.random.default_rng(M * 7 + N * 3 + K)
    a = rng.standard_normal((M, K)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((K, N)).astype(ml_dtypes.bfloat16)
    c = kernel(a, b).astype(np.float32)
    ref = a.astype(np.float32) @ b.astype(np.float32)
    assert np.corrcoef(c.ravel(), ref.ravel())[0, 1] >= 0.999
    np.testing.assert_allclose(c, ref, rtol=2 * EPS_BF16, atol=2 * EPS_BF16 * np.sqrt(K))


PERSISTENT_GEMMS = [  # (M, N, K, sm_num, group_size, guard)
    (256, 256, 128, 8, 8, False),
    (512, 256, 128, 64, 1, True),
    (256, 512, 128, 8, 1, False),
    (512, 512, 128, 64, 8, True),
    (200, 136, 100, 8, 8, True),  # ragged: the last row and column of tiles run past the tensors
]


@pytest.mark.parametrize("M, N, K, sm_num, group_size, guard", PERSISTENT_GEMMS)
def test_persistent_primitive_gemm_matches_numpy(private_cache, M, N, K, sm_num, group_size, guard):  # noqa: F811
    kernel = tilelang_tt.compile(matmul_persistent_primitive(M, N, K, 64, 64, 32, sm_num, group_size, guard),
                                 out_idx=[-1])
    check_gemm(kernel, M, N, K)
    # The domain is the launch grid, dealt over the device's cores (not sm_num of them); group_size
    # is the block strategy's panel height. Without a group (the compiler's choice) the blocks go
    # to patches of one block per core whose rows (columns) share A (B) by multicast.
    partition = kernel.plan["work_partition"]
    assert partition["grid"] == [-(-N // 64), -(-M // 64)]
    assert (partition["strategy"], partition["panel"]) == ("block", 8 if group_size == 8 else 1)
    assert ("semaphores" in kernel.plan) == (group_size == 1)


def test_persistent_primitive_is_the_launch_over_its_domain(private_cache):  # noqa: F811
    """group_size=1 compiles to exactly the kernels of the launch over the tiles; group_size=g to
    those of the same launch with T.use_swizzle(g)."""
    for group_size, swizzle in ((1, None), (8, 8)):
        persistent = tilelang_tt.compile(matmul_persistent_primitive(256, 512, 128, 64, 64, 32, 8, group_size),
                                         out_idx=[-1])
        grid = tilelang_tt.compile(matmul_grid(256, 512, 128, 64, 64, 32, swizzle), out_idx=[-1])
        for role in ("reader", "compute", "writer"):  # the same code, apart from the source lines it cites
            sources = [re.sub(r"test_persistent\.py:\d+", "", k.get_kernel_source(role)) for k in (persistent, grid)]
            assert sources[0] == sources[1], (group_size, role)


def test_persistent_elementwise_matches_numpy(private_cache):  # noqa: F811
    M, N = 96, 160
    kernel = tilelang_tt.compile(add_persistent(M, N, 32, 8), out_idx=[-1])
    rng = np.random.default_rng(5)
    a = rng.standard_normal((M, N)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((M, N)).astype(ml_dtypes.bfloat16)
    ref = a.astype(np.float32) + b.astype(np.float32)
    np.testing.assert_allclose(kernel(a, b).astype(np.float32), ref, rtol=2 * EPS_BF16, atol=2 * EPS_BF16)


def matmul_persistent_upstream(M, N, K, block_M, block_N, block_K, sm_num, dtype="bfloat16", accum_dtype="float"):
    """The body of TileLang's main_persistent_primitive as written there: the domain M blocks first,
    bx over M, the default group_size, num_stages=3 on the inner T.Pipelined."""

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(sm_num, threads=256) as (block_id):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            C_shared = T.alloc_shared((block_M, block_N), dtype)
            for bx, by in T.Persistent(
                    [T.ceildiv(M, block_M), T.ceildiv(N, block_N)], sm_num, block_id):
                T.clear(C_local)
                for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
                    T.copy(A[bx * block_M, k * block_K], A_shared)
                    T.copy(B[k * block_K, by * block_N], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
                T.copy(C_local, C_shared)
                T.copy(C_shared, C[bx * block_M, by * block_N])

    return main


def test_upstream_persistent_primitive_matches_numpy(private_cache):  # noqa: F811
    kernel = tilelang_tt.compile(matmul_persistent_upstream(512, 384, 256, 128, 128, 64, 132), out_idx=[-1])
    check_gemm(kernel, 512, 384, 256)
    assert kernel.plan["work_partition"]["grid"] == [4, 3]


def add_rows_dynamic(block, sm_num, dtype="bfloat16"):
    """A persistent element-wise kernel over a dynamic number of rows: the domain, so the launch
    grid, depends on the size."""
    M = T.dynamic("m")

    @T.prim_func
    def main(A: T.Tensor((M, 64), dtype), B: T.Tensor((M, 64), dtype), C: T.Tensor((M, 64), dtype)):
        with T.Kernel(sm_num) as cta:
            for by in T.Persistent([T.ceildiv(M, block)], sm_num, cta):
                for i, j in T.Parallel(block, 64):
                    C[by * block + i, j] = A[by * block + i, j] + B[by * block + i, j]

    return main


def test_persistent_over_a_dynamic_domain(private_cache):  # noqa: F811
    kernel = tilelang_tt.compile(add_rows_dynamic(64, 8), out_idx=[-1])
    for m in (100, 256):
        rng = np.random.default_rng(m)
        a = rng.standard_normal((m, 64)).astype(ml_dtypes.bfloat16)
        b = rng.standard_normal((m, 64)).astype(ml_dtypes.bfloat16)
        ref = a.astype(np.float32) + b.astype(np.float32)
        np.testing.assert_allclose(kernel(a, b).astype(np.float32), ref, rtol=2 * EPS_BF16, atol=2 * EPS_BF16)


def test_persistent_primitive_compiles_against_the_release(tt_release, private_cache):  # noqa: F811
    directories = [
        tilelang_tt.compile(matmul_persistent_primitive(200, 136, 100, 64, 64, 32, 8, 8, True), out_idx=[-1]).artifacts_dir,
        tilelang_tt.compile(add_persistent(96, 160, 32, 8), out_idx=[-1]).artifacts_dir,
        tilelang_tt.compile(add_rows_dynamic(64, 8), out_idx=[-1]).artifacts_dir,
    ]
    check_kernels(directories)
    for program in check_host_programs(directories):
        assert program.resolved and not program.missing


# ---- errors, each at its kernel line ----------------------------------------------------------------

def persistent_kernel(variant):
    """A small persistent GEMM-like kernel with one mistake, chosen by variant."""
    M = N = K = 128
    sm_num = 4
    dtype = "bfloat16"

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(sm_num) as block_id:
            s = T.alloc_shared((32, 32), dtype)
            if variant == "clear_beside":
                T.clear(s)  # mark: clear_beside
            if variant == "index_beside":
                T.fill(s, block_id)  # mark: index_beside
            if variant == "index_arg":
                for bx, by in T.Persistent([4, 4], sm_num, 0):  # mark: index_arg
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])
            elif variant == "wave_size":
                for bx, by in T.Persistent([4, 4], 8, block_id):  # mark: wave_size
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])
            elif variant == "nested":
                for w in T.serial(1):
                    for bx, by in T.Persistent([4, 4], sm_num, block_id):  # mark: nested
                        T.copy(A[by * 32, bx * 32], s)
                        T.copy(s, C[by * 32, bx * 32])
            elif variant == "rank":
                for bx, by, bz, bw in T.Persistent([4, 4, 1, 1], sm_num, block_id):  # mark: rank
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])
            elif variant == "num_stages":
                for bx, by in T.Persistent([4, 4], sm_num, block_id, num_stages=2):  # mark: num_stages
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])
            elif variant == "keyword":
                for bx, by in T.Persistent([4, 4], sm_num, block_id, swizzle=2):  # mark: keyword
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])
            elif variant == "group_size":
                for bx, by in T.Persistent([4, 4], sm_num, block_id, group_size=0):  # mark: group_size
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])
            elif variant == "index_in_body":
                for bx, by in T.Persistent([4, 4], sm_num, block_id):
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, block_id * 32])  # mark: index_in_body
            else:
                for bx, by in T.Persistent([4, 4], sm_num, block_id):
                    T.copy(A[by * 32, bx * 32], s)
                    T.copy(s, C[by * 32, bx * 32])

    return main


def marked_line(variant):
    lines, first = inspect.getsourcelines(persistent_kernel)
    return first + next(i for i, line in enumerate(lines) if line.rstrip().endswith(f"# mark: {variant}"))


PERSISTENT_ERRORS = [
    ("index_arg", ValidationError, "T.Persistent's index is 0, but it must be the T.Kernel's block variable 'block_id'"),
    ("wave_size", ValidationError, "T.Persistent's wave_size is 8, but the T.Kernel launches 4 blocks"),
    ("clear_beside", ValidationError, "only allocations may stand beside a T.Persistent loop"),
    ("index_beside", ValidationError, "uses 'block_id', the CTA index of the wave"),
    ("nested", ValidationError, "a T.Persistent loop must stand directly in its T.Kernel body"),
    ("rank", ValidationError, "T.Persistent's domain has 4 entries"),
    ("num_stages", ValidationError, "Tenstorrent kernels already prefetch the next block's tiles"),
    ("keyword", TTSyntaxError, "T.Persistent has no argument 'swizzle'"),
    ("group_size", TTSyntaxError, "T.Persistent's group_size= must be a positive int when the kernel is built"),
    ("index_in_body", ValidationError, "the T.Persistent loop body uses 'block_id'"),
]


@pytest.mark.parametrize("variant, cls, message", PERSISTENT_ERRORS)
def test_persistent_errors_are_located(private_cache, variant, cls, message):  # noqa: F811
    with pytest.raises(cls) as info:
        tilelang_tt.compile(persistent_kernel(variant), out_idx=[-1])
    assert message in str(info.value)
    assert info.value.line == marked_line(variant), str(info.value)


def test_persistent_small_kernel_without_mistakes_runs(private_cache):  # noqa: F811
    kernel = tilelang_tt.compile(persistent_kernel("none"), out_idx=[-1])
    a = np.random.default_rng(1).standard_normal((128, 128)).astype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(kernel(a).astype(np.float32), a.astype(np.float32))
