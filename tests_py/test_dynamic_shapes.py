"""Dynamic shapes: tensors whose extents are T.dynamic / T.symbolic dimensions compile to one program
(the same kernels, host program and plan) that serves every size. kernel(...) takes the sizes from
the tensors it is called with, main.cpp from its command line (name=SIZE), and the plan gives every
size-dependent number as a formula of the dimensions (docs/plan.md, docs/language.md)."""

import os
import subprocess

import jsonschema
import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import codegen
from tilelang_tt.errors import TTSyntaxError, ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from reference_kernels import matmul
from test_host_program import configure_and_build, simulator_cmake_args
from test_plan import schema
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from tilelang_style_kernels import elementwise_add, gemm_relu

ARTIFACTS = ("reader.cpp", "compute.cpp", "writer.cpp", "main.cpp", "CMakeLists.txt", "tt.plan.json")


def matmul_dynamic(block_M, block_N, block_K, trans_B=False, relu=False, dtype="bfloat16"):
    """TileLang's GEMM (and its ReLU variant) with M, N and K dynamic, as its dynamic-shape example
    declares them: the bodies are the shared reference kernels', unchanged."""
    M, N, K = T.dynamic("m"), T.dynamic("n"), T.symbolic("k")
    if relu:
        return gemm_relu(M, N, K, block_M, block_N, block_K, dtype=dtype)
    return matmul(M, N, K, block_M, block_N, block_K, dtype=dtype, trans_B=trans_B, num_stages=2)


def add_dynamic(block_M, block_N, dtype="bfloat16"):
    return elementwise_add(T.dynamic("rows"), T.dynamic("cols"), block_M, block_N, in_dtype=dtype, out_dtype=dtype)


def operands(shape_a, shape_b, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1, 1, shape_a).astype(ml_dtypes.bfloat16),
            rng.uniform(-1, 1, shape_b).astype(ml_dtypes.bfloat16))


def artifact_texts(directory):
    texts = {}
    for name in ARTIFACTS:
        with open(os.path.join(directory, name)) as fh:
            texts[name] = fh.read()
    return texts


def assert_gemm_close(c, a, b, relu=False):
    reference = a.astype(np.float32) @ b.astype(np.float32)
    if relu:
        reference = np.maximum(reference, 0)
    assert c.shape == reference.shape
    np.testing.assert_allclose(c.astype(np.float32), reference, atol=0.06, rtol=0.02)
    assert np.corrcoef(c.astype(np.float32).ravel(), reference.ravel())[0, 1] >= 0.999


@pytest.fixture(scope="module")
def gemm_kernel(private_cache):  # noqa: F811
    return tilelang_tt.compile(matmul_dynamic(64, 64, 32), out_idx=[-1])


@pytest.mark.parametrize("shape", [(256, 256, 128), (200, 136, 100), (96, 80, 48), (33, 17, 5)])
def test_one_compiled_gemm_serves_every_size(gemm_kernel, shape):
    """Compiled once, run at each size with the same artifacts, checked against NumPy."""
    M, N, K = shape
    before = artifact_texts(gemm_kernel.artifacts_dir)
    a, b = operands((M, K), (K, N))
    assert_gemm_close(gemm_kernel(a, b), a, b)
    assert artifact_texts(gemm_kernel.artifacts_dir) == before
    assert [d["name"] for d in gemm_kernel.plan["dynamic_dims"]] == ["m", "k", "n"]


def test_compiled_once_whatever_the_sizes(gemm_kernel):
    """The compile cache key ignores sizes: compiling the same kernel again is a cache hit, and its
    files are those of a compile at any sizes."""
    again = tilelang_tt.compile(matmul_dynamic(64, 64, 32), out_idx=[-1])
    assert again.artifacts_dir == gemm_kernel.artifacts_dir
    at_sizes = codegen.generate(matmul_dynamic(64, 64, 32), shape_values={"m": 1000, "n": 64, "k": 7})
    assert at_sizes == artifact_texts(gemm_kernel.artifacts_dir)


@pytest.mark.parametrize("trans_B, relu", [(True, False), (False, True)])
def test_gemm_variants(private_cache, trans_B, relu):  # noqa: F811
    kernel = tilelang_tt.compile(matmul_dynamic(32, 64, 32, trans_B=trans_B, relu=relu), out_idx=[-1])
    for M, N, K in [(256, 256, 128), (200, 136, 100)]:
        a, b = operands((M, K), (N, K) if trans_B else (K, N), seed=M)
        assert_gemm_close(kernel(a, b), a, b.T if trans_B else b, relu=relu)


def test_elementwise_add(private_cache):  # noqa: F811
    kernel = tilelang_tt.compile(add_dynamic(32, 32), out_idx=[-1])
    for shape in [(100, 72), (64, 64), (1, 300)]:
        a, b = operands(shape, shape, seed=shape[1])
        c = kernel(a, b)
        np.testing.assert_array_equal(c, (a.astype(np.float32) + b.astype(np.float32)).astype(ml_dtypes.bfloat16))


def test_softmax_over_a_dynamic_number_of_rows(private_cache):  # noqa: F811
    """The row count is dynamic (a ragged last block of rows included); `steps = T.ceildiv(N, block_N)`
    names a trip count in the body, as TileLang's softmax does."""
    from tilelang_style_kernels import softmax

    kernel = tilelang_tt.compile(softmax(T.dynamic("m"), 256, block_M=32, block_N=128, dtype="float32"), out_idx=[-1])
    for rows in (64, 100):
        x = np.random.default_rng(rows).standard_normal((rows, 256)).astype(np.float32)
        expected = np.exp(x - x.max(1, keepdims=True))
        np.testing.assert_allclose(kernel(x), expected / expected.sum(1, keepdims=True), atol=2e-5, rtol=2e-3)


@pytest.mark.parametrize("dimension", ["batch", "seq"])
def test_attention_with_a_dynamic_batch_or_sequence(private_cache, dimension):  # noqa: F811
    """TileLang's MHA forward (BHSD) with the batch or the sequence length dynamic: 4-D tensors
    whose batch axes and row counts the page indices multiply by are runtime arguments."""
    from test_attention import mha_forward, mha_reference

    batch, seq = (T.dynamic("b"), 64) if dimension == "batch" else (1, T.dynamic("s"))
    kernel = tilelang_tt.compile(mha_forward(batch, 2, seq, 64, 32, 32), out_idx=[3, 4])
    for b, s in ([(1, 64), (3, 64)] if dimension == "batch" else [(1, 64), (1, 128)]):
        rng = np.random.default_rng(b * s)
        q, k, v = (rng.standard_normal((b, 2, s, 64)).astype(ml_dtypes.bfloat16) for _ in range(3))
        output, lse = kernel(q, k, v)
        expected_output, expected_lse = mha_reference(q, k, v, 1, False, False)
        np.testing.assert_allclose(output.astype(np.float32), expected_output, atol=0.02, rtol=0.02)
        np.testing.assert_allclose(lse, expected_lse, atol=0.01, rtol=0.01)


def test_host_program_takes_the_sizes_on_its_command_line(gemm_kernel, tmp_path):
    """main.cpp, built once, run at two sizes: the same bits as kernel(a, b)."""
    configure_and_build(gemm_kernel.artifacts_dir, tmp_path / "build", simulator_cmake_args())
    env = dict(os.environ, TT_SIM_DEVICE=gemm_kernel.plan["device"])
    for M, N, K in [(256, 256, 128), (200, 136, 100)]:
        a, b = operands((M, K), (K, N), seed=K)
        a.tofile(tmp_path / "a.bin")
        b.tofile(tmp_path / "b.bin")
        proc = subprocess.run([str(tmp_path / "build" / "gemm"), f"m={M}", f"n={N}", f"k={K}", f"A={tmp_path / 'a.bin'}",
                               f"B={tmp_path / 'b.bin'}", f"C={tmp_path / 'c.bin'}"],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        c = np.fromfile(tmp_path / "c.bin", dtype=ml_dtypes.bfloat16).reshape(M, N)
        np.testing.assert_array_equal(c.view(np.uint16), gemm_kernel(a, b).view(np.uint16))
    for args, message in [([], "give the size of dynamic dimension m as m=SIZE"),
                          (["m=0", "n=1", "k=1"], "m=0: the size of a dimension is a positive integer"),
                          (["m=12x", "n=1", "k=1"], "m=12x: the size of a dimension is a positive integer")]:
        proc = subprocess.run([str(tmp_path / "build" / "gemm"), *args], capture_output=True, text=True, env=env,
                              timeout=60)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_dynamic_programs_compile_against_the_release(tt_release, gemm_kernel, private_cache):  # noqa: F811
    from test_attention import mha_forward

    directories = [gemm_kernel.artifacts_dir, tilelang_tt.compile(add_dynamic(32, 32), out_idx=[-1]).artifacts_dir,
                   tilelang_tt.compile(mha_forward(1, 2, T.dynamic("s"), 64, 32, 32, mask_keys_past_seq_len=True),
                                       out_idx=[3, 4]).artifacts_dir]
    check_kernels(directories)
    for program in check_host_programs(directories):
        assert program.resolved and not program.missing


def test_plan_formulas_and_specialization(gemm_kernel):
    from tilelang_tt import _core

    plan = gemm_kernel.plan
    jsonschema.validate(plan, schema())
    a = next(b for b in plan["buffers"] if b["name"] == "A")
    assert a["shape"] == [{"formula": "m"}, {"formula": "k"}]
    concrete = _core.transform.specialize_plan(plan, {"m": 200, "n": 136, "k": 100})
    a = next(b for b in concrete["buffers"] if b["name"] == "A")
    assert (a["shape"], a["padded_shape"], a["num_pages"]) == ([200, 100], [256, 128], 32)
    assert "dynamic_dims" not in concrete
    assert sum(core["count"] for core in concrete["work_partition"]["cores"]) == 3 * 4
    jsonschema.validate(concrete, schema())
    with pytest.raises(ValidationError, match="no size given for dynamic dimension k"):
        _core.transform.specialize_plan(plan, {"m": 1, "n": 1})
    with pytest.raises(ValidationError, match="dynamic dimension n = 0; sizes must be positive"):
        _core.transform.specialize_plan(plan, {"m": 1, "n": 0, "k": 1})
    with pytest.raises(ValidationError, match="q is not a dynamic dimension of gemm"):
        _core.transform.specialize_plan(plan, {"m": 1, "n": 1, "k": 1, "q": 2})


def test_call_errors(gemm_kernel):
    a, b = operands((64, 32), (48, 64))
    with pytest.raises(ValidationError, match=r"input B has shape \[48, 64\]; the kernel declares \[32, 64\]"):
        gemm_kernel(a, b)
    only_output = tilelang_tt.compile(add_dynamic(32, 32), out_idx=[0])
    with pytest.raises(ValidationError, match="axis 0 of A, which is an output the kernel allocates"):
        only_output(*operands((32, 32), (32, 32)))


def test_command_line_runs_a_dynamic_kernel_at_given_sizes(private_cache, capsys):  # noqa: F811
    from tilelang_tt import cli

    kernel = f"{__file__}:matmul_dynamic"
    args = ["run", kernel, "--arg", "32", "--arg", "32", "--arg", "32", "--reference", f"{__file__}:numpy_matmul"]
    assert cli.main(args + ["--size", "m=40", "--size", "n=64", "--size", "k=50"]) == 0
    assert "PCC" in capsys.readouterr().out
    assert cli.main(args + ["--size", "m=40"]) == 2
    assert "has the dynamic dimension k: give its size with --size k=SIZE" in capsys.readouterr().err
    assert cli.main(["plan", tilelang_tt.compile(matmul_dynamic(32, 32, 32)).artifacts_dir]) == 0
    assert "dynamic dimensions: m (axis 0 of A), k (axis 1 of A), n (axis 1 of B)" in capsys.readouterr().out


def numpy_matmul(a, b):
    return a @ b


def test_variable_length_attention_masks_keys_past_a_dynamic_sequence_length(private_cache):  # noqa: F811
    """TileLang's variable-length masking, `k * block_N + j < seq_len`, with seq_len dynamic: the
    dimension compared with element indices is a runtime argument of the compute kernel."""
    from test_attention import mha_forward, mha_reference

    kernel = tilelang_tt.compile(mha_forward(1, 2, T.dynamic("s"), 64, 32, 32, mask_keys_past_seq_len=True),
                                 out_idx=[3, 4])
    for seq in (64, 100, 37):
        rng = np.random.default_rng(seq)
        q, k, v = (rng.standard_normal((1, 2, seq, 64)).astype(ml_dtypes.bfloat16) for _ in range(3))
        output, lse = kernel(q, k, v)
        expected_output, expected_lse = mha_reference(q, k, v, 1, False, False)
        np.testing.assert_allclose(output.astype(np.float32), expected_output, atol=0.02, rtol=0.02)
        np.testing.assert_allclose(lse, expected_lse, atol=0.01, rtol=0.01)


def test_dimension_as_a_value_in_element_wise_math_is_a_located_error():
    N = T.dynamic("n")

    @T.prim_func
    def scale(A: T.Tensor((64, N), "float32"), B: T.Tensor((64, N), "float32")):
        with T.Kernel(T.ceildiv(N, 32), 2) as (bx, by):
            S = T.alloc_fragment((32, 32), "float32")
            T.copy(A[by * 32, bx * 32], S)
            for i, j in T.Parallel(32, 32):
                S[i, j] = S[i, j] * N  # <- error
            T.copy(S, B[by * 32, bx * 32])

    with pytest.raises(ValidationError) as err:
        tilelang_tt.compile(scale)
    assert "the dynamic dimension n as a value in element-wise math" in str(err.value)
    assert "S[i, j] * N  # <- error" in str(err.value)


def test_extent_that_is_an_expression_of_a_dimension_is_a_located_error():
    N = T.dynamic("n")
    with pytest.raises(TTSyntaxError, match="a tensor extent must be a T.dynamic dimension itself") as err:
        @T.prim_func
        def twice(A: T.Tensor((64, N * 2), "float32")):  # <- error
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.copy(A[bx * 32, 0], S)
    assert "N * 2), \"float32\")):  # <- error" in str(err.value)
    # The same from IR built by hand: the compiler refuses it.
    from tilelang_tt import ir

    n = ir.Var("n")
    A = ir.buffer("A", [ir.const(64), ir.binary("Mul", n, ir.const(2))], "float32", "global")
    with pytest.raises(ValidationError, match="a dynamic extent must be a T.dynamic dimension itself"):
        tilelang_tt.passes.pass_by_name("SpecializeTTShapes")(ir.PrimFunc("twice", [A], ir.evaluate(ir.const(0))))


def test_on_chip_buffers_stay_static():
    N = T.dynamic("n")
    with pytest.raises(TTSyntaxError, match="on-chip buffers have static shapes"):
        @T.prim_func
        def bad(A: T.Tensor((64, N), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, N), "float32")  # noqa: F841
                T.copy(A[bx * 32, 0], S)


def test_dynamic_declaration_errors():
    with pytest.raises(TTSyntaxError, match="T.dynamic takes the dimension's name"):
        T.dynamic("not a name")
    with pytest.raises(TTSyntaxError, match="a dimension is an int32 or int64"):
        T.dynamic("m", "float32")


def test_shape_values_name_real_dimensions():
    with pytest.raises(ValidationError, match="shape_values gives a size for q, which is not a dynamic dimension"):
        codegen.generate(matmul_dynamic(64, 64, 32), shape_values={"m": 1, "n": 1, "k": 1, "q": 3})
    with pytest.raises(ValidationError, match=r"has the dynamic dimension k \(axis 1 of A\); give its size"):
        tilelang_tt.passes.run_pipeline(matmul_dynamic(64, 64, 32), shape_values={"m": 1, "n": 1})


def row_sums(M, N, block_M=32, block_N=32):
    """Sums each row over its blocks of block_N columns, clear=False across them."""

    @T.prim_func
    def row_sum(X: T.Tensor((M, N), "float32"), R: T.Tensor((M,), "float32")):
        with T.Kernel(T.ceildiv(M, block_M)) as b:
            x = T.alloc_fragment((block_M, block_N), "float32")
            total = T.alloc_fragment((block_M,), "float32")
            T.fill(total, 0)
            for t in T.serial(T.ceildiv(N, block_N)):
                T.copy(X[b * block_M, t * block_N], x)
                T.reduce_sum(x, total, dim=1, clear=False)
            T.copy(total, R[b * block_M])

    return row_sum


def test_loops_of_one_trip_at_some_sizes_serve_every_size(private_cache):  # noqa: F811
    """A trip count of a dynamic dimension is 1 at sizes up to a block (n = 1, 17, 32): the loop stays a
    loop, so the program compiled once serves those sizes and the larger ones alike."""
    kernel = tilelang_tt.compile(row_sums(64, T.dynamic("n")), out_idx=[-1])
    before = artifact_texts(kernel.artifacts_dir)
    rng = np.random.default_rng(31)
    for n in (1, 17, 32, 100):
        x = rng.uniform(-1, 1, (64, n)).astype(np.float32)
        np.testing.assert_allclose(kernel(x), x.sum(axis=1), rtol=2 ** -8, atol=2 ** -8 * n)
    assert artifact_texts(kernel.artifacts_dir) == before


def test_gemm_transpose_a_at_sizes_of_one_block(private_cache):  # noqa: F811
    from test_ragged import gemm_transpose_a

    kernel = tilelang_tt.compile(gemm_transpose_a(T.dynamic("m"), T.dynamic("n"), T.dynamic("k"), 32, 32, 32,
                                                  dtype="bfloat16"), out_idx=[-1])
    for M, N, K in [(96, 80, 48), (17, 5, 3), (32, 32, 32)]:
        a, b = operands((K, M), (K, N), seed=M)
        assert_gemm_close(kernel(a, b), a.T, b)
