"""Shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze, ExpandDims): the output IS the
input (``always_alias``), no code, no kernel."""
from __future__ import annotations

from ..ir import Graph
from ._common import Unsupported, family, io
from .base import OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    if x.is_const:
        raise Unsupported("reshaping a constant tensor is not supported (fold it in the model)")
    if x.dtype != y.dtype:
        raise Unsupported(f"input {x.dtype.short} and output {y.dtype.short} differ")
    if x.size != y.size:
        raise Unsupported(f"output {list(y.shape)} does not hold the {x.size} input elements")
    if x.quant and y.quant and [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in y.quant]:
        raise Unsupported("input and output quantization parameters differ (a reshape cannot requantize)")
    return OpPlan(inplace=0, always_alias=True)


family(("Reshape", "Flatten", "Squeeze", "Unsqueeze", "ExpandDims"), _plan)
