"""The simulator's results, bit for bit: every kernel below runs on the simulator and the SHA-256 of
its outputs must equal the hash recorded in sim_output_hashes.json, and a second run in the same
process must give the same bytes. The hashes were recorded with the scalar simulator before its
tile math was vectorized and threaded; any change to the simulator's numerics (rounding, fidelity,
accumulation order, formats) shows up here as a changed hash.

The cases cover the validation matrix's GEMMs (shapes, blocks, stages, transpose_B, epilogues,
devices, fidelities, fp32 accumulation) and the other kernel kinds (element-wise, reductions,
softmax, norms, quantization, activations, attention), plus a hand-written blocked matmul whose
partial sums are spilled and reloaded.

To record the hashes again after an intended change of numerics:

    python3 tests_py/test_sim_bit_identity.py --record
"""

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))

import tilelang_tt  # noqa: E402
import tilelang_tt.sim as sim  # noqa: E402

from reference_kernels import gemm_epilogue, matmul  # noqa: E402
from test_validation_matrix import numpy_dtype, private_cache  # noqa: E402,F401 (its module-wide artifacts cache)
from tilelang_style_kernels import (  # noqa: E402
    activations, elementwise_add, gemm_relu, layer_norm, rms_norm, rms_norm_chunked, softmax, softmax_whole_row)

HASHES = Path(__file__).with_name("sim_output_hashes.json")
REPO = Path(__file__).resolve().parent.parent


def inputs_for(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(numpy_dtype(dtype)) for shape, dtype in shapes]


def compiled(factory, out_idx, shapes, **options):
    """A case: compile factory() and run it on inputs drawn from a seed derived from the case."""

    def run(seed):
        kernel = tilelang_tt.compile(factory(), out_idx=out_idx, **options)
        outputs = kernel(*inputs_for(shapes, seed))
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    return run


def gemm(M, N, K, bM, bN, bK, dtype="float16", trans_B=False, num_stages=3, **options):
    b_shape = (N, K) if trans_B else (K, N)
    return compiled(lambda: matmul(M, N, K, bM, bN, bK, dtype=dtype, trans_B=trans_B, num_stages=num_stages), [-1],
                    [((M, K), dtype), (b_shape, dtype)], **options)


def attention(batch, heads, seq_len, dim, groups, dtype, is_causal, block, bshd):
    from test_attention import mha_forward

    q_shape = (batch, seq_len, heads, dim) if bshd else (batch, heads, seq_len, dim)
    kv_shape = (batch, seq_len, heads // groups, dim) if bshd else (batch, heads // groups, seq_len, dim)
    return compiled(lambda: mha_forward(batch, heads, seq_len, dim, block, block, groups, dtype, is_causal, bshd),
                    [3, 4], [(q_shape, dtype), (kv_shape, dtype), (kv_shape, dtype)])


def blocked_matmul(size, grid):
    """The hand-written blocked matmul of benchmarks/sim_matmul.py: K blocks, output subblocks and
    partial sums spilled to a CB and reloaded with copy_tile."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from sim_matmul import KERNELS, blocked_plan

    def run(seed):
        a, b = inputs_for([((size, size), "bfloat16")] * 2, seed)
        result = sim.run_plan(blocked_plan(size, grid, grid, "n150"), KERNELS, {"A": a, "B": b})
        return [result["C"]]

    return run


CASES = {
    **{f"gemm_{M}x{N}x{K}_{bM}x{bN}x{bK}": gemm(M, N, K, bM, bN, bK) for M, N, K, bM, bN, bK in [
        (32, 32, 32, 32, 32, 32), (64, 96, 160, 32, 32, 32), (256, 512, 128, 128, 128, 32),
        (512, 256, 96, 64, 128, 32), (1024, 1024, 1024, 128, 128, 32)]},
    **{f"gemm_blocks_{bM}x{bN}x{bK}": gemm(256, 256, 256, bM, bN, bK)
       for bM, bN, bK in [(64, 64, 64), (256, 128, 64), (128, 256, 128)]},
    **{f"gemm_stages_{s}": gemm(256, 256, 256, 64, 64, 32, num_stages=s) for s in (1, 2)},
    **{f"gemm_transpose_b_{d}": gemm(128, 256, 192, 64, 64, 32, dtype=d, trans_B=True) for d in ("float16", "bfloat16")},
    "gemm_bf16_512": gemm(512, 512, 512, 128, 128, 32, dtype="bfloat16"),
    **{f"gemm_fidelity_{f}": gemm(256, 256, 256, 64, 64, 32, dtype="bfloat16", math_fidelity=f)
       for f in ("LoFi", "HiFi2", "HiFi3")},
    **{f"gemm_fp32_acc_{on}": gemm(256, 256, 256, 64, 64, 32, dtype="bfloat16", fp32_dest_acc_en=on)
       for on in (True, False)},
    **{f"gemm_device_{d}": gemm(384, 256, 128, 32, 64, 32, dtype="bfloat16", target_device=d)
       for d in ("grayskull", "blackhole")},
    "gemm_epilogue": compiled(lambda: gemm_epilogue(256, 256, 256, 128, 128, 32), [-1],
                              [((256, 256), "float16"), ((256, 256), "float16")]),
    "gemm_relu": compiled(lambda: gemm_relu(256, 256, 128, 64, 64, 32), [-1],
                          [((256, 128), "float16"), ((128, 256), "float16")]),
    "elementwise_add_f32": compiled(lambda: elementwise_add(128, 256, 32, 64), [-1],
                                    [((128, 256), "float32"), ((128, 256), "float32")]),
    "elementwise_add_bf16": compiled(lambda: elementwise_add(128, 256, 64, 64, "bfloat16", "bfloat16"), [-1],
                                     [((128, 256), "bfloat16"), ((128, 256), "bfloat16")]),
    "activations": compiled(lambda: activations(64, 256, 32, 128), [-1], [((64, 256), "bfloat16")]),
    "softmax_online": compiled(lambda: softmax(64, 1024, block_M=32, block_N=256, dtype="bfloat16"), [-1],
                               [((64, 1024), "bfloat16")]),
    "softmax_whole_row": compiled(lambda: softmax_whole_row(64, 512), [-1], [((64, 512), "bfloat16")]),
    "rms_norm": compiled(lambda: rms_norm(64, 256, 32, dtype="float32"), [-1], [((64, 256), "float32")]),
    "rms_norm_chunked": compiled(lambda: rms_norm_chunked(64, 512, 32, 128, dtype="float32"), [-1],
                                 [((64, 512), "float32")]),
    "layer_norm": compiled(lambda: layer_norm(64, 256, block_M=32), [3, 4, 5],
                           [((64, 256), "bfloat16"), ((256,), "bfloat16"), ((256,), "bfloat16")]),
    "attention_bhsd_causal_gqa": attention(1, 4, 256, 64, 2, "bfloat16", True, 64, False),
    "attention_bshd_fp16": attention(1, 2, 256, 128, 1, "float16", False, 64, True),
    "attention_head_dim_16": attention(1, 2, 128, 16, 1, "bfloat16", False, 32, False),
    "blocked_matmul_spill_reload": blocked_matmul(512, 4),
}


def output_hash(outputs):
    digest = hashlib.sha256()
    for out in outputs:
        out = np.ascontiguousarray(out)
        digest.update(f"{out.dtype}{out.shape}".encode())
        digest.update(out.tobytes())
    return digest.hexdigest()


def case_seed(name):
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_are_bit_identical_to_the_recorded_ones(name):
    recorded = json.loads(HASHES.read_text())
    assert name in recorded, f"no hash recorded for {name}; run {Path(__file__).name} --record"
    first = output_hash(CASES[name](case_seed(name)))
    assert first == recorded[name], f"{name}: the simulator's output changed"
    assert output_hash(CASES[name](case_seed(name))) == first, f"{name}: a second run gave different bytes"


def test_every_recorded_hash_has_a_case():
    assert sorted(json.loads(HASHES.read_text())) == sorted(CASES)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help=f"write {HASHES.name} from this simulator's outputs")
    args = parser.parse_args()
    if not args.record:
        parser.error("nothing to do; pass --record (the checks run under pytest)")
    hashes = {name: output_hash(CASES[name](case_seed(name))) for name in sorted(CASES)}
    HASHES.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(hashes)} hashes in {HASHES}")


if __name__ == "__main__":
    main()
