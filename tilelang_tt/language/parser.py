"""TileLang kernel source → tilelang-tt IR.

The body of a ``@T.prim_func`` function is read from its Python AST, never executed. Names resolve
first to kernel values (block variables, loop variables, buffers, lets), then to the function's
closure and globals, so shapes, block sizes and dtypes come from the enclosing Python scope.
Sub-expressions made only of Python values are evaluated in Python (``T.ceildiv(N, block_N)``,
``block_M * 2``); the rest become IR through the validating factories of :mod:`tilelang_tt.ir`.

Every error points at the kernel source: file:line:col, the line and a caret.
"""

import ast
import inspect
import textwrap

from .. import _core
from .. import ir
from ..errors import TTSyntaxError, TileLangTTError
from . import builtins as B

_BINOPS = {
    ast.Add: "Add", ast.Sub: "Sub", ast.Mult: "Mul", ast.Div: "Div", ast.FloorDiv: "FloorDiv",
    ast.Mod: "FloorMod",
}
_CMPOPS = {ast.Eq: "EQ", ast.NotEq: "NE", ast.Lt: "LT", ast.LtE: "LE", ast.Gt: "GT", ast.GtE: "GE"}
_MATH = {"exp", "exp2", "log", "sqrt", "rsqrt", "abs"}
_ALLOC_SCOPES = {"alloc_shared": "shared", "alloc_fragment": "fragment", "alloc_local": "local"}


class _Access:
    """``buf[...]`` before its use decides whether it is an element (load/store) or a region."""

    def __init__(self, buffer, items, node):
        self.buffer = buffer
        self.items = items  # per dimension: an Expr (point) or a (start, stop) pair of Exprs/None
        self.node = node


class Parser:
    def __init__(self, func):
        self.func = func
        self.file = inspect.getsourcefile(func) or "<kernel>"
        lines, first_line = inspect.getsourcelines(func)
        source = "".join(lines)
        dedented = textwrap.dedent(source)
        self.col_shift = len(source.splitlines()[0]) - len(dedented.splitlines()[0])
        self.line_shift = first_line - 1
        self.tree = ast.parse(dedented)
        self.env = dict(func.__globals__)
        if func.__closure__:
            for name, cell in zip(func.__code__.co_freevars, func.__closure__):
                try:
                    self.env[name] = cell.cell_contents
                except ValueError:  # an unbound closure variable
                    pass
        self.scopes = [{}]
        self.func_attrs = {}
        self.swizzle = None

    # ---- locations and errors -------------------------------------------------------------
    def span(self, node):
        return (self.file, node.lineno + self.line_shift, node.col_offset + 1 + self.col_shift)

    def error(self, node, message):
        file, line, col = self.span(node)
        text = _core.format_located(message, file, line, col)
        return TTSyntaxError(text, file=file, line=line, col=col)

    # ---- name resolution ------------------------------------------------------------------
    def lookup(self, name, node):
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.env:
            return self.env[name]
        import builtins as py_builtins

        if hasattr(py_builtins, name):
            return getattr(py_builtins, name)
        raise self.error(node, f"name '{name}' is not defined in the kernel or its enclosing scope")

    def bind(self, name, value):
        self.scopes[-1][name] = value

    # ---- entry ----------------------------------------------------------------------------
    def parse(self):
        fdef = self.tree.body[0]
        if not isinstance(fdef, ast.FunctionDef):
            raise self.error(fdef, "@T.prim_func must decorate a function definition")
        params = []
        for arg in fdef.args.args:
            if arg.annotation is None:
                raise self.error(arg, f"parameter '{arg.arg}' needs a type: write {arg.arg}: T.Tensor((M, N), dtype)")
            # Python already evaluated the annotation in the enclosing scope at definition time;
            # names used only there (e.g. a shape tuple) are not part of the closure.
            spec = self.func.__annotations__.get(arg.arg)
            if spec is None or isinstance(spec, str):
                spec = self.eval_python(arg.annotation, "a parameter annotation")
            if not isinstance(spec, B.TensorSpec):
                raise self.error(arg.annotation, f"parameter '{arg.arg}' must be annotated with T.Tensor(shape, dtype) or "
                                 f"T.Buffer(shape, dtype), not {spec!r}")
            buf = self.make_buffer(arg.arg, spec.shape, spec.dtype, "global", arg)
            self.bind(arg.arg, buf)
            params.append(buf)
        for extra in (fdef.args.vararg, fdef.args.kwarg):
            if extra is not None:
                raise self.error(extra, "kernels take only T.Tensor parameters, not *args or **kwargs")
        if fdef.args.kwonlyargs:
            raise self.error(fdef.args.kwonlyargs[0], "kernels take only positional T.Tensor parameters")
        body = self.parse_block(fdef.body, fdef)
        attrs = dict(self.func_attrs)
        attrs["global_symbol"] = fdef.name
        attrs["tl.source_file"] = self.file
        return ir.PrimFunc(fdef.name, params, body, attrs, span=self.span(fdef))

    # ---- statements -----------------------------------------------------------------------
    def parse_block(self, stmts, owner):
        """A list of statements; allocations and lets scope over the statements after them."""
        out = []
        for i, node in enumerate(stmts):
            scoped = self.scoping_assign(node)
            if scoped is not None:
                try:
                    rest = self.parse_block(stmts[i + 1:], owner) if i + 1 < len(stmts) else None
                finally:
                    self.scopes.pop()
                out.append(scoped(rest if rest is not None else ir.evaluate(ir.const(0), span=self.span(node))))
                break
            out.extend(self.parse_stmt(node))
        if not out:
            raise self.error(owner, "this block has no kernel statements")
        return ir.seq(out, span=self.span(owner)) if len(out) > 1 else out[0]

    def scoping_assign(self, node):
        """For `name = T.alloc_*(...)` or `name = <kernel value>`: opens a scope binding name and
        returns a function wrapping the rest of the block (Allocate / LetStmt). None otherwise;
        a plain Python value is bound in the current scope."""
        if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return None
        name = node.targets[0].id
        call = node.value
        if isinstance(call, ast.Call) and self.is_builtin(call.func, *_ALLOC_SCOPES):
            kind = self.builtin_name(call.func)
            args, _ = self.call_args(call, ["shape", "dtype", "scope"], kind)
            if "shape" not in args:
                raise self.error(call, f"T.{kind} needs a shape")
            scope = args.get("scope", _ALLOC_SCOPES[kind])
            if not isinstance(scope, str):
                raise self.error(call, "scope= must be a string such as \"shared\"")
            buf = self.make_buffer(name, args["shape"], args.get("dtype", "float32"), scope, call)
            self.scopes.append({name: buf})
            return lambda body: ir.allocate(buf, body, span=self.span(node))
        value = self.eval_expr(node.value)
        if not self.is_kernel_value(value):
            self.bind(name, value)
            return None
        value = self.to_expr(value, node.value)
        var = ir.Var(name, value.dtype, span=self.span(node.targets[0]))
        self.scopes.append({name: var})
        return lambda body: ir.let(var, value, body, span=self.span(node))

    def parse_stmt(self, node):
        handler = getattr(self, "stmt_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"'{type(node).__name__}' statements are not supported in a TileLang kernel; "
                             "use T.Kernel, allocations, T.copy/T.gemm/T.fill, for loops, if/else and element assignments")
        return handler(node)

    def stmt_Pass(self, node):
        return []

    def stmt_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return []  # a docstring
        if not isinstance(node.value, ast.Call):
            raise self.error(node, "this expression has no effect; a kernel statement must be a call such as T.copy(...)")
        return self.parse_call_stmt(node.value)

    def stmt_Return(self, node):
        raise self.error(node, "a kernel cannot return a value; write results into an output T.Tensor parameter")

    def stmt_With(self, node):
        if len(node.items) != 1 or not isinstance(node.items[0].context_expr, ast.Call) or \
                not self.is_builtin(node.items[0].context_expr.func, "Kernel"):
            raise self.error(node, "the only supported 'with' is 'with T.Kernel(...) as (bx, by):'")
        call = node.items[0].context_expr
        extents = [self.to_expr(self.eval_expr(a), a) for a in call.args]
        if not 1 <= len(extents) <= 3:
            raise self.error(call, f"T.Kernel takes 1 to 3 grid extents, got {len(extents)}")
        threads = []
        for kw in call.keywords:
            if kw.arg == "threads":
                t = self.eval_python(kw.value, "threads=")
                threads = list(t) if isinstance(t, (list, tuple)) else [t]
                if not all(isinstance(x, int) for x in threads):
                    raise self.error(kw.value, "threads= must be an int or a list of ints")
            else:
                raise self.error(kw, f"T.Kernel does not support '{kw.arg}=' on Tenstorrent; only threads= (recorded, no effect)")
        target = node.items[0].optional_vars
        names = self.target_names(target, len(extents), "T.Kernel", node)
        block_vars = [ir.Var(n, "int32", span=self.span(target)) for n in names]
        self.scopes.append(dict(zip(names, block_vars)))
        try:
            body = self.parse_block(node.body, node)
        finally:
            self.scopes.pop()
        return [ir.kernel_launch(extents, block_vars, threads, body, span=self.span(node))]

    def target_names(self, target, count, what, owner=None):
        if target is None:
            raise self.error(owner, f"{what} must bind its indices with 'as', e.g. 'as (bx, by)'")
        elts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        if not all(isinstance(e, ast.Name) for e in elts):
            raise self.error(target, f"{what} binds plain names")
        if len(elts) != count:
            raise self.error(target, f"{what} has {count} dimensions but binds {len(elts)} names")
        return [e.id for e in elts]

    def stmt_For(self, node):
        if node.orelse:
            raise self.error(node, "for/else is not supported in kernels")
        if not isinstance(node.iter, ast.Call):
            raise self.error(node.iter, "loop over T.Pipelined, T.serial, T.unroll, T.Parallel or range")
        call = node.iter
        func = self.eval_python(call.func, "a loop iterator")
        name = func.name if isinstance(func, B._KernelOnly) else ("range" if func is range else None)
        if name not in ("Pipelined", "serial", "unroll", "Parallel", "range"):
            raise self.error(call, "loop over T.Pipelined, T.serial, T.unroll, T.Parallel or range")
        annotations = {}
        stages = 0
        if name == "Parallel":
            extents = [self.to_expr(self.eval_expr(a), a) for a in call.args]
            for kw in call.keywords:
                raise self.error(kw, f"T.Parallel does not support '{kw.arg}=' on Tenstorrent")
            ranges = [(ir.const(0), e) for e in extents]
        else:
            args, kwargs = self.call_args(call, ["start", "stop", "step"], name,
                                          allowed_kw={"num_stages", "order", "stage", "sync", "group"} if name == "Pipelined" else set())
            if args.get("step", 1) != 1:
                raise self.error(call, "loops with a step other than 1 are not supported; scale the index instead")
            start = args.get("start")
            stop = args.get("stop")
            if start is None:
                raise self.error(call, f"T.{name} needs an extent")
            if stop is None:
                start, stop = 0, start
            lo = self.to_expr(start, call)
            hi = self.to_expr(stop, call)
            ranges = [(lo, ir.fold_constants(ir.binary("Sub", hi, lo, promote=True)))]
            if name == "Pipelined":
                stages = kwargs.pop("num_stages", 0)
                if not isinstance(stages, int) or stages < 0:
                    raise self.error(call, "num_stages must be a non-negative int")
                for key in ("order", "stage", "group", "sync"):
                    if key in kwargs:
                        raise self.error(call, f"T.Pipelined's '{key}=' (a GPU software-pipeline schedule) is not supported on "
                                         "Tenstorrent; num_stages sets the circular-buffer depth instead")
        kind = {"Pipelined": "pipelined", "serial": "serial", "range": "serial", "unroll": "unrolled", "Parallel": "parallel"}[name]
        names = self.target_names(node.target, len(ranges), f"T.{name}")
        loop_vars = [ir.Var(n, "int32", span=self.span(node.target)) for n in names]
        self.scopes.append(dict(zip(names, loop_vars)))
        try:
            body = self.parse_block(node.body, node)
        finally:
            self.scopes.pop()
        for var, (lo, ext) in reversed(list(zip(loop_vars, ranges))):
            body = ir.for_loop(var, lo, ext, kind, body, num_stages=stages if kind == "pipelined" else 0,
                               annotations=annotations, span=self.span(node))
        return [body]

    def stmt_If(self, node):
        cond = self.eval_expr(node.test)
        if not isinstance(cond, ir.Expr):  # decided in Python: only the taken branch is a kernel
            branch = node.body if cond else node.orelse
            return [self.parse_block(branch, node)] if branch else []
        cond = self.to_bool(cond, node.test)
        then = self.parse_block(node.body, node)
        other = self.parse_block(node.orelse, node) if node.orelse else None
        return [ir.if_then_else(cond, then, other, span=self.span(node))]

    def stmt_Assign(self, node):
        if len(node.targets) != 1:
            raise self.error(node, "chained assignment is not supported in kernels")
        target = node.targets[0]
        if isinstance(target, ast.Subscript):
            return [self.store(target, self.eval_expr(node.value), node)]
        raise self.error(target, "assign to a buffer element (C[i, j] = ...) or a single name")

    def stmt_AugAssign(self, node):
        if not isinstance(node.target, ast.Subscript):
            raise self.error(node, "augmented assignment is supported on buffer elements (C[i, j] += ...)")
        access = self.eval_expr(node.target)
        current = self.load(access)
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.error(node, f"operator {type(node.op).__name__} is not supported")
        value = self.arith(op, current, self.eval_expr(node.value), node)
        return [self.store(node.target, value, node)]

    def store(self, target, value, node):
        access = self.eval_expr(target)
        if not isinstance(access, _Access):
            raise self.error(target, "only buffer elements can be assigned")
        indices = self.point_indices(access)
        buf = access.buffer
        value = self.to_expr(value, node)
        if value.dtype != buf.dtype:
            value = ir.cast(buf.dtype, value, span=self.span(node))
        return ir.buffer_store(buf, value, indices, span=self.span(node))

    # ---- calls used as statements ---------------------------------------------------------
    def parse_call_stmt(self, call):
        func = self.eval_python(call.func, "a call")
        if not isinstance(func, B._KernelOnly):
            raise self.error(call, "only T.* operations can be called as kernel statements")
        name = func.name
        sp = self.span(call)
        if name == "copy":
            args, _ = self.call_args(call, ["src", "dst"], name)
            src, dst = self.copy_regions(args.get("src"), args.get("dst"), call)
            return [ir.evaluate(ir.call("tl.copy", [src, dst], span=sp), span=sp)]
        if name in ("clear", "fill"):
            args, _ = self.call_args(call, ["buffer", "value"] if name == "fill" else ["buffer"], name)
            region = self.region_of(args.get("buffer"), call)
            value = args.get("value", 0) if name == "fill" else 0
            value = ir.cast(region.buffer.dtype, self.to_expr(value, call), span=sp)
            return [ir.evaluate(ir.call("tl.fill", [region, value], span=sp), span=sp)]
        if name == "gemm":
            args, kwargs = self.call_args(call, ["A", "B", "C", "transpose_A", "transpose_B", "policy", "clear_accum", "k_pack"],
                                          name)
            regions = [self.region_of(args.get(k), call) for k in ("A", "B", "C")]
            flags = [ir.const(bool(args.get(k, False)), "bool") for k in ("transpose_A", "transpose_B", "clear_accum")]
            k_pack = args.get("k_pack", 1)
            policy = args.get("policy", B.GemmWarpPolicy.Square)
            if not isinstance(k_pack, int) or not isinstance(policy, str):
                raise self.error(call, "k_pack must be an int and policy a T.GemmWarpPolicy")
            return [ir.evaluate(ir.call("tl.gemm", regions + flags + [ir.const(k_pack), ir.string(policy)], span=sp), span=sp)]
        if name in ("reduce_sum", "reduce_max"):
            args, _ = self.call_args(call, ["buffer", "out", "dim", "clear"], name)
            src = self.region_of(args.get("buffer"), call)
            dst = self.region_of(args.get("out"), call)
            dim = args.get("dim", -1)
            if not isinstance(dim, int):
                raise self.error(call, "dim must be an int")
            rank = len(src.buffer.shape)
            if not -rank <= dim < rank:
                raise self.error(call, f"dim={dim} is out of range for a {rank}-d buffer")
            clear = ir.const(bool(args.get("clear", True)), "bool")
            kind = ir.string(name.split("_")[1])
            return [ir.evaluate(ir.call("tl.reduce", [src, dst, kind, ir.const(dim % rank), clear], span=sp), span=sp)]
        if name == "use_swizzle":
            args, _ = self.call_args(call, ["panel_size", "order", "enable"], name)
            panel = args.get("panel_size")
            order = args.get("order", "row")
            if not isinstance(panel, int) or panel <= 0 or order not in ("row", "col"):
                raise self.error(call, "T.use_swizzle(panel_size: positive int, order='row'|'col', enable=True)")
            self.func_attrs["tl.use_swizzle"] = {"panel_size": panel, "order": order, "enable": bool(args.get("enable", True))}
            return []
        raise self.error(call, f"T.{name} cannot be used as a statement here")

    def copy_regions(self, src, dst, call):
        """T.copy operands as regions; a point access (head address) takes the other side's extents."""
        if src is None or dst is None:
            raise self.error(call, "T.copy(src, dst) needs both operands")
        src_head = isinstance(src, _Access) and all(not isinstance(i, tuple) for i in src.items)
        dst_head = isinstance(dst, _Access) and all(not isinstance(i, tuple) for i in dst.items)
        if src_head and dst_head:
            raise self.error(call, "T.copy needs the extents of at least one operand; give a whole buffer or a slice")
        if src_head:
            dst_r = self.region_of(dst, call)
            return self.head_region(src, [e for _, e in dst_r.ranges], call), dst_r
        src_r = self.region_of(src, call)
        if dst_head:
            return src_r, self.head_region(dst, [e for _, e in src_r.ranges], call)
        return src_r, self.region_of(dst, call)

    def head_region(self, access, extents, call):
        rank = len(access.buffer.shape)
        extents = [e for e in extents]
        if len(extents) > rank:  # drop leading unit extents of the other side
            extra = extents[:len(extents) - rank]
            if any(str(e) != "1" for e in extra):
                raise self.error(call, f"T.copy between a {len(extents)}-d and a {rank}-d buffer does not line up")
            extents = extents[len(extents) - rank:]
        extents = [ir.const(1)] * (rank - len(extents)) + extents
        starts = [self.to_expr(i, call) for i in access.items]
        return ir.region(access.buffer, list(zip(starts, extents)), span=self.span(access.node))

    def region_of(self, value, call):
        if isinstance(value, ir.Buffer):
            return ir.full_region(value, span=self.span(call))
        if isinstance(value, _Access):
            ranges = []
            for dim, item in enumerate(value.items):
                if isinstance(item, tuple):
                    lo, hi = item
                    lo = self.to_expr(0 if lo is None else lo, value.node)
                    hi = value.buffer.shape[dim] if hi is None else self.to_expr(hi, value.node)
                    ranges.append((lo, ir.fold_constants(ir.binary("Sub", hi, lo, promote=True))))
                else:
                    ranges.append((self.to_expr(item, value.node), ir.const(1)))
            return ir.region(value.buffer, ranges, span=self.span(value.node))
        raise self.error(call, f"expected a buffer or a buffer slice, got {value!r}")

    # ---- expressions ----------------------------------------------------------------------
    def eval_python(self, node, what):
        value = self.eval_expr(node)
        if isinstance(value, (ir.Expr, _Access)):
            raise self.error(node, f"{what} must be known when the kernel is built (a Python value), not a kernel value")
        return value

    def eval_expr(self, node):
        handler = getattr(self, "expr_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"'{type(node).__name__}' expressions are not supported in kernels")
        return handler(node)

    def expr_Constant(self, node):
        return node.value

    def expr_Name(self, node):
        return self.lookup(node.id, node)

    def expr_Attribute(self, node):
        base = self.eval_expr(node.value)
        if isinstance(base, (ir.Expr, _Access)):
            raise self.error(node, f"kernel values have no attribute '{node.attr}'")
        if isinstance(base, ir.Buffer) and node.attr in ("shape", "dtype"):
            return [self.python_int(e) for e in base.shape] if node.attr == "shape" else base.dtype
        try:
            return getattr(base, node.attr)
        except AttributeError:
            raise self.error(node, f"'{node.attr}' is not defined on {base!r}; see docs/language.md for the supported T.* names") from None

    def expr_Tuple(self, node):
        return tuple(self.eval_expr(e) for e in node.elts)

    def expr_List(self, node):
        return [self.eval_expr(e) for e in node.elts]

    def expr_Subscript(self, node):
        base = self.eval_expr(node.value)
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
            return _Access(base, parsed, node)
        if isinstance(base, (ir.Expr, _Access)):
            raise self.error(node, "only buffers can be indexed")
        index = self.eval_python(node.slice, "an index into a Python value")
        return base[index]

    def expr_BinOp(self, node):
        a, b = self.eval_expr(node.left), self.eval_expr(node.right)
        op = _BINOPS.get(type(node.op))
        if not self.is_kernel_value(a) and not self.is_kernel_value(b):
            return self.python_op(node, a, b)
        if op is None:
            raise self.error(node, f"operator {type(node.op).__name__} is not supported on kernel values")
        return self.arith(op, a, b, node)

    def expr_UnaryOp(self, node):
        v = self.eval_expr(node.operand)
        if not self.is_kernel_value(v):
            return {ast.USub: lambda x: -x, ast.UAdd: lambda x: +x, ast.Not: lambda x: not x,
                    ast.Invert: lambda x: ~x}[type(node.op)](v)
        if isinstance(node.op, ast.USub):
            e = self.to_expr(v, node)
            return ir.binary("Sub", ir.cast(e.dtype, ir.const(0), span=self.span(node)), e, span=self.span(node))
        if isinstance(node.op, ast.Not):
            return ir.make_not(self.to_bool(v, node), span=self.span(node))
        if isinstance(node.op, ast.UAdd):
            return v
        raise self.error(node, "operator ~ is not supported on kernel values")

    def expr_Compare(self, node):
        values = [self.eval_expr(node.left)] + [self.eval_expr(c) for c in node.comparators]
        result = None
        for op, a, b in zip(node.ops, values, values[1:]):
            kind = _CMPOPS.get(type(op))
            if kind is None:
                raise self.error(node, f"comparison {type(op).__name__} is not supported in kernels")
            if not self.is_kernel_value(a) and not self.is_kernel_value(b):
                part = self.python_op(node, a, b, op)
            else:
                part = self.arith(kind, a, b, node)
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
        if isinstance(func, B._KernelOnly):
            return self.builtin_expr(func.name, node)
        args = [self.eval_expr(a) for a in node.args]
        kwargs = {kw.arg: self.eval_expr(kw.value) for kw in node.keywords}
        if any(self.is_kernel_value(v) for v in list(args) + list(kwargs.values())):
            raise self.error(node, f"{getattr(func, '__name__', func)!s}() is a Python function and cannot take kernel values; "
                             "use T.* operations on kernel values")
        try:
            return func(*args, **kwargs)
        except TileLangTTError as err:
            if err.line is not None:
                raise
            raise self.error(node, err.message or str(err)) from None
        except Exception as err:  # a Python-level helper failed while building the kernel
            raise self.error(node, f"evaluating this call failed: {type(err).__name__}: {err}") from None

    def builtin_expr(self, name, node):
        sp = self.span(node)
        args = [self.eval_expr(a) for a in node.args]
        kwargs = {kw.arg: self.eval_expr(kw.value) for kw in node.keywords}
        if name == "ceildiv":
            a, b = args
            if not self.is_kernel_value(a) and not self.is_kernel_value(b):
                return B.ceildiv(a, b)
            one = 1
            return self.arith("FloorDiv", self.arith("Sub", self.arith("Add", a, b, node), one, node), b, node)
        if name in ("min", "max"):
            if len(args) != 2:
                raise self.error(node, f"T.{name} takes two values")
            if not any(self.is_kernel_value(v) for v in args):
                return (min if name == "min" else max)(*args)
            return self.arith(name.capitalize(), args[0], args[1], node)
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
            value, dtype = (args + [kwargs.get("dtype")])[:2] if name == "cast" else (args[1], args[0])
            dt = B.dtype_name(dtype)
            if dt is None:
                raise self.error(node, f"T.{name} needs a dtype, got {dtype!r}")
            return ir.cast(dt, self.to_expr(value, node), span=sp)
        if name == "infinity":
            dt = B.dtype_name(args[0]) if args else "float32"
            return ir.const(float("inf"), dt, span=sp)
        raise self.error(node, f"T.{name} cannot be used in an expression")

    # ---- helpers --------------------------------------------------------------------------
    def is_kernel_value(self, v):
        return isinstance(v, (ir.Expr, _Access, ir.Buffer))

    def python_op(self, node, a, b, op=None):
        import operator

        table = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
                 ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
                 ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
                 ast.Gt: operator.gt, ast.GtE: operator.ge}
        fn = table.get(type(op if op is not None else node.op))
        if fn is None:
            raise self.error(node, "this operator is not supported")
        try:
            return fn(a, b)
        except Exception as err:
            raise self.error(node, f"evaluating this expression failed: {type(err).__name__}: {err}") from None

    def to_expr(self, v, node):
        if isinstance(v, _Access):
            return self.load(v)
        if isinstance(v, ir.Expr):
            return v
        sp = self.span(node)
        if isinstance(v, bool):
            return ir.const(v, "bool", span=sp)
        if isinstance(v, int):
            if not -2**31 <= v < 2**31:
                return ir.const(v, "int64", span=sp)
            return ir.const(v, span=sp)
        if isinstance(v, float):
            return ir.const(v, "float32", span=sp)
        if isinstance(v, B._TypedConst):
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

    def point_indices(self, access):
        if any(isinstance(i, tuple) for i in access.items):
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
        for d in shape:
            if isinstance(d, ir.Expr):
                raise self.error(node, f"the shape of {name} must be known when the kernel is built; dynamic shapes "
                                 "are not supported on Tenstorrent yet")
            if not isinstance(d, int) or isinstance(d, bool) or d <= 0:
                raise self.error(node, f"the shape of {name} has extent {d!r}; extents must be positive ints")
            dims.append(ir.const(d, span=self.span(node)))
        dt = B.dtype_name(dtype)
        if dt is None or not ir.is_valid_dtype(dt) or dt == "handle":
            raise self.error(node, f"{name} has unknown dtype {dtype!r}; use e.g. \"float16\", \"bfloat16\", \"float32\" "
                             "or T.float16")
        return ir.buffer(name, dims, dt, scope, span=self.span(node))

    def is_builtin(self, func_node, *names):
        try:
            func = self.eval_expr(func_node)
        except TileLangTTError:
            return False
        return isinstance(func, B._KernelOnly) and func.name in names

    def builtin_name(self, func_node):
        return self.eval_expr(func_node).name

    def call_args(self, call, names, what, allowed_kw=frozenset()):
        """Binds positional and keyword arguments to names (Python values or kernel values)."""
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
                raise self.error(kw, f"T.{what} has no argument '{kw.arg}'; it takes {', '.join(names)}")
        return args, extra


def parse_prim_func(func):
    """Parses a Python function written in TileLang syntax into an ``ir.PrimFunc``."""
    try:
        inspect.getsourcelines(func)
    except (OSError, TypeError):
        raise TTSyntaxError(f"cannot read the source of {getattr(func, '__name__', func)!r}; "
                            "@T.prim_func kernels must be defined in a file") from None
    return Parser(func).parse()
