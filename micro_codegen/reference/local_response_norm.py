"""LRN (see the kernel's docstring)."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ._util import float_in
from .registry import OpContext, kernel


@kernel("LRN")
def lrn(ctx: OpContext):
    """Across-channel LRN on the channel axis (last; 1 for NCHW tensors):
    ``x / (bias + alpha * sum_{|j - c| <= depth_radius} x_j^2) ** beta`` (alpha as stored: MindSpore
    keeps ONNX's ``alpha / size``)."""
    x = float_in(ctx, ctx.inputs[0])
    c = numerics.norm_channel_axis(ctx.in_tensors[0].format, x.ndim)
    r = int(ctx.attr("depth_radius", 5))
    sq = np.moveaxis(x * x, c, -1)
    n = sq.shape[-1]
    pad = np.pad(sq, [(0, 0)] * (sq.ndim - 1) + [(r, r)])
    s = sum(pad[..., i:i + n] for i in range(2 * r + 1))
    s = np.moveaxis(s, -1, c)
    y = x / (float(ctx.attr("bias", 1.0)) + float(ctx.attr("alpha", 1e-4)) * s) ** float(ctx.attr("beta", 0.75))
    return [y.astype(ctx.out_tensors[0].dtype.np)]
