"""TileLang's tensor views, ``T.Tensor(shape, dtype, X.data)`` inside a kernel body, and its layout
annotations, ``T.annotate_layout``.

    kernel_flat = T.Tensor((KH * KW * C, F), dtype, kernel.data)   # TileLang's im2col convolution
    out_flat = T.Tensor((N * OH * OW, F), dtype, out.data)

A view reads the same row-major elements as the parameter ``X`` with another shape. On
Tenstorrent a tensor is stored once, in tiles of the axes the kernel moves blocks of, so a
parameter is used either with its declared shape or through one view shape: the view's shape is
the parameter's on the device (the IR parameter has it), and the function attribute
``tl.tensor_views`` keeps the declared shape, which ``kernel(...)`` takes and returns (a
row-major reshape, free in NumPy). The host program's raw files are the same bytes either way.
"""

import ast
import math

from .. import ir
from ..errors import ValidationError
from . import builtins as B


class TensorViews:
    """The view half of the kernel parser (a mixin of Parser)."""

    def init_views(self):
        self.views = {}  # parameter name -> (view buffer, the node that declared it)
        self.global_uses = {}  # id(global buffer) -> the first node that accessed it

    def note_global_use(self, buffer, node):
        """buffer is accessed at node (an element, a region, a whole-buffer operand)."""
        if isinstance(buffer, ir.Buffer) and buffer.scope == "global":
            self.global_uses.setdefault(id(buffer), node)

    def tensor_data(self, buffer, node):
        """``X.data`` of a buffer: what a view is declared over."""
        if buffer.scope != "global":
            raise self.error(node, f"{buffer.name}.data is the data of an on-chip buffer; views "
                             "(T.Tensor(shape, dtype, X.data)) are declared over tensor parameters")
        return B.TensorData(buffer)

    def tensor_view(self, view, node):
        """The buffer a ``T.Tensor(shape, dtype, X.data)`` view names: the parameter X with the
        view's shape."""
        root = view.data.buffer  # a parameter, or a view of one (X.data of a view is X's data)
        base = next((p for p in self.params if p.name == root.name), None)
        if base is None:
            raise self.error(node, f"T.Tensor(shape, dtype, {root.name}.data) views {root.name}, which is not a "
                             "parameter of the kernel; views are declared over the function's T.Tensor parameters",
                             ValidationError)
        shape = [B.python_number(d) for d in (view.shape if isinstance(view.shape, (tuple, list)) else (view.shape,))]
        if any(isinstance(d, bool) or not isinstance(d, int) or d <= 0 for d in shape):
            raise self.error(node, f"the shape of a view of {base.name} must be positive ints known when the kernel is "
                             f"built, got {tuple(shape)}", ValidationError)
        declared = [self.python_int(d) for d in base.shape]
        if any(not isinstance(d, int) for d in declared):
            raise self.error(node, f"{base.name} has a dynamic extent; views of tensors with T.dynamic dimensions are "
                             "not supported on Tenstorrent yet: declare the tensor with the view's shape", ValidationError)
        dtype = B.dtype_name(view.dtype) or view.dtype
        if dtype != base.dtype:
            raise self.error(node, f"the view of {base.name} has dtype {dtype}, but {base.name} is {base.dtype}; a view "
                             "reads the same elements with another shape, so give it the tensor's dtype", ValidationError)
        if math.prod(shape) != math.prod(declared):
            raise self.error(node, f"the view shape {tuple(shape)} of {base.name} has {math.prod(shape)} elements, but "
                             f"{base.name} {tuple(declared)} has {math.prod(declared)}; a view must cover the tensor's "
                             "elements exactly", ValidationError)
        if shape == declared:
            return base
        if base.name in self.views:
            existing, where = self.views[base.name]
            if [self.python_int(d) for d in existing.shape] != shape:
                raise self.error(node, f"{base.name} is already viewed as {tuple(self.python_int(d) for d in existing.shape)} "
                                 f"(line {self.span(where)[1]}); a tensor is stored one way on the device, so use one view shape",
                                 ValidationError)
            return existing
        buffer = self.make_buffer(base.name, tuple(shape), base.dtype, "global", node)
        self.views[base.name] = (buffer, node)
        return buffer

    def apply_views(self, params, attrs):
        """The parameters with each viewed one replaced by its view, and the declared shapes in
        attrs; a located error where a viewed parameter is also accessed with its declared shape."""
        if not self.views:
            return params
        for p in params:
            if p.name in self.views and id(p) in self.global_uses:
                where = self.views[p.name][1]
                raise self.error(self.global_uses[id(p)], f"{p.name} is accessed here with its declared shape "
                                 f"{tuple(self.python_int(d) for d in p.shape)} and through a view at line "
                                 f"{self.span(where)[1]}; a tensor is stored one way on the device, so access it only "
                                 "through the view (or only directly)", ValidationError)
        attrs["tl.tensor_views"] = {p.name: [self.python_int(d) for d in p.shape] for p in params if p.name in self.views}
        return [self.views[p.name][0] if p.name in self.views else p for p in params]

    def annotate_layout(self, call):
        """T.annotate_layout({buf: tilelang.layout.make_swizzled_layout(buf), ...}): TileLang's
        swizzle of a shared buffer, which spreads a GPU's shared-memory banks. A circular buffer holds
        32x32 tiles in the layout the Tensix engines read, so it is checked and has no effect; other
        layouts (T.Layout, T.Fragment, functions of indices) are located errors."""
        given = list(call.args) + [kw.value for kw in call.keywords if kw.arg == "layout_map"]
        if len(given) != 1 or any(kw.arg != "layout_map" for kw in call.keywords) or not isinstance(given[0], ast.Dict):
            raise self.error(call, "T.annotate_layout takes one dict literal {buffer: layout, ...} (or layout_map=)")
        layouts = given[0]
        for key, value in zip(layouts.keys, layouts.values):
            if key is None:
                raise self.error(layouts, "dict unpacking (**) is not supported in T.annotate_layout")
            buffer = self.eval_expr(key)
            if not isinstance(buffer, ir.Buffer) or buffer.scope not in ("shared", "fragment", "local"):
                raise self.error(key, f"T.annotate_layout lays out on-chip buffers; {ast.unparse(key)} is not one",
                                 ValidationError)
            func = value.func if isinstance(value, ast.Call) else None
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name != "make_swizzled_layout" or len(value.args) != 1 or value.keywords or \
                    getattr(self.eval_expr(value.args[0]), "name", None) != buffer.name:
                raise self.error(value, f"the layout of {buffer.name} is not supported on Tenstorrent: its circular "
                                 "buffers hold 32x32 tiles in the layout the Tensix engines read, so only TileLang's "
                                 f"make_swizzled_layout({buffer.name}) (a GPU shared-memory bank swizzle, without effect "
                                 "here) is accepted; remove the annotation", ValidationError)
        return []
