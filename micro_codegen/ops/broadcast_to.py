"""BroadcastTo (numpy broadcast of the input and the constant target shape, input 1 or the
``shape`` attribute), any dtype -> ``base/tile_base.h`` (a broadcast repeats the size-1
dims: a tile, :func:`micro_codegen.ops.tile.tile_plan`). Follows ``reference/broadcast_to.py``."""
from __future__ import annotations

import numpy as np

from ..compiled import OpPlan
from ..ir import Graph
from ._common import NNACL_MAX_DIMS, family, io
from ._rules import inputs, one_output
from .tile import merged, tile_plan
from .transpose import kept_quant, movable_dtype


def target(g: Graph, i: int) -> list[int] | None:
    """The requested shape (constant input 1, else the ``shape`` attribute; None if neither)."""
    node = g.nodes[i]
    if len(node.inputs) > 1:
        return [int(v) for v in np.asarray(g.tensors[node.inputs[1]].array).reshape(-1)]
    shape = node.attr("shape")
    return [int(v) for v in shape] if shape is not None else None


# ---------------------------------------------------------------- rules

def constant_shape(g: Graph, i: int) -> str | None:
    """The target shape is a constant input (or the ``shape`` attribute)."""
    ins = io(g, i)[0]
    if len(ins) > 1 and not ins[1].is_const:
        return "the shape must be a constant input; got an activation"
    if target(g, i) is None:
        return "the shape must be given (input 1 or attribute); got neither"
    return None


def broadcast_output(g: Graph, i: int) -> str | None:
    """The input broadcasts with the target shape (numpy rules) and the output has the
    broadcast shape; at most 6 dims remain once merged."""
    (x, *_), (y,) = io(g, i)
    try:
        want = [int(d) for d in np.broadcast_shapes(tuple(x.shape), tuple(target(g, i)))]
    except ValueError:
        return f"input shape {list(x.shape)} does not broadcast to {target(g, i)}"
    if list(y.shape) != want:
        return f"output shape must be the broadcast {want}; got {list(y.shape)}"
    full = [1] * (len(want) - len(x.shape)) + list(x.shape)
    if y.size and len(merged(full, want)[0]) > NNACL_MAX_DIMS:
        return f"broadcast over {len(merged(full, want)[0])} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


RULES = (one_output, inputs("x[, shape]", 1, 2), movable_dtype, constant_shape, broadcast_output, kept_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, *_), (y,) = io(g, i)
    return tile_plan(x.shape, y.shape, x.dtype.itemsize)


family(("BroadcastTo",), _plan, RULES)
