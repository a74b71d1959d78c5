"""ArgMaxFusion: index (``out_max_value``: value) of the maximum along ``axis``, first one on
ties; ``top_k`` > 1 gives the k largest in descending order (stable);
``keep_dims``
"""
from __future__ import annotations

import numpy as np

from ._util import norm_axis
from .registry import OpContext, kernel


@kernel("ArgMaxFusion", "ArgMinFusion")
def arg_max(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.out_tensors) != 1:
        raise ctx.unsupported(f"{ctx.node.op} with {len(ctx.out_tensors)} outputs is not supported")
    axis = norm_axis(ctx, int(ctx.attr("axis", 0) or 0), x.ndim)
    k = int(ctx.attr("top_k", 1) or 1)
    keep = bool(ctx.attr("keep_dims", False))
    key = x.astype(np.float64) if x.dtype != np.bool_ else x.astype(np.int64)
    key = -key if ctx.node.op == "ArgMaxFusion" else key
    order = np.argsort(key, axis=axis, kind="stable")
    order = np.take(order, np.arange(k), axis=axis)
    out = np.take_along_axis(x, order, axis=axis) if ctx.attr("out_max_value", False) else order
    if k == 1 and not keep:
        out = np.squeeze(out, axis=axis)
    return [out.astype(ctx.out_tensors[0].dtype.np)]
