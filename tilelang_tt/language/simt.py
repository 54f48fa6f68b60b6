"""TileLang's SIMT kernels, ``T.get_thread_binding``, rewritten into tile form before they are parsed.

    with T.Kernel(T.ceildiv(N, BLOCK_N), threads=(BLOCK_N, BLOCK_K)) as bn:
        tn = T.get_thread_binding(0)
        tk = T.get_thread_binding(1)
        acc = T.alloc_local((1,), "float")
        ...

A GPU runs such a body once per thread, and TileLang puts barriers between the statements that
share on-chip memory, so each statement sees the ones before it done by every thread. That is the
meaning kept here: every statement runs for all threads at once, as a ``T.Parallel`` nest over the
thread indices it depends on, which is the form a Tensix core computes (whole tiles, no threads):

- a thread-private buffer (``T.alloc_local``) becomes a fragment with one copy per value of the
  thread indices its values depend on (``acc[0]`` becomes ``acc[tn, tk]``);
- a statement that depends on thread indices becomes a ``T.Parallel`` nest over them; the body of
  ``if tk == 0:`` runs for that value of tk;
- a serial loop whose statements store to elements the loop index tells apart
  (``for k in T.serial(K): S[tn, k] = ...``) joins the nest as one more parallel axis; one that
  only accumulates into thread-private values (``for k: acc[0] += ...``) is a fold: acc becomes a
  reducer updated from the nest, finalized before its first read;
- ``T.atomic_add(S[tn], v)`` from threads that differ in an index the element does not name sums v
  along that index with a reducer and adds the sums (a shared destination is one core's memory: a
  plain add; a global one stays a T.atomic_add).

What cannot be written this way (warp shuffles, conditions on thread indices other than t == c,
tile operations that depend on a thread) is a located error naming the tile form.
"""

import ast
import copy
import sys

from ..errors import UnknownNameError, ValidationError
from . import builtins as B

# T.Kernel's thread count when threads= is not given (TileLang's default).
DEFAULT_THREADS = 128
_SERIAL_LOOPS = ("serial", "unroll", "vectorized")
_TILE_FORM = ("write the threads' work as T.Parallel nests over their extents (for i, k in T.Parallel(block_N, "
              "block_K)) and their combined sums as a reducer (R = T.alloc_reducer(block_N, dtype); R[i] += ...; "
              "T.finalize_reducer(R)); see docs/language.md, \"SIMT kernels\"")


def language_call(parser, node, *names):
    """The T.<name> a call node invokes when it is one of names on the language module, else None."""
    func = node.func if isinstance(node, ast.Call) else None
    if not isinstance(func, ast.Attribute) or func.attr not in names or not isinstance(func.value, ast.Name):
        return None
    if parser.kernel_binding(func.value.id) is not None:
        return None
    return func.attr if parser.source.env.get(func.value.id) is sys.modules[__package__] else None


def binds_threads(parser, stmts):
    """Whether a T.Kernel body calls T.get_thread_binding anywhere (it is then SIMT code)."""
    return any(language_call(parser, n, "get_thread_binding") for s in stmts for n in ast.walk(s))


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class _Substitute(ast.NodeTransformer):
    """Names replaced by expressions, and thread-private buffers indexed by their copies' thread
    indices: the statement as the tile form writes it."""

    def __init__(self, simt, substitutions):
        self.simt = simt
        self.substitutions = substitutions

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.substitutions:
            return ast.copy_location(copy.deepcopy(self.substitutions[node.id]), node)
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        name = node.value.id if isinstance(node.value, ast.Name) else None
        if name not in self.simt.locals:
            return node
        axes = self.simt.local_axes[name]
        items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if self.simt.drops_unit(name):
            if len(items) != 1 or not (isinstance(items[0], ast.Constant) and items[0].value == 0):
                raise self.simt.error(node, f"{name} holds one value per thread; index it as {name}[0]")
            items = []
        index = [self.visit_Name(ast.Name(a, ast.Load())) for a in axes] + items
        node.slice = ast.Tuple(index, ast.Load()) if len(index) != 1 else index[0]
        return node


class SimtBody:
    """One T.Kernel body with thread bindings, and its rewriting."""

    def __init__(self, parser, threads, block_names):
        self.parser = parser
        self.block_names = set(block_names)  # the T.Kernel's block variables (bound after the rewrite)
        self.extents = list(threads) or [DEFAULT_THREADS]
        self.module = None  # the expression naming the language module, as the kernel writes it
        self.threads = {}  # bound thread index name -> its dimension of threads=
        self.locals = {}  # T.alloc_local name -> its declared shape
        self.local_axes = {}  # T.alloc_local name -> the thread indices its copies are told apart by
        self.shared = set()  # T.alloc_shared / T.alloc_fragment names: one core's memory
        self.lets = {}  # name -> the thread-dependent index expression it stands for
        self.reducers = set()  # locals accumulated by folds
        self.folds = {}  # id of a fold nest -> the reducer it updates
        self.fresh = 0

    def error(self, node, message):
        return self.parser.error(node, message, ValidationError)

    def call(self, name, args, keywords=()):
        return ast.Call(ast.Attribute(copy.deepcopy(self.module), name, ast.Load()), list(args), list(keywords))

    def drops_unit(self, name):
        """A one-element local with thread copies is indexed by the thread indices alone."""
        return list(self.locals[name]) == [1] and bool(self.local_axes[name])

    # ---- analysis ---------------------------------------------------------------------------
    def rewrite(self, body):
        stmts = []
        for stmt in body:
            if isinstance(stmt, ast.Assign) and language_call(self.parser, stmt.value, "get_thread_binding"):
                self.bind_thread(stmt)
            else:
                stmts.append(stmt)
        names = []
        for node in (n for s in stmts for n in ast.walk(s)):
            other = language_call(self.parser, node, *(B.SIMT_NAMES - {"get_thread_binding"}))
            if other:
                raise self.parser.error(node, B.unknown_name_message(other), UnknownNameError)
            if language_call(self.parser, node, "get_thread_binding"):
                raise self.error(node, "T.get_thread_binding binds a thread index at the top of the T.Kernel body "
                                 "(tn = T.get_thread_binding(0)), before its other statements")
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if not self.declare_buffer(node.targets[0].id, node):
                    names.append(node)
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and node.target.id in self.threads:
                raise self.error(node.target, f"the loop variable {node.target.id} hides the thread index of that "
                                 "name; rename one of them")
        known = None
        while known != (set(self.lets), dict((k, list(v)) for k, v in self.local_axes.items())):
            known = (set(self.lets), dict((k, list(v)) for k, v in self.local_axes.items()))
            for node in names:
                self.declare_let(node.targets[0].id, node)
            self.infer_local_axes(stmts)
        self.find_reducers(stmts)
        out = self.block(stmts, {})
        for stmt in out:
            ast.fix_missing_locations(stmt)
        return out

    def bind_thread(self, stmt):
        target, call = stmt.targets[0], stmt.value
        if len(stmt.targets) != 1 or not isinstance(target, ast.Name):
            raise self.error(stmt, "bind one thread index per T.get_thread_binding: tn = T.get_thread_binding(0)")
        if call.keywords or len(call.args) > 1 or (call.args and names_in(call.args[0]) & self.block_names):
            raise self.error(call, "T.get_thread_binding takes one argument, the thread dimension: a constant 0, 1 "
                             "or 2")
        if target.id in self.block_names or self.parser.kernel_binding(target.id) is not None:
            raise self.error(target, f"{target.id} already names a block variable or a tensor; give the thread index "
                             "a name of its own")
        dim = self.parser.eval_python(call.args[0], "the thread dimension") if call.args else 0
        if isinstance(dim, bool) or not isinstance(dim, int) or not 0 <= dim < len(self.extents):
            raise self.error(call, f"T.get_thread_binding({dim!r}) names no thread dimension: threads= of this "
                             f"T.Kernel has {len(self.extents)} ({self.extents}), numbered from 0")
        if dim in self.threads.values():
            raise self.error(call, f"thread dimension {dim} is bound twice; bind each dimension to one name")
        self.threads[target.id] = dim
        self.module = call.func.value

    def declare_buffer(self, name, node):
        """Records an allocation: a thread-private buffer or an on-chip one. False for other assignments."""
        kind = language_call(self.parser, node.value, "alloc_local", "alloc_shared", "alloc_fragment", "alloc_var",
                             "alloc_reducer")
        if kind == "alloc_var":
            raise self.error(node, f"T.alloc_var in SIMT code is one value per thread; declare it as {name} = "
                             f"T.alloc_local((1,), dtype) and use {name}[0]")
        if kind == "alloc_local":
            args = node.value.args[:1] or [k.value for k in node.value.keywords if k.arg == "shape"]
            shape = self.parser.eval_python(args[0], "the shape of T.alloc_local") if args else None
            shape = [shape] if isinstance(shape, int) else shape
            if not isinstance(shape, (list, tuple)) or not all(isinstance(d, int) and d > 0 for d in shape):
                raise self.error(node.value, "T.alloc_local in SIMT code needs a shape of positive Python ints, "
                                 "e.g. T.alloc_local((1,), dtype)")
            self.locals[name] = list(shape)
            self.local_axes[name] = []
        elif kind is not None:
            self.shared.add(name)
        return kind is not None

    def declare_let(self, name, node):
        """A name bound to a thread-dependent index expression stands for it where it is used."""
        if name in self.lets or not self.depends(node.value):
            return
        if any(isinstance(n, ast.Subscript) for n in ast.walk(node.value)):
            raise self.error(node, f"{name} is a thread-dependent value read from a buffer; store it in a "
                             f"T.alloc_local((1,), dtype) buffer instead of a name")
        self.lets[name] = _Substitute(self, self.lets).visit(copy.deepcopy(node.value))

    def depends(self, node):
        """The thread indices an expression depends on: named, through lets, or through the copies
        of the thread-private buffers it reads."""
        found = set()
        for name in names_in(node):
            if name in self.threads:
                found.add(name)
            elif name in self.lets:
                found |= self.depends(self.lets[name])
            elif name in self.locals:
                found |= set(self.local_axes[name])
        return found

    def stores(self, stmts, pinned):
        """(target, value, node, pinned thread indices) of every element store in stmts."""
        for s in stmts:
            if isinstance(s, (ast.Assign, ast.AugAssign)):
                target = s.targets[0] if isinstance(s, ast.Assign) else s.target
                if isinstance(target, ast.Subscript):
                    yield target, s.value, s, pinned
            elif isinstance(s, ast.For):
                yield from self.stores(s.body, pinned)
            elif isinstance(s, ast.If):
                equalities = self.thread_equalities(s.test)
                inner = pinned | set(equalities or {})
                yield from self.stores(s.body, inner)
                yield from self.stores(s.orelse, inner)

    def infer_local_axes(self, stmts):
        """Each thread-private buffer's copies: the thread indices of the values stored into it
        (its index, the value, the thread conditions around the store), to a fixed point."""
        changed = True
        while changed:
            changed = False
            for target, value, _, pinned in self.stores(stmts, set()):
                name = target.value.id if isinstance(target.value, ast.Name) else None
                if name not in self.locals:
                    continue
                axes = self.depends(target.slice) | self.depends(value) | pinned | set(self.local_axes[name])
                ordered = sorted(axes, key=self.threads.get)
                if ordered != self.local_axes[name]:
                    self.local_axes[name], changed = ordered, True

    def find_reducers(self, stmts):
        """The one-element locals with thread copies that folds accumulate and nothing else stores
        into; a fold loop that also accumulates another value keeps all of its targets plain."""
        loops = [n for s in stmts for n in ast.walk(s) if isinstance(n, ast.For) and self.fold_targets(n)]
        candidates = {name for loop in loops for name in self.fold_targets(loop) if self.drops_unit(name)}
        in_folds = {id(s) for loop in loops for s in loop.body}
        for target, _, node, _ in self.stores(stmts, set()):
            if isinstance(target.value, ast.Name) and id(node) not in in_folds:
                candidates.discard(target.value.id)
        changed = True
        while changed:
            changed = False
            for loop in loops:
                targets = set(self.fold_targets(loop))
                if targets & candidates and not targets <= candidates:
                    candidates -= targets
                    changed = True
        self.reducers = candidates

    def fold_targets(self, loop):
        """The locals a loop accumulates when it is a fold (every statement is ``L[0] += v``, v not
        reading what the loop stores), else none."""
        extent = self.loop_extent(loop)
        if extent is None or self.static_extent(extent) == 1:
            return []  # not a loop: a loop of one iteration is its body
        targets = []
        for s in loop.body:
            if not (isinstance(s, ast.AugAssign) and isinstance(s.op, ast.Add) and isinstance(s.target, ast.Subscript)
                    and isinstance(s.target.value, ast.Name) and s.target.value.id in self.locals
                    and loop.target.id not in names_in(s.target.slice)):
                return []
            targets.append(s.target.value.id)
        if any(set(targets) & names_in(s.value) for s in loop.body):
            return []
        return targets

    def loop_extent(self, loop):
        """The extent of a one-argument serial loop (T.serial(E), range(E), T.unroll(E), T.vectorized(E))
        over a plain name, else None."""
        call = loop.iter
        kind = language_call(self.parser, call, *_SERIAL_LOOPS) or \
            ("range" if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"
             else None)
        if kind is None or len(call.args) != 1 or call.keywords or not isinstance(loop.target, ast.Name):
            return None
        return call.args[0]

    def thread_equalities(self, test):
        """{thread index: value} when a condition pins thread indices (tk == 0, tn == 0 and tk == 0),
        else None."""
        parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
        pinned = {}
        for part in parts:
            if not (isinstance(part, ast.Compare) and len(part.ops) == 1 and isinstance(part.ops[0], ast.Eq)):
                return None
            left, right = part.left, part.comparators[0]
            if isinstance(right, ast.Name) and right.id in self.threads:
                left, right = right, left
            if not (isinstance(left, ast.Name) and left.id in self.threads) or self.depends(right):
                return None
            pinned[left.id] = right
        return pinned

    # ---- rewriting --------------------------------------------------------------------------
    def block(self, stmts, pinned):
        out = []
        for s in stmts:
            out.extend(self.statement(s, pinned))
        for name in self.reducers:
            if any(isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name) and s.targets[0].id == name
                   for s in stmts):
                self.finalize(out, name)
        return out

    def substituted(self, node, pinned):
        return _Substitute(self, {**self.lets, **pinned}).visit(copy.deepcopy(node))

    def thread_axes(self, node):
        return sorted(names_in(node) & set(self.threads), key=self.threads.get)

    def nest(self, axes, body, origin):
        """``for axes in T.Parallel(extents): body``: axes are thread indices or (name, extent) pairs."""
        names = [a if isinstance(a, str) else a[0] for a in axes]
        extents = [ast.Constant(self.extents[self.threads[a]]) if isinstance(a, str) else copy.deepcopy(a[1])
                   for a in axes]
        target = ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store()) if len(names) > 1 \
            else ast.Name(names[0], ast.Store())
        loop = ast.For(target, self.call("Parallel", extents), list(body) if isinstance(body, list) else [body], [])
        return ast.copy_location(loop, origin)

    def statement(self, s, pinned):
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            return self.assignment(s, pinned)
        if isinstance(s, (ast.Assign, ast.AugAssign)):
            return self.element_store(s, pinned)
        if isinstance(s, ast.Expr) and language_call(self.parser, s.value, "atomic_add"):
            return self.atomic_add(s, pinned)
        if isinstance(s, ast.If):
            return self.condition(s, pinned)
        if isinstance(s, ast.For):
            return self.loop(s, pinned)
        new = self.substituted(s, pinned)
        per_thread = [n for n in names_in(new) if n in self.locals and self.local_axes[n]]
        if self.thread_axes(new) or (per_thread and not language_call(self.parser, getattr(s, "value", None),
                                                                       "clear", "fill")):
            raise self.error(s, "a tile operation runs once for the whole block, so in SIMT code it cannot depend on "
                             f"a thread index or a thread-private buffer; {_TILE_FORM}")
        return [new]

    def assignment(self, s, pinned):
        name = s.targets[0].id
        if name in self.lets:
            return []  # inlined where it is used
        if name in self.locals and self.local_axes[name]:
            call = s.value
            if not self.drops_unit(name):
                count = " x ".join(map(str, self.locals[name]))
                raise self.error(s, f"{name} keeps {count} values per thread: an array in each thread, which has no "
                                 "Tenstorrent form (a tile spreads its elements over rows and columns, not threads); "
                                 f"give each thread one value, {name} = T.alloc_local((1,), dtype), with as many "
                                 "threads as values along that axis (the naive GEMV's threads=(BLOCK_N, BLOCK_K)), "
                                 f"or {_TILE_FORM}")
            shape = [self.extents[self.threads[a]] for a in self.local_axes[name]]  # one value per thread
            dtype = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "dtype"), None)
            if dtype is None:
                raise self.error(call, f"T.alloc_local needs a dtype: {name} = T.alloc_local((1,), \"float32\")")
            kind = "alloc_reducer" if name in self.reducers else "alloc_fragment"
            alloc = self.call(kind, [ast.Tuple([ast.Constant(d) for d in shape], ast.Load()), copy.deepcopy(dtype)])
            return [ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], alloc), s)]
        return [self.substituted(s, pinned)]

    def element_store(self, s, pinned, axis=None):
        """A store run by every thread: a T.Parallel nest over the thread indices it depends on, and
        axis (a loop joining the nest as (name, extent)) last."""
        new = self.substituted(s, pinned)
        axes = self.thread_axes(new)
        target = new.targets[0] if isinstance(new, ast.Assign) else new.target
        name = target.value.id if isinstance(target.value, ast.Name) else None
        if isinstance(s, ast.AugAssign) and name not in self.locals:
            shared_by = set(axes) - set(self.thread_axes(target.slice))
            if shared_by:
                raise self.error(s, f"threads that differ in {', '.join(sorted(shared_by))} update one element of "
                                 f"{name} without an atomic; write T.atomic_add({ast.unparse(s.target)}, ...)")
        if axis is not None:
            axes.append(axis)
        return [self.nest(axes, new, s)] if axes else [new]

    def fold(self, s, pinned, axis):
        """``L[0] += v`` in a fold over axis: a reducer update from the nest of L's copies and axis."""
        name = s.target.value.id
        if set(pinned) & set(self.local_axes[name]):
            raise self.error(s, f"{name} is accumulated by a loop for some threads only (a condition on "
                             f"{', '.join(sorted(set(pinned) & set(self.local_axes[name])))}); accumulate it for "
                             "every thread and pick the result after the loop")
        loop = self.nest(list(self.local_axes[name]) + [axis], self.substituted(s, pinned), s)
        self.folds[id(loop)] = name
        return loop

    def finalize(self, out, name):
        """T.finalize_reducer(name) before the first statement after its folds that reads it."""
        def mentions(node, skip_folds):
            if skip_folds and id(node) in self.folds:
                return False
            return (isinstance(node, ast.Name) and node.id == name) or \
                any(mentions(child, skip_folds) for child in ast.iter_child_nodes(node))
        folded = [i for i, s in enumerate(out) if any(self.folds.get(id(n)) == name for n in ast.walk(s))]
        if not folded:
            return
        at = next((i for i in range(folded[-1] + 1, len(out)) if mentions(out[i], True)), len(out))
        done = ast.Expr(self.call("finalize_reducer", [ast.Name(name, ast.Load())]))
        out.insert(at, ast.copy_location(done, out[at] if at < len(out) else out[-1]))

    def atomic_add(self, s, pinned):
        """T.atomic_add(dst[index], value) run by every thread."""
        call = self.substituted(s.value, pinned)
        args = dict(zip(("dst", "value"), call.args))
        args.update({k.arg: k.value for k in call.keywords if k.arg in ("dst", "value")})
        dst, value = args.get("dst"), args.get("value")
        axes = self.thread_axes(call)
        covered = {self.threads[a] for a in [*axes, *pinned] if a in self.threads}
        repeated = [d for d, e in enumerate(self.extents) if e > 1 and d not in covered]
        if repeated:
            raise self.error(s, f"every thread of dimension {repeated[0]} of threads= runs this T.atomic_add with the "
                             "same destination and value, so the value would be added once per thread; make the "
                             f"value depend on that dimension's index (t = T.get_thread_binding({repeated[0]})) or "
                             "add it under a condition that picks one thread (if t == 0:)")
        if not axes:
            return [ast.copy_location(ast.Expr(call), s)]
        if not isinstance(dst, ast.Subscript) or not isinstance(dst.value, ast.Name) or value is None:
            raise self.error(s, "T.atomic_add in SIMT code adds into one element, T.atomic_add(S[tn], value)")
        kept = self.thread_axes(dst.slice)
        folded = [a for a in axes if a not in kept]
        if not folded:
            return [self.nest(axes, self.add_into(dst, value, s), s)]
        if len(folded) > 1 or not kept:
            raise self.error(s, f"T.atomic_add sums over the thread indices {', '.join(folded)} into "
                             f"{'one element' if not kept else 'each element'}; on Tenstorrent a sum folds one "
                             f"axis of a block into a vector: keep one index of the element per thread index but "
                             f"one ({_TILE_FORM})")
        self.fresh += 1
        partial = f"{dst.value.id}_thread_sum{self.fresh}"
        extents = ast.Tuple([ast.Constant(self.extents[self.threads[a]]) for a in kept], ast.Load())
        index = lambda: ast.Tuple([ast.Name(a, ast.Load()) for a in kept], ast.Load()) if len(kept) > 1 \
            else ast.Name(kept[0], ast.Load())  # noqa: E731
        element = lambda ctx: ast.Subscript(ast.Name(partial, ast.Load()), index(), ctx)  # noqa: E731
        dtype = ast.Attribute(ast.Name(dst.value.id, ast.Load()), "dtype", ast.Load())
        stmts = [
            ast.Assign([ast.Name(partial, ast.Store())], self.call("alloc_reducer", [extents, dtype])),
            ast.Expr(self.call("clear", [ast.Name(partial, ast.Load())])),
            self.nest(axes, ast.AugAssign(element(ast.Store()), ast.Add(), value), s),
            ast.Expr(self.call("finalize_reducer", [ast.Name(partial, ast.Load())])),
            self.nest(kept, self.add_into(dst, element(ast.Load()), s), s),
        ]
        return [ast.copy_location(stmt, s) for stmt in stmts]

    def add_into(self, dst, value, origin):
        """dst += value for one thread: a plain add into one core's on-chip buffer; T.atomic_add into a
        global tensor, which other blocks may add to."""
        if dst.value.id in self.shared or dst.value.id in self.locals:
            store = ast.Assign([copy.deepcopy(dst)], ast.BinOp(copy.deepcopy(dst), ast.Add(), value))
            store.targets[0].ctx = ast.Store()
            return ast.copy_location(store, origin)
        return ast.copy_location(ast.Expr(self.call("atomic_add", [dst, value])), origin)

    def condition(self, s, pinned):
        test = self.substituted(s.test, pinned)
        if not self.thread_axes(test):
            other = self.block(s.orelse, pinned)
            return [ast.copy_location(ast.If(test, self.block(s.body, pinned) or [ast.Pass()], other), s)]
        equalities = self.thread_equalities(test)
        if equalities is None:
            raise self.error(s.test, "a condition on thread indices in SIMT code can only pick threads by equality "
                             "(if tk == 0:, if tn == 0 and tk == 0:); for others compute the value for every thread "
                             "with T.if_then_else(cond, a, b)")
        if s.orelse:
            raise self.error(s, "an else branch of a condition on thread indices runs on the other threads, which "
                             "SIMT code on Tenstorrent does not map; write each branch as its own condition")
        return self.block(s.body, {**pinned, **equalities})

    def loop(self, s, pinned):
        iter_call = self.substituted(s.iter, pinned)
        if self.thread_axes(iter_call):
            raise self.error(s.iter, "a loop whose range depends on a thread index runs a different number of times "
                             "per thread; loop over the whole range and pick the elements with T.if_then_else")
        extent = self.loop_extent(s)
        if extent is not None and self.static_extent(extent) == 1:
            return self.block(s.body, {**pinned, s.target.id: ast.Constant(0)})
        if extent is not None:
            axis = (s.target.id, self.substituted(extent, pinned))
            if self.is_map(s):
                return [n for stmt in s.body for n in self.element_store(stmt, pinned, axis)]
            if self.fold_targets(s) and set(self.fold_targets(s)) <= self.reducers:
                return [self.fold(stmt, pinned, axis) for stmt in s.body]
        if language_call(self.parser, iter_call, "vectorized"):
            iter_call.func.attr = "serial"  # a GPU vector width; a serial loop over its elements
        elif language_call(self.parser, iter_call, "Parallel") and self.depends_on_threads(s):
            raise self.error(s, f"T.Parallel inside SIMT code depends on a thread index; {_TILE_FORM}")
        body = self.block(s.body, pinned)
        return [ast.copy_location(ast.For(s.target, iter_call, body or [ast.Pass()], []), s)]

    def static_extent(self, extent):
        """A loop extent's value when it is a Python int (TILE_K, T.ceildiv(BLOCK_K, threads)), else None."""
        if any(self.parser.kernel_binding(n) is not None or n not in self.parser.source.env for n in names_in(extent)):
            return None  # a kernel value, or a name the kernel binds (a loop variable)
        value = self.parser.eval_expr(extent)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def depends_on_threads(self, s):
        return any(self.depends(n) for n in ast.walk(s) if isinstance(n, ast.expr))

    def is_map(self, loop):
        """Whether a loop's iterations store to distinct elements and read only the elements they
        store (its statements then run for all iterations at once, in order)."""
        index = loop.target.id
        written = {}
        for s in loop.body:
            if not (isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Subscript)
                    and isinstance(s.targets[0].value, ast.Name)):
                return False
            target = s.targets[0]
            items = target.slice.elts if isinstance(target.slice, ast.Tuple) else [target.slice]
            if target.value.id in self.reducers or not any(isinstance(i, ast.Name) and i.id == index for i in items):
                return False
            written.setdefault(target.value.id, set()).add(ast.unparse(target.slice))
        for s in loop.body:
            for read in (n for n in ast.walk(s.value) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)):
                if read.value.id in written and {ast.unparse(read.slice)} != written[read.value.id]:
                    return False
        return True
