"""CumSum along an axis (see the kernel's docstring)."""
from __future__ import annotations

import numpy as np

from ._util import norm_axis, no_quant
from .registry import OpContext, kernel


@kernel("CumSum")
def cumsum(ctx: OpContext):
    """Cumulative sum along input 1's axis; ``exclusive`` shifts by one, ``reverse`` runs backwards."""
    no_quant(ctx)
    x = ctx.inputs[0]
    axis = norm_axis(ctx, int(np.asarray(ctx.inputs[1]).reshape(-1)[0]) if len(ctx.inputs) > 1 else 0, x.ndim)
    acc = x.astype(np.float64) if np.issubdtype(x.dtype, np.floating) else x.astype(np.int64)
    if ctx.attr("reverse", False):
        acc = np.flip(acc, axis)
    y = np.cumsum(acc, axis=axis)
    if ctx.attr("exclusive", False):
        y = y - acc
    if ctx.attr("reverse", False):
        y = np.flip(y, axis)
    return [y.astype(ctx.out_tensors[0].dtype.np)]
