"""The tilelang-tt command line: compile, run (with a NumPy reference) and plan."""

import os
import subprocess
import sys

import pytest

from tilelang_tt import cli

HERE = os.path.dirname(__file__)
KERNELS = os.path.join(HERE, "reference_kernels.py")
SMALL = ["--arg", "64", "--arg", "64", "--arg", "64", "--arg", "32", "--arg", "32", "--arg", "32"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path / "cache"))


def test_compile_writes_every_artifact(tmp_path, capsys):
    out = tmp_path / "art"
    assert cli.main(["compile", f"{KERNELS}:matmul", *SMALL, "--device", "blackhole", "--out", str(out)]) == 0
    assert {"reader.cpp", "compute.cpp", "writer.cpp", "main.cpp", "CMakeLists.txt", "tt.plan.json"} <= set(os.listdir(out))
    assert cli.main(["plan", str(out)]) == 0
    text = capsys.readouterr().out
    assert "circular buffers" in text and "usable per core" in text and "p150" in text


def test_run_compares_with_reference(tmp_path, capsys):
    ref = tmp_path / "ref.py"
    ref.write_text("def reference(a, b):\n    return a @ b\n")
    assert cli.main(["run", f"{KERNELS}:matmul", *SMALL, "--reference", f"{ref}:reference"]) == 0
    out = capsys.readouterr().out
    assert "match" in out and "MISMATCH" not in out and "estimated_cycles" in out and '"cost"' in out


def test_run_reports_a_mismatch(tmp_path, capsys):
    ref = tmp_path / "ref.py"
    ref.write_text("def reference(a, b):\n    return -(a @ b)\n")
    assert cli.main(["run", f"{KERNELS}:matmul", *SMALL, "--reference", f"{ref}:reference"]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_errors_exit_2_with_a_message(capsys):
    assert cli.main(["compile", "nofile.py:f", "--out", "x"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_plan_of_a_missing_or_bad_file_exits_2_with_a_message(tmp_path, capsys):
    assert cli.main(["plan", str(tmp_path / "missing.json")]) == 2
    assert "cannot read the plan" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json")
    assert cli.main(["plan", str(tmp_path / "bad.json")]) == 2
    assert "is not a JSON plan" in capsys.readouterr().err


def test_a_bad_out_idx_exits_2_with_a_message(capsys):
    assert cli.main(["run", f"{KERNELS}:matmul", *SMALL, "--out-idx", "C"]) == 2
    assert "--out-idx 'C' is not a comma-separated list of parameter indices" in capsys.readouterr().err


def test_console_script_entry_point():
    """The installed `tilelang-tt` command is this module."""
    result = subprocess.run([sys.executable, "-m", "tilelang_tt.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "compile" in result.stdout
