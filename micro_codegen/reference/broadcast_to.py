"""BroadcastTo: numpy broadcast of ``x`` and the target shape (input 1 or ``shape``)
"""
from __future__ import annotations

import numpy as np

from .registry import OpContext, kernel


@kernel("BroadcastTo")
def broadcast_to(ctx: OpContext):
    x = ctx.inputs[0]
    shape = (np.asarray(ctx.inputs[1]).reshape(-1).tolist() if len(ctx.inputs) > 1 else list(ctx.attr("shape") or ()))
    try:
        target = np.broadcast_shapes(x.shape, ctx.check_size(shape))
    except ValueError:
        raise ctx.unsupported(f"cannot broadcast {list(x.shape)} to {shape}") from None
    return [np.ascontiguousarray(np.broadcast_to(x, target)).astype(ctx.out_tensors[0].dtype.np)]
