"""Concat along ``axis`` (may be negative, counted from the output rank). Quantized int8/uint8:
inputs whose (scale, zero point) equal the output's are copied (TFLite's int8 kernel
requires that of every input); any other input is requantized as TFLite's uint8
``ConcatenationWithScaling`` does, in float32:
``q_out = (int)round_half_away(q * s + b) + out_zp`` with ``s = in_scale * (1 / out_scale)``
and ``b = -in_zp * s``, clamped to the dtype range.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .activation import is_quantized
from .registry import OpContext, kernel


def _same_q(a, b) -> bool:
    return (len(a.quant) == 1 and len(b.quant) == 1 and np.float32(a.quant[0].scale) == np.float32(b.quant[0].scale)
            and a.quant[0].zero_point == b.quant[0].zero_point)


def _requant_concat_input(ctx: OpContext, q: np.ndarray, tin, tout) -> np.ndarray:
    if tin.per_channel or tout.per_channel or not tin.is_quantized:
        raise ctx.unsupported(f"Concat input '{tin.name}' needs per-tensor quantization like the output")
    s, b = numerics.concat_requant(tin.quant[0].scale, tin.quant[0].zero_point, tout.quant[0].scale)
    v = q.astype(np.float32) * s + b
    r = np.sign(v) * np.floor(np.abs(v.astype(np.float64)) + 0.5)
    y = r.astype(np.int64) + tout.quant[0].zero_point
    info = np.iinfo(tout.dtype.np)
    return np.clip(y, info.min, info.max)


@kernel("Concat")
def concat(ctx: OpContext):
    tout = ctx.out_tensors[0]
    arrays = [np.asarray(a) for a in ctx.inputs]
    rank = max(a.ndim for a in arrays)
    axis = int(ctx.attr("axis", 0) or 0)
    if axis < 0:
        axis += rank
    if not 0 <= axis < rank:
        raise ctx.unsupported(f"Concat axis {ctx.attr('axis')} out of range for rank {rank}")
    if is_quantized(tout):
        parts = []
        for a, t in zip(arrays, ctx.in_tensors):
            parts.append(a if _same_q(t, tout) else _requant_concat_input(ctx, a, t, tout))
        arrays = [p.astype(np.int64) for p in parts]
    try:
        y = np.concatenate(arrays, axis=axis)
    except ValueError as e:
        raise ctx.unsupported(f"Concat inputs do not fit: {e}") from None
    return [y.astype(tout.dtype.np)]
