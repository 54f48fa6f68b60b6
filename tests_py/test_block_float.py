"""Block-float weights, Tenstorrent's way of a dequantizing GEMM: a bfloat16 or float32 tensor the
kernel only reads, compiled with layouts={name: {"data_format": "Bfp8_b" | "Bfp4_b"}}, is quantized
when uploaded (one exponent per 16 values, 8 or 4 bits each), its circular buffers hold the same
format and the unpacker dequantizes it for the matrix engine. Results match NumPy on the weights as
the format holds them (quantized here by an independent NumPy model), DRAM reads shrink with the
format, the programs pass the real-header check (kernels and the host program's
pack_as_bfp8_tiles / pack_as_bfp4_tiles), and GPU-style dequantization (bit manipulation of packed
uint8 weights) is a located error naming this form."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import sim
from tilelang_tt.errors import TTSyntaxError, ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from reference_kernels import matmul
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

MANTISSA_BITS = {"Bfp8_b": 7, "Bfp4_b": 3}
PAGE_BYTES = {"Bfp8_b": 1088, "Bfp4_b": 576}


def quantized(x, data_format):
    """x as the block float holds it: per 16 consecutive values of a tile row (a face row), the
    largest exponent is shared and each value keeps a sign and a rounded magnitude of 7 or 3 bits."""
    bits = MANTISSA_BITS[data_format]
    rows, cols = x.shape
    groups = x.astype(np.float32).reshape(rows, cols // 16, 16)
    exponents = (groups.view(np.uint32) >> 23) & 0xFF
    shared = exponents.max(axis=2, keepdims=True).astype(np.int64)
    scale = np.ldexp(1.0, shared - 127 - (bits - 1))
    magnitude = np.minimum(np.rint(np.abs(groups) / scale), 2 ** bits - 1)
    return (np.sign(groups) * magnitude * scale).reshape(rows, cols).astype(np.float32)


def test_the_numpy_model_of_the_formats():
    x = np.array([[1.0, 0.5, -0.25, 3.0] + [0.0] * 12], np.float32)
    # shared exponent 2^1: 8 bits keep steps of 1/32, 4 bits steps of 1/2 (0.25 -> 0: halves to even)
    np.testing.assert_array_equal(quantized(x, "Bfp8_b")[0, :4], [1.0, 0.5, -0.25, 3.0])
    np.testing.assert_array_equal(quantized(x, "Bfp4_b")[0, :4], [1.0, 0.5, -0.0, 3.0])


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("data_format", ["Bfp8_b", "Bfp4_b"])
def test_gemm_with_block_float_weights_matches_numpy(data_format, dtype):
    M, N, K = 128, 192, 256
    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float32
    kernel = tilelang_tt.compile(matmul(M, N, K, 64, 64, 32, dtype=dtype), out_idx=[-1],
                                 layouts={"B": {"data_format": data_format}})
    plan = {b["name"]: b for b in kernel.plan["buffers"]}
    assert plan["B"]["data_format"] == data_format and plan["B"]["page_size"] == PAGE_BYTES[data_format]
    assert {c["name"]: c["data_format"] for c in kernel.plan["circular_buffers"]}["B_shared"] == data_format
    rng = np.random.default_rng(11)
    a = rng.standard_normal((M, K)).astype(np_dtype)
    b = rng.standard_normal((K, N)).astype(np_dtype)
    c = kernel(a, b).astype(np.float32)
    want = a.astype(np.float32) @ quantized(b, data_format)
    eps = 2.0 ** -7 if dtype == "bfloat16" else 2.0 ** -10  # the output's rounding; tf32 products for float32
    np.testing.assert_allclose(c, want, rtol=2 * eps, atol=2 * eps * np.sqrt(K))
    if dtype == "bfloat16":
        check_kernels([kernel.artifacts_dir])
        pack = "pack_as_bfp8_tiles" if data_format == "Bfp8_b" else "pack_as_bfp4_tiles"
        (program,) = check_host_programs([kernel.artifacts_dir])
        assert not program.missing and any(pack in symbol.name for symbol in program.resolved)  # the release's
        main = kernel.get_kernel_source("host")
        assert f"{pack}(std::span<const bfloat16>(B_values)" in main


def test_dram_reads_shrink_with_the_format():
    reads = {}
    for data_format in (None, "Bfp8_b", "Bfp4_b"):
        layouts = {"B": {"data_format": data_format}} if data_format else None
        kernel = tilelang_tt.compile(matmul(256, 256, 256, 64, 64, 32, dtype="bfloat16"), out_idx=[-1],
                                     layouts=layouts)
        a = np.ones((256, 256), ml_dtypes.bfloat16)
        kernel(a, a)
        reads[data_format] = kernel.stats()["totals"]["dram_read_bytes"]
    # Every B tile read costs its page: 2048 bytes in bfloat16, 1088 and 576 in the block floats.
    b_tiles = (reads[None] - reads["Bfp8_b"]) / (2048 - 1088)
    assert b_tiles == int(b_tiles) and b_tiles > 0
    assert reads[None] - reads["Bfp4_b"] == b_tiles * (2048 - 576)


@pytest.mark.parametrize("request_, message", [
    ({"C": {"data_format": "Bfp8_b"}}, "the kernel writes C; block-float storage is for tensors the kernel only reads"),
    ({"B": {"data_format": "Bfp2_b"}}, 'data_format must be "Bfp8_b" or "Bfp4_b"'),
    ({"B": {"data_format": 8}}, 'data_format must be "Bfp8_b" or "Bfp4_b"'),
])
def test_block_float_requests_that_do_not_fit_are_errors(request_, message):
    with pytest.raises(ValidationError, match=message):
        tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32, dtype="bfloat16"), out_idx=[-1], layouts=request_)


def test_a_float16_tensor_in_a_block_float_is_a_located_error():
    with pytest.raises(ValidationError, match="has dtype float16; the host quantizes bfloat16 and float32") as err:
        tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32, dtype="float16"), out_idx=[-1],
                            layouts={"B": {"data_format": "Bfp4_b"}})
    assert err.value.line is not None


def test_gpu_style_dequantization_names_the_block_floats():
    """TileLang's dequantize GEMM unpacks fp4 pairs from uint8 with shifts and masks."""
    with pytest.raises(TTSyntaxError, match='layouts=\\{name: \\{"data_format": "Bfp4_b"\\}\\}') as err:
        @T.prim_func
        def main(B: T.Tensor((64, 32), "uint8"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(1) as bx:
                B_local = T.alloc_fragment((64, 64), "float32")
                for i, j in T.Parallel(64, 64):
                    B_local[i, j] = T.cast((B[i, j // 2] >> (j % 2 * 4)) & 15, "float32")
                T.copy(B_local, C)
    assert err.value.line is not None


def copy_through(dtype="float32"):
    @T.prim_func
    def main(X: T.Tensor((32, 64), dtype), Y: T.Tensor((32, 64), "float32")):
        with T.Kernel(2) as bx:
            X_s = T.alloc_shared((32, 32), dtype)
            Y_l = T.alloc_fragment((32, 32), "float32")
            T.copy(X[0, bx * 32], X_s)
            for i, j in T.Parallel(32, 32):
                Y_l[i, j] = X_s[i, j]
            T.copy(Y_l, Y[0, bx * 32])

    return main


@pytest.mark.parametrize("data_format", ["Bfp8_b", "Bfp4_b"])
def test_zeros_and_non_finite_values_in_block_floats(data_format):
    """A row of zeros stays zeros; Inf and NaN stay Inf and NaN (the values sharing their exponent
    cannot be scaled and read 0); the schema takes both formats."""
    kernel = tilelang_tt.compile(copy_through(), out_idx=[-1], layouts={"X": {"data_format": data_format}})
    x = np.zeros((32, 64), np.float32)
    x[0, :16] = 1.0
    x[1, 0], x[1, 1], x[2, 3] = np.inf, 0.5, np.nan
    x[3, 16] = -np.inf
    y = kernel(x)
    np.testing.assert_array_equal(y[0, :16], 1.0)
    assert np.isposinf(y[1, 0]) and y[1, 1] == 0 and np.isnan(y[2, 3]) and np.isneginf(y[3, 16])
    assert not y[4:].any() and not y[0, 16:].any()
    import jsonschema
    from test_plan import schema
    jsonschema.validate(kernel.plan, schema())


def test_a_plan_buffer_in_a_block_float_of_an_integer_tensor_is_refused():
    kernel = tilelang_tt.compile(copy_through(), out_idx=[-1], layouts={"X": {"data_format": "Bfp8_b"}})
    plan = json_copy(kernel.plan)
    buffer = next(b for b in plan["buffers"] if b["name"] == "X")
    buffer["data_format"] = "Bfp2_b"
    with pytest.raises(ValidationError, match="unknown data_format 'Bfp2_b'"):
        sim.run_plan(plan, kernel.artifacts_dir, {"X": np.zeros((32, 64), np.float32)})
    buffer["data_format"], buffer["dtype"] = "Bfp4_b", "int32"
    with pytest.raises(ValidationError, match="data_format Bfp4_b holds a bfloat16 or float32 tensor, not int32"):
        sim.run_plan(plan, kernel.artifacts_dir, {"X": np.zeros((32, 64), np.int32)})


def json_copy(value):
    import json
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("source", ["~x", "T.shift_right(x, 4)", "T.reinterpret(x, 'float16')"])
def test_other_bit_operations_name_the_block_floats(source, tmp_path):
    path = tmp_path / "kernel_bits.py"
    path.write_text(
        "import tilelang_tt.language as T\n\n"
        "@T.prim_func\n"
        "def main(B: T.Tensor((64, 64), 'int32'), C: T.Tensor((64, 64), 'float32')):\n"
        "    with T.Kernel(1) as bx:\n"
        "        C_l = T.alloc_fragment((64, 64), 'float32')\n"
        "        for i, j in T.Parallel(64, 64):\n"
        "            x = B[i, j]\n"
        f"            C_l[i, j] = T.cast({source}, 'float32')\n"
        "        T.copy(C_l, C)\n")
    import importlib.util
    spec = importlib.util.spec_from_file_location("kernel_bits", path)
    with pytest.raises(TTSyntaxError, match='"data_format": "Bfp4_b"') as err:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert err.value.line == 9
