"""The tilelang-tt IR: nodes, factories, printing, JSON and structural equality.

Every node is immutable and built by a validating factory (an ill-typed node cannot be built).
``str(node)`` prints TileLang-like text; ``node.to_json()`` / ``module_from_json`` round-trip
losslessly; ``structural_equal`` compares up to renaming of variables and buffers.
"""

from ._core import ir as _ir
from .errors import ValidationError

globals().update({name: getattr(_ir, name) for name in dir(_ir) if not name.startswith("_")})


def assert_structural_equal(actual, expected):
    """Raises AssertionError naming the first difference when the two trees differ."""
    if not _ir.structural_equal(actual, expected):
        diff = _ir.structural_difference(actual, expected)
        raise AssertionError(f"IR differs: {diff}\n--- actual ---\n{actual}\n--- expected ---\n{expected}")


def from_json(text):
    """Reads an IR module, function, statement or expression written by ``to_json``."""
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValidationError(f"IR JSON does not parse: {err}") from None
    if isinstance(data, dict) and data.get("format") == "tilelang-tt-ir":
        return _ir.module_from_json(text)
    if isinstance(data, dict) and "params" in data:
        return _ir.func_from_json(text)
    if isinstance(data, dict) and isinstance(data.get("root"), dict):
        kind = data["root"].get("k")
        return _ir.stmt_from_json(text) if kind in _ir.STMT_KINDS else _ir.expr_from_json(text)
    raise ValidationError("not tilelang-tt IR JSON")
