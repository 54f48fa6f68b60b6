"""TileLang kernels built by the real ``tilelang`` package → tilelang-tt IR.

``import tilelang.language as T`` and ``@T.prim_func`` build a TVM TIR PrimFunc; passed to
``tilelang_tt.compile`` (or returned by a factory under ``@tilelang_tt.jit``) it is converted here,
node by node, into the IR the project's own frontend builds for the same kernel:

- the launch: the ``blockIdx`` thread-binding loops and the ``tilelang_root`` block (its
  ``tl.launch_threads`` and buffer allocations) become a KernelLaunch with Allocates;
- the tile operations ``tl.tileop.copy / fill / gemm / reduce`` with their ``tl.tileop.region``
  operands become ``tl.copy`` / ``tl.fill`` / ``tl.gemm`` / ``tl.reduce`` on regions;
- loops (``T.Pipelined``'s ``num_stages``, ``T.Parallel``, ``T.serial``, ``T.unroll``), ifs,
  lets, element stores and loads, arithmetic, casts, selects and math calls map one to one;
- ``T.use_swizzle``'s ``threadblock_swizzle_pattern`` becomes the ``tl.use_swizzle`` attribute.

TIR carries no source lines (tilelang's script parser records none), so the converted kernel has
no spans: a problem found in it is reported at the kernel's name, and the generated code has no
``// file:line`` comments. Anything the conversion does not cover is a ValidationError naming the
TIR construct and saying to write the kernel with ``tilelang_tt.language`` instead.

``tilelang`` is an optional dependency: nothing here imports it; a TIR object is recognised by its
type's module.
"""

from . import ir
from .errors import ValidationError

_SCOPES = {"global": "global", "shared": "shared", "shared.dyn": "shared", "local.fragment": "fragment",
           "local": "local", "local.var": "local"}
_BINARY = {"Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "FloorDiv": "FloorDiv", "FloorMod": "FloorMod",
           "Mod": "FloorMod", "Min": "Min", "Max": "Max", "EQ": "EQ", "NE": "NE", "LT": "LT", "LE": "LE", "GT": "GT",
           "GE": "GE", "And": "And", "Or": "Or"}
_MATH = {"exp", "exp2", "log", "log2", "sqrt", "rsqrt", "fabs", "tanh", "sigmoid", "erf", "sin", "cos"}
_POLICIES = {0: "Square", 1: "FullRow", 2: "FullCol"}
_FOR_KINDS = {0: "serial", 1: "parallel", 3: "unrolled"}  # TIR's ForKind values (2 is vectorized)
_CONDITIONS = {"bitwise_or": "Or", "bitwise_and": "And"}
_SWIZZLE_ORDERS = {"rasterization2DRow": "row", "rasterization2DColumn": "col"}


def is_tir_prim_func(obj):
    """Whether obj is a TVM TIR PrimFunc (as tilelang's @T.prim_func returns)."""
    return type(obj).__name__ == "PrimFunc" and type(obj).__module__.startswith("tvm.")


def from_tir(prim):
    """The tilelang-tt ``ir.PrimFunc`` of a TileLang TIR PrimFunc (see the module comment)."""
    return _Converter(prim).function()


class _Converter:
    def __init__(self, prim):
        self.prim = prim
        self.name = str(prim.attrs["global_symbol"]) if prim.attrs and "global_symbol" in prim.attrs else "main"
        self.vars = {}  # TIR Var -> ir.Var, by identity of the TIR object
        self.buffers = {}  # TIR Buffer -> ir.Buffer
        self.attrs = {}

    def error(self, what, node=None):
        shown = f": {node}" if node is not None and len(str(node)) < 200 else ""
        return ValidationError(f"tilelang PrimFunc {self.name!r}: {what}{shown} is not covered by the TileLang bridge; "
                               "write this kernel with tilelang_tt.language (import tilelang_tt.language as T), "
                               "whose parser covers the whole supported surface (docs/language.md)")

    # ---- function, launch, allocations -------------------------------------------------------
    def function(self):
        params = []
        for handle in self.prim.params:
            if handle not in self.prim.buffer_map:
                raise self.error(f"the scalar parameter {handle.name}")
            params.append(self.buffer(self.prim.buffer_map[handle], "global"))
        root = self.prim.body
        if type(root).__name__ == "SBlockRealize" and str(root.block.name_hint) == "root":
            # T.alloc_global buffers are the root block's: they live across the launches.
            allocated = [self.buffer(b, "global") for b in root.block.alloc_buffers]
            body = self.stmt(root.block.body)
            for buf in reversed(allocated):
                body = ir.allocate(buf, body)
        else:
            body = self.stmt(root)
        attrs = {"global_symbol": self.name, **self.attrs}
        return ir.PrimFunc(self.name, params, body, attrs)

    def buffer(self, buf, scope):
        key = buf.same_as
        for known, converted in self.buffers.items():
            if key(known):
                return converted
        if scope is None:  # a buffer first met in an access, not declared: a view of another's data
            raise self.error(f"the buffer {buf.name} over another buffer's data (T.Tensor(shape, dtype, X.data), "
                             "which tilelang_tt.language supports)")
        shape = []
        for dim in buf.shape:
            if type(dim).__name__ == "IntImm":
                shape.append(int(dim.value))
            elif type(dim).__name__ in ("Var", "SizeVar") and scope == "global":
                shape.append(self.var(dim))
            else:
                raise self.error(f"the extent {dim} of buffer {buf.name}")
        converted = ir.buffer(str(buf.name), [d if isinstance(d, ir.Var) else ir.const(d) for d in shape],
                              str(buf.dtype), scope)
        self.buffers[buf] = converted
        return converted

    def var(self, v):
        for known, converted in self.vars.items():
            if known.same_as(v):
                return converted
        converted = ir.Var(str(v.name), str(v.dtype))
        self.vars[v] = converted
        return converted

    def launch(self, loop):
        """Nested blockIdx thread-binding loops around the tilelang_root block: one T.Kernel."""
        bound = {}
        node = loop
        while type(node).__name__ == "For" and node.thread_binding is not None and \
                str(node.thread_binding.thread_tag).startswith("blockIdx."):
            bound[str(node.thread_binding.thread_tag)[-1]] = (node.loop_var, node.extent)
            node = node.body
        axes = sorted(bound)
        if axes != ["x", "y", "z"][:len(axes)]:
            raise self.error("a launch that binds " + ", ".join("blockIdx." + a for a in axes))
        extents = [self.expr(bound[a][1]) for a in axes]
        block_vars = [self.var(bound[a][0]) for a in axes]
        stmts = list(node.seq) if type(node).__name__ == "SeqStmt" else [node]
        stmts = [s for s in stmts if not self.is_thread_index(s)]
        if len(stmts) != 1 or type(stmts[0]).__name__ != "SBlockRealize":
            raise self.error("a T.Kernel body without its tilelang_root block")
        block = stmts[0].block
        threads = [int(t) for t in block.annotations.get("tl.launch_threads", [])] if block.annotations else []
        while threads and threads[-1] == 1 and len(threads) > 1:
            threads.pop()
        allocated = []
        for buf in block.alloc_buffers:
            scope = _SCOPES.get(str(buf.scope()))
            if scope is None or scope == "global":
                raise self.error(f"the allocation of {buf.name} in scope {buf.scope()!r}")
            allocated.append(self.buffer(buf, scope))
        body = self.stmt(block.body)
        for buf in reversed(allocated):
            body = ir.allocate(buf, body)
        return ir.kernel_launch(extents, block_vars, threads, body)

    @staticmethod
    def is_thread_index(stmt):
        """``tx = T.launch_thread_idx(i)``: the GPU thread indices every launch declares."""
        return type(stmt).__name__ == "Bind" and type(stmt.value).__name__ == "Call" and \
            str(stmt.value.op.name).endswith("launch_thread_idx")

    # ---- statements ---------------------------------------------------------------------------
    def stmt(self, s):
        kind = type(s).__name__
        if kind == "SeqStmt":
            return self.seq(list(s.seq))
        if kind == "For":
            return self.loop(s)
        if kind == "Evaluate":
            return self.evaluate(s)
        if kind == "BufferStore":
            return ir.buffer_store(self.buffer(s.buffer, None), self.expr(s.value), [self.expr(i) for i in s.indices])
        if kind == "IfThenElse":
            other = self.stmt(s.else_case) if s.else_case is not None else None
            return ir.if_then_else(self.expr(s.condition), self.stmt(s.then_case), other)
        if kind == "AttrStmt" and str(s.attr_key) == "threadblock_swizzle_pattern":
            order, panel = (v.value if hasattr(v, "value") else v for v in s.value.args)
            if order not in _SWIZZLE_ORDERS:
                raise self.error(f"the swizzle pattern {order!r}")
            self.attrs["tl.use_swizzle"] = {"panel_size": int(panel), "order": _SWIZZLE_ORDERS[order], "enable": True}
            return self.stmt(s.body)
        if kind == "Bind":  # a let on its own: the rest of its sequence is its body
            return self.seq([s])
        raise self.error(f"the statement {kind}", s)

    def seq(self, stmts):
        out = []
        for i, s in enumerate(stmts):
            if type(s).__name__ == "Bind":
                rest = self.seq(stmts[i + 1:]) if i + 1 < len(stmts) else ir.evaluate(ir.const(0))
                out.append(ir.let(self.var(s.var), self.expr(s.value), rest))
                break
            out.append(self.stmt(s))
        return ir.seq(out) if len(out) > 1 else out[0]

    def loop(self, s):
        if s.thread_binding is not None:
            return self.launch(s)
        annotations = {str(k): v for k, v in s.annotations.items()} if s.annotations else {}
        stages = annotations.pop("num_stages", None)
        if annotations:
            raise self.error(f"the loop annotations {sorted(annotations)}")
        kind = _FOR_KINDS.get(int(s.kind))
        if kind is None:
            raise self.error("a vectorized loop")
        if kind == "serial" and stages is not None:
            kind, stages = "pipelined", int(getattr(stages, "value", stages))
        return ir.for_loop(self.var(s.loop_var), self.expr(s.min), self.expr(s.extent), kind, self.stmt(s.body),
                           num_stages=stages or 0)

    def evaluate(self, s):
        call = s.value
        if type(call).__name__ != "Call":
            raise self.error("the evaluated expression", call)
        op = str(call.op.name)
        args = list(call.args)
        if op == "tl.tileop.copy":
            return ir.evaluate(ir.call("tl.copy", [self.region(args[0]), self.region(args[1])]))
        if op == "tl.tileop.fill":
            dst = self.region(args[0])
            return ir.evaluate(ir.call("tl.fill", [dst, ir.cast(dst.buffer.dtype, self.expr(args[1]))]))
        if op == "tl.tileop.gemm":
            regions = [self.region(a) for a in args[:3]]
            flags = [ir.const(bool(self.constant(args[i])), "bool") for i in (3, 4, 9)]
            k_pack = int(call.annotations.get("k_pack", 1)) if getattr(call, "annotations", None) else 1
            policy = _POLICIES.get(int(self.constant(args[8])))
            if policy is None:
                raise self.error("the gemm warp policy", args[8])
            return ir.evaluate(ir.call("tl.gemm", regions + flags + [ir.const(k_pack), ir.string(policy)]))
        if op == "tl.tileop.reduce":
            src, dst = self.region(args[0]), self.region(args[1])
            kind, dim, clear = str(args[2].value), int(self.constant(args[3])), bool(self.constant(args[4]))
            rank = len(src.buffer.shape)
            return ir.evaluate(ir.call("tl.reduce", [src, dst, ir.string(kind), ir.const(dim % rank),
                                                     ir.const(clear, "bool")]))
        raise self.error(f"the operation {op}")

    def region(self, arg):
        """``tl.region(buf[mins], access, *extents)`` as an ir.Region."""
        if type(arg).__name__ != "Call" or str(arg.op.name) not in ("tl.region", "tl.tileop.region"):
            raise self.error("a tile operand that is not a region", arg)
        load, extents = arg.args[0], list(arg.args[2:])
        buf = self.buffer(load.buffer, None)
        mins = [self.expr(i) for i in load.indices]
        extents = [ir.const(1)] * (len(mins) - len(extents)) + [self.expr(e) for e in extents]
        return ir.region(buf, list(zip(mins, extents)))

    def constant(self, e):
        if not hasattr(e, "value"):
            raise self.error("a value that must be a constant", e)
        return e.value

    # ---- expressions --------------------------------------------------------------------------
    def expr(self, e):
        kind = type(e).__name__
        if kind == "IntImm":
            return ir.const(bool(e.value) if str(e.dtype) == "bool" else int(e.value), str(e.dtype))
        if kind == "FloatImm":
            return ir.const(float(e.value), str(e.dtype))
        if kind in ("Var", "SizeVar"):
            return self.var(e)
        if kind in _BINARY:
            return ir.binary(_BINARY[kind], self.expr(e.a), self.expr(e.b))
        if kind == "Not":
            return ir.make_not(self.expr(e.a))
        if kind == "Cast":
            return ir.cast(str(e.dtype), self.expr(e.value))
        if kind == "Select":
            return ir.select(self.expr(e.condition), self.expr(e.true_value), self.expr(e.false_value))
        if kind == "BufferLoad":
            return ir.buffer_load(self.buffer(e.buffer, None), [self.expr(i) for i in e.indices])
        if kind == "Call":
            name = str(e.op.name).rsplit(".", 1)[-1]
            if name == "if_then_else":
                return ir.select(*(self.expr(a) for a in e.args))
            if name in _MATH and len(e.args) == 1:
                x = self.expr(e.args[0])
                if not x.dtype.startswith(("float", "bfloat")):
                    x = ir.cast("float32", x)
                return ir.call("tl." + ("abs" if name == "fabs" else name), [x])
            if name in _CONDITIONS and str(e.dtype) == "bool":  # `a | b` on conditions
                return ir.binary(_CONDITIONS[name], self.expr(e.args[0]), self.expr(e.args[1]))
            if name == "clamp" and len(e.args) == 3:  # TileLang's definition: min(max(x, lo), hi)
                x, lo, hi = (self.expr(a) for a in e.args)
                return ir.binary("Min", ir.binary("Max", x, lo), hi)
            if name == "infinity":
                return ir.const(float("inf"), str(e.dtype))
        raise self.error(f"the expression {kind}", e)
