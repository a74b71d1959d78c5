"""DepthToSpace: ``block_size``, ``mode`` DCR (default) or CRD, NHWC (``format`` NCHW also)
"""
from __future__ import annotations

import numpy as np

from .registry import OpContext, kernel


def _to_nhwc(ctx: OpContext, x: np.ndarray):
    if x.ndim != 4:
        raise ctx.unsupported(f"{ctx.node.op} needs a 4-D input, got {list(x.shape)}")
    nchw = ctx.attr("format") == "NCHW"
    return (np.transpose(x, (0, 2, 3, 1)) if nchw else x), nchw


def _from_nhwc(y: np.ndarray, nchw: bool) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(y, (0, 3, 1, 2)) if nchw else y)


@kernel("DepthToSpace")
def depth_to_space(ctx: OpContext):
    x, nchw = _to_nhwc(ctx, ctx.inputs[0])
    b = int(ctx.attr("block_size", 0) or 0)
    n, h, w, c = x.shape
    if b <= 0 or c % (b * b):
        raise ctx.unsupported(f"DepthToSpace block {b} does not divide {c} channels")
    co = c // (b * b)
    mode = (ctx.attr("mode") or "DCR").upper()
    if mode == "DCR":
        y = x.reshape(n, h, w, b, b, co).transpose(0, 1, 3, 2, 4, 5)
    elif mode == "CRD":
        y = x.reshape(n, h, w, co, b, b).transpose(0, 1, 4, 2, 5, 3)
    else:
        raise ctx.unsupported(f"DepthToSpace mode {mode!r}")
    return [_from_nhwc(y.reshape(n, h * b, w * b, co), nchw).astype(ctx.out_tensors[0].dtype.np)]


@kernel("SpaceToDepth")
def space_to_depth(ctx: OpContext):
    x, nchw = _to_nhwc(ctx, ctx.inputs[0])
    b = int(ctx.attr("block_size", 0) or 0)
    n, h, w, c = x.shape
    if b <= 0 or h % b or w % b:
        raise ctx.unsupported(f"SpaceToDepth block {b} does not divide {h}x{w}")
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)
    return [_from_nhwc(y, nchw).astype(ctx.out_tensors[0].dtype.np)]
