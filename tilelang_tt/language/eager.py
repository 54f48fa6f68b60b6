"""TileLang's eager authoring style: a ``@jit`` function whose body is the kernel itself.

    @tilelang_tt.jit
    def matmul(A, B, block_M: int = 128, block_N: int = 128, block_K: int = 32, dtype: T.dtype = T.bfloat16):
        M, N, K = T.const("M N K")
        A: T.Tensor[[M, K], dtype]
        B: T.Tensor[[K, N], dtype]
        C = T.empty((M, N), dtype)
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            ...
        return C

    c = matmul(a, b)            # the kernel for these shapes: built, compiled (cached) and run

The kernel is built from one call's arguments: the parameters annotated in the body with
``T.Tensor[[shape], dtype]`` are its tensors (their ``T.const`` dimensions take the sizes of the
arrays passed; a ``T.dynamic`` dimension stays dynamic), the others are Python values (block sizes,
dtypes); ``T.empty`` declares an output the kernel allocates and returns. The result is the same
``ir.PrimFunc`` the factory style gives: its tensor parameters in the function's order, then the
outputs in the order of their ``T.empty``.
"""

import ast
import inspect

from .. import ir
from ..errors import ValidationError
from . import builtins as B
from .parser import Parser


class ArraySpec:
    """What the kernel needs of an array passed to an eager kernel: its shape and dtype name."""

    def __init__(self, shape, dtype):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype


class _Dimension:
    """A name declared by ``T.const``: unknown until a tensor annotated with it gives its size."""

    def __init__(self, name):
        self.name = name
        self.size = None
        self.source = None  # "axis a of tensor X", once known


class _Undeclared:
    """A tensor parameter before its ``X: T.Tensor[...]`` annotation."""

    def __init__(self, name):
        self.name = name


class EagerKernel:
    """The parse of one call: the kernel, and where its outputs are among its parameters."""

    def __init__(self, func, tensor_names, outputs, returned, returns_tuple):
        self.func = func
        self.tensor_names = tensor_names  # the passed tensors, in parameter order
        self.out_idx = list(range(len(tensor_names), len(tensor_names) + len(outputs)))
        self.returned = returned  # the returned outputs, as positions among the outputs
        self.returns_tuple = returns_tuple  # `return C, D` or `return (C,)`, not `return C`


def is_eager_kernel(func):
    """Whether func is written in the eager style: its own body launches the kernel (a top-level
    ``with T.Kernel(...)``), rather than returning a ``@T.prim_func`` it defines."""
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return False
    fdef = tree.body[0] if tree.body else None
    if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False

    def launches(stmts):
        for s in stmts:
            if isinstance(s, ast.With) and any(isinstance(i.context_expr, ast.Call) and
                                               isinstance(i.context_expr.func, ast.Attribute) and
                                               i.context_expr.func.attr == "Kernel" for i in s.items):
                return True
            if isinstance(s, ast.If) and (launches(s.body) or launches(s.orelse)):
                return True
        return False

    return launches(fdef.body)


class EagerParser(Parser):
    """Parses an eager kernel for the arguments of one call (``arguments``: every parameter's value,
    defaults applied, with arrays given as :class:`ArraySpec`)."""

    def __init__(self, func, arguments):
        super().__init__(func)
        self.arguments = arguments
        self.tensors = {}  # parameter name -> its global buffer, once annotated
        self.outputs = []  # the T.empty buffers, in order
        self.returned = None
        self.returns_tuple = False

    def parse(self):
        fdef = self.tree.body[0]
        self.reject_foreign_language(fdef)
        annotated = {s.target.id for s in fdef.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
        bindings = {}
        for name, value in self.arguments.items():
            if name in annotated:
                if not isinstance(value, ArraySpec):
                    raise self.error(self.annotation_of(fdef, name), f"{name} is annotated as a tensor, but the call "
                                     f"passes {type(value).__name__} {value!r}; pass a NumPy array or torch tensor",
                                     ValidationError)
                bindings[name] = _Undeclared(name)
            elif isinstance(value, ArraySpec):
                raise self.error(fdef, f"the call passes an array for {name}, but the kernel does not declare its "
                                 f"type; add {name}: T.Tensor[[...], dtype] to the body", ValidationError)
            else:
                bindings[name] = value
        self.param_names = set(self.arguments)
        body = self.parse_block(fdef.body, fdef, bindings)
        if self.returned is None and self.outputs:
            raise self.error(fdef, f"{self.outputs[0].name} is allocated with T.empty but never returned; end the "
                             f"function with return {', '.join(o.name for o in self.outputs)}")
        names = [n for n in self.arguments if n in annotated]
        missing = [n for n in names if n not in self.tensors]
        if missing:
            raise self.error(fdef, f"{missing[0]} is annotated in a nested block; annotate tensors at the top of the "
                             "function")
        params = [self.tensors[n] for n in names] + self.outputs
        attrs = {"global_symbol": fdef.name, **self.func_attrs, "tl.source_file": self.file}
        params = self.apply_views(params, attrs)
        func = ir.PrimFunc(fdef.name, params, body, attrs, span=self.span(fdef))
        return EagerKernel(func, names, self.outputs, self.returned or [], self.returns_tuple)

    def reject_foreign_language(self, fdef):
        """The eager body is read by this frontend, so its `T` must be tilelang_tt.language: a name
        bound to tilelang's own module is a located error saying which import to write."""
        for node in ast.walk(fdef):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
                continue
            module = self.env.get(node.value.id)
            if not inspect.ismodule(module):
                continue
            if module.__name__ == "tilelang" and node.attr == "language":
                written, alias = "tilelang.language", "T"  # tilelang.language.Kernel(...)
            elif module.__name__.startswith("tilelang."):
                written, alias = node.value.id, node.value.id
            else:
                continue
            raise self.error(node.value, f"{written} is tilelang's own language module ({module.__name__}), but a "
                             f"kernel that @tilelang_tt.jit decorates directly is read by tilelang-tt: write "
                             f"import tilelang_tt.language as {alias} (a factory returning tilelang's @T.prim_func "
                             "compiles as it is)")

    @staticmethod
    def annotation_of(fdef, name):
        return next(s for s in fdef.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and
                    s.target.id == name)

    # ---- names: T.const dimensions and tensors before their annotation ----------------------
    def lookup(self, name, node):
        value = super().lookup(name, node)
        if isinstance(value, _Undeclared):
            raise self.error(node, f"{name} is used before its annotation; write {name}: T.Tensor[[...], dtype] first")
        if isinstance(value, _Dimension):
            if value.size is None:
                raise self.error(node, f"{name} is a T.const dimension whose size is not known yet: it takes the "
                                 "size of the tensor axis it annotates; annotate that tensor before using it")
            return value.size
        return value

    # ---- statements -------------------------------------------------------------------------
    def stmt_Assign(self, node):
        call = node.value
        if isinstance(call, ast.Call) and not self.kernel_depth:
            func = self.try_builtin(call.func)
            if func == "const":
                return self.declare_dimensions(node, call)
            if func == "empty":
                return self.declare_output(node, call)
        return super().stmt_Assign(node)

    def stmt_AnnAssign(self, node):
        """``X: T.Tensor[[d0, d1], dtype]`` (or ``T.Tensor((d0, d1), dtype)``): X's type."""
        name = node.target.id if isinstance(node.target, ast.Name) else None
        bound = self.kernel_binding(name) if name else None
        if node.value is not None or bound is None or not isinstance(bound[1], _Undeclared) or self.kernel_depth:
            raise self.error(node, "an annotation in an eager kernel declares a tensor parameter's type before "
                             "T.Kernel: X: T.Tensor[[M, K], dtype], with X a parameter of the function")
        ann = node.annotation
        if isinstance(ann, ast.Subscript) and self.try_builtin_value(ann.value) in (B.Tensor, B.Buffer):
            # As TensorType.__getitem__: [shape, dtype], else the whole subscript is the shape (float32).
            items = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            last = self.try_dtype(items[-1]) if len(items) == 2 else None
            if last is not None:
                shape_node, dtype_node = items[0], items[1]
            else:
                shape_node, dtype_node = (ann.slice if isinstance(ann.slice, ast.Tuple) else items[0]), None
        elif isinstance(ann, ast.Call) and self.try_builtin_value(ann.func) in (B.Tensor, B.Buffer) and ann.args:
            shape_node = ann.args[0]
            dtype_node = ann.args[1] if len(ann.args) > 1 else next(
                (kw.value for kw in ann.keywords if kw.arg == "dtype"), None)
        else:
            raise self.error(ann, f"annotate {name} with T.Tensor[[d0, d1, ...], dtype]")
        dims = shape_node.elts if isinstance(shape_node, (ast.List, ast.Tuple)) else [shape_node]
        dtype = self.dtype_of(self.eval_python(dtype_node, "a tensor's dtype") if dtype_node else "float32", ann, name)
        array = self.arguments[name]
        if len(dims) != len(array.shape):
            raise self.error(ann, f"{name} is declared with {len(dims)} dimensions, but the array passed has shape "
                             f"{list(array.shape)}", ValidationError)
        if array.dtype != dtype:
            raise self.error(ann, f"{name} is declared {dtype}, but the array passed is {array.dtype}; pass a {dtype} "
                             "array or declare the dtype it has", ValidationError)
        shape = [self.dimension(dim, axis, size, name, ann) for axis, (dim, size) in enumerate(zip(dims, array.shape))]
        buf = self.make_buffer(name, shape, dtype, "global", node)
        self.tensors[name] = buf
        self.params.append(buf)  # views may be declared over it
        self.scopes[self.block_starts[-1]][name] = buf
        return []

    def parse_statements(self, stmts):
        """A block's statements; in the function's own block nothing may follow its return."""
        for i, stmt in enumerate(stmts[:-1]):
            if isinstance(stmt, ast.Return) and not self.kernel_depth:
                raise self.error(stmts[i + 1], "this statement follows the kernel's return, so it would never run; "
                                 "move it before the return or remove it")
        return super().parse_statements(stmts)

    def stmt_Return(self, node):
        if self.kernel_depth or self.returned is not None:
            raise self.error(node, "an eager kernel returns its T.empty outputs once, at the end of the function")
        if isinstance(node.value, ast.List):
            raise self.error(node.value, "an eager kernel returns its T.empty outputs as Python returns several "
                             "values: return Y, or a tuple (return Y, Z), not a list")
        self.returns_tuple = isinstance(node.value, ast.Tuple)
        none = node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None)
        values = node.value.elts if self.returns_tuple else [] if none else [node.value]
        self.returned = []
        for value in values:
            buf = self.eval_expr(value)
            names = [o.name for o in self.outputs]
            if not isinstance(buf, ir.Buffer) or buf.name not in names:
                raise self.error(value, "an eager kernel returns the tensors it allocates with T.empty; write results "
                                 "into a T.empty tensor (or into a tensor parameter, in place) and return that")
            position = names.index(buf.name)
            if position in self.returned:
                raise self.error(value, f"{buf.name} is returned twice")
            self.returned.append(position)
        unreturned = [o.name for i, o in enumerate(self.outputs) if i not in self.returned]
        if unreturned:
            raise self.error(node, f"{unreturned[0]} is allocated with T.empty but not returned; return it too")
        return []

    # ---- T.const and T.empty ----------------------------------------------------------------
    def declare_dimensions(self, node, call):
        """``M, N, K = T.const("M N K")`` (or ``"M, N, K"``): names for sizes the tensors give."""
        if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], ast.Constant) or \
                not isinstance(call.args[0].value, str):
            raise self.error(call, "T.const takes the dimensions' names as one string: M, N = T.const(\"M N\") "
                             "(dimensions are int32)")
        names = call.args[0].value.replace(",", " ").split()
        if len(set(names)) != len(names):
            raise self.error(call, f"T.const names a dimension twice ({call.args[0].value!r}); name each once")
        target = node.targets[0]
        targets = target.elts if isinstance(target, ast.Tuple) else [target]
        if len(targets) != len(names) or not all(isinstance(t, ast.Name) for t in targets):
            raise self.error(node, f"T.const declares {len(names)} names ({', '.join(names)}); assign them to as many "
                             "names: " + ", ".join(names) + f" = T.const({call.args[0].value!r})")
        for t, name in zip(targets, names):
            self.check_rebinding(t)
            bound = self.kernel_binding(t.id)
            if bound is not None:
                what = "a T.const dimension" if isinstance(bound[1], _Dimension) else "a parameter or name"
                raise self.error(t, f"{t.id} is already {what} of this kernel; T.const declares each dimension once, "
                                 "under a name of its own")
            self.bind(t.id, _Dimension(name))
        return []

    def dimension(self, dim, axis, size, tensor, node):
        """Axis `axis` of `tensor` declared as `dim` (an AST node), the array's axis being `size`."""
        value = self.kernel_binding(dim.id)[1] if isinstance(dim, ast.Name) and self.kernel_binding(dim.id) else None
        if isinstance(value, _Dimension):
            where = f"axis {axis} of {tensor}"
            if value.size is None:
                value.size, value.source = size, where
            elif value.size != size:
                raise self.error(node, f"{value.name} is {value.size} ({value.source}), but {where} is {size}: the "
                                 "arrays passed disagree on it", ValidationError)
            return size
        declared = self.eval_expr(dim)
        if isinstance(declared, ir.Var):  # T.dynamic: one program for every size
            return declared
        if isinstance(declared, B.TypedConst):
            declared = declared.value
        if declared != size:
            raise self.error(node, f"axis {axis} of {tensor} is declared {declared!r}, but the array passed has "
                             f"{size}", ValidationError)
        return size

    def declare_output(self, node, call):
        """``C = T.empty((M, N), dtype)`` (or ``T.empty(M, N, dtype=dtype)``): an output tensor."""
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            raise self.error(node, "assign T.empty to one name: C = T.empty((M, N), dtype)")
        if target.id in self.arguments:
            raise self.error(target, f"T.empty names its tensor {target.id!r}, which is a parameter of the function; "
                             "give the output a name of its own")
        self.reject_unpacking(call, "T.empty")
        args = [self.eval_python(a, "the shape of T.empty") for a in call.args]
        kwargs = {kw.arg: self.eval_python(kw.value, f"T.empty's {kw.arg}=") for kw in call.keywords}
        if set(kwargs) - {"shape", "dtype"}:
            raise self.error(call, "T.empty takes a shape and a dtype: T.empty((M, N), dtype)")
        if "shape" in kwargs:
            shape, rest = kwargs["shape"], args
        elif args and isinstance(args[0], (tuple, list)):
            shape, rest = args[0], args[1:]
        else:
            shape = [a for a in args if not isinstance(a, (str, B.DType))]
            rest = args[len(shape):]
        dtype = kwargs.get("dtype", rest[0] if rest else "float32")
        if len(rest) > 1 or (rest and "dtype" in kwargs):
            raise self.error(call, "T.empty takes a shape and a dtype: T.empty((M, N), dtype)")
        self.check_rebinding(target)
        buf = self.make_buffer(target.id, tuple(shape), dtype, "global", call)
        self.outputs.append(buf)
        self.params.append(buf)  # views may be declared over it
        self.bind(target.id, buf)
        return []

    # ---- helpers ----------------------------------------------------------------------------
    def try_dtype(self, node):
        """The dtype a node names (a dtype string, T.float16, a dtype parameter), or None."""
        try:
            value = self.eval_expr(node)
        except Exception:  # a T.const dimension not known yet, or anything else that is no dtype
            return None
        if isinstance(value, (int, tuple, list, ir.Expr)):
            return None
        return value if B.dtype_name(value) is not None else None

    def try_builtin(self, func_node):
        """The T.<name> a call's function names, or None (without resolving unknown names)."""
        value = self.try_builtin_value(func_node)
        return value.name if isinstance(value, B.KernelOnly) else None

    def try_builtin_value(self, node):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = self.env.get(node.value.id)
            return getattr(module, node.attr, None) if module is not None else None
        return None


def parse_eager_kernel(func, arguments):
    """The kernel `func` (eager style) builds for one call's bound arguments (see EagerParser)."""
    import sys

    from .parser import _PARSE_RECURSION_LIMIT

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _PARSE_RECURSION_LIMIT))
    try:
        return EagerParser(func, arguments).parse()
    finally:
        sys.setrecursionlimit(limit)
