"""L1-sharded tensors end to end: ``layouts={name: {"layout": "sharded", "shard_grid": [x, y], ...}}``
puts a tensor in the L1 of the shard grid's cores (height-, width- or block-sharded, shards dealt
round robin), the host program creates it with TT-Metalium's BufferDistributionSpec, the kernels'
TensorAccessor finds each tile on its core, and the blocks run on the cores holding their shards,
so their reads and writes stay in L1 (no DRAM traffic for sharded tensors). Compared with NumPy on
the simulator; the programs pass the real-header check."""

import os
import subprocess

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
from tilelang_tt.errors import ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from reference_kernels import matmul
from test_host_program import configure_and_build, simulator_cmake_args
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from tilelang_style_kernels import elementwise_add, sum_relu_then_scale

BF16 = ml_dtypes.bfloat16


def sharded(grid, shard_shape_tiles=None):
    request = {"layout": "sharded", "shard_grid": list(grid)}
    if shard_shape_tiles is not None:
        request["shard_shape_tiles"] = list(shard_shape_tiles)
    return request


def operands(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, shape).astype(BF16) for shape in shapes]


def dram_bytes(kernel):
    totals = kernel.stats()["totals"]
    return totals["dram_read_bytes"] + totals["dram_write_bytes"]


def blocks_on_their_shard(plan, tensor, block_tiles=(1, 1)):
    """Blocks of the plan's partition whose first tile of `tensor` (row by, column bx in blocks of
    block_tiles tiles) is held by the core running them, against all blocks: the round-robin
    placement of docs/plan.md, recomputed."""
    buffer = next(b for b in plan["buffers"] if b["name"] == tensor)
    shard, tiles = buffer["shard"], buffer["shape_tiles"]
    across = [-(-t // s) for t, s in zip(tiles, shard["shard_shape_tiles"])]
    cores = shard["grid"][0] * shard["grid"][1]
    work = plan["work_partition"]
    local = 0
    for k, core in enumerate(work["cores"]):
        for block in range(core["start"], core["start"] + core["count"]):
            bx, by = _decode(work, block)
            row, col = by * block_tiles[0], bx * block_tiles[1]
            shard_id = (row // shard["shard_shape_tiles"][0]) * across[1] + col // shard["shard_shape_tiles"][1]
            local += shard_id % cores == k
    return local, work["total_blocks"]


def _decode(work, block):
    gx, gy = work["grid"]
    if work["strategy"] == "block":
        panel = max(1, min(work["panel"], gy))
        p, r = divmod(block, panel * gx)
        height = min(panel, gy - p * panel)
        return r // height, p * panel + r % height
    if work["strategy"] == "column_major":
        return block // gy, block % gy
    return block % gx, block // gx


# Element-wise add of 128x256 in 32x32 blocks (4x8 tiles): block-, height- and width-sharded, and
# shards smaller than a core's share (dealt round robin, two per core) with a partial last shard.
LAYOUTS = {
    "block": {"A": sharded([2, 2]), "C": sharded([2, 2])},
    "height": {"A": sharded([1, 4]), "B": sharded([1, 4]), "C": sharded([1, 4])},
    "width": {"B": sharded([4, 1]), "C": sharded([4, 1])},
    "round_robin": {"A": sharded([2, 1], [3, 3]), "C": sharded([2, 1], [3, 3])},
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_elementwise_add_with_sharded_tensors(name):
    layouts = LAYOUTS[name]
    kernel = tilelang_tt.compile(elementwise_add(128, 256, 32, 32, in_dtype="bfloat16", out_dtype="bfloat16"),
                                 out_idx=[-1], layouts=layouts)
    a, b = operands((128, 256), (128, 256))
    c = kernel(a, b)
    np.testing.assert_array_equal(c.view(np.uint16), (a.astype(np.float32) + b.astype(np.float32)).astype(BF16)
                                  .view(np.uint16))
    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    for tensor, request in layouts.items():
        assert buffers[tensor]["layout"] == "l1_sharded"
        assert buffers[tensor]["shard"]["grid"] == request["shard_grid"]
    # The sharded tensors move no DRAM bytes: only the interleaved ones do.
    interleaved = sum(b["num_pages"] * b["page_size"] for b in kernel.plan["buffers"] if b["layout"] == "dram_interleaved")
    assert dram_bytes(kernel) == interleaved
    totals = kernel.stats()["totals"]
    sharded_bytes = sum(b["num_pages"] * b["page_size"] for b in kernel.plan["buffers"] if b["layout"] == "l1_sharded")
    assert totals["noc_read_bytes"] + totals["noc_write_bytes"] == sharded_bytes
    if name != "round_robin":  # every block runs on the core holding its tiles: no remote traffic
        local, total = blocks_on_their_shard(kernel.plan, "C")
        assert local == total
        assert totals["noc_local_bytes"] == sharded_bytes
    assert "BufferDistributionSpec" in kernel.get_kernel_source("host")


def test_gemm_with_a_sharded_output_and_a_height_sharded_input():
    layouts = {"A": sharded([2, 2], [4, 8]), "C": sharded([2, 2])}
    kernel = tilelang_tt.compile(matmul(256, 256, 256, 128, 128, 32), out_idx=[-1], layouts=layouts)
    a, b = operands((256, 256), (256, 256), seed=1)
    c = kernel(a, b)
    reference = a.astype(np.float32) @ b.astype(np.float32)
    np.testing.assert_allclose(c.astype(np.float32), reference, rtol=0.02, atol=0.1)
    local, total = blocks_on_their_shard(kernel.plan, "C", block_tiles=(4, 4))
    assert (local, total) == (4, 4)


@pytest.mark.parametrize("intermediate", ["l1_sharded", "dram"])
def test_chain_keeps_its_intermediate_sharded_in_l1(intermediate):
    layouts = {"Y": sharded([2, 2])} if intermediate == "l1_sharded" else {}
    kernel = tilelang_tt.compile(sum_relu_then_scale(128, 128, 32), out_idx=[-1], layouts=layouts)
    a, b, c = operands((128, 128), (128, 128), (128, 128), seed=2)
    z = kernel(a, b, c)
    y = np.maximum(a.astype(np.float32) + b.astype(np.float32), 0).astype(BF16)
    np.testing.assert_array_equal(z.view(np.uint16), (y.astype(np.float32) * c.astype(np.float32)).astype(BF16)
                                  .view(np.uint16))
    tensor_bytes = 128 * 128 * 2
    # A, B and C read once and Z written once; Y written and read back through DRAM unless sharded.
    expected = 4 * tensor_bytes + (0 if intermediate == "l1_sharded" else 2 * tensor_bytes)
    assert dram_bytes(kernel) == expected
    # Sharded, Y is written and read back in the L1 of the core that runs each block.
    local = kernel.stats()["totals"]["noc_local_bytes"]
    assert local == (2 * tensor_bytes if intermediate == "l1_sharded" else 0)


def test_sharded_programs_pass_the_release_check_and_build_as_host_programs(tmp_path):
    kernel = tilelang_tt.compile(elementwise_add(128, 256, 32, 32, in_dtype="bfloat16", out_dtype="bfloat16"),
                                 out_idx=[-1], layouts=LAYOUTS["block"])
    check_kernels([kernel.artifacts_dir])
    check_host_programs([kernel.artifacts_dir])
    configure_and_build(kernel.artifacts_dir, tmp_path / "build", simulator_cmake_args())
    a, b = operands((128, 256), (128, 256), seed=3)
    a.tofile(tmp_path / "a.bin")
    b.tofile(tmp_path / "b.bin")
    proc = subprocess.run([str(tmp_path / "build" / "add"), f"A={tmp_path / 'a.bin'}",
                           f"B={tmp_path / 'b.bin'}", f"C={tmp_path / 'c.bin'}"], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, TT_SIM_DEVICE=kernel.plan["device"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    c = np.fromfile(tmp_path / "c.bin", dtype=BF16).reshape(128, 256)
    np.testing.assert_array_equal(c.view(np.uint16), (a.astype(np.float32) + b.astype(np.float32)).astype(BF16)
                                  .view(np.uint16))


def test_sharding_errors_are_located_and_say_what_to_do():
    import tilelang_tt.language as T

    with pytest.raises(ValidationError, match=r"layouts\[A\]: a sharded tensor needs static extents, and axis 0 is "
                                              r"the dynamic dimension rows") as info:
        tilelang_tt.compile(elementwise_add(T.dynamic("rows"), 256, 32, 32, "bfloat16", "bfloat16"), out_idx=[-1],
                            layouts={"A": sharded([2, 2])})
    assert info.value.file.endswith("tilelang_style_kernels.py") and info.value.line is not None
    with pytest.raises(ValidationError, match=r"layouts\[A\]: shards of \[32,32\] tiles \(1 in all\) put 1024 tiles "
                                              r".* instead shard it over more cores or keep it in DRAM"):
        tilelang_tt.compile(elementwise_add(1024, 1024, 32, 32, "bfloat16", "bfloat16"), out_idx=[-1],
                            layouts={"A": sharded([1, 1])})
    with pytest.raises(ValidationError, match="a layout is requested for W, which is not a parameter of "
                                              "chain_launch0 or a global buffer it allocates"):
        tilelang_tt.compile(sum_relu_then_scale(64, 64, 32), out_idx=[-1], layouts={"W": sharded([2, 2])})


def test_layout_values_are_checked_and_numpy_integers_accepted():
    from tilelang_tt import compat

    func = elementwise_add(128, 256, 32, 32, "bfloat16", "bfloat16")
    bad = {"[1.5, 2]": [1.5, 2], "[True, 2]": [True, 2], "[2**32 + 2, 2]": [2 ** 32 + 2, 2], "[0, 2]": [0, 2],
           "['2', '2']": ["2", "2"], "[nan, 2]": [float("nan"), 2]}
    for text, grid in bad.items():
        with pytest.raises(ValidationError, match=r"layouts\[A\]: shard_grid must be \[x, y\]: two positive "
                                                  r"integers") as info:
            tilelang_tt.compile(func, out_idx=[-1], layouts={"A": sharded(grid)})
        assert info.value is not None, text
    with pytest.raises(ValidationError, match=r"layouts\[A\]: shard_shape_tiles must be a list of positive integers"):
        tilelang_tt.compile(func, out_idx=[-1], layouts={"A": {**sharded([2, 2]), "shard_shape_tiles": None}})
    with pytest.raises(ValidationError, match="has the key 0; use the tensor's name as a string"):
        tilelang_tt.compile(func, out_idx=[-1], layouts={0: sharded([2, 2])})
    with pytest.raises(ValidationError, match=r"layouts\[C\] must be a dict"), pytest.warns(DeprecationWarning):
        compat.annotate_tt_layout(func, {"C": "sharded"})
    # Grids and shard shapes computed with NumPy are integers like any other.
    kernel = tilelang_tt.compile(func, out_idx=[-1], layouts={"A": sharded([np.int64(2), 2], np.array([1, 2]))})
    assert next(b for b in kernel.plan["buffers"] if b["name"] == "A")["shard"] == {"grid": [2, 2],
                                                                                    "shard_shape_tiles": [1, 2]}


def test_shard_grids_of_one_program_agree_and_unused_tensors_do_not_fix_its_cores():
    func = elementwise_add(128, 256, 32, 32, "bfloat16", "bfloat16")
    with pytest.raises(ValidationError, match=r"layouts\[C\]: its shard grid \[4, 4\] differs from A's \[1, 4\]; "
                                              r"a program runs on the shard grid") as info:
        tilelang_tt.compile(func, out_idx=[-1], layouts={"A": sharded([1, 4]), "C": sharded([4, 4])})
    assert info.value.file.endswith("tilelang_style_kernels.py")
    with pytest.raises(ValidationError, match=r"layouts\[B\]: gemm has dynamic dimensions, so one program serves "
                                              r"every size on every core"):
        import tilelang_tt.language as T
        tilelang_tt.compile(matmul(T.dynamic("m"), 128, 128, 32, 64, 32, dtype="bfloat16"), out_idx=[-1],
                            layouts={"B": sharded([2, 2])})


def test_tensors_in_l1_of_all_launches_count_against_each_launch():
    """Every L1 tensor of a function lives while any of its launches runs: three 512 KiB shards on one
    core do not fit beside each other, although each launch alone uses two of them."""
    one = sharded([1, 1])
    with pytest.raises(ValidationError, match=r"kernel chain \(launch 0\) needs .* of L1 per core(.|\n)*"
                                              r"Y \(sharded tensor in L1, per core\): 524288 bytes(.|\n)*"
                                              r"shard the L1 tensors over more cores"):
        tilelang_tt.compile(sum_relu_then_scale(512, 512, 32), out_idx=[-1], layouts={"A": one, "Y": one, "Z": one})
