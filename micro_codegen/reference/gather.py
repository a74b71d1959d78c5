"""Gather: ``take(x, indices, axis)``; axis = input 2 (default 0), negative indices
count from the end; any dtype
"""
from __future__ import annotations

import numpy as np

from ._util import norm_axis
from .registry import OpContext, kernel


@kernel("Gather")
def gather(ctx: OpContext):
    x, idx = ctx.inputs[0], np.asarray(ctx.inputs[1]).astype(np.int64)
    axis = int(np.asarray(ctx.inputs[2]).reshape(-1)[0]) if len(ctx.inputs) > 2 else 0
    axis = norm_axis(ctx, axis, x.ndim)
    dim = x.shape[axis]
    idx = np.where(idx < 0, idx + dim, idx)
    if idx.size and (idx.min() < 0 or idx.max() >= dim):
        raise ctx.unsupported(f"Gather index out of range for dimension {dim}")
    return [np.take(x, idx, axis=axis).astype(ctx.out_tensors[0].dtype.np)]
