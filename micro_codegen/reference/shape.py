"""Shape and Range: shape arithmetic, folded to constants at generation time."""
from __future__ import annotations

import math

import numpy as np

from .registry import OpContext, kernel


@kernel("Shape")
def shape_op(ctx: OpContext):
    """The input's full shape (MindSpore's Shape has no start/end)."""
    return [np.asarray(ctx.inputs[0].shape, dtype=ctx.out_tensors[0].dtype.np)]


@kernel("Range")
def range_op(ctx: OpContext):
    """``arange(start, limit, delta)`` from inputs 0..2 (else the attributes)."""
    if len(ctx.inputs) >= 3:
        start, limit, delta = (np.asarray(v).reshape(-1)[0].item() for v in ctx.inputs[:3])
    else:
        start, limit, delta = ctx.attr("start", 0), ctx.attr("limit", 0), ctx.attr("delta", 1)
    if delta == 0 or not all(math.isfinite(v) for v in (start, limit, delta)):
        raise ctx.unsupported(f"Range({start}, {limit}, {delta}) needs finite values and a delta other than 0")
    n = ctx.check_size([max(int(math.ceil((limit - start) / delta)), 0)])[0]
    dt = ctx.out_tensors[0].dtype.np
    return [(np.asarray(start, dtype=np.float64) + np.arange(n) * np.asarray(delta, dtype=np.float64)).astype(dt)]
