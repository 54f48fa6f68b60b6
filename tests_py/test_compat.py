"""Every legacy name warns, names its replacement, and gives what the new API gives."""

import os

import pytest

from reference_kernels import matmul
from tilelang_tt import ValidationError, attrs, compat, ir, passes

METADATA = ["InferTTLayout", "PropagateTTLayout", "TTTilesToCoreMap"]
LOWERED_UP_TO_INTRINSICS = METADATA + ["LowerTTTileIntrinsics"]


def kernel():
    return matmul(512, 512, 512, 128, 128, 32, dtype="bfloat16")


def legacy(name, *args, **kwargs):
    """Calls compat.<name>, asserting exactly one DeprecationWarning that names a replacement."""
    with pytest.warns(DeprecationWarning, match=rf"compat\.{name} is deprecated; use \S") as record:
        result = getattr(compat, name)(*args, **kwargs)
    assert len(record) == 1
    return result


def after(pipeline):
    return passes.run_pipeline(kernel(), pipeline=pipeline)


# (legacy name, input pipeline already applied, the new API's equivalent)
PASS_EQUIVALENTS = [
    ("apply_tt_defaults", [], lambda m: passes.InferTTLayout()(m)),
    ("infer_default_tt_schedule", [], lambda m: passes.InferTTLayout()(m)),
    ("infer_tt_layout", [], lambda m: passes.InferTTLayout()(m)),
    ("infer_default_tt_shard", ["InferTTLayout"], lambda m: passes.PropagateTTLayout()(m)),
    ("propagate_tt_layout", ["InferTTLayout"], lambda m: passes.PropagateTTLayout()(m)),
    ("layout_aware_work_partition_tt", ["InferTTLayout"], lambda m: passes.TTTilesToCoreMap()(m)),
    ("tt_tiles_to_core_map", ["InferTTLayout"], lambda m: passes.TTTilesToCoreMap()(m)),
    ("apply_tt_metadata_passes", [], lambda m: passes.run_pipeline(m, pipeline=METADATA)),
    ("apply_layout_aware_metadata_passes", [], lambda m: passes.run_pipeline(m, pipeline=METADATA)),
    ("apply_compatibility_transforms", [], lambda m: passes.run_pipeline(m, pipeline=METADATA)),
    ("lower_gemm_to_tt_intrinsics", METADATA, lambda m: passes.LowerTTTileIntrinsics()(m)),
    ("memory_space_lower_tt", METADATA, lambda m: passes.LowerTTTileIntrinsics()(m)),
    ("lower_to_sfpu", METADATA, lambda m: passes.LowerTTTileIntrinsics()(m)),
    ("grid_to_persistent_tt", LOWERED_UP_TO_INTRINSICS, lambda m: passes.GridToPersistentTT()(m)),
    ("apply_tt_transform_passes", [], lambda m: passes.run_pipeline(m)),
]


@pytest.mark.parametrize("name, before, new_api", PASS_EQUIVALENTS, ids=[p[0] for p in PASS_EQUIVALENTS])
def test_pass_names_equal_new_api(name, before, new_api):
    mod = after(before) if before else kernel()
    ir.assert_structural_equal(legacy(name, mod), new_api(mod))


def test_options_are_forwarded():
    out = legacy("infer_tt_layout", kernel(), target_device="blackhole")
    assert out.attrs[attrs.TT_DEVICE] == "p150"


def test_annotate_tt_layout_is_honoured_by_infer_tt_layout():
    annotated = legacy("annotate_tt_layout", kernel(), {"C": {"memory": "l1"}})
    assert annotated.attrs[attrs.TT_LAYOUT_REQUESTS] == {"C": {"memory": "l1"}}
    assert (passes.InferTTLayout()(annotated).attrs[attrs.TT_LAYOUT_DESC]["C"]
            == passes.InferTTLayout(layouts={"C": {"memory": "l1"}})(kernel()).attrs[attrs.TT_LAYOUT_DESC]["C"])


def test_annotate_tt_schedule_partitions_with_the_order():
    out = legacy("annotate_tt_schedule", kernel(), policy="contiguous", order="column_major")
    expected = passes.run_pipeline(kernel(), pipeline=["InferTTLayout", "TTTilesToCoreMap"],
                                   partition_strategy="column_major")
    ir.assert_structural_equal(out, expected)
    with pytest.warns(DeprecationWarning), pytest.raises(ValidationError, match="only one is 'contiguous'"):
        compat.annotate_tt_schedule(kernel(), policy="strided")


def test_build_v5_pipeline_is_the_default_pipeline():
    pipeline = legacy("build_v5_pipeline")
    assert [p.name for p in pipeline] == [p.name for p in passes.default_pipeline()]


def test_tile_pad_tt_leaves_padding_to_the_layout():
    mod = kernel()
    assert legacy("tile_pad_tt", mod) is mod
    ragged = matmul(1000, 512, 512, 128, 128, 32)
    assert legacy("tile_pad_tt", ragged) is ragged
    layouts = passes.InferTTLayout()(ragged).attrs[attrs.TT_LAYOUT_DESC]
    assert layouts["A"]["padded_shape"] == [1024, 512]


def test_verify_tt_ir_verifies():
    mod = kernel()
    assert legacy("verify_tt_ir", mod) is mod
    A = ir.buffer("A", [ir.const(32, "int32")], "float32", "global")
    bad = ir.PrimFunc("f", [A], ir.buffer_store(A, ir.const(1.0, "float32"), [ir.Var("i")]), {}, None)
    with pytest.warns(DeprecationWarning), pytest.raises(ValidationError, match="variable i is used where it is not bound"):
        compat.verify_tt_ir(bad)
    lowered = passes.run_pipeline(kernel())
    assert legacy("verify_tt_ir", lowered) is lowered


def test_write_artifacts_to_disk(tmp_path):
    out = legacy("write_artifacts_to_disk", {"reader.cpp": "// r\n", "tt.plan.json": "{}"}, str(tmp_path / "art"))
    assert sorted(os.listdir(out)) == ["reader.cpp", "tt.plan.json"]
    assert (tmp_path / "art" / "reader.cpp").read_text() == "// r\n"


def test_emit_tt_artifacts_generates_code():
    artifacts = legacy("emit_tt_artifacts", kernel())
    assert {"reader.cpp", "compute.cpp", "writer.cpp", "tt.plan.json"} <= set(artifacts)


def test_legacy_to_new_attrs():
    assert legacy("legacy_to_new_attrs", {"tt.grid": [8, 8], "tt.cb_desc": {}}) == {"tt.core_grid": [8, 8], "tt.cb_desc": {}}
    with pytest.warns(DeprecationWarning), pytest.raises(ValidationError, match="tt.block_shape"):
        compat.legacy_to_new_attrs({"tt.block_shape": [1, 1]})


def test_every_legacy_name_is_covered():
    tested = {p[0] for p in PASS_EQUIVALENTS} | {
        "annotate_tt_layout", "annotate_tt_schedule", "build_v5_pipeline", "tile_pad_tt", "verify_tt_ir",
        "write_artifacts_to_disk", "emit_tt_artifacts", "legacy_to_new_attrs"}
    assert set(compat.__all__) == tested
