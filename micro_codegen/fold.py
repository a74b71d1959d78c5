"""Constant folding: the first compile stage (``ir.Graph`` -> ``ir.Graph``).

A node whose inputs are all constant (weights, or outputs of nodes folded before it) is
evaluated once, at generation time, by the reference interpreter's kernel; its outputs
become constant tensors and the node disappears, so no kernel runs for it on the target.
``Shape`` of a tensor with a static shape folds too, whatever the tensor's values: the
typical ``Shape -> Gather -> Concat -> Reshape`` chains of converted models then reduce to a
constant shape operand.

A folded tensor that is a graph output still has to reach the output buffer: it stays an
activation, written by one :data:`CONSTANT_OUTPUT` node that copies the constant (that node
is internal; it never appears in a ``.ms`` file).

Shapes the file leaves unknown (``[]``, as converters write downstream of a reshape they
could not resolve) are filled in by running the remaining nodes' reference kernels on zeros.
Inputs that only set shapes (slice bounds, paddings, multiples, ``k``, target shapes:
:func:`shape_inputs`) make output shapes depend on input values; static code needs their
values at generation time: :func:`bind_inputs` turns them into constants (``--bind``), which
then fold.

Nodes keep their names; :class:`Folded` maps each node of the folded graph back to its
index in the original graph, so that messages can name the node as ``inspect`` shows it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .compiled import BoundInput
from .errors import UnsupportedOpError
from .ir import Graph, Node, SubGraph, Tensor

#: ops whose output holds the input's bytes unchanged, in another shape
RESHAPES = ("Reshape", "Flatten", "Squeeze", "Unsqueeze", "ExpandDims")

#: ops that only run at generation time (no kernel): why a node of them that does not fold is refused
FOLD_ONLY = {
    "Shape": "runs at generation time only: the input shape must be static",
    "Range": "runs at generation time only: start, limit and delta must be constants (else the output "
             "length depends on the input values)",
}

#: internal op of a graph output whose value was folded: copies constant input 0 to output 0
CONSTANT_OUTPUT = "ConstantOutput"


@dataclass(frozen=True)
class Folded:
    graph: Graph
    origin: tuple[int, ...]        # original node index of each node of ``graph``
    folded: tuple[int, ...]        # original indices of the nodes evaluated at generation time
    problems: tuple[tuple[int, str], ...] = ()   # (original node index, why it cannot fold as declared)


def _static(t: Tensor) -> bool:
    """Shape known: not empty (``[]`` means "unknown" in converted models) and no -1."""
    return bool(t.shape) and all(d >= 0 for d in t.shape)


def _foldable(tensors: list[Tensor], node: Node, const: dict[int, np.ndarray]) -> bool:
    if node.op == "Shape":
        return len(node.inputs) == 1 and _static(tensors[node.inputs[0]])
    return bool(node.inputs) and all(ti in const for ti in node.inputs)


def _run_kernel(g: Graph, index: int, ins: list[np.ndarray], tensors: list[Tensor]) -> list[np.ndarray] | None:
    """Node ``index``'s outputs by its reference kernel on ``ins``, or None when it has no
    kernel or the kernel refuses (the node is then left to ``check``, which names why)."""
    from .reference.registry import KERNELS, OpContext
    node = g.nodes[index]
    fn = KERNELS.get(node.op)
    if fn is None:
        return None
    ctx = OpContext(g, index, node, ins, [tensors[i] for i in node.inputs], [tensors[i] for i in node.outputs])
    try:
        with np.errstate(all="ignore"):
            outs = fn(ctx)
    except (UnsupportedOpError, ValueError, IndexError, TypeError, ZeroDivisionError):
        return None
    if len(outs) != len(node.outputs):
        return None
    return [np.ascontiguousarray(np.asarray(o).astype(tensors[t].dtype.np, copy=False))
            for o, t in zip(outs, node.outputs)]


def _evaluate(g: Graph, index: int, const: dict[int, np.ndarray], tensors: list[Tensor]) -> list[np.ndarray] | None:
    ins = [const[ti] if ti in const else np.zeros(tensors[ti].shape, tensors[ti].dtype.np)
           for ti in g.nodes[index].inputs]
    return _run_kernel(g, index, ins, tensors)


def _infer_shapes(g: Graph, tensors: list[Tensor], keep: list[int]) -> bool:
    """Give the activations whose shape the file leaves unknown (``[]``: converters write that
    downstream of a reshape they could not resolve) the shape the reference kernels compute,
    running the kept nodes on zeros. True if a shape was filled in."""
    if all(tensors[t].shape for i in keep for t in g.nodes[i].outputs):
        return False
    vals = {i: t.array for i, t in enumerate(tensors) if t.is_const}
    # graph inputs: their shapes are what the generated code takes (``[]``: one element)
    vals.update({ti: np.zeros(tensors[ti].shape, tensors[ti].dtype.np) for ti in g.inputs
                 if all(d >= 0 for d in tensors[ti].shape)})
    changed = False
    for i in keep:
        node = g.nodes[i]
        if not all(t in vals for t in node.inputs) or any(
                not tensors[node.inputs[k]].is_const for k in VALUE_SHAPED.get(node.op, ()) if k < len(node.inputs)):
            continue          # an output shape that depends on run-time values: not guessed
        ins = [vals[t] for t in node.inputs]
        outs = _run_kernel(g, i, ins, tensors)
        if outs is None:      # zeros can be refused (an integer divisor): the shape is the same with ones
            outs = _run_kernel(g, i, [v if tensors[t].is_const else np.ones_like(v)
                                      for v, t in zip(ins, node.inputs)], tensors)
        for ti, arr in zip(node.outputs, outs or ()):
            t = tensors[ti]
            if not t.shape and arr.ndim:
                tensors[ti] = dataclasses.replace(t, shape=tuple(arr.shape))
                changed = True
            elif t.size != arr.size:
                continue              # the kernel disagrees with the file: leave it to check
            vals[ti] = arr.reshape(tensors[ti].shape)
    return changed


def fold_constants(g: Graph) -> Folded:
    """``g`` with every constant-input node evaluated (see the module docstring). Folding and
    shape inference alternate until neither changes anything (an inferred shape can make a
    ``Shape`` node foldable)."""
    const = {i: t.array for i, t in enumerate(g.tensors) if t.is_const}
    tensors = list(g.tensors)
    keep = list(range(len(g.nodes)))
    folded: list[int] = []
    problems: list[tuple[int, str]] = []
    resolved = False
    while True:
        before = len(folded)
        rest = []
        for i in keep:
            node = g.nodes[i]
            outs = _evaluate(g, i, const, tensors) if _foldable(tensors, node, const) else None
            bad = outs is not None and _declared_mismatch(tensors, node, outs)
            if bad:
                problems.append((i, bad))
            if outs is None or bad:
                rest.append(i)
                continue
            folded.append(i)
            for ti, arr in zip(node.outputs, outs):
                t = tensors[ti]
                arr = arr.reshape(t.shape) if _static(t) else arr     # the file's shape wins
                const[ti] = arr
                tensors[ti] = dataclasses.replace(t, shape=tuple(arr.shape), data=arr.astype(
                    t.dtype.np.newbyteorder("<"), copy=False).tobytes())
        keep = rest
        inferred = _infer_shapes(g, tensors, keep)
        resolved |= inferred
        if len(folded) == before and not inferred:
            break
    folded.sort()
    if not folded and not resolved and not any(t.is_const for t in (g.tensors[o] for o in g.outputs)):
        return Folded(g, tuple(range(len(g.nodes))), (), tuple(problems))
    return dataclasses.replace(_with_constant_outputs(g, tensors, keep, folded), problems=tuple(problems))


def _declared_mismatch(tensors: list[Tensor], node: Node, outs: list[np.ndarray]) -> str | None:
    """Why the values computed at generation time cannot be the node's outputs: a static shape
    in the file with another element count."""
    for ti, arr in zip(node.outputs, outs):
        t = tensors[ti]
        if _static(t) and t.size != arr.size:
            return (f"computed at generation time (constant inputs), its output '{t.name}' has shape "
                    f"{list(arr.shape)}; the file declares {list(t.shape)}")
    return None


def _with_constant_outputs(g: Graph, tensors: list[Tensor], keep: list[int], folded: list[int]) -> Folded:
    """The graph of the ``keep`` nodes; each constant graph output becomes an activation written
    by a CONSTANT_OUTPUT node from a copy of the constant (which other readers then read)."""
    copy_of: dict[int, int] = {}
    added: list[Node] = []
    producers = g.producers()
    for ti in dict.fromkeys(g.outputs):
        if tensors[ti].is_const:
            out = tensors[ti]
            tensors[ti] = dataclasses.replace(out, data=None)
            tensors.append(dataclasses.replace(out, name=f"{out.name}/folded"))
            copy_of[ti] = len(tensors) - 1
            added.append(Node(name=f"{out.name}/constant", op=CONSTANT_OUTPUT, inputs=(len(tensors) - 1,),
                              outputs=(ti,)))
    nodes = [dataclasses.replace(g.nodes[i], inputs=tuple(copy_of.get(t, t) for t in g.nodes[i].inputs))
             for i in keep] + added
    origin = list(keep) + [producers.get(n.outputs[0], -1) for n in added]
    subgraphs = g.subgraphs
    if len(subgraphs) == 1:
        s = subgraphs[0]
        subgraphs = (SubGraph(s.name, s.inputs, s.outputs, tuple(range(len(nodes))), tuple(range(len(tensors)))),)
    return Folded(dataclasses.replace(g, tensors=tuple(tensors), nodes=tuple(nodes), subgraphs=subgraphs),
                  tuple(origin), tuple(folded))


# ---------------------------------------------------------------- inputs that set shapes

#: per op, the input positions whose values decide an output shape (slice bounds, paddings,
#: multiples, k, target shapes, axes): static code needs them at generation time
SHAPE_OPERANDS: dict[str, tuple[int, ...]] = {
    "PadFusion": (1, 3), "StridedSlice": (1, 2, 3, 4), "SliceFusion": (1, 2, 3), "TileFusion": (1,),
    "BroadcastTo": (1,), "TopKFusion": (1,), "Reshape": (1,), "ExpandDims": (1,), "Range": (0, 1, 2),
    "ReduceFusion": (1,), "Resize": (1,), "CumSum": (1,), "Transpose": (1,), "Gather": (2,),
    "Squeeze": (1,), "Unsqueeze": (1,),
}

#: SHAPE_OPERANDS, plus operands the file's semantics ignore but the reference reads (Split's
#: sizes: MindSpore Lite splits by the declared output shapes): shape inference never runs a
#: node on run-time values there
VALUE_SHAPED = {**SHAPE_OPERANDS, "Split": (1,)}


def shape_inputs(g: Graph) -> list[int]:
    """Positions (in ``g.inputs``) of the integer inputs that only set shapes: every path from
    them ends in a SHAPE_OPERANDS position, through nodes that would fold once they are known."""
    consumers = g.consumers()
    memo: dict[int, bool] = {}

    def shape_only(ti: int, seen: frozenset) -> bool:
        if ti in memo:
            return memo[ti]
        if ti in g.outputs or ti in seen or ti not in consumers:
            return False
        ok = True
        for ni in dict.fromkeys(consumers[ti]):
            node = g.nodes[ni]
            positions = [k for k, t in enumerate(node.inputs) if t == ti]
            if all(k in SHAPE_OPERANDS.get(node.op, ()) for k in positions):
                continue
            others_known = all(g.tensors[t].is_const or t == ti for t in node.inputs)
            if not (others_known and node.outputs and all(shape_only(o, seen | {ti}) for o in node.outputs)):
                ok = False
                break
        memo[ti] = ok
        return ok

    return [k for k, ti in enumerate(g.inputs)
            if np.issubdtype(g.tensors[ti].dtype.np, np.integer) and shape_only(ti, frozenset())]


def bind_inputs(g: Graph, values: dict[str, np.ndarray]) -> tuple[Graph, tuple[BoundInput, ...]]:
    """``g`` with the named inputs turned into constants of the given values (then folded by
    :func:`fold_constants`). Raises ModelFileError for an unknown name or a value that does not
    fit the input's dtype and known dimensions."""
    from .errors import ModelFileError
    by_name = {g.tensors[ti].name: (k, ti) for k, ti in enumerate(g.inputs)}
    tensors = list(g.tensors)
    bound = []
    for name, value in values.items():
        if name not in by_name:
            raise ModelFileError(f"--bind {name}: the model has no input '{name}' (inputs: "
                                 f"{', '.join(by_name) or 'none'})")
        k, ti = by_name[name]
        t = tensors[ti]
        arr = np.asarray(value)
        if np.issubdtype(t.dtype.np, np.integer) and not np.issubdtype(arr.dtype, np.integer) \
                and not np.all(arr == np.round(arr)):
            raise ModelFileError(f"--bind {name}: input '{name}' is {t.dtype.short}; got non-integer values")
        arr = arr.astype(t.dtype.np)
        known = t.shape and all(d >= 0 for d in t.shape)
        if known and arr.size != t.size:
            raise ModelFileError(f"--bind {name}: input '{name}' is {t.describe()}; got {arr.size} values")
        shape = tuple(t.shape) if known else ((arr.size,) if len(t.shape) == 1 else arr.shape)
        arr = arr.reshape(shape)
        tensors[ti] = dataclasses.replace(t, shape=shape, data=arr.astype(t.dtype.np.newbyteorder("<")).tobytes())
        bound.append(BoundInput(k, name, arr))
    keep = tuple(ti for ti in g.inputs if not tensors[ti].is_const)
    subgraphs = tuple(dataclasses.replace(s, inputs=tuple(t for t in s.inputs if t in keep)) for s in g.subgraphs)
    return (dataclasses.replace(g, tensors=tuple(tensors), inputs=keep, subgraphs=subgraphs),
            tuple(sorted(bound, key=lambda b: b.position)))
