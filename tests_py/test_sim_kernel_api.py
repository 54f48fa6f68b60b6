"""The simulator's kernel API against TT-Metalium v0.67.4's device headers (from the release's
wheel, as the release check gets it): the same header paths, the same declarations, and no header
that makes more of the API visible than the release's header of that name. Each check is also fed
a simulated header tree with one deliberate mismatch, to show that it fails."""

import os
import shutil

import pytest

import kernel_api_declarations as kad
from tilelang_tt.release_check import release_root
from tilelang_tt.release_check.errors import ReleaseUnavailableError

SIM_HEADERS = kad.sim_headers()
# Experimental headers with a compute (TRISC) variant: a compute kernel may include them too.
COMPUTE_EXPERIMENTAL_HEADERS = ["experimental/circular_buffer.h", "experimental/lock.h"]
COMPUTE_HEADERS = [h for h in SIM_HEADERS if h.startswith("api/compute/")] + COMPUTE_EXPERIMENTAL_HEADERS
DATA_MOVEMENT_HEADERS = [h for h in SIM_HEADERS if not h.startswith("api/compute/")]


@pytest.fixture(scope="module")
def release():
    try:
        return release_root()
    except ReleaseUnavailableError as e:
        pytest.fail(f"the TT-Metalium release could not be obtained, so nothing was compared:\n{e}")


@pytest.fixture(scope="module")
def env(release, tmp_path_factory):
    return kad.Environments(release, str(tmp_path_factory.mktemp("kernel_api")))


@pytest.fixture
def sim_copy(tmp_path):
    """A copy of the simulated headers to break on purpose."""
    root = tmp_path / "include"
    shutil.copytree(kad.SIM_INCLUDE, root)
    return root


def compare(env, includes, compute, sim_include=kad.SIM_INCLUDE):
    release = env.release(includes, compute)
    sim = env.sim(includes, compute, sim_include=str(sim_include))
    # Headers that do not parse would hide their declarations: that is a failure, not a pass.
    assert [e for folder in kad.release_api_dirs(env.root) for e in release.errors_in(folder)] == []
    assert [d.spelling for d in sim.unit.diagnostics if d.severity >= 3] == []
    return kad.mismatches(sim, release, sim_include=str(sim_include))


def test_the_simulator_ships_only_headers_the_release_ships(release):
    assert kad.headers_the_release_lacks(release) == []


@pytest.mark.parametrize("includes,compute", [(DATA_MOVEMENT_HEADERS, False), (COMPUTE_HEADERS, True)],
                         ids=["data_movement", "compute"])
def test_every_declaration_is_the_releases(env, includes, compute):
    assert compare(env, includes, compute) == []


@pytest.mark.parametrize("header,compute", [(h, h.startswith("api/compute/")) for h in SIM_HEADERS]
                         + [(h, True) for h in COMPUTE_EXPERIMENTAL_HEADERS])
def test_a_header_makes_visible_no_more_than_the_releases(env, header, compute):
    visible_in_release = set(env.release([header], compute).declarations)
    assert sorted(kad.visible_api_names(env.sim([header], compute)) - visible_in_release) == []


def test_a_declaration_the_release_lacks_is_caught(env, sim_copy):
    matmul = sim_copy / "api" / "compute" / "matmul.h"
    matmul.write_text(matmul.read_text().replace(
        "}  // namespace ckernel",
        "ALWI void matmul_tiles(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t transpose,\n"
        "                       Loc loc = Loc::here()) {}\n}  // namespace ckernel"))
    problems = compare(env, ["api/compute/matmul.h"], True, sim_include=sim_copy)
    assert len(problems) == 1 and "ckernel::matmul_tiles" in problems[0], problems


def test_a_parameter_type_or_default_that_differs_is_caught(env, sim_copy):
    pack = sim_copy / "api" / "compute" / "pack.h"
    text = pack.read_text()
    pack.write_text(text.replace("std::uint32_t output_tile_index = 0", "std::uint32_t output_tile_index = 1")
                    .replace("ALWI void pack_tile_block(uint32_t ifrom_dst", "ALWI void pack_tile_block(int ifrom_dst"))
    problems = compare(env, ["api/compute/pack.h"], True, sim_include=sim_copy)
    assert sorted(p.split(": ")[1].split(" ")[0] for p in problems) == ["ckernel::pack_tile", "ckernel::pack_tile_block"]


def test_an_experimental_object_that_differs_is_caught(env, sim_copy):
    """The Device 2.0 objects are compared member by member, template arguments included."""
    noc = sim_copy / "experimental" / "noc.h"
    text = noc.read_text()
    old = "TxnIdMode txn_id_mode = TxnIdMode::DISABLED, ResponseMode response_mode = ResponseMode::NON_POSTED,"
    assert old in text
    noc.write_text(text.replace(old, old.replace("NON_POSTED", "POSTED"), 1))
    cb = sim_copy / "experimental" / "circular_buffer.h"
    cb.write_text(cb.read_text().replace("void reserve_back(int32_t num_pages", "void reserve_back(uint32_t num_pages"))
    problems = compare(env, ["experimental/circular_buffer.h"], False, sim_include=sim_copy)
    assert sorted(p.split(": ")[1].split(" ")[0] for p in problems) == [
        "experimental::CircularBuffer::reserve_back", "experimental::Noc::async_write"], problems


def test_a_member_function_where_the_release_has_a_constant_is_caught(env, sim_copy):
    args = sim_copy / "api" / "tensor" / "tensor_accessor_args.h"
    args.write_text(args.read_text().replace(
        "static constexpr bool is_dram = args_config.test(tensor_accessor::ArgConfig::IsDram);",
        "static constexpr bool is_dram() { return args_config.test(tensor_accessor::ArgConfig::IsDram); }"))
    problems = compare(env, ["api/tensor/tensor_accessor_args.h"], False, sim_include=sim_copy)
    assert any("TensorAccessorArgs::is_dram" in p for p in problems), problems


def test_a_header_that_exposes_more_than_the_releases_is_caught(env, sim_copy):
    matmul = sim_copy / "api" / "compute" / "matmul.h"
    matmul.write_text(matmul.read_text().replace('#include "api/compute/common.h"',
                                                 '#include "api/compute/common.h"\n#include "api/compute/eltwise_binary.h"'))
    visible = kad.visible_api_names(env.sim(["api/compute/matmul.h"], True, sim_include=str(sim_copy)),
                                    sim_include=str(sim_copy))
    assert "ckernel::add_tiles" in visible - set(env.release(["api/compute/matmul.h"], True).declarations)


def test_a_header_the_release_does_not_ship_is_caught(release, sim_copy):
    (sim_copy / "api" / "compute" / "eltwise_unary" / "log.h").write_text("#pragma once\n")
    assert kad.headers_the_release_lacks(release, str(sim_copy)) == ["api/compute/eltwise_unary/log.h"]
