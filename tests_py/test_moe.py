"""The fused MoE layer's shared-expert MLP (two launches: gate and up projections with the SiLU
product, then the down projection), written as TileLang's fused-MoE example writes it, matches
NumPy on the simulator in bfloat16 and float16, and passes the real-header check."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from tilelang_style_kernels import moe_shared_mlp

DTYPES = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16}


def reference(x, w_gate, w_up, w_down, dtype):
    f = lambda a: a.astype(np.float32)  # noqa: E731
    gate, up = f(x) @ f(w_gate).T, f(x) @ f(w_up).T
    hidden = (gate / (1 + np.exp(-gate)) * up).astype(dtype)  # stored in the tensor's dtype between launches
    return hidden, f(hidden) @ f(w_down).T


@pytest.mark.parametrize("dtype", sorted(DTYPES))
@pytest.mark.parametrize("sizes", [(128, 256, 192, 64), (64, 128, 96, 32)], ids=["128x256x192", "64x128x96"])
def test_shared_expert_mlp(dtype, sizes):
    tokens, hidden, expert, block = sizes
    kernel = tilelang_tt.compile(moe_shared_mlp(tokens, hidden, expert, block, block, block, dtype=dtype),
                                 out_idx=[4, 5])
    rng = np.random.default_rng(tokens + hidden)
    np_dtype = DTYPES[dtype]
    x = (rng.standard_normal((tokens, hidden)) * 0.5).astype(np_dtype)
    w_gate, w_up = ((rng.standard_normal((expert, hidden)) / 16).astype(np_dtype) for _ in range(2))
    w_down = (rng.standard_normal((hidden, expert)) / 16).astype(np_dtype)
    up_logits, output = kernel(x, w_gate, w_up, w_down)
    hidden_ref, output_ref = reference(x, w_gate, w_up, w_down, np_dtype)
    for got, want in ((up_logits, hidden_ref.astype(np.float32)), (output, output_ref)):
        got = got.astype(np.float32)
        assert np.corrcoef(got.ravel(), want.ravel())[0, 1] >= 0.999
        np.testing.assert_allclose(got, want, rtol=0.02, atol=0.02 * np.abs(want).max())
    assert len(kernel.plan["launches"]) == 1  # the second launch; the first is the plan itself
    if sizes[0] == 64:
        check_kernels([kernel.artifacts_dir])
        check_host_programs([kernel.artifacts_dir])
