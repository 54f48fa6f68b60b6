"""The bad-input corpus: hundreds of wrong kernels, options and call arguments, each of which must
end in the expected TileLangTTError subclass located at the kernel line that is wrong — never a
crash, a plain Python exception, an internal error or a silent result.

Kernel cases (tests_py/bad_input_corpus.py) are parsed and, when parsing succeeds, compiled
(run_pipeline and the code generators, no simulation); the whole corpus is one generated module.
"""

import importlib.util

import pytest

import tilelang_tt
from tilelang_tt import codegen
from tilelang_tt.errors import InternalError, TileLangTTError, ValidationError

import bad_input_corpus as corpus

KERNEL_CASES = corpus.all_cases()


@pytest.fixture(scope="module")
def case_module(tmp_path_factory):
    """The module of every kernel case, written once and imported: (module, path, marked lines)."""
    text, lines = corpus.source_module(KERNEL_CASES)
    path = tmp_path_factory.mktemp("bad_inputs") / "bad_input_kernels.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("bad_input_kernels", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, str(path), lines


def first_error(factory):
    """The error of parsing, then compiling, the kernel the factory builds (None when both pass)."""
    try:
        codegen.generate(factory())
    except TileLangTTError as err:
        return err
    return None


def test_corpus_size():
    assert len(KERNEL_CASES) >= 300


def kernel_case_params():
    for index, case in enumerate(KERNEL_CASES):
        reason = corpus.KNOWN_FAILURES.get(case.name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(index, id=case.name, marks=marks)


@pytest.mark.parametrize("index", list(kernel_case_params()))
def test_kernel_case(case_module, index):
    module, path, lines = case_module
    case = KERNEL_CASES[index]
    err = first_error(getattr(module, f"case_{index}"))
    assert err is not None, f"{case.name}: compiled without an error"
    assert not isinstance(err, InternalError), f"{case.name}: internal error for a user mistake: {err}"
    assert type(err) is case.cls, f"{case.name}: {type(err).__name__} instead of {case.cls.__name__}: {err}"
    if case.fragment:
        assert case.fragment in str(err)
    expected_line = lines[case.name]
    if expected_line is not None:
        assert (err.file, err.line) == (path, expected_line), f"{case.name}: located at {err.file}:{err.line}: {err}"
        assert f":{expected_line}:" in str(err).splitlines()[0]


# ---- options and call arguments of a compiled kernel ------------------------------------------


@pytest.fixture(scope="module")
def copy_kernel(case_module):
    """A working 64x64 float32 copy kernel (C = A) and its compiled form with out_idx=[-1]."""
    module, _, _ = case_module
    func = module.copy_64()
    return func, tilelang_tt.compile(func, out_idx=[-1])


BAD_OPTIONS = {
    "target_cuda": dict(target="cuda"),
    "backend_gpu": dict(execution_backend="gpu"),
    "unknown_device": dict(target_device="nope"),
    "partition_strategy": dict(partition_strategy="diagonal"),
    "math_fidelity": dict(math_fidelity="HiFi9"),
    "double_buffer_not_bool": dict(enable_double_buffer="yes"),
    "fp32_dest_acc_not_bool": dict(fp32_dest_acc_en="x"),
    "layouts_list": dict(layouts=[1, 2]),
    "layouts_unknown_buffer": dict(layouts={"Z": {"memory": "L1"}}),
    "layouts_unknown_memory": dict(layouts={"A": {"memory": "SRAM"}}),
    "unknown_keyword": dict(frobnicate=1),
    "out_idx_string": dict(out_idx="C"),
    "out_idx_none_entry": dict(out_idx=[None]),
    "out_idx_float": dict(out_idx=[1.5]),
    "out_idx_past_params": dict(out_idx=[5]),
    "out_idx_before_params": dict(out_idx=[-3]),
}


@pytest.mark.parametrize("options", BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_bad_option(copy_kernel, options):
    func, _ = copy_kernel
    options = dict(options)
    with pytest.raises(ValidationError):
        tilelang_tt.compile(func, out_idx=options.pop("out_idx", [-1]), **options)


def test_compile_of_something_else():
    with pytest.raises(ValidationError):
        tilelang_tt.compile(42)


def bad_arguments():
    import numpy as np

    good = np.zeros((64, 64), np.float32)
    return {
        "no_arguments": (),
        "too_many": (good, good),
        "wrong_shape": (np.zeros((32, 64), np.float32),),
        "wrong_rank": (np.zeros((64,), np.float32),),
        "strings": (np.full((64, 64), "x"),),
        "complex": (np.zeros((64, 64), np.complex64),),
        "objects": (np.full((64, 64), object()),),
        "none": (None,),
        "scalar": (3.0,),
    }


BAD_ARGUMENTS = bad_arguments()


@pytest.mark.parametrize("name", BAD_ARGUMENTS)
def test_bad_call_argument(copy_kernel, name):
    _, kernel = copy_kernel
    with pytest.raises(ValidationError):
        kernel(*BAD_ARGUMENTS[name])


def test_nan_and_inf_inputs_are_data_not_errors(copy_kernel):
    import numpy as np

    _, kernel = copy_kernel
    a = np.zeros((64, 64), np.float32)
    a[0, :3] = [np.nan, np.inf, -np.inf]
    out = kernel(a)
    assert np.isnan(out[0, 0]) and out[0, 1] == np.inf and out[0, 2] == -np.inf
    assert (out[1:] == 0).all()


class NotAKernel:
    """A class handed to @T.prim_func: the error points at its definition."""


def test_prim_func_of_a_class_points_at_the_class():
    import inspect

    import tilelang_tt.language as T
    from tilelang_tt.errors import TTSyntaxError

    with pytest.raises(TTSyntaxError, match="decorates a kernel function") as info:
        T.prim_func(NotAKernel)
    assert (info.value.file, info.value.line) == (__file__, inspect.getsourcelines(NotAKernel)[1])
