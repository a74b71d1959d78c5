"""Split along one axis into several outputs (any dtype; size_splits, a constant sizes input,
the outputs' shapes or equal parts, as ``reference/split.py``) -> ``base/split_base.h``:
per outer index, consecutive pieces of the input row go to the outputs in turn. Each output
is its own arena tensor, passed as one pointer array."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, Const, ConstArray, In, OpPlan, Out, Pointers
from ..ir import DType, Graph
from ._common import family, io, prod
from ._rules import inputs, refusal
from .transpose import kept_quant, movable_dtype


def _axis(g: Graph, i: int) -> int:
    """The split axis counted from the front (needs :func:`split_axis`)."""
    rank = len(g.tensors[g.nodes[i].inputs[0]].shape)
    a = int(g.nodes[i].attr("axis", 0) or 0)
    return a + rank if a < 0 else a


def sizes(g: Graph, i: int) -> list[int]:
    """The part sizes along the axis (:func:`micro_codegen.numerics.split_sizes`)."""
    node = g.nodes[i]
    ins, outs = io(g, i)
    a = _axis(g, i)
    sizes_in = ins[1].array if len(ins) > 1 and ins[1].is_const else None
    return numerics.split_sizes(int(ins[0].shape[a]), len(outs), node.attr("size_splits"), sizes_in,
                                [int(t.shape[a]) if len(t.shape) > a else None for t in outs],
                                int(node.attr("output_num", 0) or 0))


# ---------------------------------------------------------------- rules

def split_axis(g: Graph, i: int) -> str | None:
    """The node has at least one output; ``axis`` (negative: from the end) is a dim of the input."""
    rank = len(g.tensors[g.nodes[i].inputs[0]].shape)
    if not g.nodes[i].outputs:
        return "must have at least one output; has none"
    if not 0 <= _axis(g, i) < rank:
        return f"axis must name one of the {rank} input dims; got {g.nodes[i].attr('axis')}"
    return None


def split_parts(g: Graph, i: int) -> str | None:
    """The part sizes (size_splits, else a constant sizes input, else the outputs' sizes along
    the axis, else equal parts) add up to the axis; each output has the input's shape with
    its part along the axis."""
    reason = refusal(lambda: sizes(g, i))
    if reason:
        return reason
    x = g.tensors[g.nodes[i].inputs[0]]
    a = _axis(g, i)
    for t, s in zip(io(g, i)[1], sizes(g, i)):
        want = list(x.shape[:a]) + [s] + list(x.shape[a + 1:])
        if list(t.shape) != want:
            return f"output '{t.name}' must have shape {want}; got {list(t.shape)}"
    return None


RULES = (inputs("x[, sizes]", 1, 2), split_axis, movable_dtype, split_parts, kept_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    x = g.tensors[g.nodes[i].inputs[0]]
    a = _axis(g, i)
    row = prod(x.shape[a + 1:]) * x.dtype.itemsize
    parts = sizes(g, i)
    outer = prod(x.shape[:a])
    views = tuple(int(v) for v in np.cumsum(parts) * row - np.array(parts) * row) if outer == 1 else ()
    return OpPlan(kernel="split_base", view_offsets=views,
                  args=(PARAM, In(0), Const("row_bytes"), Pointers("outputs", [Out(k) for k in range(len(parts))])),
                  kernel_sources=("base/split_base.c",), header="base/split_base.h", param_type="split_param_t",
                  params=dict(num_outputs=len(parts), outer=outer),
                  consts=(ConstArray("row_bytes", DType.INT32, np.array([s * row for s in parts], np.int32)),))


family(("Split",), _plan, RULES)
