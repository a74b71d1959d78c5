"""TileFusion with constant multiples (input 1, applied to the axes the ``dims`` attribute
lists, as ``reference/tile.py``), any dtype -> ``base/tile_base.h``: each output row is its
input row (index modulo the input dim) repeated. :func:`tile_plan` also serves BroadcastTo (a
tile of its size-1 dims)."""
from __future__ import annotations

from typing import Sequence

from .. import numerics
from ..compiled import OpPlan
from ..ir import Graph
from ._common import NNACL_MAX_DIMS, UNARY_ARGS, array_fields, family, io
from ._rules import inputs, one_output, refusal
from .transpose import kept_quant, movable_dtype


def merged(in_shape: Sequence[int], out_shape: Sequence[int]) -> tuple[list[int], list[int]]:
    """(input shape, output shape) of a tile with dims merged: dims of 1 in and out dropped;
    a dim that is not repeated folds into the dim before it (``(i0, i1 * r1)`` over
    ``(i0 * r0, i1)`` is one dim ``i0 * i1`` tiled to ``i0 * r0 * i1``)."""
    dims = [(int(a), int(b)) for a, b in zip(in_shape, out_shape) if not (a == 1 and b == 1)]
    out: list[tuple[int, int]] = []
    for a, b in dims:
        if out and a == b:
            pa, pb = out[-1]
            out[-1] = (pa * a, pb * a)
        else:
            out.append((a, b))
    out = out or [(1, 1)]
    return [a for a, _ in out], [b for _, b in out]


def tile_plan(in_shape: Sequence[int], out_shape: Sequence[int], elem_size: int) -> OpPlan:
    """The tile_base call repeating ``in_shape`` (right-aligned, each dim dividing the output's)
    into ``out_shape``."""
    rank = len(out_shape)
    full = [1] * (rank - len(in_shape)) + [int(d) for d in in_shape]
    ins, outs = merged(full, out_shape)
    params = dict(ndim=len(ins), elem_size=elem_size, **array_fields("in_shape", ins),
                  **array_fields("out_shape", outs))
    return OpPlan(kernel_sources=("base/tile_base.c",), header="base/tile_base.h", param_type="tile_param_t",
                  params=params, kernel="tile_base", args=UNARY_ARGS)


def multiples(g: Graph, i: int) -> list[int]:
    """The multiple of every input axis (:func:`micro_codegen.numerics.tile_multiples`: the
    constant input 1 applied to the axes ``dims`` lists, by default the first ones)."""
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    return numerics.tile_multiples(len(x.shape), g.tensors[node.inputs[1]].array, node.attr("dims"))


# ---------------------------------------------------------------- rules

def constant_multiples(g: Graph, i: int) -> str | None:
    """The multiples (input 1) are a constant: at most one per input dim, all >= 0, applied to
    the axes ``dims`` lists (distinct axes of x, one per multiple; no ``dims``: the first axes
    in order)."""
    ins = io(g, i)[0]
    if not ins[1].is_const:
        return "multiples must be a constant input; got an activation"
    return refusal(lambda: multiples(g, i))


def tiled_output(g: Graph, i: int) -> str | None:
    """The output shape is the input shape times the multiple of each axis; at most 6 dims
    remain once merged."""
    (x, *_), (y,) = io(g, i)
    shape = list(x.shape)
    want = [d * r for d, r in zip(shape, multiples(g, i))]
    if list(y.shape) != want:
        return f"output shape must be the tiled {want}; got {list(y.shape)}"
    if y.size and len(merged(shape, want)[0]) > NNACL_MAX_DIMS:
        return f"tile over {len(merged(shape, want)[0])} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


RULES = (one_output, inputs("x, multiples", 2, 2), movable_dtype, constant_multiples, tiled_output, kept_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, *_), (y,) = io(g, i)
    return tile_plan(x.shape, y.shape, x.dtype.itemsize)


family(("TileFusion",), _plan, RULES)
