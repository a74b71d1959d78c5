"""FusedBatchNorm: inference form ``(x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]``
with the stored statistics, channel = last axis (1 for NCHW tensors)
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ._util import float_in, per_channel
from .registry import OpContext, kernel


@kernel("FusedBatchNorm", "BatchNorm")
def batch_norm(ctx: OpContext):
    x = float_in(ctx, ctx.inputs[0])
    c = numerics.norm_channel_axis(ctx.in_tensors[0].format, x.ndim)
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    if ctx.node.op == "BatchNorm":          # x, mean, var
        scale, bias, mean, var = 1.0, 0.0, ctx.inputs[1], ctx.inputs[2]
    else:                                   # x, scale, bias, mean, var
        scale, bias, mean, var = ctx.inputs[1:5]
    pc = lambda p: per_channel(p, x.ndim, c) if np.ndim(p) else np.float64(p)  # noqa: E731
    y = (x - pc(mean)) / np.sqrt(pc(var) + eps) * pc(scale) + pc(bias)
    return [y.astype(ctx.out_tensors[0].dtype.np)]
