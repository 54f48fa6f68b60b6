"""The runtime plan tt.plan.json: written by run_pipeline, valid against the shipped JSON Schema,
consistent with the pass attributes it is built from."""

import importlib.resources
import json

import jsonschema
import pytest

from reference_kernels import gemm_epilogue, matmul
from tilelang_tt import attrs, passes


def schema():
    text = importlib.resources.files("tilelang_tt").joinpath("schemas/tt.plan.schema.json").read_text()
    return json.loads(text)


def plan_for(tmp_path, func, **options):
    path = tmp_path / "out" / "tt.plan.json"
    lowered = passes.run_pipeline(func, plan_path=path, **options)
    assert path.exists()
    return json.loads(path.read_text()), lowered


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("device, card, arch", [("grayskull", "e150", "grayskull"), ("wormhole", "n150", "wormhole_b0"),
                                                ("blackhole", "p150", "blackhole")])
def test_gemm_plan_validates_on_every_architecture(tmp_path, device, card, arch):
    plan, _ = plan_for(tmp_path, matmul(1024, 1024, 1024, 128, 128, 32, dtype="bfloat16"), target_device=device)
    jsonschema.validate(plan, schema())
    assert plan["device"] == card and plan["arch"] == arch
    assert plan["schema_version"] == 1


def test_plan_matches_the_attributes(tmp_path):
    plan, lowered = plan_for(tmp_path, matmul(1024, 1024, 1024, 128, 128, 32, dtype="bfloat16"))
    func = next(iter(lowered.functions.values()))
    assert plan["core_grid"] == func.attrs[attrs.TT_CORE_GRID] == [8, 8]
    assert plan["core_ranges"] == [[[0, 0], [7, 7]]]
    assert plan["work_partition"] == func.attrs[attrs.TT_WORK_PARTITION]
    assert [b["name"] for b in plan["buffers"]] == ["A", "B", "C"]
    assert plan["buffers"][0]["layout"] == "dram_interleaved" and plan["buffers"][0]["page_size"] == 2048
    assert [b["access"] for b in plan["buffers"]] == ["read", "read", "write"]
    cbs = {cb["name"]: cb for cb in plan["circular_buffers"]}
    assert cbs == {name: dict(cb, name=name) for name, cb in func.attrs[attrs.TT_CB_DESC].items()}
    assert [cb["cb_index"] for cb in plan["circular_buffers"]] == sorted(cb["cb_index"] for cb in cbs.values())
    assert plan["compute_config"] == func.attrs[attrs.TT_COMPUTE_CONFIG]
    assert plan == passes.build_plan(lowered)


def test_every_kernel_has_arguments_for_every_core(tmp_path):
    plan, _ = plan_for(tmp_path, matmul(2048, 2048, 256, 128, 128, 32, dtype="bfloat16"))  # 4 blocks per core
    cores = {f"{c['core'][0]},{c['core'][1]}" for c in plan["work_partition"]["cores"]}
    assert {k["role"] for k in plan["kernels"]} == {"reader", "compute", "writer"}
    for kernel in plan["kernels"]:
        assert set(kernel["runtime_args"]) == cores
        for values in kernel["runtime_args"].values():
            assert len(values) == len(kernel["runtime_arg_names"])
        assert kernel["source"].endswith(".cpp")


def test_options_reach_the_plan(tmp_path):
    plan, _ = plan_for(tmp_path, matmul(512, 512, 512, 128, 128, 32, dtype="bfloat16"), math_fidelity="LoFi",
                       fp32_dest_acc_en=False, enable_double_buffer=False, partition_strategy="column_major")
    assert plan["compute_config"]["math_fidelity"] == "LoFi"
    assert plan["compute_config"]["fp32_dest_acc_en"] is False
    assert plan["work_partition"]["strategy"] == "column_major"
    assert all(cb["depth"] == 1 for cb in plan["circular_buffers"])


def test_epilogue_variant_plan_validates(tmp_path):
    plan, _ = plan_for(tmp_path, gemm_epilogue(512, 512, 512, 128, 128, 32, dtype="bfloat16"))
    jsonschema.validate(plan, schema())
    flows = {cb["name"]: cb["flow"] for cb in plan["circular_buffers"]}
    assert flows["C_shared"] == "output" and flows["C_local"] == "intermediate"


def test_no_plan_without_plan_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    passes.run_pipeline(matmul(256, 256, 256, 128, 128, 32, dtype="bfloat16"))
    assert list(tmp_path.iterdir()) == []
