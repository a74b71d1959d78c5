"""Concat along one axis (any dtype; quantized inputs must share the output's
quantization) -> ``base/concat_base.h``: per outer index, one row of each input in turn."""
from __future__ import annotations

import numpy as np

from ..compiled import PARAM, Const, ConstArray, In, OpPlan, Out, Pointers
from ..ir import DType, Graph
from ._common import family, io, prod
from ._rules import inputs, one_output


def _axis(g: Graph, i: int) -> int:
    """The concatenation axis, counted from the front (needs :func:`concat_axis`)."""
    rank = len(g.tensors[g.nodes[i].outputs[0]].shape)
    axis = int(g.nodes[i].attr("axis", 0) or 0)
    return axis + rank if axis < 0 else axis


# ---------------------------------------------------------------- rules

def concat_axis(g: Graph, i: int) -> str | None:
    """The output has at least one dim and ``axis`` (negative: from the end) is one of them."""
    rank = len(g.tensors[g.nodes[i].outputs[0]].shape)
    if rank == 0:
        return "the output must have at least one dim; got a scalar"
    if not 0 <= _axis(g, i) < rank:
        return f"axis {g.nodes[i].attr('axis')} out of range for rank {rank}"
    return None


def concat_shapes(g: Graph, i: int) -> str | None:
    """Every input has the output's dtype and rank and its shape off the axis; the inputs'
    sizes along the axis add up to the output's."""
    ins, (y,) = io(g, i)
    axis = _axis(g, i)
    for t in ins:
        if len(t.shape) != len(y.shape) or t.dtype != y.dtype:
            return f"input '{t.name}' ({t.describe()}) must match the output {y.describe()} in rank and dtype"
        if any(t.shape[d] != y.shape[d] for d in range(len(y.shape)) if d != axis):
            return f"input '{t.name}' shape {list(t.shape)} does not fit output {list(y.shape)} off axis {axis}"
    if sum(t.shape[axis] for t in ins) != y.shape[axis]:
        return f"inputs must add up to the output's axis {axis} size {y.shape[axis]}; " \
               f"got {sum(t.shape[axis] for t in ins)}"
    return None


def concat_quant(g: Graph, i: int) -> str | None:
    """A quantized output has one scale and zero point, and every input shares them (no requantizing)."""
    ins, (y,) = io(g, i)
    for t in ins:
        if y.is_quantized and (len(t.quant) != 1 or len(y.quant) != 1 or
                               np.float32(t.quant[0].scale) != np.float32(y.quant[0].scale) or
                               t.quant[0].zero_point != y.quant[0].zero_point):
            return f"input '{t.name}' must be quantized like the output (requantizing Concat is not implemented)"
    return None


RULES = (one_output, inputs("x1[, x2, ...]", 1), concat_axis, concat_shapes, concat_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    y = outs[0]
    axis = _axis(g, i)
    es = y.dtype.itemsize
    rows = np.array([prod(t.shape[axis:]) * es for t in ins], dtype=np.int32)
    n = len(ins)
    return OpPlan(kernel="concat_base",
                  args=(PARAM, Pointers("inputs", [In(k) for k in range(n)]), Const("row_bytes"), Out(0)),
                  kernel_sources=("base/concat_base.c",), header="base/concat_base.h",
                  param_type="concat_param_t",
                  params=dict(num_inputs=n, outer=prod(y.shape[:axis]), out_row_bytes=prod(y.shape[axis:]) * es),
                  consts=(ConstArray("row_bytes", DType.INT32, rows),))


family(("Concat",), _plan, RULES)
