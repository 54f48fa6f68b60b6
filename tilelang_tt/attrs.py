"""Attribute keys of the IR, mirrored from the one C++ list (``cpp/ir/attrs.h``).

Each key is a module constant (``TT_CORE_GRID == "tt.core_grid"``); :data:`DOCS` maps each key to
its meaning. Use these constants instead of spelling ``"tt.*"`` strings. The value schemas are
documented in ``cpp/transform/tt_attrs.h`` and ``docs/passes.md``.
"""

from ._core import ir as _ir

_KEYS = _ir.attr_keys()

globals().update({name: key for name, (key, _doc) in _KEYS.items()})

#: {key string: meaning}
DOCS = {key: doc for key, doc in _KEYS.values()}

__all__ = sorted(_KEYS) + ["DOCS"]
