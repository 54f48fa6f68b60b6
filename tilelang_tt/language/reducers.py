"""TileLang's reducers: ``T.alloc_reducer``, updates inside ``T.Parallel``, ``T.finalize_reducer``.

    R = T.alloc_reducer(block_M, "float32", op="sum", replication="all")
    T.clear(R)
    for k in T.Pipelined(...):
        for i, j in T.Parallel(block_M, block_N):
            R[i] += a[i, j] * x[j]              # or R[i] = T.max(R[i], v) with op="max"
    T.finalize_reducer(R)

On a GPU each thread keeps a partial R and finalize_reducer combines them. On Tenstorrent a tile
operation already sees the whole nest, so an update is parsed as what it means: the updated values
are stored into a fragment of the nest's extents (``R_update[i, j] = a[i, j] * x[j]``), and after
the nest a reduction along the nest's other axes folds them into R without clearing it
(``T.reduce_sum(R_update, R, dim=1, clear=False)``). ``T.finalize_reducer`` then has nothing left
to combine; it is checked (R is a reducer, not finalized twice, not updated after it).
"""

import ast

from .. import ir
from ..errors import ValidationError
from . import builtins as B

REDUCER_OPS = ("sum", "max", "min")
_REPLICATIONS = ("all", "none")


class ParallelNest:
    """One T.Parallel statement being parsed: its loop variables and extents, and the reductions
    its reducer updates need after it."""

    def __init__(self, loop_vars, extents):
        self.loop_vars = loop_vars
        self.extents = extents
        self.updates = []  # (update buffer, reducer, op, reduced axes)


class ReducerParsing:
    """The reducer half of the kernel parser (a mixin of Parser)."""

    def reducer_allocation(self, name, call):
        """``T.alloc_reducer(shape, dtype, op="sum", replication="all")``: a fragment that updates in
        T.Parallel nests fold into."""
        args, _ = self.call_args(call, ["shape", "dtype", "op", "replication"], "alloc_reducer")
        if "shape" not in args or "dtype" not in args:
            raise self.error(call, "T.alloc_reducer needs a shape and a dtype: T.alloc_reducer(block_M, \"float32\")")
        op, replication = args.get("op", "sum"), args.get("replication", "all")
        if op not in REDUCER_OPS:
            raise self.error(call, f"T.alloc_reducer's op= is one of {', '.join(REDUCER_OPS)}, got {op!r}")
        if replication not in _REPLICATIONS:
            raise self.error(call, f"T.alloc_reducer's replication= is \"all\" or \"none\", got {replication!r}")
        buf = self.make_buffer(name, args["shape"], args["dtype"], "fragment", call)
        self.reducers[buf] = {"op": op, "finalized": False}
        return buf

    def finalize_reducer(self, call):
        args, _ = self.call_args(call, ["reducer"], "finalize_reducer")
        buf = args.get("reducer")
        state = self.reducers.get(buf) if isinstance(buf, ir.Buffer) else None
        if state is None:
            raise self.error(call, "T.finalize_reducer takes a buffer allocated with T.alloc_reducer")
        if state["finalized"]:
            raise self.error(call, f"{buf.name} is finalized twice; call T.finalize_reducer once, after its updates")
        state["finalized"] = True
        return []

    def reducer_of(self, target):
        """The reducer buffer a store target (an AST subscript) names, or None."""
        if not isinstance(target, ast.Subscript) or not isinstance(target.value, ast.Name):
            return None
        bound = self.kernel_binding(target.value.id)
        buf = bound[1] if bound else None
        return buf if isinstance(buf, ir.Buffer) and buf in self.reducers else None

    def reducer_update(self, reducer, target, value_node, node, augmented_op=None):
        """``R[i] += v`` (augmented_op ast.Add), ``R[i] = R[i] + v``, ``R[i] = T.max(R[i], v)`` /
        ``T.min``: v stored into R's update fragment, folded into R after the nest."""
        state = self.reducers[reducer]
        kind, value = self.update_kind(reducer, target, value_node, augmented_op)
        if kind is None or kind != state["op"]:
            wanted = "R[i] += value" if state["op"] == "sum" else f"R[i] = T.{state['op']}(R[i], value)"
            raise self.error(node, f"{reducer.name} is a reducer with op=\"{state['op']}\": update it as {wanted}, "
                             "inside T.Parallel", ValidationError)
        if state["finalized"]:
            raise self.error(node, f"{reducer.name} is updated after T.finalize_reducer; finalize it after its updates")
        if not self.parallel_nests:
            raise self.error(node, f"a reducer ({reducer.name}) is updated inside a T.Parallel nest, which it folds "
                             "over; write the update in one")
        nest = self.parallel_nests[-1]
        kept = self.kept_axes(reducer, self.eval_expr(target), nest, node)
        reduced = [axis for axis in range(len(nest.loop_vars)) if axis not in kept]
        shape = [self.python_int(e) for e in nest.extents]
        if not all(isinstance(d, int) for d in shape):
            raise self.error(node, "a reducer is updated in a T.Parallel nest of static extents")
        kept_extents = [shape[axis] for axis in kept]
        if [self.python_int(d) for d in reducer.shape] != kept_extents:
            raise self.error(node, f"{reducer.name} has shape {[self.python_int(d) for d in reducer.shape]}, but the "
                             f"T.Parallel axes it keeps have extents {kept_extents}; give the reducer those extents",
                             ValidationError)
        update = self.make_buffer(self.fresh_name(f"{reducer.name}_update"), shape, reducer.dtype, "fragment", node)
        nest.updates.append((update, reducer, kind, reduced))
        return [self.store_element(update, list(nest.loop_vars), ir.cast(reducer.dtype, self.to_expr(value, node)),
                                   node)]

    def update_kind(self, reducer, target, value_node, augmented_op):
        """("sum" | "max" | "min", the value folded in) of an update, or (None, None)."""
        if augmented_op is not None:
            return ("sum", self.eval_expr(value_node)) if isinstance(augmented_op, ast.Add) else (None, None)
        same = lambda n: ast.unparse(n) == ast.unparse(target)  # noqa: E731 - R[i] itself, as written
        if isinstance(value_node, ast.BinOp) and isinstance(value_node.op, ast.Add):
            for mine, other in ((value_node.left, value_node.right), (value_node.right, value_node.left)):
                if same(mine):
                    return "sum", self.eval_expr(other)
        if isinstance(value_node, ast.Call) and len(value_node.args) == 2 and not value_node.keywords:
            func = self.eval_expr(value_node.func)
            if isinstance(func, B.KernelOnly) and func.name in ("max", "min"):
                a, b = value_node.args
                if same(a) or same(b):
                    return func.name, self.eval_expr(b if same(a) else a)
        return None, None

    def kept_axes(self, reducer, access, nest, node):
        """The nest axes R's indices name, in order: every axis but the one the update folds."""
        indices = [self.to_expr(i, node) if not isinstance(i, tuple) else None for i in access.items]
        if all(isinstance(index, ir.IntImm) for index in indices):  # R[0]: one value for the whole nest
            indices = []
        axes = []
        for index in indices:
            position = next((k for k, v in enumerate(nest.loop_vars) if isinstance(index, ir.Var) and index.name == v.name),
                            None)
            if position is None or (axes and position <= axes[-1]):
                raise self.error(node, f"{reducer.name} is indexed by the T.Parallel variables it keeps, in their order "
                                 "(R[i] in a nest over i, j folds j)", ValidationError)
            axes.append(position)
        if len(axes) != len(nest.loop_vars) - 1:
            raise self.error(node, f"{reducer.name} folds {len(nest.loop_vars) - len(axes)} axes of this T.Parallel "
                             "nest; on Tenstorrent an update folds exactly one (reductions fold a 2-D block along one "
                             "axis into a vector): keep one value per row, R[i] += ... in a nest over i, j",
                             ValidationError)
        return axes

    def with_reductions(self, loop, nest, node):
        """The nest followed by the folds of its reducer updates (into R, without clearing it), their
        update fragments allocated around both."""
        sp = self.span(node)
        stmts = [loop]
        for update, reducer, kind, (axis,) in nest.updates:
            stmts.append(ir.evaluate(ir.call("tl.reduce", [ir.full_region(update), ir.full_region(reducer),
                                                           ir.string(kind), ir.const(axis), ir.const(False, "bool")],
                                             span=sp), span=sp))
        body = ir.seq(stmts, span=sp) if len(stmts) > 1 else loop
        for update, *_ in reversed(nest.updates):
            body = ir.allocate(update, body, span=sp)
        return [body]
