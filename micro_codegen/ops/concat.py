"""Concat along one axis (any dtype; quantized inputs must share the output's
quantization) -> ``base/concat_base.h``: per outer index, one row of each input in turn."""
from __future__ import annotations

import numpy as np

from ..ir import Graph
from ._common import Unsupported, const_inputs, family, in_ref, io, prod
from .base import ConstArray, OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    y = outs[0]
    rank = len(y.shape)
    if rank == 0:
        raise Unsupported("Concat of scalars")
    axis = int(g.nodes[i].attr("axis", 0) or 0)
    if axis < 0:
        axis += rank
    if not 0 <= axis < rank:
        raise Unsupported(f"axis {g.nodes[i].attr('axis')} out of range for rank {rank}")
    for t in ins:
        if len(t.shape) != rank or t.dtype != y.dtype:
            raise Unsupported(f"input '{t.name}' ({t.describe()}) does not match the output {y.describe()}")
        if any(t.shape[d] != y.shape[d] for d in range(rank) if d != axis):
            raise Unsupported(f"input '{t.name}' shape {list(t.shape)} does not fit output {list(y.shape)}")
        if y.is_quantized and (len(t.quant) != 1 or len(y.quant) != 1 or
                               np.float32(t.quant[0].scale) != np.float32(y.quant[0].scale) or
                               t.quant[0].zero_point != y.quant[0].zero_point):
            raise Unsupported(f"input '{t.name}' is quantized differently from the output "
                              "(requantizing Concat is not implemented)")
    if sum(t.shape[axis] for t in ins) != y.shape[axis]:
        raise Unsupported(f"inputs do not add up to the output's axis {axis} size {y.shape[axis]}")
    es = y.dtype.itemsize
    rows = np.array([prod(t.shape[axis:]) * es for t in ins], dtype=np.int32)
    n = len(ins)
    refs = ", ".join(in_ref(g, i, k) for k in range(n))
    call = (f"{{{{ const void *const concat_inputs[{n}] = {{{{ {refs} }}}}; "
            f"concat_base({{param}}, concat_inputs, {{const_row_bytes}}, {{out0}}); }}}}")
    return OpPlan(kernel_sources=("base/concat_base.c",), header="base/concat_base.h",
                  param_type="concat_param_t",
                  params=dict(num_inputs=n, outer=prod(y.shape[:axis]), out_row_bytes=prod(y.shape[axis:]) * es),
                  consts=(ConstArray("row_bytes", "int32_t", rows),) + const_inputs(g, i, range(n)), call=call)


family(("Concat",), _plan)
