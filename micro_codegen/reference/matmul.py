"""MatMulFusion: ``act(op(a) @ op(b) + bias)``.

``op`` swaps the last two axes when ``transpose_a`` / ``transpose_b`` is set; a 1-D
operand is a row (``a``) or column (``b``) vector, as in numpy; batch dimensions
broadcast (numpy ``matmul`` rules). ``bias`` (optional input 2) is added along the
last output axis. ``activation_type`` is the fused activation (NO_ACTIVATION, RELU,
RELU6, RELU1, or any float activation of :mod:`.activation`).

float32: products and sums in float64, one rounding to float32.

Quantized int8 (TFLite BatchMatMul / FullyConnected arithmetic): ``acc = sum((a - a_zp)
* (b - b_zp)) + bias`` in int32 (bias int32, scale ``a_scale * b_scale``), then
``clamp(MBQM(acc, M) + out_zp, act_lo, act_hi)`` with ``M = a_scale * b_scale[n] /
out_scale`` (:func:`numerics.matmul_multipliers`; per-channel ``b`` scales go with the
output column ``n``), MBQM with the default (gemmlowp) rounding, and the fused-activation range of
:func:`numerics.activation_range`.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .activation import float_act, is_quantized
from .registry import OpContext, kernel


def _operands(ctx: OpContext, a: np.ndarray, b: np.ndarray):
    if ctx.attr("transpose_a", False):
        if a.ndim < 2:
            raise ctx.unsupported("MatMulFusion transpose_a on a 1-D operand")
        a = np.swapaxes(a, -1, -2)
    if ctx.attr("transpose_b", False):
        if b.ndim < 2:
            raise ctx.unsupported("MatMulFusion transpose_b on a 1-D operand")
        b = np.swapaxes(b, -1, -2)
    if a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        raise ctx.unsupported(f"MatMulFusion operands do not fit: {list(a.shape)} x {list(b.shape)}")
    return a, b


@kernel("MatMulFusion")
def matmul(ctx: OpContext):
    a, b = ctx.inputs[0], ctx.inputs[1]
    bias = ctx.inputs[2] if len(ctx.inputs) > 2 else None
    ta, tb, tout = ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0]
    act = ctx.attr("activation_type") or "NO_ACTIVATION"
    if any(is_quantized(t) for t in (ta, tb, tout)):
        return [_matmul_int8(ctx, a, b, bias, act)]
    if not all(np.issubdtype(x.dtype, np.floating) for x in (a, b)):
        raise ctx.unsupported(f"MatMulFusion on {ta.dtype.short} x {tb.dtype.short} data is not supported")
    a, b = _operands(ctx, a, b)
    y = np.matmul(a.astype(np.float64), b.astype(np.float64))
    if bias is not None:
        bias = bias.astype(np.float64)
        if bias.size not in (1, y.shape[-1]):
            raise ctx.unsupported(f"MatMulFusion bias of shape {list(bias.shape)} does not fit output {list(y.shape)}")
        y = y + bias.reshape(-1)
    try:
        y = float_act(y, act)
    except ValueError as e:
        raise ctx.unsupported(str(e)) from None
    return [y.astype(tout.dtype.np)]


def _matmul_int8(ctx: OpContext, a, b, bias, act):
    ta, tb, tout = ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0]
    if not all(is_quantized(t) for t in (ta, tb, tout)):
        raise ctx.unsupported("quantized MatMulFusion needs quantized a, b and output tensors")
    if ta.per_channel or tout.per_channel:
        raise ctx.unsupported("per-channel quantized MatMulFusion input/output is not supported")
    a_zp = ta.quant[0].zero_point
    b_zps = tb.zero_points
    b_scales = tb.scales
    a = a.astype(np.int64) - a_zp
    bb = b.astype(np.int64)
    transpose_b = bool(ctx.attr("transpose_b", False))
    if tb.per_channel:
        # per output column n: the channel axis of b is its last axis (first when transposed)
        shape = (-1, 1) if transpose_b else (1, -1)
        bb = bb - b_zps.reshape(shape)
    else:
        bb = bb - int(b_zps[0])
    a, bb = _operands(ctx, a, bb)
    acc = np.matmul(a, bb)
    if bias is not None:
        acc = acc + bias.astype(np.int64).reshape(-1)
    m, sh = numerics.matmul_multipliers(ta.quant[0].scale, b_scales, tout.quant[0].scale)
    if m.size == 1:
        m, sh = int(m[0]), int(sh[0])
    try:
        lo, hi = numerics.activation_range(act, tout.quant[0].scale, tout.quant[0].zero_point, tout.dtype.np)
    except ValueError as e:
        raise ctx.unsupported(str(e)) from None
    return numerics.requantize(acc, m, sh, tout.quant[0].zero_point, lo, hi, tout.dtype.np)
