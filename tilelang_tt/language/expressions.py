"""The expression half of the kernel parser: names, locations and errors, and Python AST
expressions → Python values or IR expressions.

:class:`ExpressionParser` resolves names (kernel scopes first, then the kernel's closure and
globals), evaluates sub-expressions made only of Python values in Python, and builds the rest
through the validating factories of :mod:`tilelang_tt.ir`. :class:`~tilelang_tt.language.parser.Parser`
adds the statements on top of it.
"""

import ast
import builtins as py_builtins
import inspect
import operator
import sys
import textwrap

from .. import _core
from .. import ir
from ..errors import TTSyntaxError, TileLangTTError, UnknownNameError, ValidationError
from . import builtins as B

# Extents, grid sizes, trip counts and similar counts travel as 32-bit integers on the device.
MAX_COUNT = 2**31 - 1
# Integer constants of kernel expressions are at most 64 bits wide.
INT64_RANGE = range(-2**63, 2**63)

_ARITH_OPS = {
    ast.Add: "Add", ast.Sub: "Sub", ast.Mult: "Mul", ast.Div: "Div", ast.FloorDiv: "FloorDiv",
    ast.Mod: "FloorMod",
}
# `&` and `|` on kernel values combine conditions (TileLang writes `(i < n) & (j < m)`).
_CONDITION_OPS = {ast.BitAnd: "And", ast.BitOr: "Or"}
_CMPOPS = {ast.Eq: "EQ", ast.NotEq: "NE", ast.Lt: "LT", ast.LtE: "LE", ast.Gt: "GT", ast.GtE: "GE"}
_PYTHON_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_MATH = set(B.MATH_FUNCTIONS)


class Access:
    """``buf[...]`` before its use decides whether it is an element (load/store) or a region."""

    def __init__(self, buffer, items, node):
        self.buffer = buffer
        self.items = items  # per dimension: an Expr (point) or a (start, stop) pair of Exprs/None
        self.node = node


class ScalarVariable:
    """The name of a ``T.alloc_var`` variable: a one-element local buffer whose element 0 the name
    reads (any use as a value) and writes (``x = ...``, ``x += ...``)."""

    def __init__(self, buffer):
        self.buffer = buffer


class Astype:
    """``value.astype`` before its call: ``value.astype(dtype)`` is a cast."""

    def __init__(self, value):
        self.value = value


class FunctionSource:
    """The parsed source of a kernel or macro function and the names it sees: where its lines are
    (so errors and spans point at them) and its globals and closure."""

    def __init__(self, func):
        self.file = inspect.getsourcefile(func) or "<kernel>"
        lines, first_line = inspect.getsourcelines(func)
        source = "".join(lines)
        dedented = textwrap.dedent(source)
        self.col_shift = len(source.splitlines()[0]) - len(dedented.splitlines()[0])
        self.line_shift = first_line - 1
        try:
            self.tree = ast.parse(dedented)
        except RecursionError:  # Python's own parser gives up on the deepest expression, wherever it is
            message = ("this kernel nests an expression too deeply for Python's parser (its recursion limit); split long "
                       "expressions into named parts (x = a + b, then y = x + c)")
            raise TTSyntaxError(_core.format_located(message, self.file, first_line, 1), file=self.file,
                                line=first_line, col=1) from None
        self.env = dict(func.__globals__)
        if func.__closure__:
            for name, cell in zip(func.__code__.co_freevars, func.__closure__):
                try:
                    self.env[name] = cell.cell_contents
                except ValueError:  # an unbound closure variable
                    pass


class ExpressionParser:
    """Parses the expressions of one ``@T.prim_func``; every error points at the kernel source."""

    def __init__(self, func):
        self.func = func
        self.source = FunctionSource(func)
        self.scopes = []  # kernel-body bindings, innermost last: {name: value} per block, let or allocation
        self.block_starts = []  # per open block, the index in scopes of its first scope
        self.func_attrs = {}
        self.kernel_depth = 0  # how many T.Kernel bodies enclose the statement being parsed
        self.expanding = []  # the T.macro calls being expanded, outermost first

    # The source being parsed: the kernel's, or a T.macro's while its body is expanded.
    file = property(lambda self: self.source.file)
    tree = property(lambda self: self.source.tree)
    env = property(lambda self: self.source.env)

    # ---- locations and errors -------------------------------------------------------------
    def span(self, node):
        return (self.file, node.lineno + self.source.line_shift, node.col_offset + 1 + self.source.col_shift)

    def error(self, node, message, cls=TTSyntaxError):
        file, line, col = self.span(node)
        text = _core.format_located(message, file, line, col)
        return cls(text, file=file, line=line, col=col)

    # ---- name resolution ------------------------------------------------------------------
    def lookup(self, name, node):
        bound = self.kernel_binding(name)
        if bound is not None:
            return bound[1]
        if name in self.env:
            return self.env[name]
        if hasattr(py_builtins, name):
            return getattr(py_builtins, name)
        raise self.error(node, f"name '{name}' is not defined in the kernel or its enclosing scope")

    def kernel_binding(self, name):
        """(index of its scope, value) of the innermost kernel-body binding of name, or None."""
        for index in range(len(self.scopes) - 1, -1, -1):
            if name in self.scopes[index]:
                return index, self.scopes[index][name]
        return None

    def bind(self, name, value):
        self.scopes[-1][name] = value

    # ---- expressions ----------------------------------------------------------------------
    def eval_python(self, node, what):
        value = self.eval_expr(node)
        if isinstance(value, (ir.Expr, Access, ScalarVariable)):
            raise self.error(node, f"{what} must be known when the kernel is built (a Python value), not a kernel value")
        return value

    def eval_expr(self, node):
        handler = getattr(self, "expr_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"'{type(node).__name__}' expressions are not supported in kernels")
        # A NumPy scalar, however it was reached (a name, shape[0], cfg["block"], np.prod(...)), is
        # the Python number it holds.
        return B.python_number(handler(node))

    def count(self, value, node, what, minimum=1):
        """value as a count of what (an extent, a trip count, threads=, num_stages=): a Python int
        from minimum to MAX_COUNT, else a located error."""
        if isinstance(value, B.TypedConst):
            value = value.value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(node, f"{what} must be an int, got {value!r}", ValidationError)
        if not minimum <= value <= MAX_COUNT:
            bound = "positive" if minimum == 1 else "non-negative" if minimum == 0 else f"at least {minimum}"
            raise self.error(node, f"{what} is {value}; it must be {bound} and at most 2**31 - 1 (counts are 32-bit "
                             "integers on Tenstorrent)", ValidationError)
        return value

    def expr_Constant(self, node):
        return node.value

    def expr_Name(self, node):
        return self.lookup(node.id, node)

    def expr_Attribute(self, node):
        base = self.eval_expr(node.value)
        if isinstance(base, (ir.Expr, Access, ScalarVariable)):
            if node.attr == "dtype":
                return self.to_expr(base, node).dtype
            if node.attr == "astype":
                return Astype(base)
            raise self.error(node, f"kernel values have no attribute '{node.attr}'; they have .dtype and .astype(dtype)")
        if isinstance(base, ir.Buffer) and node.attr == "data":
            return self.tensor_data(base, node)
        if isinstance(base, ir.Buffer) and node.attr in ("shape", "dtype"):
            return [self.python_int(e) for e in base.shape] if node.attr == "shape" else base.dtype
        if base is sys.modules[__package__] and not node.attr.startswith("_") and node.attr not in vars(base):
            raise self.error(node, B.unknown_name_message(node.attr), UnknownNameError)
        try:
            return getattr(base, node.attr)
        except AttributeError:
            raise self.error(node, f"'{node.attr}' is not defined on {base!r}; see docs/language.md for the supported T.* names") from None

    def expr_Tuple(self, node):
        return tuple(self.eval_expr(e) for e in node.elts)

    def expr_List(self, node):
        return [self.eval_expr(e) for e in node.elts]

    def expr_Dict(self, node):
        if any(k is None for k in node.keys):
            raise self.error(node, "dict unpacking (**) is not supported in kernels")
        return {self.eval_python(k, "a dict key"): self.eval_python(v, "a dict value") for k, v in zip(node.keys, node.values)}

    def expr_Subscript(self, node):
        base = self.eval_expr(node.value)
        if isinstance(base, ScalarVariable):  # x[0] on a T.alloc_var variable is its element
            base = base.buffer
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if isinstance(base, ir.Buffer):
            if len(items) != len(base.shape):
                raise self.error(node, f"buffer {base.name} has {len(base.shape)} dimensions but is indexed with {len(items)}")
            parsed = []
            for it in items:
                if isinstance(it, ast.Slice):
                    if it.step is not None:
                        raise self.error(it, "slices with a step are not supported")
                    parsed.append((None if it.lower is None else self.eval_expr(it.lower),
                                   None if it.upper is None else self.eval_expr(it.upper)))
                else:
                    parsed.append(self.eval_expr(it))
            self.note_global_use(base, node)
            return Access(base, parsed, node)
        if isinstance(base, (ir.Expr, Access)) or not hasattr(base, "__getitem__"):
            raise self.error(node, f"only buffers can be indexed, not {type(base).__name__} {base!r}")
        index = self.eval_python(node.slice, "an index into a Python value")
        return base[index]

    def expr_BinOp(self, node):
        return self.binop(node.op, self.eval_expr(node.left), self.eval_expr(node.right), node)

    def binop(self, op, a, b, node):
        """a <op> b for a binary operator of the AST (also the operator of an augmented assignment)."""
        if not self.is_kernel_value(a) and not self.is_kernel_value(b):
            return self.python_op(node, a, b, op)
        if type(op) in _CONDITION_OPS:
            return self.condition_op(_CONDITION_OPS[type(op)], a, b, node)
        kind = _ARITH_OPS.get(type(op))
        if kind is None:
            bitwise = isinstance(op, (ast.BitXor, ast.LShift, ast.RShift))
            raise self.error(node, f"operator {type(op).__name__} is not supported on kernel values" +
                             (f": Tenstorrent computes on float tiles, without bitwise operations; {B.DEQUANTIZE_HINT}"
                              if bitwise else ""))
        return self.arith(kind, a, b, node)

    def condition_op(self, kind, a, b, node):
        """`&` / `|` on conditions: both operands must be bools (kernel comparisons or Python bools)."""
        symbol = "&" if kind == "And" else "|"
        for operand in (a, b):
            if isinstance(operand, bool):
                continue
            dtype = self.to_expr(operand, node).dtype if self.is_kernel_value(operand) else type(operand).__name__
            if dtype != "bool":
                raise self.error(node, f"'{symbol}' on kernel values combines conditions, but one operand is {dtype}, "
                                 "not bool; compare it first (e.g. (i < n) " + symbol + " (j < m)). Bitwise "
                                 f"operations on integers are not supported on Tenstorrent; {B.DEQUANTIZE_HINT}")
        return ir.binary(kind, self.to_expr(a, node), self.to_expr(b, node), span=self.span(node))

    def expr_UnaryOp(self, node):
        v = self.eval_expr(node.operand)
        if not self.is_kernel_value(v):
            try:
                return {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
                        ast.Invert: operator.invert}[type(node.op)](v)
            except Exception as err:
                raise self.error(node, f"evaluating this expression failed: {type(err).__name__}: {err}") from None
        if isinstance(node.op, ast.USub):
            e = self.to_expr(v, node)
            return ir.binary("Sub", ir.cast(e.dtype, ir.const(0), span=self.span(node)), e, span=self.span(node))
        if isinstance(node.op, ast.Not):
            return ir.make_not(self.to_bool(v, node), span=self.span(node))
        if isinstance(node.op, ast.UAdd):
            return v
        raise self.error(node, f"operator ~ is not supported on kernel values: {B.DEQUANTIZE_HINT}")

    def expr_Compare(self, node):
        values = [self.eval_expr(node.left)] + [self.eval_expr(c) for c in node.comparators]
        result = None
        for op, a, b in zip(node.ops, values, values[1:]):
            if not self.is_kernel_value(a) and not self.is_kernel_value(b):
                part = self.python_op(node, a, b, op)
            elif type(op) in _CMPOPS:
                part = self.arith(_CMPOPS[type(op)], a, b, node)
            else:
                raise self.error(node, f"comparison {type(op).__name__} is not supported on kernel values")
            result = part if result is None else self.logic("And", result, part, node)
        return result

    def expr_BoolOp(self, node):
        values = [self.eval_expr(v) for v in node.values]
        kind = "And" if isinstance(node.op, ast.And) else "Or"
        result = values[0]
        for v in values[1:]:
            result = self.logic(kind, result, v, node)
        return result

    def expr_IfExp(self, node):
        cond = self.eval_expr(node.test)
        if not self.is_kernel_value(cond):
            return self.eval_expr(node.body if cond else node.orelse)
        return self.select(cond, self.eval_expr(node.body), self.eval_expr(node.orelse), node)

    def expr_Call(self, node):
        func = self.eval_expr(node.func)
        if isinstance(func, B.DType):
            if len(node.args) != 1 or node.keywords:
                raise self.error(node, f"T.{func}(value) takes one value")
            return ir.cast(str(func), self.to_expr(self.eval_expr(node.args[0]), node), span=self.span(node))
        if isinstance(func, B.KernelOnly):
            return self.builtin_expr(func.name, node)
        if isinstance(func, Astype):
            return self.astype(func.value, node)
        if isinstance(func, B.Macro):
            raise self.error(node, f"T.macro {func.__name__} is a statement: call it on a line of its own (a macro "
                             "that returns a value is not supported)")
        if func is B.ceildiv:  # a Python function on Python values, IR on kernel values (docs/language.md)
            return self.builtin_expr("ceildiv", node)
        args = [self.eval_expr(a) for a in node.args]
        kwargs = {kw.arg: self.eval_expr(kw.value) for kw in node.keywords}
        data = args[2] if len(args) > 2 else kwargs.get("data")
        if isinstance(func, B.TensorType) and isinstance(data, ir.Buffer):
            raise self.error(node, f"the third argument of T.{func.name}(shape, dtype, data) is a tensor's .data: "
                             f"write T.{func.name}(shape, dtype, {data.name}.data) for a view of {data.name}")
        if any(self.is_kernel_value(v) for v in list(args) + list(kwargs.values())):
            raise self.error(node, f"{getattr(func, '__name__', func)!s}() is a Python function and cannot take kernel values; "
                             "use T.* operations on kernel values")
        try:
            value = func(*args, **kwargs)
        except TileLangTTError as err:
            if err.line is not None:
                raise
            raise self.error(node, err.message or str(err)) from None
        except Exception as err:  # a Python-level helper failed while building the kernel
            raise self.error(node, f"evaluating this call failed: {type(err).__name__}: {err}") from None
        return self.tensor_view(value, node) if isinstance(value, B.TensorView) else value

    def builtin_expr(self, name, node):
        sp = self.span(node)
        self.reject_unpacking(node, f"T.{name}")
        args = [self.eval_expr(a) for a in node.args]
        kwargs = {kw.arg: self.eval_expr(kw.value) for kw in node.keywords}
        allowed_kw = {"dtype"} if name == "cast" else set()
        for kw in node.keywords:
            if kw.arg not in allowed_kw:
                raise self.error(kw, f"T.{name} has no argument '{kw.arg}='; pass its values positionally")
        if name == "ceildiv":
            if len(args) != 2:
                raise self.error(node, "T.ceildiv takes two values: T.ceildiv(a, b)")
            a, b = args
            if not self.is_kernel_value(a) and not self.is_kernel_value(b):
                try:
                    return B.ceildiv(a, b)
                except (TileLangTTError, ZeroDivisionError) as err:
                    raise self.error(node, getattr(err, "message", None) or str(err)) from None
            one = 1
            return self.arith("FloorDiv", self.arith("Sub", self.arith("Add", a, b, node), one, node), b, node)
        if name in ("min", "max"):
            if len(args) != 2:
                raise self.error(node, f"T.{name} takes two values")
            if not any(self.is_kernel_value(v) for v in args):
                return (min if name == "min" else max)(*args)
            return self.arith(name.capitalize(), args[0], args[1], node)
        if name == "clamp":  # TileLang's definition: T.min(T.max(x, lo), hi)
            if len(args) != 3:
                raise self.error(node, "T.clamp takes a value and its bounds: T.clamp(x, lo, hi)")
            x, lo, hi = args
            if not any(self.is_kernel_value(v) for v in args):
                return min(max(x, lo), hi)
            return self.arith("Min", self.arith("Max", x, lo, node), hi, node)
        if name in ("floordiv", "floormod"):
            if len(args) != 2:
                raise self.error(node, f"T.{name} takes two values: T.{name}(a, b)")
            return self.binop(ast.FloorDiv() if name == "floordiv" else ast.Mod(), args[0], args[1], node)
        if name in _MATH:
            if len(args) != 1:
                raise self.error(node, f"T.{name} takes one value")
            x = self.to_expr(args[0], node)
            if not x.dtype.startswith(("float", "bfloat")):
                x = ir.cast("float32", x, span=sp)
            return ir.call("tl." + name, [x], span=sp)
        if name == "if_then_else":
            if len(args) != 3:
                raise self.error(node, "T.if_then_else(cond, true_value, false_value)")
            return self.select(*args, node)
        if name in ("cast", "Cast"):
            if len(args) + len(kwargs) != 2:
                raise self.error(node, f"T.{name} takes a value and a dtype: "
                                 + ("T.cast(value, dtype)" if name == "cast" else "T.Cast(dtype, value)"))
            value, dtype = (args + [kwargs.get("dtype")])[:2] if name == "cast" else (args[1], args[0])
            return ir.cast(self.dtype_of(dtype, node, f"T.{name}"), self.to_expr(value, node), span=sp)
        if name == "infinity":
            if len(args) > 1:
                raise self.error(node, "T.infinity takes at most a dtype: T.infinity(dtype)")
            dt = self.dtype_of(args[0], node, "T.infinity") if args else "float32"
            return ir.const(float("inf"), dt, span=sp)
        if name in ("const", "empty"):
            raise self.error(node, f"T.{name} belongs to an eager kernel, a @tilelang_tt.jit function whose own body "
                             "is the kernel (M, N = T.const(\"M N\"); A: T.Tensor[[M, N], dtype]; C = T.empty(...)), "
                             "at its top level; in a @T.prim_func, shapes are Python values or T.dynamic dimensions "
                             "and outputs are parameters")
        if name.startswith("atomic_"):
            raise self.error(node, B.atomic_message(name), ValidationError)
        raise self.error(node, f"T.{name} cannot be used in an expression")

    # ---- helpers --------------------------------------------------------------------------
    def is_kernel_value(self, v):
        return isinstance(v, (ir.Expr, Access, ir.Buffer, ScalarVariable))

    def python_op(self, node, a, b, op):
        fn = _PYTHON_OPS.get(type(op))
        if fn is None:
            raise self.error(node, "this operator is not supported")
        try:
            return fn(a, b)
        except Exception as err:
            raise self.error(node, f"evaluating this expression failed: {type(err).__name__}: {err}") from None

    def astype(self, value, call):
        if len(call.args) + len(call.keywords) != 1 or any(kw.arg != "dtype" for kw in call.keywords):
            raise self.error(call, ".astype takes one dtype: value.astype(dtype)")
        dtype = self.eval_python(call.args[0] if call.args else call.keywords[0].value, "the dtype of .astype")
        return ir.cast(self.dtype_of(dtype, call, ".astype"), self.to_expr(value, call), span=self.span(call))

    def dtype_of(self, dtype, node, what):
        """The canonical name of a dtype given to what; a located error for anything else."""
        dt = B.dtype_name(dtype)
        if dt is None or dt == "handle" or not ir.is_valid_dtype(dt):
            raise self.error(node, B.foreign_float_message(dtype) or f"{what} has unknown dtype {dtype!r}; use e.g. "
                             "\"float16\", \"bfloat16\", \"float32\" or T.float16")
        return dt

    def to_expr(self, v, node):
        v = B.python_number(v)
        if isinstance(v, Access):
            return self.load(v)
        if isinstance(v, ScalarVariable):
            return ir.buffer_load(v.buffer, [ir.const(0)], span=self.span(node))
        if isinstance(v, ir.Expr):
            return v
        sp = self.span(node)
        if isinstance(v, bool):
            return ir.const(v, "bool", span=sp)
        if isinstance(v, int):
            if v not in INT64_RANGE:
                raise self.error(node, f"the integer {v} does not fit in 64 bits; kernel integers are at most int64",
                                 ValidationError)
            if not -2**31 <= v < 2**31:
                return ir.const(v, "int64", span=sp)
            return ir.const(v, span=sp)
        if isinstance(v, float):
            return ir.const(v, "float32", span=sp)
        if isinstance(v, B.TypedConst):
            return ir.cast(v.dtype, self.to_expr(v.value, node), span=sp)
        if isinstance(v, ir.Buffer):
            raise self.error(node, f"buffer {v.name} used as a scalar; index it (e.g. {v.name}[i, j])")
        raise self.error(node, f"{v!r} cannot be used as a kernel value")

    def to_bool(self, v, node):
        e = self.to_expr(v, node)
        if e.dtype != "bool":
            e = ir.binary("NE", e, ir.cast(e.dtype, ir.const(0), span=self.span(node)), span=self.span(node))
        return e

    def arith(self, kind, a, b, node):
        if kind == "Div":
            ea, eb = self.to_expr(a, node), self.to_expr(b, node)
            if not ea.dtype.startswith(("float", "bfloat")) and not eb.dtype.startswith(("float", "bfloat")):
                raise self.error(node, "'/' on integers is ambiguous; use // for floor division or T.ceildiv")
        return ir.binary(kind, self.to_expr(a, node), self.to_expr(b, node), promote=True, span=self.span(node))

    def logic(self, kind, a, b, node):
        if not self.is_kernel_value(a) and not self.is_kernel_value(b):
            return (a and b) if kind == "And" else (a or b)
        return ir.binary(kind, self.to_bool(a, node), self.to_bool(b, node), span=self.span(node))

    def select(self, cond, t, f, node):
        et, ef = self.to_expr(t, node), self.to_expr(f, node)
        if et.dtype != ef.dtype:  # promote like arithmetic does
            probe = ir.binary("Add", et, ef, promote=True)
            et, ef = ir.cast(probe.dtype, et), ir.cast(probe.dtype, ef)
        return ir.select(self.to_bool(cond, node), et, ef, span=self.span(node))

    def load(self, access):
        return ir.buffer_load(access.buffer, self.point_indices(access), span=self.span(access.node))

    def is_slice(self, access):
        """Whether access names a region (some dimension is a slice) rather than one element."""
        return any(isinstance(i, tuple) for i in access.items)

    def point_indices(self, access):
        if self.is_slice(access):
            raise self.error(access.node, f"a slice of {access.buffer.name} is not an element; use T.copy for regions")
        return [self.to_expr(i, access.node) for i in access.items]

    def python_int(self, e):
        return e.value if isinstance(e, ir.IntImm) else e

    def make_buffer(self, name, shape, dtype, scope, node):
        if isinstance(shape, (int, ir.Expr)):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not shape:
            raise self.error(node, f"the shape of {name} must be a tuple of extents, got {shape!r}")
        dims = []
        for d in map(B.python_number, shape):
            if isinstance(d, ir.Var) and scope == "global":
                dims.append(d)  # a T.dynamic dimension: its size comes with the tensors
                continue
            if isinstance(d, ir.Expr):
                what = ("a tensor extent must be an int or a T.dynamic dimension itself" if scope == "global" else
                        "on-chip buffers have static shapes (the blocks a kernel works on)")
                raise self.error(node, f"the shape of {name} must be known when the kernel is built ({what}); got "
                                 f"{d}")
            if not isinstance(d, int) or isinstance(d, bool) or d <= 0:
                raise self.error(node, f"the shape of {name} has extent {d!r}; extents must be positive ints")
            self.count(d, node, f"an extent of the shape of {name}")
            dims.append(ir.const(d, span=self.span(node)))
        return ir.buffer(name, dims, self.dtype_of(dtype, node, name), scope, span=self.span(node))

    def is_builtin(self, func_node, *names):
        func = self.eval_expr(func_node)  # an unknown name is its own located error (T.Kernnel, T.alloc_shard)
        return isinstance(func, B.KernelOnly) and func.name in names

    def builtin_name(self, func_node):
        return self.eval_expr(func_node).name

    def reject_unpacking(self, call, what):
        """``f(*xs)`` and ``f(**kw)`` in a kernel: the body is read, not run, so the arguments behind
        an unpacking are unknown to the parser."""
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                raise self.error(arg, f"{what} does not take * unpacking of a sequence in a kernel (the body is "
                                 "read, not run); pass each argument separately")
        for kw in call.keywords:
            if kw.arg is None:
                raise self.error(kw, f"{what} does not take ** unpacking of a dict in a kernel (the body is read, "
                                 "not run); pass each argument by name")

    def call_args(self, call, names, what, allowed_kw=frozenset()):
        """Binds positional and keyword arguments to names (Python values or kernel values)."""
        self.reject_unpacking(call, f"T.{what}")
        if len(call.args) > len(names):
            raise self.error(call, f"T.{what} takes at most {len(names)} positional arguments")
        args = {n: self.eval_expr(a) for n, a in zip(names, call.args)}
        extra = {}
        for kw in call.keywords:
            if kw.arg in names:
                if kw.arg in args:
                    raise self.error(kw, f"T.{what} got '{kw.arg}' twice")
                args[kw.arg] = self.eval_expr(kw.value)
            elif kw.arg in allowed_kw:
                extra[kw.arg] = self.eval_python(kw.value, f"'{kw.arg}='")
            else:
                raise self.error(kw, f"T.{what} has no argument '{kw.arg}'; it takes {', '.join(list(names) + sorted(allowed_kw))}")
        return args, extra
