"""TopKFusion (see the kernel's docstring)."""
from __future__ import annotations

import numpy as np

from ._util import norm_axis, no_quant
from .registry import OpContext, kernel


@kernel("TopKFusion")
def top_k(ctx: OpContext):
    """The k (input 1) largest values along ``axis`` and their indices, sorted descending; ties keep
    the lower index first. ``largest`` is not used: MindSpore Lite's TopK always takes the largest,
    and its converter writes ``largest = 0`` for every ONNX TopK (smallest or not)."""
    no_quant(ctx)
    x = ctx.inputs[0]
    k = int(np.asarray(ctx.inputs[1]).reshape(-1)[0])
    axis = norm_axis(ctx, int(ctx.attr("axis", -1)), x.ndim)
    key = -x.astype(np.float64)
    idx = np.take(np.argsort(key, axis=axis, kind="stable"), np.arange(k), axis=axis)
    vals = np.take_along_axis(x, idx, axis=axis)
    outs = [vals.astype(ctx.out_tensors[0].dtype.np)]
    if len(ctx.out_tensors) > 1:
        outs.append(idx.astype(ctx.out_tensors[1].dtype.np))
    return outs
