"""CumSum along a constant axis, ``exclusive`` / ``reverse``, float32, float16 and every integer
dtype (not quantized) -> ``base/cumsum_base.h``; float sums run in float32, integer sums wrap
(``reference/cumsum.py``). May run in place."""
from __future__ import annotations

import numpy as np

from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, family, io, prod
from ._rules import inputs, one_output, same_as_input

_SUFFIX = {DType.FLOAT32: "fp32", DType.FLOAT16: "fp16", DType.INT8: "int8", DType.INT16: "int16",
           DType.INT32: "int32", DType.INT64: "int64", DType.UINT8: "uint8", DType.UINT16: "uint16",
           DType.UINT32: "uint32", DType.UINT64: "uint64"}


def _axis(g: Graph, i: int) -> int:
    """The axis (input 1; none: 0) as given (may be negative)."""
    node = g.nodes[i]
    return int(np.asarray(g.tensors[node.inputs[1]].array).reshape(-1)[0]) if len(node.inputs) > 1 else 0


# ---------------------------------------------------------------- rules

def cumsum_dtype(g: Graph, i: int) -> str | None:
    """The data is float32, float16 or an integer dtype, without quantization (TFLite has no
    quantized CUMSUM)."""
    (x, *_), (y,) = io(g, i)
    if x.dtype not in _SUFFIX:
        return f"input dtype must be float32, float16 or an integer; got {x.dtype.short}"
    if x.quant or y.quant:
        return f"tensors must not be quantized; got quantized {x.dtype.short}"
    return None


def cumsum_axis(g: Graph, i: int) -> str | None:
    """The axis (input 1; none: 0) is a one-element constant within the input's rank
    (negative: from the end)."""
    node = g.nodes[i]
    if len(node.inputs) > 1:
        a = g.tensors[node.inputs[1]]
        if not a.is_const or a.size != 1:
            what = "an activation" if not a.is_const else a.describe()
            return f"axis (input 1) must be a one-element constant; got {what}"
    rank = len(g.tensors[node.inputs[0]].shape)
    if rank == 0 or not -rank <= _axis(g, i) < rank:
        return f"axis must be in [{-rank}, {rank - 1}]; got {_axis(g, i)}"
    return None


RULES = (one_output, inputs("x[, axis]", 1, 2), cumsum_dtype, same_as_input, cumsum_axis)


def _plan(g: Graph, i: int) -> OpPlan:
    x = io(g, i)[0][0]
    shape = [int(d) for d in x.shape]
    a = _axis(g, i) % len(shape)
    node = g.nodes[i]
    params = dict(outer=prod(shape[:a]), axis_size=shape[a], inner=prod(shape[a + 1:]),
                  exclusive=int(bool(node.attr("exclusive", False))), reverse=int(bool(node.attr("reverse", False))))
    return OpPlan(kernel=f"cumsum_{_SUFFIX[x.dtype]}", args=UNARY_ARGS, kernel_sources=("base/cumsum_base.c",),
                  header="base/cumsum_base.h", param_type="cumsum_param_t", params=params, inplace=0)


family(("CumSum",), _plan, RULES)
