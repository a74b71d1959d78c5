"""QuantDTypeCast: float32 <-> int8/uint8 and int8 <-> uint8, TFLite QUANTIZE / DEQUANTIZE.

* quantize (float -> int8/uint8), parameters of the output tensor (the input's if the
  output has none): ``q = clamp(zp + round_half_away(float32(x) / float32(scale)), qmin, qmax)``
  (TFLite ``AffineQuantize``: float32 division, ``std::round`` = ties away from zero,
  zero point added after rounding). MindSpore Lite's own CPU kernel computes
  ``round(x * (1 / scale) + zp)`` instead, which can differ by one on ties and on the
  last bit of the division; we follow TFLite, the semantics the converted models come from.
* dequantize (int8/uint8 -> float), parameters of the input tensor (the output's if the
  input has none): ``x = float32(double(scale) * (q - zp))``.
* int8 <-> uint8: ``q_out = clamp(zp_out + round_half_away((q - zp_in) * s_in / s_out))``
  (the usual ``+-128`` shift when the scales are equal).

Per-channel parameters apply along the ``axis`` attribute (negative counts from the end).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..ir import DType, Tensor
from .registry import OpContext, kernel

_Q = (DType.INT8, DType.UINT8)
_F = (DType.FLOAT32, DType.FLOAT16, DType.FLOAT64)


def _params(ctx: OpContext, primary: Tensor, other: Tensor, ndim: int):
    t = primary if primary.is_quantized else other
    if not t.is_quantized:
        raise ctx.unsupported("QuantDTypeCast without quantization parameters on either tensor")
    scales = t.scales
    zps = t.zero_points
    if len(scales) == 1:
        return scales[0], zps[0]
    axis = int(ctx.attr("axis", 0) or 0)
    axis = axis + ndim if axis < 0 else axis
    if not 0 <= axis < ndim:
        raise ctx.unsupported(f"QuantDTypeCast per-channel axis {ctx.attr('axis')} out of range")
    shape = [1] * ndim
    shape[axis] = -1
    return scales.reshape(shape), zps.reshape(shape)


def quantize(x: np.ndarray, scale, zp, dtype) -> np.ndarray:
    info = np.iinfo(dtype)
    v = np.asarray(x, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        r = numerics.round_half_away(np.nan_to_num(v.astype(np.float64), nan=0.0, posinf=1e30, neginf=-1e30))
    q = np.clip(np.asarray(r) + np.asarray(zp, dtype=np.float64), info.min, info.max)
    return q.astype(dtype)


def dequantize(q: np.ndarray, scale, zp, dtype=np.float32) -> np.ndarray:
    v = np.asarray(scale, dtype=np.float64) * (q.astype(np.int64) - np.asarray(zp, dtype=np.int64))
    return v.astype(dtype)


@kernel("QuantDTypeCast")
def quant_dtype_cast(ctx: OpContext):
    x = ctx.inputs[0]
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    src, dst = tin.dtype, tout.dtype
    if src in _F and dst in _Q:
        scale, zp = _params(ctx, tout, tin, x.ndim)
        return [quantize(x, scale, zp, dst.np)]
    if src in _Q and dst in _F:
        scale, zp = _params(ctx, tin, tout, x.ndim)
        return [dequantize(x, scale, zp, dst.np)]
    if src in _Q and dst in _Q:
        if not (tin.is_quantized and tout.is_quantized):
            # no parameters: the plain int8 <-> uint8 shift
            y = x.astype(np.int64) + (128 if dst == DType.UINT8 and src == DType.INT8 else
                                      -128 if dst == DType.INT8 and src == DType.UINT8 else 0)
            return [np.clip(y, *(np.iinfo(dst.np).min, np.iinfo(dst.np).max)).astype(dst.np)]
        s_in, zp_in = _params(ctx, tin, tout, x.ndim)
        s_out, zp_out = _params(ctx, tout, tin, x.ndim)
        real = (x.astype(np.int64) - zp_in) * (np.asarray(s_in, np.float64) / np.asarray(s_out, np.float64))
        info = np.iinfo(dst.np)
        return [np.clip(numerics.round_half_away(real) + zp_out, info.min, info.max).astype(dst.np)]
    if src == dst:
        return [x.copy()]
    raise ctx.unsupported(f"QuantDTypeCast from {src.short} to {dst.short} is not supported")
