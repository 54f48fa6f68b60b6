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
import sys

from .. import _core, ir
from ..errors import TTSyntaxError, ValidationError
from . import builtins as B
from .expressions import INT64_RANGE, Access, ExpressionParser, FunctionSource, ScalarVariable
from .reducers import ParallelNest, ReducerParsing
from .simt import SimtBody, binds_threads
from .views import TensorViews

_PARSE_RECURSION_LIMIT = 10000
_ALLOC_SCOPES = {"alloc_shared": "shared", "alloc_fragment": "fragment", "alloc_local": "local", "alloc_global": "global"}
_REDUCTIONS = {"reduce_" + kind: kind for kind in B.REDUCE_KINDS}
# TileLang's GPU hints of T.copy, accepted and checked but without effect on Tenstorrent.
_COPY_GPU_HINTS = frozenset({"coalesced_width", "disable_tma", "eviction_policy"})
_EVICTION_POLICIES = ("evict_normal", "evict_first", "evict_last")


class ScopedStatement:
    """A statement that binds a name for the rest of its block (an Allocate or a LetStmt):
    ``wrap(rest)`` builds it around the statements after it."""

    def __init__(self, wrap):
        self.wrap = wrap


class Parser(TensorViews, ReducerParsing, ExpressionParser):
    """Parses one ``@T.prim_func`` into an ``ir.PrimFunc``: the function, its statements and the
    T.* operations used as statements. Expressions are parsed by :class:`ExpressionParser`,
    reducers by :class:`ReducerParsing`."""

    def __init__(self, func):
        super().__init__(func)
        self.reducers = {}  # reducer buffer (the object: names may repeat across launches) -> {"op", "finalized"}
        self.parallel_nests = []  # the T.Parallel statements being parsed, innermost last
        self.allocated_names = set()  # the IR names of the on-chip buffers of the current launch
        self.params = []  # the function's parameter buffers, as declared
        self.init_views()

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
            params.append(self.make_buffer(arg.arg, spec.shape, spec.dtype, "global", arg))
        for extra in (fdef.args.vararg, fdef.args.kwarg):
            if extra is not None:
                raise self.error(extra, "kernels take only T.Tensor parameters, not *args or **kwargs")
        if fdef.args.kwonlyargs:
            raise self.error(fdef.args.kwonlyargs[0], "kernels take only positional T.Tensor parameters")
        self.param_names = {p.name for p in params}
        self.params = params
        body = self.parse_block(fdef.body, fdef, {p.name: p for p in params})
        attrs = {"global_symbol": fdef.name}
        attrs.update(self.func_attrs)
        params = self.apply_views(params, attrs)
        attrs["tl.source_file"] = self.file
        return ir.PrimFunc(fdef.name, params, body, attrs, span=self.span(fdef))

    # ---- statements -----------------------------------------------------------------------
    def parse_block(self, stmts, owner, bindings=None):
        """The body of a function, T.Kernel, loop or kernel-level if/else, with bindings (parameters,
        block or loop variables) in scope. Names the block binds are its own: they end with it."""
        self.scopes.append(dict(bindings or {}))
        self.block_starts.append(len(self.scopes) - 1)
        try:
            out = self.parse_statements(stmts)
        finally:
            del self.scopes[self.block_starts.pop():]
        if not out:
            raise self.error(owner, "this block has no kernel statements")
        return self.as_stmt(out, owner)

    def parse_statements(self, stmts):
        """The statements of one block. An allocation or a let wraps every statement after it; an
        if/else decided by a Python value is replaced by its taken branch, so what that branch binds
        stays bound after it, as in Python."""
        levels = [[]]  # the statements at each nesting: every ScopedStatement opens the next level
        scoped = []
        pending = list(stmts)
        while pending:
            node = pending.pop(0)
            if isinstance(node, ast.If):
                cond = self.eval_expr(node.test)
                if not self.is_kernel_value(cond):
                    pending[:0] = node.body if cond else node.orelse
                else:
                    levels[-1].append(self.kernel_if(node, cond))
                continue
            result = self.parse_stmt(node)
            if isinstance(result, ScopedStatement):
                scoped.append((result, node))
                levels.append([])
            else:
                levels[-1].extend(result)
        body = levels.pop()
        while scoped:
            statement, node = scoped.pop()
            body = levels.pop() + [statement.wrap(self.as_stmt(body, node))]
        return body

    def as_stmt(self, stmts, owner):
        if not stmts:
            return ir.evaluate(ir.const(0), span=self.span(owner))
        return ir.seq(stmts, span=self.span(owner)) if len(stmts) > 1 else stmts[0]

    def allocation(self, name, call, node):
        """``name = T.alloc_shared/alloc_fragment/alloc_local(shape, dtype)``: an Allocate of that
        buffer over the rest of the block. ``name = T.alloc_var(dtype, init=...)``: an Allocate of a
        one-element local buffer, name then standing for its element 0 (a ScalarVariable)."""
        kind = self.builtin_name(call.func)
        ir_name = self.allocated_name(name, kind, node)
        if kind == "alloc_global":
            # A DRAM tensor the host allocates for the launches that follow (e.g. split-KV partials).
            if name in self.param_names:
                raise self.error(node, f"T.alloc_global names its buffer {name!r}, which is a parameter of the "
                                 "function; instead give the allocated buffer a name of its own")
            if self.kernel_depth:
                raise self.error(node, "T.alloc_global must come before the first 'with T.Kernel(...)': a global "
                                 "buffer lives across the launches; use T.alloc_shared or T.alloc_fragment inside one")
        else:
            self.require_kernel(node, f"T.{kind}")
        init = []
        if kind == "alloc_reducer":
            buf = bound = self.reducer_allocation(ir_name, call)
        elif kind == "alloc_var":
            args, _ = self.call_args(call, ["dtype", "init", "scope"], kind)
            if isinstance(args.get("init"), str) and "scope" not in args:  # T.alloc_var(dtype, "local.var")
                args["scope"] = args.pop("init")
            if "dtype" not in args:
                raise self.error(call, "T.alloc_var needs a dtype: T.alloc_var(dtype) or T.alloc_var(dtype, init=value)")
            if args.get("scope", "local.var") not in ("local.var", "local"):
                raise self.error(call, "T.alloc_var is a scalar of one core; its scope is \"local.var\", "
                                 f"not {args['scope']!r}")
            buf = self.make_buffer(ir_name, (1,), args["dtype"], "local", call)
            bound = ScalarVariable(buf)
            if "init" in args:
                init = [self.store_element(buf, [ir.const(0)], args["init"], call)]
        else:
            args, _ = self.call_args(call, ["shape", "dtype", "scope"], kind)
            if "shape" not in args:
                raise self.error(call, f"T.{kind} needs a shape")
            scope = args.get("scope", _ALLOC_SCOPES[kind])
            if kind == "alloc_global" and scope != "global":
                raise self.error(call, f"T.alloc_global allocates in global memory; scope={scope!r} is not one of its")
            if not isinstance(scope, str):
                raise self.error(call, "scope= must be a string such as \"shared\"")
            buf = bound = self.make_buffer(ir_name, args["shape"], args.get("dtype", "float32"), scope, call)
        self.scopes.append({name: bound})
        return ScopedStatement(lambda body: ir.allocate(buf, ir.seq(init + [body], span=self.span(node)) if init else body,
                                                        span=self.span(node)))

    def allocated_name(self, name, kind, node):
        """The IR name of a buffer the kernel allocates as `name`. Circular buffers are named after
        on-chip buffers, so within a launch each name is one buffer's: a second allocation of a
        name is a located error. Buffers a T.macro allocates are named after the macro and made
        unique per expansion (`softmax_tmp`, `softmax_tmp_1`, ...), so a macro that allocates can be
        called several times beside the caller's buffers. T.alloc_global names a DRAM tensor."""
        if kind == "alloc_global":
            return name
        if self.expanding:
            return self.fresh_name(f"{self.expanding[-1].__name__}_{name}")
        if name in self.allocated_names:
            raise self.error(node, f"this launch already has an on-chip buffer named {name} (a buffer allocated "
                             "before, or one a macro or a reducer made); circular buffers are named after their "
                             "buffers, so give this one another name", ValidationError)
        self.allocated_names.add(name)
        return name

    def fresh_name(self, base):
        """`base`, or the first of base_1, base_2, ... no buffer of the launch has; taken."""
        name, count = base, 0
        while name in self.allocated_names:
            count += 1
            name = f"{base}_{count}"
        self.allocated_names.add(name)
        return name

    def assign_name(self, target, value, node):
        """``name = value`` (and ``name op= value``): a store into a T.alloc_var variable; else a new
        binding for the rest of the block: a let for a kernel expression, the object itself for a
        variable (``row = bx``), a Python value, a buffer or a slice (an alias)."""
        name = target.id
        bound = self.kernel_binding(name)
        if bound is not None and isinstance(bound[1], ScalarVariable):
            return [self.store_element(bound[1].buffer, [ir.const(0)], value, node)]
        self.check_rebinding(target)
        element = isinstance(value, Access) and not self.is_slice(value)
        if element or isinstance(value, ScalarVariable) or (isinstance(value, ir.Expr) and not isinstance(value, ir.Var)):
            expr = self.to_expr(value, node)
            var = ir.Var(name, expr.dtype, span=self.span(target))
            self.scopes.append({name: var})
            return ScopedStatement(lambda body: ir.let(var, expr, body, span=self.span(node)))
        self.bind(name, value)
        return []

    def check_rebinding(self, target):
        """A name bound outside the current block keeps its value after the block, so binding it
        anew inside would silently differ from Python; T.alloc_var is the variable that can change."""
        bound = self.kernel_binding(target.id)
        if bound is not None and bound[0] < self.block_starts[-1]:
            raise self.error(target, f"'{target.id}' is bound outside this block (a loop, a kernel-level if/else or the "
                             "T.Kernel body); a new value here would not be seen after the block. Declare a variable "
                             f"before the block with {target.id} = T.alloc_var(dtype) to update it inside")

    def parse_stmt(self, node):
        handler = getattr(self, "stmt_" + type(node).__name__, None)
        if handler is None:
            raise self.error(node, f"'{type(node).__name__}' statements are not supported in a TileLang kernel; "
                             "use T.Kernel, allocations, T.copy/T.gemm/T.fill, for loops, if/else and element assignments")
        try:
            return handler(node)
        except RecursionError:  # the innermost statement being parsed names the line
            raise self.error(node, "this statement nests too deeply to parse (Python's recursion limit); split long "
                             "expressions into named parts (x = a + b, then y = x + c)") from None

    def require_kernel(self, node, what):
        """what is device work: it belongs inside `with T.Kernel(...)`, where every core runs it."""
        if not self.kernel_depth:
            raise self.error(node, f"{what} must be inside 'with T.Kernel(...) as ...:'; only T.func_attr and "
                             "Python-level statements may precede the kernel launch")

    def expand_macro(self, macro, call):
        """A T.macro call: the macro's body, parsed from its own source with its parameters bound to
        the call's arguments. The body sees its parameters, closure and globals, not the caller's
        names (TileLang's macros are hygienic), and its statements keep the macro's lines."""
        name = macro.__name__
        if any(m is macro for m in self.expanding):
            raise self.error(call, f"T.macro {name} calls itself; a macro is expanded in place, so it cannot recurse")
        self.reject_unpacking(call, name)
        args = [self.eval_expr(a) for a in call.args]
        kwargs = {kw.arg: self.eval_expr(kw.value) for kw in call.keywords}
        signature = inspect.signature(macro.func)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as err:
            raise self.error(call, f"T.macro {name}{signature}: {err}") from None
        bound.apply_defaults()
        source = FunctionSource(macro.func)
        for param, value in bound.arguments.items():
            self.check_macro_argument(macro, source, param, value, call)
        fdef = source.tree.body[0]
        saved = self.source, self.scopes, self.block_starts
        self.source, self.scopes, self.block_starts = source, [], []
        self.expanding.append(macro)
        try:
            return [self.parse_block(fdef.body, fdef, dict(bound.arguments))]
        finally:
            self.expanding.pop()
            self.source, self.scopes, self.block_starts = saved

    def check_macro_argument(self, macro, source, param, value, call):
        """An argument where the macro annotates a buffer type must be a buffer (or a region of
        one) of its dtype, a global tensor for T.Tensor and an on-chip buffer for T.SharedBuffer /
        T.FragmentBuffer / T.LocalBuffer, and a whole buffer of its shape. Annotations kept as text
        (`from __future__ import annotations`) are evaluated where the macro is defined: a
        module-level macro's in its module, a nested one's in its closure (its factory's other
        locals are gone, and a global of the same name may not be the one meant); one that names
        what is not there cannot be checked."""
        spec = self.macro_annotation(macro, source, param)
        if not isinstance(spec, B.TensorSpec):
            return
        wanted_kind = "a global tensor (T.Tensor)" if not isinstance(spec, B.BufferSpec) else \
            f"an on-chip buffer (T.{spec.scope.title()}Buffer)"
        buffer = value.buffer if isinstance(value, Access) else value
        if not isinstance(buffer, ir.Buffer):
            raise self.error(call, f"T.macro {macro.__name__} takes {param} as {wanted_kind}; the call passes "
                             f"{value!r}", ValidationError)
        if isinstance(spec, B.BufferSpec) == (buffer.scope == "global"):
            raise self.error(call, f"T.macro {macro.__name__} takes {param} as {wanted_kind}; the call passes "
                             f"{buffer.name}, a {buffer.scope} buffer", ValidationError)
        dtype = self.dtype_of(spec.dtype, call, f"{macro.__name__}'s parameter {param}")
        declared = [B.python_number(d.value if isinstance(d, B.TypedConst) else d) for d in spec.shape]
        shape = [d if isinstance(d, ir.Var) else self.python_int(d) for d in buffer.shape]
        static = isinstance(value, ir.Buffer) and all(isinstance(d, int) for d in declared + shape)
        if buffer.dtype != dtype or (static and shape != declared):
            raise self.error(call, f"T.macro {macro.__name__} takes {param} as a {dtype} buffer of shape {declared}; "
                             f"the call passes {buffer.name}, a {buffer.dtype} buffer of shape {shape}",
                             ValidationError)

    def macro_annotation(self, macro, source, param):
        """The annotation of the macro's parameter, evaluated if Python kept it as text; None when
        it names what is not in the macro's scope. An annotation that raises is a located error at
        the macro's parameter."""
        spec = macro.func.__annotations__.get(param)
        if not isinstance(spec, str):
            return spec
        func = macro.func
        nested = "<locals>" in func.__qualname__
        scope = {k: v for k, v in func.__globals__.items() if not nested or inspect.ismodule(v)}
        for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
            try:
                scope[name] = cell.cell_contents
            except ValueError:  # an unbound closure variable
                pass
        try:
            return eval(spec, scope)  # noqa: S307 (the macro's own annotation)
        except NameError:
            return None
        except Exception as err:  # noqa: BLE001 (any error of the user's annotation, located)
            arg = next(a for a in source.tree.body[0].args.args if a.arg == param)
            saved, self.source = self.source, source
            try:
                raise self.error(arg.annotation, f"the annotation of {macro.__name__}'s parameter {param} fails: "
                                 f"{type(err).__name__}: {err}") from None
            finally:
                self.source = saved

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
        if self.kernel_depth:
            raise self.error(node, "T.Kernel cannot be nested in another T.Kernel; one launch has one grid of up to 3 "
                             "dimensions")
        call = node.items[0].context_expr
        extents = self.extents(call.args, "a grid extent of T.Kernel")
        if not 1 <= len(extents) <= 3:
            raise self.error(call, f"T.Kernel takes 1 to 3 grid extents, got {len(extents)}")
        self.reject_unpacking(call, "T.Kernel")
        threads = []
        for kw in call.keywords:
            if kw.arg == "threads":
                t = self.eval_python(kw.value, "threads=")
                threads = list(t) if isinstance(t, (list, tuple)) else [t]
                if not all(isinstance(x, int) and not isinstance(x, bool) for x in threads):
                    raise self.error(kw.value, "threads= must be an int or a list of ints")
                threads = [self.count(x, kw.value, "threads=") for x in threads]
            else:
                raise self.error(kw, f"T.Kernel does not support '{kw.arg}=' on Tenstorrent; only threads= (recorded, no effect)")
        target = node.items[0].optional_vars
        names = self.target_names(target, len(extents), "T.Kernel", node)
        block_vars = [ir.Var(n, "int32", span=self.span(target)) for n in names]
        self.allocated_names = set()  # each launch is a program of its own CBs
        # SIMT code (T.get_thread_binding) is rewritten into the tile form it means (language/simt.py).
        stmts = SimtBody(self, threads, names).rewrite(node.body) if binds_threads(self, node.body) else node.body
        self.kernel_depth += 1
        try:
            body = self.parse_block(stmts, node, dict(zip(names, block_vars)))
        finally:
            self.kernel_depth -= 1
        return [ir.kernel_launch(extents, block_vars, threads, body, span=self.span(node))]

    def extents(self, args, what):
        """Grid or T.Parallel extents: kernel values as they are, Python values checked as counts."""
        out = []
        for arg in args:
            extent = self.eval_expr(arg)
            if not self.is_kernel_value(extent):
                extent = self.count(extent, arg, what, minimum=0)
            out.append(self.to_expr(extent, arg))
        return out

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
        self.require_kernel(node, "a loop")
        if node.orelse:
            raise self.error(node, "for/else is not supported in kernels")
        if not isinstance(node.iter, ast.Call):
            raise self.error(node.iter, "loop over T.Pipelined, T.serial, T.unroll, T.Parallel, T.Persistent or range")
        call = node.iter
        func = self.eval_python(call.func, "a loop iterator")
        name = func.name if isinstance(func, B.KernelOnly) else ("range" if func is range else None)
        if name not in ("Pipelined", "serial", "unroll", "Parallel", "Persistent", "range"):
            raise self.error(call, "loop over T.Pipelined, T.serial, T.unroll, T.Parallel, T.Persistent or range")
        if name == "Persistent":
            return self.persistent_loop(node, call)
        stages = 0
        if name == "Parallel":
            self.reject_unpacking(call, "T.Parallel")
            extents = self.extents(call.args, "an extent of T.Parallel")
            for kw in call.keywords:
                if kw.arg != "coalesced_width":
                    raise self.error(kw, f"T.Parallel does not support '{kw.arg}=' on Tenstorrent")
            self.check_gpu_hints(call, "T.Parallel", {"coalesced_width"})
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
            if not self.is_kernel_value(start) and not self.is_kernel_value(stop):
                self.trip_count(start, stop, name, call)
            lo = self.to_expr(start, call)
            hi = self.to_expr(stop, call)
            ranges = [(lo, ir.fold_constants(ir.binary("Sub", hi, lo, promote=True)))]
            if name == "Pipelined":
                stages = self.count(kwargs.pop("num_stages", 0), call, "num_stages", minimum=0)
                for key in ("order", "stage", "group", "sync"):
                    if key in kwargs:
                        raise self.error(call, f"T.Pipelined's '{key}=' (a GPU software-pipeline schedule) is not supported on "
                                         "Tenstorrent; num_stages sets the circular-buffer depth instead")
        kind = {"Pipelined": "pipelined", "serial": "serial", "range": "serial", "unroll": "unrolled", "Parallel": "parallel"}[name]
        names = self.target_names(node.target, len(ranges), f"T.{name}")
        loop_vars = [ir.Var(n, "int32", span=self.span(node.target)) for n in names]
        nest = ParallelNest(loop_vars, [ext for _, ext in ranges]) if kind == "parallel" else None
        if nest:
            self.parallel_nests.append(nest)
        try:
            body = self.parse_block(node.body, node, dict(zip(names, loop_vars)))
        finally:
            if nest:
                self.parallel_nests.pop()
        for var, (lo, ext) in reversed(list(zip(loop_vars, ranges))):
            body = ir.for_loop(var, lo, ext, kind, body, num_stages=stages if kind == "pipelined" else 0,
                               span=self.span(node))
        return self.with_reductions(body, nest, node) if nest else [body]

    def persistent_loop(self, node, call):
        """``for bx, by in T.Persistent(domain, wave_size, index, group_size=8, num_stages=0)``: the
        statement tl.persistent(wave_size, index, rank, group_size, num_stages) followed by one
        serial loop from 0 per domain entry, first entry outermost. LowerTTPersistent makes the
        domain the launch grid and checks the arguments against the launch."""
        args, kwargs = self.call_args(call, ["domain", "wave_size", "index", "group_size", "num_stages"], "Persistent",
                                      allowed_kw={"annotations"})
        for key in ("domain", "wave_size", "index"):
            if key not in args:
                raise self.error(call, f"T.Persistent needs {key}: T.Persistent(domain, wave_size, index, group_size=8)")
        domain_node = call.args[0] if call.args else next(kw.value for kw in call.keywords if kw.arg == "domain")
        if isinstance(domain_node, (ast.List, ast.Tuple)):
            extents = self.extents(domain_node.elts, "an extent of T.Persistent's domain")
        else:
            domain = self.eval_python(domain_node, "T.Persistent's domain")
            if not isinstance(domain, (list, tuple)):
                raise self.error(domain_node, "T.Persistent's domain is a list of extents, e.g. [T.ceildiv(M, block_M), "
                                 "T.ceildiv(N, block_N)]")
            extents = [self.to_expr(self.count(e, domain_node, "an extent of T.Persistent's domain", minimum=0),
                                    domain_node) for e in domain]
        if not extents:
            raise self.error(domain_node, "T.Persistent's domain needs at least one extent")
        group_size = args.get("group_size", 8)
        if self.is_kernel_value(group_size) or isinstance(group_size, bool) or not isinstance(group_size, int) or \
                group_size < 1:
            raise self.error(call, f"T.Persistent's group_size= must be a positive int when the kernel is built, got "
                             f"{'a kernel value' if self.is_kernel_value(group_size) else repr(group_size)}")
        num_stages = args.get("num_stages", 0)
        if self.is_kernel_value(num_stages):
            raise self.error(call, "T.Persistent's num_stages= must be an int when the kernel is built")
        num_stages = self.count(num_stages, call, "num_stages", minimum=0)
        if kwargs.get("annotations") not in (None, {}):
            raise self.error(call, "T.Persistent's annotations= (GPU loop annotations) are not supported on Tenstorrent; "
                             "remove them")
        names = self.target_names(node.target, len(extents), "T.Persistent")
        loop_vars = [ir.Var(n, "int32", span=self.span(node.target)) for n in names]
        sp = self.span(node)
        marker = ir.evaluate(ir.call("tl.persistent", [
            self.to_expr(args["wave_size"], call), self.to_expr(args["index"], call),
            ir.const(len(extents)), ir.const(group_size), ir.const(num_stages)], span=sp), span=sp)
        body = self.parse_block(node.body, node, dict(zip(names, loop_vars)))
        for var, extent in reversed(list(zip(loop_vars, extents))):
            body = ir.for_loop(var, ir.const(0), extent, "serial", body, span=sp)
        return [marker, body]

    def trip_count(self, start, stop, name, call):
        """The trip count of a loop from start to stop known when the kernel is built. A negative one
        (T.serial(5, 2), T.Pipelined(-3)) is an error rather than Python's zero trips: such a loop
        is almost always a mistaken bound, and its body would silently never run."""
        for bound in (start, stop):
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise self.error(call, f"T.{name}'s bounds must be ints, got {bound!r}", ValidationError)
            if bound not in INT64_RANGE:
                raise self.error(call, f"T.{name}'s bound {bound} does not fit in 64 bits", ValidationError)
        trips = stop - start
        if start < 0 and trips > 0:
            raise self.error(call, f"T.{name} from {start} runs over negative indices, which are not supported on "
                             "Tenstorrent yet: kernels count loops with unsigned integers; instead start the loop at 0 "
                             f"and add {start} where the index is used", ValidationError)
        if trips < 0:
            raise self.error(call, f"T.{name} from {start} to {stop} has a negative trip count ({trips}); give a stop "
                             "at or after the start", ValidationError)
        self.count(trips, call, f"the trip count of T.{name}", minimum=0)

    def kernel_if(self, node, cond):
        """An if/else on a kernel value (one decided in Python is replaced by its branch)."""
        cond = self.to_bool(cond, node.test)
        then = self.parse_block(node.body, node)
        other = self.parse_block(node.orelse, node) if node.orelse else None
        return ir.if_then_else(cond, then, other, span=self.span(node))

    def stmt_Assign(self, node):
        if len(node.targets) != 1:
            raise self.error(node, "chained assignment is not supported in kernels")
        target = node.targets[0]
        reducer = self.reducer_of(target)
        if reducer is not None:
            return self.reducer_update(reducer, target, node.value, node)
        if isinstance(target, ast.Subscript):
            return [self.store(target, self.eval_expr(node.value), node)]
        if isinstance(target, ast.Name):
            call = node.value
            if isinstance(call, ast.Call) and self.is_builtin(call.func, "alloc_var", "alloc_reducer", *_ALLOC_SCOPES):
                self.check_rebinding(target)
                return self.allocation(target.id, call, node)
            return self.assign_name(target, self.eval_expr(node.value), node)
        raise self.error(target, "assign to a buffer element (C[i, j] = ...) or a single name")

    def stmt_AugAssign(self, node):
        if not isinstance(node.target, (ast.Subscript, ast.Name)):
            raise self.error(node, "augmented assignment is supported on buffer elements (C[i, j] += ...) and names")
        reducer = self.reducer_of(node.target)
        if reducer is not None:
            return self.reducer_update(reducer, node.target, node.value, node, node.op)
        current = self.eval_expr(node.target)
        value = self.binop(node.op, current, self.eval_expr(node.value), node)
        if isinstance(node.target, ast.Name):
            return self.assign_name(node.target, value, node)
        return [self.store(node.target, value, node)]

    def store(self, target, value, node):
        self.require_kernel(node, "an element assignment")
        access = self.eval_expr(target)
        if not isinstance(access, Access):
            raise self.error(target, "only buffer elements can be assigned")
        return self.store_element(access.buffer, self.point_indices(access), value, node)

    def store_element(self, buf, indices, value, node):
        """buf[indices] = value, converted to the buffer's dtype."""
        value = self.to_expr(value, node)
        if value.dtype != buf.dtype:
            value = ir.cast(buf.dtype, value, span=self.span(node))
        return ir.buffer_store(buf, value, indices, span=self.span(node))

    # ---- calls used as statements ---------------------------------------------------------
    def parse_call_stmt(self, call):
        func = self.eval_python(call.func, "a call")
        if isinstance(func, B.Macro):
            return self.expand_macro(func, call)
        if not isinstance(func, B.KernelOnly):
            raise self.error(call, "only T.* operations can be called as kernel statements")
        name = func.name
        sp = self.span(call)
        if name != "func_attr":
            self.require_kernel(call, f"T.{name}")
        if name == "finalize_reducer":
            return self.finalize_reducer(call)
        if name == "copy":
            args, _ = self.call_args(call, ["src", "dst"], name, allowed_kw=_COPY_GPU_HINTS)
            self.check_gpu_hints(call, "T.copy", _COPY_GPU_HINTS)
            src, dst = self.copy_regions(args.get("src"), args.get("dst"), call)
            return [ir.evaluate(ir.call("tl.copy", [src, dst], span=sp), span=sp)]
        if name in ("clear", "fill"):
            args, _ = self.call_args(call, ["buffer", "value"] if name == "fill" else ["buffer"], name)
            region = self.region_of(args.get("buffer"), call)
            if name == "fill" and "value" not in args:
                raise self.error(call, "T.fill(buffer, value) needs the value to fill with (T.clear(buffer) fills with 0)")
            value = args["value"] if name == "fill" else 0
            value = ir.cast(region.buffer.dtype, self.to_expr(value, call), span=sp)
            return [ir.evaluate(ir.call("tl.fill", [region, value], span=sp), span=sp)]
        if name == "gemm":
            args, kwargs = self.call_args(call, ["A", "B", "C", "transpose_A", "transpose_B", "policy", "clear_accum", "k_pack"],
                                          name)
            regions = [self.region_of(args.get(k), call) for k in ("A", "B", "C")]
            for operand, region in zip("ABC", regions):
                if region.buffer.dtype not in B.MATMUL_DTYPES:
                    raise self.error(call, f"T.gemm's {operand} ({region.buffer.name}) is {region.buffer.dtype}; the matrix "
                                     "engine multiplies and accumulates bfloat16, float16 and float32 (as tf32) only, "
                                     "so instead give A, B and C one of those dtypes", ValidationError)
            flags = [ir.const(self.flag(args, k, False, name, call), "bool")
                     for k in ("transpose_A", "transpose_B", "clear_accum")]
            k_pack = args.get("k_pack", 1)
            policy = args.get("policy", B.GemmWarpPolicy.Square)
            if not isinstance(k_pack, int) or not isinstance(policy, str):
                raise self.error(call, "k_pack must be an int and policy a T.GemmWarpPolicy")
            return [ir.evaluate(ir.call("tl.gemm", regions + flags + [ir.const(k_pack), ir.string(policy)], span=sp), span=sp)]
        if name in _REDUCTIONS:
            args, _ = self.call_args(call, ["buffer", "out", "dim", "clear"], name)
            src = self.region_of(args.get("buffer"), call)
            dst = self.region_of(args.get("out"), call)
            dim = args.get("dim", -1)
            if not isinstance(dim, int):
                raise self.error(call, "dim must be an int")
            rank = len(src.buffer.shape)
            if not -rank <= dim < rank:
                raise self.error(call, f"dim={dim} is out of range for a {rank}-d buffer")
            clear = ir.const(self.flag(args, "clear", True, name, call), "bool")
            kind = ir.string(_REDUCTIONS[name])
            return [ir.evaluate(ir.call("tl.reduce", [src, dst, kind, ir.const(dim % rank), clear], span=sp), span=sp)]
        if name == "atomic_add":
            return [self.atomic_add(call)]
        if name in B.UNSUPPORTED_ATOMICS:
            raise self.error(call, B.atomic_message(name), ValidationError)
        if name == "use_swizzle":
            args, _ = self.call_args(call, ["panel_size", "order", "enable"], name)
            panel = args.get("panel_size")
            order = args.get("order", "row")
            if not isinstance(panel, int) or panel <= 0 or order not in ("row", "col"):
                raise self.error(call, "T.use_swizzle(panel_size: positive int, order='row'|'col', enable=True)")
            self.func_attrs["tl.use_swizzle"] = {"panel_size": panel, "order": order, "enable": self.flag(args, "enable", True, name, call)}
            return []
        if name == "annotate_layout":
            return self.annotate_layout(call)
        if name == "func_attr":
            args, _ = self.call_args(call, ["attrs"], name)
            attrs = args.get("attrs")
            if not isinstance(attrs, dict) or not all(isinstance(k, str) for k in attrs):
                raise self.error(call, "T.func_attr takes a dict with string keys, e.g. T.func_attr({\"global_symbol\": \"gemm\"})")
            reserved = sorted(k for k in attrs if k.startswith(("tt.", "tl.")))
            if reserved:
                raise self.error(call, f"T.func_attr cannot set {', '.join(reserved)}: tt.* and tl.* attributes are the "
                                 "compiler's; use run_pipeline options or the T.* construct that sets them")
            for key, value in attrs.items():
                problem = B.attribute_value_problem(value)
                if problem:
                    raise self.error(call, f"T.func_attr's value for {key!r} {problem}", ValidationError)
            self.func_attrs.update(attrs)
            return []
        raise self.error(call, f"T.{name} cannot be used as a statement here")

    def atomic_add(self, call):
        """T.atomic_add(dst, value, memory_order=None, return_prev=False, use_tma=False) as the statement
        tl.atomic_add(dst region, value): value a region (tile form: a buffer or slice on either side,
        a head element taking the other's extents, as in T.copy) or, when neither side has extents, the
        element form's number. LowerTTAtomicAdd decides whether and how it can be lowered."""
        args, _ = self.call_args(call, ["dst", "value", "memory_order", "return_prev", "use_tma"], "atomic_add")
        if "dst" not in args or "value" not in args:
            raise self.error(call, "T.atomic_add(dst, value) needs the destination and the value to add")
        if self.flag(args, "return_prev", False, "atomic_add", call):
            raise self.error(call, B.atomic_message("atomic_add"), ValidationError)
        self.flag(args, "use_tma", False, "atomic_add", call)  # a GPU copy engine hint, no effect here
        order = args.get("memory_order")
        if order is not None and order not in B.MEMORY_ORDERS:
            raise self.error(call, f"T.atomic_add's memory_order must be None or one of "
                             f"{', '.join(repr(o) for o in B.MEMORY_ORDERS)}, got {order!r}")
        dst, value = args["dst"], args["value"]
        sp = self.span(call)
        if not isinstance(dst, (Access, ir.Buffer)):
            raise self.error(call, f"T.atomic_add adds into a tensor element or region, got {dst!r}")
        spans = [v for v in (dst, value) if isinstance(v, (ir.Buffer, ScalarVariable)) or
                 (isinstance(v, Access) and self.is_slice(v))]
        if not spans:
            dst_region = self.head_region(dst, [], call)
            return ir.evaluate(ir.call("tl.atomic_add", [dst_region, self.to_expr(value, call)], span=sp), span=sp)
        if not any(v is value for v in spans):
            return ir.evaluate(ir.call("tl.atomic_add", [self.region_of(dst, call), self.to_expr(value, call)], span=sp),
                               span=sp)
        src_region, dst_region = self.copy_regions(value, dst, call)
        return ir.evaluate(ir.call("tl.atomic_add", [dst_region, src_region], span=sp), span=sp)

    def flag(self, args, key, default, what, call):
        """A True/False argument, decided when the kernel is built (never a kernel value)."""
        value = args.get(key, default)
        if isinstance(value, B.TypedConst):
            value = value.value
        if self.is_kernel_value(value) or not isinstance(value, (bool, int)):
            got = "a kernel value" if self.is_kernel_value(value) else repr(value)
            raise self.error(call, f"T.{what}'s {key}= must be True or False when the kernel is built, got {got}")
        if value not in (0, 1):
            raise self.error(call, f"T.{what}'s {key}= must be True or False, got {value!r}")
        return bool(value)

    def check_gpu_hints(self, call, what, hints):
        """GPU hints (T.copy's coalesced_width=, disable_tma=, eviction_policy=; T.Parallel's
        coalesced_width=) choose how GPU threads, TMA and caches move data; Tenstorrent copies are
        NoC tile transfers and T.Parallel nests run as whole-tile operations, so the hints have no
        effect, but a value TileLang itself would refuse is still an error."""
        for kw in call.keywords:
            if kw.arg not in hints:
                continue
            value = self.eval_python(kw.value, f"{what}'s {kw.arg}=")
            if kw.arg == "coalesced_width":
                ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
                expected = "None or a positive int"
            elif kw.arg == "disable_tma":
                ok, expected = isinstance(value, bool), "True or False"
            else:
                ok = value is None or value in _EVICTION_POLICIES
                expected = "None or one of " + ", ".join(repr(p) for p in _EVICTION_POLICIES)
            if not ok:
                raise self.error(kw.value, f"{what}'s {kw.arg}= must be {expected}, got {value!r} (a GPU hint "
                                 "with no effect on Tenstorrent)")

    def copy_regions(self, src, dst, call):
        """T.copy operands as regions; a point access (head address) takes the other side's extents."""
        if src is None or dst is None:
            raise self.error(call, "T.copy(src, dst) needs both operands")
        src_head = isinstance(src, Access) and not self.is_slice(src)
        dst_head = isinstance(dst, Access) and not self.is_slice(dst)
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
        extents = list(extents)
        if len(extents) > rank:  # drop leading unit extents of the other side
            extra = extents[:len(extents) - rank]
            if any(str(e) != "1" for e in extra):
                raise self.error(call, f"T.copy between a {len(extents)}-d and a {rank}-d buffer does not line up")
            extents = extents[len(extents) - rank:]
        extents = [ir.const(1)] * (rank - len(extents)) + extents
        starts = [self.to_expr(i, call) for i in access.items]
        return ir.region(access.buffer, list(zip(starts, extents)), span=self.span(access.node))

    def region_of(self, value, call):
        if isinstance(value, ScalarVariable):
            value = value.buffer
        if isinstance(value, ir.Buffer):
            self.note_global_use(value, call)
            return ir.full_region(value, span=self.span(call))
        if isinstance(value, Access):
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


def parse_prim_func(func):
    """Parses a Python function written in TileLang syntax into an ``ir.PrimFunc``."""
    if isinstance(func, ir.PrimFunc):
        file, line, col = func.span or (None, None, None)
        message = f"@T.prim_func is applied twice to {func.name}: the second one receives the parsed kernel; remove one"
        raise TTSyntaxError(_core.format_located(message, file, line, col) if line else message, file=file, line=line,
                            col=col)
    if not inspect.isfunction(func):
        message = (f"@T.prim_func decorates a kernel function (def name(A: T.Tensor(...), ...)), not "
                   f"{type(func).__name__} {getattr(func, '__name__', func)!r}")
        try:  # a class or method defined in a file: point at its definition
            file, line = inspect.getsourcefile(func), inspect.getsourcelines(func)[1]
        # KeyError: TVM (imported with the tilelang package) replaces inspect.getfile with one that
        # raises it for a class whose module is not in sys.modules.
        except (OSError, TypeError, KeyError):
            raise TTSyntaxError(message) from None
        raise TTSyntaxError(_core.format_located(message, file, line, 1), file=file, line=line, col=1)
    try:
        inspect.getsourcelines(func)
    except (OSError, TypeError):
        raise TTSyntaxError(f"cannot read the source of {getattr(func, '__name__', func)!r}; "
                            "@T.prim_func kernels must be defined in a file") from None
    # The parser recurses once or twice per operator, so Python's default limit of 1000 frames would
    # stop at a few hundred terms; deeper expressions still end in a located error (parse_stmt).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _PARSE_RECURSION_LIMIT))
    try:
        return Parser(func).parse()
    finally:
        sys.setrecursionlimit(limit)
