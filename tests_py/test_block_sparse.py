"""Block-sparse GEMM as TileLang's example writes it: a block mask read inside the K loop decides
which blocks of A and B are multiplied. The reader reads the mask element and, where it is 0, writes
zero tiles into the operands' circular buffers instead of reading them from DRAM; compute multiplies
them (adding exactly 0) and the writer is unchanged. Results match NumPy, DRAM reads fall with the
mask's density (mask elements plus the unmasked blocks only), and the programs pass the real-header
check. Other ifs on data stay located errors."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import codegen, sim
from tilelang_tt.errors import ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

DTYPES = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16}
BYTES = {"bfloat16": 2, "float16": 2}


def blocksparse_matmul(M, N, K, block_M, block_N, block_K, dtype="bfloat16", accum_dtype="float32",
                       mask_dtype="int32"):
    block_mask_shape = (M // block_M, N // block_N, K // block_K)

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), BlockMask: T.Tensor(block_mask_shape, mask_dtype),
             C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                if BlockMask[by, bx, k]:
                    T.copy(A[by * block_M, k * block_K], A_shared)
                    T.copy(B[k * block_K, bx * block_N], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C[by * block_M, bx * block_N])

    return main


def reference(a, b, mask, block_M, block_N, block_K):
    """C = sum over k of mask[i, j, k] * A_block(i, k) @ B_block(k, j)."""
    f = lambda x: x.astype(np.float32)  # noqa: E731
    c = np.zeros((a.shape[0], b.shape[1]), np.float32)
    for i, j, k in zip(*np.nonzero(mask)):
        rows, cols = slice(i * block_M, (i + 1) * block_M), slice(j * block_N, (j + 1) * block_N)
        inner = slice(k * block_K, (k + 1) * block_K)
        c[rows, cols] += f(a[rows, inner]) @ f(b[inner, cols])
    return c


SIZE = 256
BLOCKS = [(64, 64, 32), (32, 32, 32)]


@pytest.mark.parametrize("dtype", sorted(DTYPES))
@pytest.mark.parametrize("blocks", BLOCKS, ids=["64x64x32", "32x32x32"])
@pytest.mark.parametrize("density", [0.0, 0.3, 1.0])
def test_block_sparse_gemm(dtype, blocks, density):
    block_M, block_N, block_K = blocks
    kernel = tilelang_tt.compile(blocksparse_matmul(SIZE, SIZE, SIZE, *blocks, dtype=dtype), out_idx=[-1])
    rng = np.random.default_rng(7)
    np_dtype = DTYPES[dtype]
    a = (rng.standard_normal((SIZE, SIZE)) * 0.5).astype(np_dtype)
    b = (rng.standard_normal((SIZE, SIZE)) * 0.5).astype(np_dtype)
    mask_shape = (SIZE // block_M, SIZE // block_N, SIZE // block_K)
    mask = (rng.random(mask_shape) < density).astype(np.int32)
    c = kernel(a, b, mask).astype(np.float32)
    want = reference(a, b, mask, *blocks)
    np.testing.assert_allclose(c, want, rtol=0.02, atol=0.02 * max(np.abs(want).max(), 1.0))
    if density == 0.0:
        assert not c.any()

    # DRAM reads: per (block, k) one DRAM-aligned chunk of the mask's tile, plus the A and B blocks
    # of the unmasked (block, k) only.
    alignment = sim.device_spec(kernel.plan["device"])["dram_alignment"]
    mask_reads = mask.size * alignment
    block_bytes = (block_M * block_K + block_K * block_N) * BYTES[dtype]
    assert kernel.stats()["totals"]["dram_read_bytes"] == mask_reads + int(mask.sum()) * block_bytes

    reader = kernel.get_kernel_source("reader")
    assert "BlockMask.get_noc_addr(" in reader and "noc_async_read(" in reader
    assert "= 0;" in reader  # the zero fill of the skipped blocks
    assert "BlockMask" not in kernel.get_kernel_source("compute")
    if density == 0.3:
        check_kernels([kernel.artifacts_dir])
        check_host_programs([kernel.artifacts_dir])


def test_a_gemm_without_loads_under_the_mask_is_a_located_error():
    @T.prim_func
    def main(A: T.Tensor((256, 256), "bfloat16"), B: T.Tensor((256, 256), "bfloat16"),
             BlockMask: T.Tensor((4, 4, 8), "int32"), C: T.Tensor((256, 256), "bfloat16")):
        with T.Kernel(4, 4, threads=128) as (bx, by):
            A_shared = T.alloc_shared((64, 32), "bfloat16")
            B_shared = T.alloc_shared((32, 64), "bfloat16")
            C_local = T.alloc_fragment((64, 64), "float32")
            T.clear(C_local)
            for k in T.Pipelined(8, num_stages=2):
                T.copy(A[by * 64, k * 32], A_shared)
                T.copy(B[k * 32, bx * 64], B_shared)
                if BlockMask[by, bx, k]:
                    T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C[by * 64, bx * 64])

    with pytest.raises(ValidationError, match="copies no operand of the T.gemm") as info:
        codegen.generate(main)
    assert info.value.line is not None


def test_an_else_branch_is_a_located_error():
    @T.prim_func
    def main(A: T.Tensor((256, 256), "bfloat16"), B: T.Tensor((256, 256), "bfloat16"),
             BlockMask: T.Tensor((4, 4, 8), "int32"), C: T.Tensor((256, 256), "bfloat16")):
        with T.Kernel(4, 4, threads=128) as (bx, by):
            A_shared = T.alloc_shared((64, 32), "bfloat16")
            B_shared = T.alloc_shared((32, 64), "bfloat16")
            C_local = T.alloc_fragment((64, 64), "float32")
            T.clear(C_local)
            for k in T.Pipelined(8, num_stages=2):
                if BlockMask[by, bx, k]:
                    T.copy(A[by * 64, k * 32], A_shared)
                    T.copy(B[k * 32, bx * 64], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
                else:
                    T.copy(A[by * 64, k * 32], A_shared)
                    T.copy(B[k * 32, bx * 64], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C[by * 64, bx * 64])

    with pytest.raises(ValidationError, match="it has an else branch") as info:
        codegen.generate(main)
    assert info.value.line is not None


def test_a_copy_to_global_under_the_mask_is_a_located_error():
    @T.prim_func
    def main(A: T.Tensor((256, 256), "bfloat16"), BlockMask: T.Tensor((4, 4, 8), "int32"),
             C: T.Tensor((256, 256), "bfloat16")):
        with T.Kernel(4, 4, threads=128) as (bx, by):
            A_shared = T.alloc_shared((64, 64), "bfloat16")
            if BlockMask[by, bx, 0]:
                T.copy(A[by * 64, bx * 64], A_shared)
                T.copy(A_shared, C[by * 64, bx * 64])

    with pytest.raises(ValidationError, match="does not end with a T.gemm") as info:
        codegen.generate(main)
    assert info.value.line is not None


def test_a_clearing_gemm_under_the_mask_is_a_located_error():
    @T.prim_func
    def main(A: T.Tensor((256, 256), "bfloat16"), B: T.Tensor((256, 256), "bfloat16"),
             BlockMask: T.Tensor((4, 4, 8), "int32"), C: T.Tensor((256, 256), "bfloat16")):
        with T.Kernel(4, 4, threads=128) as (bx, by):
            A_shared = T.alloc_shared((64, 32), "bfloat16")
            B_shared = T.alloc_shared((32, 64), "bfloat16")
            C_local = T.alloc_fragment((64, 64), "float32")
            T.clear(C_local)
            for k in T.Pipelined(8, num_stages=2):
                if BlockMask[by, bx, k]:
                    T.copy(A[by * 64, k * 32], A_shared)
                    T.copy(B[k * 32, bx * 64], B_shared)
                    T.gemm(A_shared, B_shared, C_local, clear_accum=True)
            T.copy(C_local, C[by * 64, bx * 64])

    with pytest.raises(ValidationError, match="clear_accum=True") as info:
        codegen.generate(main)
    assert info.value.line is not None


def test_a_uint32_mask_reads_its_elements_unsigned():
    """A uint32 mask with values above 2**31 (true, as any nonzero) selects exactly its blocks."""
    kernel = tilelang_tt.compile(blocksparse_matmul(SIZE, SIZE, SIZE, 64, 64, 32, mask_dtype="uint32"), out_idx=[-1])
    rng = np.random.default_rng(11)
    a = (rng.standard_normal((SIZE, SIZE)) * 0.5).astype(ml_dtypes.bfloat16)
    b = (rng.standard_normal((SIZE, SIZE)) * 0.5).astype(ml_dtypes.bfloat16)
    picked = rng.random((SIZE // 64, SIZE // 64, SIZE // 32)) < 0.5
    mask = np.where(picked, np.uint32(0x80000000), np.uint32(0))
    c = kernel(a, b, mask).astype(np.float32)
    want = reference(a, b, picked, 64, 64, 32)
    np.testing.assert_allclose(c, want, rtol=0.02, atol=0.02 * max(np.abs(want).max(), 1.0))
    assert "uint32_t BlockMask_value = " in kernel.get_kernel_source("reader")
    check_kernels([kernel.artifacts_dir])


@pytest.mark.parametrize("mask_dtype, held_as", [("float32", "float32"), ("bfloat16", "bfloat16"),
                                                 ("uint8", "bfloat16"), ("int16", "float32")])
def test_a_mask_of_another_dtype_is_a_located_error(mask_dtype, held_as):
    """Only 32-bit integer elements are tested by the reader; narrow integers (held as floats) are
    refused at the if, not a crash."""
    with pytest.raises(ValidationError, match=f"element of BlockMask, held on the device as {held_as}.*int32 or "
                       "uint32") as info:
        codegen.generate(blocksparse_matmul(256, 256, 256, 64, 64, 32, mask_dtype=mask_dtype))
    assert info.value.line == 38


def test_a_bool_mask_is_refused_for_int32():
    """bool tensors have no Tenstorrent tile format: the mask is int32 (as numpy's mask.astype(np.int32))."""
    with pytest.raises(ValidationError, match="has dtype bool.*int32") as info:
        codegen.generate(blocksparse_matmul(256, 256, 256, 64, 64, 32, mask_dtype="bool"))
    assert info.value.line is not None
