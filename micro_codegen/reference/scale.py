"""ScaleFusion: ``act(x * scale + bias)``; ``scale``'s dimensions line up with ``x``'s from
``axis`` on
"""
from __future__ import annotations

import numpy as np

from .activation import float_act
from ._util import norm_axis, float_in
from .registry import OpContext, kernel


def _align(ctx: OpContext, p: np.ndarray, rank: int, axis: int) -> np.ndarray:
    """``p`` reshaped so its dimensions line up with ``x``'s from ``axis``."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 0 or p.size == 1:
        return p.reshape(())
    a = norm_axis(ctx, axis, rank)
    if a + p.ndim > rank:
        if p.ndim == 1:
            a = rank - 1
        else:
            raise ctx.unsupported(f"parameter of shape {list(p.shape)} does not fit rank {rank} from axis {axis}")
    return p.reshape((1,) * a + p.shape + (1,) * (rank - a - p.ndim))


@kernel("ScaleFusion")
def scale_fusion(ctx: OpContext):
    x = float_in(ctx, ctx.inputs[0])
    axis = int(ctx.attr("axis", -1))
    y = x * _align(ctx, ctx.inputs[1], x.ndim, axis)
    if len(ctx.inputs) > 2:
        y = y + _align(ctx, ctx.inputs[2], x.ndim, axis)
    try:
        y = float_act(y, ctx.attr("activation_type") or "NO_ACTIVATION")
    except ValueError as e:
        raise ctx.unsupported(str(e)) from None
    return [y.astype(ctx.out_tensors[0].dtype.np)]
