"""The pass pipeline through Python: run_pipeline, the pass classes and the shared pass cases."""

import json
import pathlib

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from reference_kernels import gemm_epilogue, matmul
from tilelang_tt import ValidationError, attrs, ir, passes
from tilelang_tt._core import transform as _transform

CASES = pathlib.Path(__file__).resolve().parent.parent / "tests_cases"
PASS_CASES = sorted((CASES / "passes").glob("*.json"))
METADATA = "InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap"


def gemm_grid(gx, gy, **options):
    """The reference GEMM with a gx x gy launch grid of 32x32 blocks, through the metadata passes."""
    func = matmul(gy * 32, gx * 32, 32, 32, 32, 32, dtype="bfloat16")
    return passes.run_pipeline(func, pipeline=METADATA, **options)


def counts(func):
    return [c["count"] for c in func.attrs[attrs.TT_WORK_PARTITION]["cores"]]


# ---- the shared cases (tests_cases/passes/README.md) ------------------------------------------


def kernel_of(kernel):
    if "ir" in kernel:
        doc = json.loads((CASES / kernel["ir"]).read_text())
        return ir.module_from_json(json.dumps(doc["module"]))
    g = kernel["gemm"]
    args = (g["M"], g["N"], g["K"], g["block_M"], g["block_N"], g["block_K"], g["dtype"], g["accum_dtype"])
    if g.get("epilogue", "fragment") == "shared":
        return gemm_epilogue(*args)
    return matmul(*args, trans_B=g.get("trans_B", False), num_stages=g.get("num_stages", 3))


def includes(actual, expected, path):
    """None when actual includes expected (README: attrs_include), else where it does not."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path} is not an object"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key} is missing"
            diff = includes(actual[key], value, f"{path}.{key}")
            if diff:
                return diff
        return None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) <= len(actual):
        for i, value in enumerate(expected):
            diff = includes(actual[i], value, f"{path}[{i}]")
            if diff:
                return diff
        return None
    return None if actual == expected else f"{path} is {actual!r}, expected {expected!r}"


ERROR_CLASSES = {"Validation": "ValidationError", "Internal": "InternalError", "Syntax": "TTSyntaxError"}


@pytest.mark.parametrize("path", PASS_CASES, ids=[p.stem for p in PASS_CASES])
def test_shared_case(path):
    """Each case of tests_cases/passes holds through the Python API, as it does in C++."""
    doc = json.loads(path.read_text())
    expect = doc["expect"]
    assert set(expect) <= {"attrs", "attrs_include", "partition", "cb_names", "error"}
    kernel = kernel_of(doc["kernel"])
    if "error" in expect:
        import tilelang_tt.errors as errors

        with pytest.raises(getattr(errors, ERROR_CLASSES[expect["error"]["kind"]])) as info:
            passes.run_pipeline(kernel, pipeline=doc["pipeline"], **doc["options"])
        for part in expect["error"]["contains"]:
            assert part in str(info.value)
        return
    out = passes.run_pipeline(kernel, pipeline=doc["pipeline"], **doc["options"])
    func = out if isinstance(out, ir.PrimFunc) else next(iter(out.functions.values()))
    for key, value in expect.get("attrs", {}).items():
        assert func.attrs[key] == value, key
    for key, value in expect.get("attrs_include", {}).items():
        assert includes(func.attrs[key], value, key) is None
    if "partition" in expect:
        partition = func.attrs[attrs.TT_WORK_PARTITION]
        assert partition["num_cores"] == expect["partition"]["num_cores"]
        histogram = {}
        for c in partition["cores"]:
            histogram[str(c["count"])] = histogram.get(str(c["count"]), 0) + 1
        assert histogram == expect["partition"]["counts"]
    if "cb_names" in expect:
        assert sorted(func.attrs[attrs.TT_CB_DESC]) == expect["cb_names"]


# ---- the core map ---------------------------------------------------------------------------


def test_8x8_grid_on_wormhole_is_one_block_per_core():
    func = gemm_grid(8, 8)
    assert func.attrs[attrs.TT_CORE_GRID] == [8, 8]
    assert func.attrs[attrs.TT_WORK_PARTITION]["num_cores"] == 64
    assert counts(func) == [1] * 64


def test_4x4_grid_uses_16_cores():
    func = gemm_grid(4, 4)
    assert func.attrs[attrs.TT_WORK_PARTITION]["num_cores"] == 16
    assert func.attrs[attrs.TT_CORE_GRID] == [4, 4]


def test_16x16_grid_is_4_blocks_per_core():
    assert counts(gemm_grid(16, 16)) == [4] * 64


@pytest.mark.parametrize("strategy", ["row_major", "column_major", "block"])
@pytest.mark.parametrize("device", ["grayskull", "wormhole", "blackhole", "e150", "n150", "n300", "p150", "p100a"])
def test_every_strategy_and_device_is_balanced_and_complete(strategy, device):
    """A non-divisible 11x7 grid: counts differ by at most one and every block is assigned once."""
    func = gemm_grid(11, 7, partition_strategy=strategy, target_device=device)
    partition = func.attrs[attrs.TT_WORK_PARTITION]
    assert partition["strategy"] == strategy
    c = counts(func)
    assert max(c) - min(c) <= 1 and sum(c) == 77
    spec = _transform.PassContext({"target_device": device}).device
    assert func.attrs[attrs.TT_DEVICE] == spec
    blocks = {tuple(_transform.decode_block_index(partition, i)) for i in range(77)}
    assert blocks == {(x, y) for x in range(11) for y in range(7)}


def test_strategies_order_blocks_differently():
    orders = {}
    for strategy in ("row_major", "column_major", "block"):
        partition = gemm_grid(16, 16, partition_strategy=strategy).attrs[attrs.TT_WORK_PARTITION]
        orders[strategy] = [tuple(_transform.decode_block_index(partition, i)) for i in range(4)]
    assert orders["row_major"] == [(0, 0), (1, 0), (2, 0), (3, 0)]
    assert orders["column_major"] == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert orders["block"] == [(0, 0), (0, 1), (1, 0), (1, 1)]  # a 2x2 patch per core


# ---- every run_pipeline argument has an effect ------------------------------------------------


@T.prim_func
def tile_copy(A: T.Tensor((64, 64), "bfloat16"), C: T.Tensor((64, 64), "bfloat16")):
    with T.Kernel(2, 2, threads=128) as (bx, by):
        S = T.alloc_shared((32, 32), "bfloat16")
        T.copy(A[by * 32, bx * 32], S)
        T.copy(S, C[by * 32, bx * 32])


def metadata(func=None, **options):
    func = func if func is not None else matmul(512, 512, 512, 128, 128, 32, dtype="bfloat16")
    return passes.run_pipeline(func, pipeline=METADATA, **options).attrs


def test_target_device_matters():
    assert metadata(target_device="blackhole")[attrs.TT_DEVICE] == "p150"
    assert metadata()[attrs.TT_DEVICE] == "n150"


def test_partition_strategy_matters():
    assert metadata(partition_strategy="column_major")[attrs.TT_WORK_PARTITION]["strategy"] == "column_major"


def test_enable_double_buffer_matters():
    assert metadata()[attrs.TT_CB_DESC]["A_shared"]["depth"] == 3
    assert metadata(enable_double_buffer=False)[attrs.TT_CB_DESC]["A_shared"]["depth"] == 1


def test_enable_prefetch_matters():
    assert metadata(tile_copy)[attrs.TT_CB_DESC]["S"]["depth"] == 2
    assert metadata(tile_copy, enable_prefetch=False)[attrs.TT_CB_DESC]["S"]["depth"] == 1


def test_math_fidelity_and_fp32_accumulation_matter():
    config = metadata(math_fidelity="HiFi2", fp32_dest_acc_en=False)[attrs.TT_COMPUTE_CONFIG]
    assert config["math_fidelity"] == "HiFi2" and config["fp32_dest_acc_en"] is False and config["dst_tiles"] == 8
    auto = metadata()[attrs.TT_COMPUTE_CONFIG]
    assert auto["fp32_dest_acc_en"] is True and auto["dst_tiles"] == 4


def test_layouts_matter():
    layout = metadata(layouts={"C": {"memory": "l1"}})[attrs.TT_LAYOUT_DESC]["C"]
    assert layout["memory"] == "l1" and layout["layout"] == "interleaved"


def test_dump_dir_and_environment_variable(tmp_path, monkeypatch):
    passes.run_pipeline(matmul(256, 256, 256, 128, 128, 32), pipeline=METADATA, dump_dir=tmp_path / "a")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "00_input.txt", "01_InferTTLayout.txt", "02_PropagateTTLayout.txt", "03_TTTilesToCoreMap.txt"]
    assert "tt.cb_desc" in (tmp_path / "a" / "02_PropagateTTLayout.txt").read_text()
    monkeypatch.setenv("TILELANG_TT_DUMP_IR", str(tmp_path / "env"))
    passes.InferTTLayout()(matmul(256, 256, 256, 128, 128, 32))
    assert (tmp_path / "env" / "01_InferTTLayout.txt").exists()


def test_verify_each_and_report():
    func = matmul(256, 256, 256, 128, 128, 32)
    on = passes.run_pipeline(func, pipeline=METADATA, return_report=True)
    off = passes.run_pipeline(func, pipeline=METADATA, verify_each=False, return_report=True)
    assert set(on.timings) == {"InferTTLayout", "PropagateTTLayout", "TTTilesToCoreMap"}
    assert all(row["verify_milliseconds"] > 0 for row in on.report["passes"])
    assert all(row["verify_milliseconds"] == 0 for row in off.report["passes"])
    assert "total" in on.report_text


def test_pipeline_argument_selects_passes():
    attrs_after = passes.run_pipeline(matmul(256, 256, 256, 128, 128, 32), pipeline=["InferTTLayout"]).attrs
    assert attrs.TT_LAYOUT_DESC in attrs_after and attrs.TT_CB_DESC not in attrs_after


@pytest.mark.parametrize("option, value, message", [
    ("target_device", "tpu", "tpu"),
    ("partition_strategy", "diagonal", 'expected one of "row_major", "column_major", "block"'),
    ("enable_double_buffer", "yes", "enable_double_buffer must be a bool"),
    ("enable_prefetch", 1, "enable_prefetch must be a bool"),
    ("math_fidelity", "HiFi5", "HiFi5"),
    ("fp32_dest_acc_en", "sometimes", "fp32_dest_acc_en must be a bool, None or \"auto\""),
    ("layouts", {"A": {"memory": "hbm"}}, 'invalid memory "hbm"'),
    ("layouts", {"A": {"layout": "sharded", "memory": "l1"}}, "needs shard_grid"),
    ("verify_each", "no", "verify_each must be a bool"),
    ("pipeline", "InferTTLayout -> Nope", "no pass named Nope"),
])
def test_invalid_values_are_clear_errors(option, value, message):
    with pytest.raises(ValidationError, match=None) as info:
        passes.run_pipeline(matmul(256, 256, 256, 128, 128, 32), **{option: value})
    assert message in str(info.value)


def test_fp32_accumulation_on_grayskull_is_an_error():
    with pytest.raises(ValidationError, match="cannot accumulate in fp32"):
        passes.run_pipeline(matmul(256, 256, 256, 128, 128, 32), target_device="grayskull", fp32_dest_acc_en=True)


def test_l1_overflow_lists_buffers():
    with pytest.raises(ValidationError) as info:
        metadata(matmul(2048, 2048, 256, 512, 512, 128, dtype="bfloat16"))
    text = str(info.value)
    for name in ("A_shared (c_0", "B_shared (c_1", "C_local (c_16", "C_local.partials (c_24"):
        assert name in text
    assert "393216 bytes (384 KiB)" in text


def test_a_512_square_fp32_accumulator_fits_l1():
    # Its partial sums take 1 MiB of L1; the CB the writer drains holds only 4 tiles at a time, so
    # a block of 512x512 outputs fits a Wormhole core (the whole block twice over would not).
    func = matmul(1024, 1024, 256, 512, 512, 32, dtype="bfloat16")
    cbs = metadata(func)[attrs.TT_CB_DESC]
    assert (cbs["C_local"]["num_pages"], cbs["C_local.partials"]["num_pages"]) == (8, 256)
    kernel = tilelang_tt.compile(func, out_idx=[-1])
    rng = np.random.default_rng(7)
    a = rng.standard_normal((1024, 256)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((256, 1024)).astype(ml_dtypes.bfloat16)
    want = a.astype(np.float32) @ b.astype(np.float32)
    np.testing.assert_allclose(kernel(a, b).astype(np.float32), want, rtol=2 ** -7, atol=2 ** -7 * 16)


def test_layout_error_points_at_the_buffer_line():
    sharded = {"B": {"layout": "sharded", "memory": "l1", "shard_grid": [1, 1]}}
    with pytest.raises(ValidationError) as info:
        passes.InferTTLayout(layouts=sharded)(matmul(1024, 1024, 1024, 128, 128, 32))
    assert "layouts[B]: shards of [32,32] tiles (1 in all) put 1024 tiles" in str(info.value)
    assert info.value.line is not None and info.value.file.endswith("reference_kernels.py")


def test_a_ragged_tensor_is_stored_padded():
    layouts = passes.InferTTLayout()(matmul(1024, 1000, 1024, 128, 128, 32)).attrs[attrs.TT_LAYOUT_DESC]
    assert layouts["B"]["shape"] == [1024, 1000] and layouts["B"]["padded_shape"] == [1024, 1024]


# ---- pass objects and the registry -----------------------------------------------------------


def test_pass_objects_run_on_functions_and_modules():
    func = matmul(256, 256, 256, 128, 128, 32)
    on_func = passes.InferTTLayout()(func)
    assert isinstance(on_func, ir.PrimFunc)
    on_mod = passes.InferTTLayout()(ir.IRModule([func]))
    assert isinstance(on_mod, ir.IRModule)
    ir.assert_structural_equal(on_mod["gemm"], on_func)
    blackhole = passes.InferTTLayout(target_device="blackhole")
    assert blackhole(func).attrs[attrs.TT_DEVICE] == "p150"
    assert blackhole(func, target_device="grayskull").attrs[attrs.TT_DEVICE] == "e150"


def test_registry_and_default_pipeline():
    names = passes.registered_passes()
    for name in ("LowerTTPersistent", "LowerTTAtomicAdd", "SpecializeTTShapes", "EliminateDeadTTValues", "PromoteTTNarrowIntegers", "PromoteTTIndexIntegers", "StageTTColumnStores", "StageTTElementwise", "ExactTTMaxReductions", "GroupTTRowBlocks", "JoinTTBlocks", "WidenTTKSteps", "InferTTLayout", "PropagateTTLayout", "TTTilesToCoreMap", "LowerTTTileIntrinsics",
                 "GridToPersistentTT", "VerifyTTIR"):
        assert name in names
        assert passes.pass_by_name(name).name == name
    assert str(_transform.Pipeline(passes.DEFAULT_PIPELINE)).startswith(
        "LowerTTPersistent -> LowerTTAtomicAdd -> SpecializeTTShapes -> EliminateDeadTTValues -> PromoteTTNarrowIntegers -> "
        "PromoteTTIndexIntegers -> StageTTColumnStores -> StageTTElementwise -> ExactTTMaxReductions -> "
        "GroupTTRowBlocks -> JoinTTBlocks -> WidenTTKSteps -> InferTTLayout")
    assert [p.name for p in passes.default_pipeline()][:13] == [
        "LowerTTPersistent", "LowerTTAtomicAdd", "SpecializeTTShapes", "EliminateDeadTTValues", "PromoteTTNarrowIntegers",
        "PromoteTTIndexIntegers", "StageTTColumnStores", "StageTTElementwise", "ExactTTMaxReductions",
        "GroupTTRowBlocks", "JoinTTBlocks", "WidenTTKSteps", "InferTTLayout"]
    with pytest.raises(ValidationError, match="no pass named Foo; the registered passes are"):
        passes.pass_by_name("Foo")


def test_well_formedness_check_names_node_and_line():
    A = ir.buffer("A", [ir.const(32, "int32")], "float32", "global")
    stray = ir.Var("stray", "int32", ("k.py", 3, 1))
    store = ir.buffer_store(A, ir.const(1.0, "float32"), [stray], span=("k.py", 3, 1))
    problems = passes.check_well_formed(ir.IRModule([ir.PrimFunc("f", [A], store, {}, None)]))
    assert len(problems) == 1 and "variable stray" in problems[0] and "k.py:3" in problems[0]


def test_attribute_keys_come_from_cpp():
    assert attrs.TT_CORE_GRID == "tt.core_grid"
    assert attrs.TT_LAYOUT_DESC == "tt.layout_desc"
    assert attrs.TT_WORK_PARTITION == "tt.work_partition"
    assert attrs.TT_CB_DESC == "tt.cb_desc"
    assert attrs.DOCS["tt.kernels"]
