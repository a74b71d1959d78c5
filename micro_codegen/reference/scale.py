"""ScaleFusion: ``act(x * scale + bias)``; ``scale``'s dimensions line up with ``x``'s from
``axis`` on (a 1-D scale that would run past the last dim goes on the last one; one value
scales everything).

int8 (x, scale, offset and output quantized per tensor; one step, as NNACL's int8 scale):
``out = clamp(out_zp + MBQM((x - x_zp) * (s - s_zp), M_s) + MBQM(o - o_zp, M_o), act range)``
with ``M_s = x_scale * s_scale / out_scale`` and ``M_o = o_scale / out_scale``
(:func:`numerics.scale_multipliers`), double (gemmlowp) rounding, the fused-activation range of
:func:`numerics.activation_range`.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .activation import float_act, is_quantized
from ._util import norm_axis, float_in
from .registry import OpContext, kernel


def _align(ctx: OpContext, p: np.ndarray, rank: int, axis: int) -> np.ndarray:
    """``p`` reshaped so its dimensions line up with ``x``'s from ``axis``."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 0 or p.size == 1:
        return p.reshape(())
    a = norm_axis(ctx, axis, rank)
    if a + p.ndim > rank:
        if p.ndim == 1:
            a = rank - 1
        else:
            raise ctx.unsupported(f"parameter of shape {list(p.shape)} does not fit rank {rank} from axis {axis}")
    return p.reshape((1,) * a + p.shape + (1,) * (rank - a - p.ndim))


@kernel("ScaleFusion")
def scale_fusion(ctx: OpContext):
    if any(is_quantized(t) for t in list(ctx.in_tensors) + list(ctx.out_tensors)):
        return [_scale_int8(ctx)]
    x = float_in(ctx, ctx.inputs[0])
    axis = int(ctx.attr("axis", -1))
    y = x * _align(ctx, ctx.inputs[1], x.ndim, axis)
    if len(ctx.inputs) > 2:
        y = y + _align(ctx, ctx.inputs[2], x.ndim, axis)
    try:
        y = float_act(y, ctx.attr("activation_type") or "NO_ACTIVATION")
    except ValueError as e:
        raise ctx.unsupported(str(e)) from None
    return [y.astype(ctx.out_tensors[0].dtype.np)]


def _scale_int8(ctx: OpContext) -> np.ndarray:
    ts = list(ctx.in_tensors) + list(ctx.out_tensors)
    if not all(is_quantized(t) and len(t.quant) == 1 and t.dtype.np == np.int8 for t in ts):
        raise ctx.unsupported("int8 ScaleFusion needs int8 tensors with one (scale, zero point) each")
    x = ctx.inputs[0].astype(np.int64)
    (xq, sq), oq = ts[:2], ts[-1]
    axis = int(ctx.attr("axis", -1))
    s = _align(ctx, ctx.inputs[1].astype(np.int64) - sq.quant[0].zero_point, x.ndim, axis).astype(np.int64)
    offset = ctx.in_tensors[2] if len(ctx.inputs) > 2 else None
    (ms, ss), (mo, so) = numerics.scale_multipliers(xq.quant[0].scale, sq.quant[0].scale,
                                                    offset.quant[0].scale if offset is not None else None,
                                                    oq.quant[0].scale)
    y = numerics.multiply_by_quantized_multiplier((x - xq.quant[0].zero_point) * s, ms, ss, "double")
    if offset is not None:
        o = _align(ctx, ctx.inputs[2].astype(np.int64) - offset.quant[0].zero_point, x.ndim, axis).astype(np.int64)
        y = y + numerics.multiply_by_quantized_multiplier(np.broadcast_to(o, y.shape), mo, so, "double")
    try:
        lo, hi = numerics.activation_range(ctx.attr("activation_type") or "NO_ACTIVATION", oq.quant[0].scale,
                                           oq.quant[0].zero_point, np.int8)
    except ValueError as e:
        raise ctx.unsupported(str(e)) from None
    return np.clip(y + oq.quant[0].zero_point, lo, hi).astype(np.int8)
