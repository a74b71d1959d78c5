"""InstanceNorm: per sample and channel over the spatial axes, ``* scale[c] + bias[c]``; the
channel axis is 1 for an NCHW input tensor, the last one otherwise
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ._util import float_in, per_channel
from .registry import OpContext, kernel


@kernel("InstanceNorm")
def instance_norm(ctx: OpContext):
    x = float_in(ctx, ctx.inputs[0])
    if x.ndim < 3:
        raise ctx.unsupported(f"InstanceNorm needs at least 3 dimensions, got {list(x.shape)}")
    c = numerics.norm_channel_axis(ctx.in_tensors[0].format, x.ndim)
    axes = tuple(i for i in range(1, x.ndim) if i != c)
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    y = y * per_channel(ctx.inputs[1], x.ndim, c) + per_channel(ctx.inputs[2], x.ndim, c)
    return [y.astype(ctx.out_tensors[0].dtype.np)]
