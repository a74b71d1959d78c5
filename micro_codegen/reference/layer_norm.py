"""LayerNormFusion: normalise over the axes from ``begin_norm_axis``: ``(x - mean) /
sqrt(var + epsilon)`` (biased variance), then ``* gamma + beta`` (inputs 1, 2,
shaped like ``x``'s dimensions from ``begin_params_axis``) when present
"""
from __future__ import annotations

import math

import numpy as np

from ._util import norm_axis, float_in
from .registry import OpContext, kernel


@kernel("LayerNormFusion")
def layer_norm(ctx: OpContext):
    x = float_in(ctx, ctx.inputs[0])
    ax = norm_axis(ctx, int(ctx.attr("begin_norm_axis", -1)), x.ndim)
    pax = norm_axis(ctx, int(ctx.attr("begin_params_axis", -1)), x.ndim)
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    axes = tuple(range(ax, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    pshape = x.shape[pax:]
    for i, op in ((1, np.multiply), (2, np.add)):
        if len(ctx.inputs) > i:
            p = np.asarray(ctx.inputs[i], dtype=np.float64)
            if p.size != math.prod(pshape):
                raise ctx.unsupported(f"LayerNormFusion parameter {i} of shape {list(p.shape)} does not fit "
                                      f"{list(pshape)}")
            y = op(y, p.reshape(pshape))
    return [y.astype(ctx.out_tensors[0].dtype.np)]
