"""TileFusion: ``tile(x, multiples)`` (input 1, else the ``dims`` attribute)
"""
from __future__ import annotations

import numpy as np

from .registry import OpContext, kernel


@kernel("TileFusion")
def tile(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.inputs) > 1:
        reps = [int(v) for v in np.asarray(ctx.inputs[1]).reshape(-1)]
    else:
        reps = [int(v) for v in (ctx.attr("dims") or ())]
    if len(reps) > x.ndim:
        x = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
    if any(r < 0 for r in reps):
        raise ctx.unsupported(f"TileFusion with negative multiples {reps}")
    return [np.tile(x, reps).astype(ctx.out_tensors[0].dtype.np)]
