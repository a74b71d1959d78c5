"""Concat along one axis (any dtype) -> ``base/concat_base.h``: per outer index, one row of
each input in turn. Quantized int8/uint8 with an input quantized otherwise than the output
-> ``int8/concat_int8.h``: that input is requantized in float32 as ``reference/concat.py``
(TFLite ConcatenationWithScaling; ``numerics.concat_requant``)."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, Const, ConstArray, In, OpPlan, Out, Pointers
from ..ir import DType, Graph
from ._common import family, io, prod
from ._rules import QUANTIZED_DTYPES, inputs, one_output


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


def _same_quant(t, y) -> bool:
    return (len(t.quant) == 1 and len(y.quant) == 1 and np.float32(t.quant[0].scale) == np.float32(y.quant[0].scale)
            and t.quant[0].zero_point == y.quant[0].zero_point)


def _requantized(g: Graph, i: int) -> list[bool]:
    """Per input: requantized to the output's parameters (a quantized output, other parameters)."""
    ins, (y,) = io(g, i)
    return [bool(y.is_quantized) and not _same_quant(t, y) for t in ins]


def concat_quant(g: Graph, i: int) -> str | None:
    """A quantized int8/uint8 input needs a quantized output (no dequantizing); a quantized
    output is int8 or uint8 with one scale and zero point; an input quantized otherwise is
    per-tensor quantized (it is requantized to the output's scale)."""
    ins, (y,) = io(g, i)
    if not y.is_quantized:
        t = next((t for t in ins if t.is_quantized and t.dtype in QUANTIZED_DTYPES), None)
        if t is not None:
            return f"quantized input '{t.name}', unquantized output '{y.name}': the output must be quantized " \
                   f"(no dequantizing)"
    if not any(_requantized(g, i)):
        return None
    if y.dtype not in (DType.INT8, DType.UINT8) or len(y.quant) != 1:
        return f"a requantizing Concat needs a per-tensor int8/uint8 output; got {y.dtype.short} " \
               f"with {len(y.quant)} quant params"
    for t in ins:
        if len(t.quant) != 1:
            return f"input '{t.name}' must be per-tensor quantized to be requantized; has {len(t.quant)} quant params"
    return None


RULES = (one_output, inputs("x1[, x2, ...]", 1), concat_axis, concat_shapes, concat_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    y = outs[0]
    axis = _axis(g, i)
    es = y.dtype.itemsize
    rows = np.array([prod(t.shape[axis:]) * es for t in ins], dtype=np.int32)
    n = len(ins)
    params = dict(num_inputs=n, outer=prod(y.shape[:axis]))
    pointers = Pointers("inputs", [In(k) for k in range(n)])
    requant = _requantized(g, i)
    if not any(requant):
        # one outer row: the inputs are consecutive byte ranges of the output (written in place
        # by their producers when the planner can place them there)
        parts = tuple(int(v) for v in np.cumsum(rows) - rows) if params["outer"] == 1 else ()
        return OpPlan(kernel="concat_base", args=(PARAM, pointers, Const("row_bytes"), Out(0)),
                      kernel_sources=("base/concat_base.c",), header="base/concat_base.h",
                      param_type="concat_param_t", params=params, part_offsets=parts,
                      consts=(ConstArray("row_bytes", DType.INT32, rows),))
    s_out, zp_out = float(y.quant[0].scale), int(y.quant[0].zero_point)
    sb = [numerics.concat_requant(t.quant[0].scale, t.quant[0].zero_point, s_out) if r else (0.0, 0.0)
          for t, r in zip(ins, requant)]
    info = np.iinfo(y.dtype.np)
    params.update(is_unsigned=int(y.dtype == DType.UINT8), output_zp=zp_out, qmin=int(info.min), qmax=int(info.max))
    return OpPlan(kernel="concat_int8",
                  args=(PARAM, pointers, Const("row_bytes"), Const("requant"), Const("scale"), Const("bias"), Out(0)),
                  kernel_sources=("int8/concat_int8.c",), header="int8/concat_int8.h",
                  param_type="concat_param_t", params=params,
                  consts=(ConstArray("row_bytes", DType.INT32, rows),
                          ConstArray("requant", DType.INT32, np.array(requant, np.int32)),
                          ConstArray("scale", DType.FLOAT32, np.array([a for a, _ in sb], np.float32)),
                          ConstArray("bias", DType.FLOAT32, np.array([b for _, b in sb], np.float32))))


family(("Concat",), _plan, RULES)
