"""ScaleFusion: ``act(x * scale + offset)``, float32 and int8 -> ``fp32/scale_fp32.h`` /
``int8/scale_int8.h``.

``scale``'s dims line up with ``x``'s from ``axis`` on (a 1-D scale that would run past the
last dim goes on the last one; a single value scales everything), as in
``reference/scale.py``; the input is viewed as ``[outer, axis_size, inner]``. Folded batch
norms (the converter's BatchNormalization without a preceding conv) land here. int8 follows
``reference/scale.py`` (one requantization per term, ``numerics.scale_multipliers``).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import act_code, family, prod, qparams
from ._rules import fused_activation, inputs, int8_quantized, one_output, same_as_input


def scale_dtypes(g: Graph, i: int) -> str | None:
    """Every tensor is float32, or every tensor is int8 with one (scale, zero point)."""
    ts = [g.tensors[t] for t in g.nodes[i].inputs + g.nodes[i].outputs]
    if all(t.dtype == DType.FLOAT32 for t in ts):
        return None
    if all(t.dtype == DType.INT8 and len(t.quant) == 1 for t in ts):
        return None
    return "tensors must be all float32 or all int8 with one (scale, zero point); got " + \
        ", ".join(f"{t.dtype.short} ({len(t.quant)} quant)" for t in ts)


def scaled_axis(g: Graph, i: int) -> int | str:
    """The axis of ``x`` where scale's dims start (0 for a single value), or why it does not fit."""
    node = g.nodes[i]
    x, s = g.tensors[node.inputs[0]], g.tensors[node.inputs[1]]
    rank, pshape = len(x.shape), [int(d) for d in s.shape]
    if s.size == 1:
        return 0
    axis = int(node.attr("axis", -1))
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < max(rank, 1):
        return f"axis {axis} out of range for a {rank}-D input"
    if a + len(pshape) > rank and len(pshape) == 1:
        a = rank - 1
    if [int(d) for d in x.shape[a:a + len(pshape)]] != pshape:
        return f"scale {pshape} must match x's dims from axis {axis}; got x {list(x.shape)}"
    return a


def scale_fits(g: Graph, i: int) -> str | None:
    """``scale`` has a single value or the shape of ``x``'s dims from ``axis`` (a 1-D scale
    longer than the dims left goes on the last dim); an offset holds as many values as scale."""
    a = scaled_axis(g, i)
    if isinstance(a, str):
        return a
    ins = g.nodes[i].inputs
    s = g.tensors[ins[1]]
    if len(ins) > 2 and g.tensors[ins[2]].size != s.size:
        return f"offset must hold {s.size} values like scale; got {g.tensors[ins[2]].describe()}"
    return None


RULES = (inputs("x, scale[, offset]", 2, 3), one_output, int8_quantized, scale_dtypes, same_as_input, scale_fits,
         fused_activation)


def _plan(g: Graph, i: int) -> OpPlan:
    node = g.nodes[i]
    x, s = g.tensors[node.inputs[0]], g.tensors[node.inputs[1]]
    shape = [int(d) for d in x.shape]
    a = scaled_axis(g, i)
    outer = prod(shape[:a]) if s.size > 1 else 1
    inner = prod(shape[a + len(s.shape):]) if s.size > 1 else prod(shape)
    act = node.attr("activation_type") or "NO_ACTIVATION"
    params = dict(outer=outer, axis_size=s.size, inner=inner, act_type=act_code(None), input_zp=0, scale_zp=0,
                  offset_zp=0, output_zp=0, scale_multiplier=0, scale_shift=0, offset_multiplier=0, offset_shift=0,
                  act_min=-128, act_max=127)
    offset = g.tensors[node.inputs[2]] if len(node.inputs) > 2 else None
    args = (PARAM, In(0), In(1), In(2) if offset is not None else NULL, Out(0))
    if x.dtype == DType.FLOAT32:
        params["act_type"] = act_code(act)
        return OpPlan(kernel="scale_fp32", args=args, kernel_sources=("fp32/scale_fp32.c",),
                      header="fp32/scale_fp32.h", param_type="scale_param_t", params=params, inplace=0)
    y = g.tensors[node.outputs[0]]
    (xs, xz), (ss, sz), (ys, yz) = qparams(x, "input"), qparams(s, "scale"), qparams(y, "output")
    os_, oz = qparams(offset, "offset") if offset is not None else (None, 0)
    (ms, es), (mo, eo) = numerics.scale_multipliers(xs, ss, os_, ys)
    lo, hi = numerics.activation_range(act, ys, yz, np.int8)
    params.update(input_zp=xz, scale_zp=sz, offset_zp=oz, output_zp=yz, scale_multiplier=ms, scale_shift=es,
                  offset_multiplier=mo, offset_shift=eo, act_min=lo, act_max=hi)
    return OpPlan(kernel="scale_int8", args=args, kernel_sources=("int8/scale_int8.c",), header="int8/scale_int8.h",
                  param_type="scale_param_t", params=params, inplace=0)


family(("ScaleFusion",), _plan, RULES)
