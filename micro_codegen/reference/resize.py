"""Resize: MindSpore Lite CPU semantics (nnacl resize_fp32.c), NHWC (or NCHW) 4-D.
Source coordinate (float32) of output index o: ASYMMETRIC ``o / (out/in)``,
ALIGN_CORNERS ``o / ((out-1)/(in-1))``, HALF_PIXEL
``max((o + 0.5) / (out/in) - 0.5, 0)``. NEAREST takes ``floor(src)``
(``round`` half away for ALIGN_CORNERS); ``nearest_mode`` is not used
(nor by MindSpore Lite; TFLite's half_pixel_centers nearest differs).
LINEAR: ``lo = floor(src)``, ``hi = min(lo + 1, in - 1)``, weights
``1 - (src - lo)``, ``src - lo``, separable. The output size is the output
tensor's (else ``new_height``/``new_width``, else input 1: scales or
sizes); CUBIC is not supported
"""
from __future__ import annotations

import math

import numpy as np

from .activation import is_quantized
from ._util import float_in
from .registry import OpContext, kernel


def _src_coord(ctx: OpContext, out_size: int, in_size: int, mode: str) -> np.ndarray:
    """Source coordinates of the output positions, in float32 as MindSpore Lite computes them."""
    o = np.arange(out_size, dtype=np.float32)
    f32 = np.float32
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "ASYMMETRIC":
            src = o / (f32(out_size) / f32(in_size))
        elif mode == "ALIGN_CORNERS":
            src = o / (f32(out_size - 1) / f32(in_size - 1))
        elif mode == "HALF_PIXEL":
            src = np.maximum((o + f32(0.5)) / (f32(out_size) / f32(in_size)) - f32(0.5), f32(0))
        else:
            raise ctx.unsupported(f"Resize coordinate transform mode {mode} is not supported "
                                  f"(ASYMMETRIC, ALIGN_CORNERS, HALF_PIXEL)")
    return np.nan_to_num(src, nan=0.0, posinf=0.0)


def _resize_axis(ctx: OpContext, x: np.ndarray, axis: int, out_size: int, method: str, mode: str):
    in_size = x.shape[axis]
    src = _src_coord(ctx, out_size, in_size, mode)
    if method == "NEAREST":
        idx = np.sign(src) * np.floor(np.abs(src) + 0.5) if mode == "ALIGN_CORNERS" else np.floor(src)
        return np.take(x, np.clip(idx, 0, in_size - 1).astype(np.int64), axis=axis)
    lo = np.minimum(np.floor(src), in_size - 1).astype(np.int64)
    hi = np.minimum(lo + 1, in_size - 1)
    top_w = (src - lo.astype(np.float32)).astype(np.float64)
    shape = [1] * x.ndim
    shape[axis] = -1
    top_w = top_w.reshape(shape)
    return np.take(x, lo, axis=axis) * (1.0 - top_w) + np.take(x, hi, axis=axis) * top_w


@kernel("Resize")
def resize(ctx: OpContext):
    """MindSpore Lite CPU semantics (nnacl ``resize_fp32.c``), see the module docstring."""
    x = ctx.inputs[0]
    if x.ndim != 4:
        raise ctx.unsupported(f"Resize needs a 4-D input, got {list(x.shape)}")
    method = ctx.attr("method") or "NEAREST"
    if method not in ("NEAREST", "LINEAR"):
        raise ctx.unsupported(f"Resize method {method} is not supported (NEAREST, LINEAR)")
    if method == "LINEAR":
        x = float_in(ctx, x)
    elif is_quantized(ctx.in_tensors[0]) and ctx.in_tensors[0].quant != ctx.out_tensors[0].quant:
        raise ctx.unsupported("quantized nearest Resize with different input/output parameters")
    nchw = ctx.attr("format") == "NCHW"
    hax, wax = (2, 3) if nchw else (1, 2)
    tout = ctx.out_tensors[0]
    if len(tout.shape) == 4 and all(d > 0 for d in tout.shape):
        oh, ow = tout.shape[hax], tout.shape[wax]
    elif (ctx.attr("new_height") or 0) > 0 and (ctx.attr("new_width") or 0) > 0:
        oh, ow = int(ctx.attr("new_height")), int(ctx.attr("new_width"))
    elif len(ctx.inputs) > 1:
        v = np.asarray(ctx.inputs[1]).reshape(-1)
        if v.size == 4:
            v = v[[hax, wax]]
        if v.size != 2:
            raise ctx.unsupported(f"Resize size input of {v.size} values")
        if np.issubdtype(v.dtype, np.floating):
            oh, ow = int(math.floor(x.shape[hax] * v[0])), int(math.floor(x.shape[wax] * v[1]))
        else:
            oh, ow = int(v[0]), int(v[1])
    else:
        raise ctx.unsupported("Resize without an output size")
    mode = ctx.attr("coordinate_transform_mode") or "ASYMMETRIC"
    y = _resize_axis(ctx, x, hax, oh, method, mode)
    y = _resize_axis(ctx, y, wax, ow, method, mode)
    return [np.ascontiguousarray(y).astype(tout.dtype.np)]
