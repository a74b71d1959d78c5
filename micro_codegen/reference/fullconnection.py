"""FullConnection: ``y[b, o] = sum_i x[b, i] * w[o, i] (+ bias[o])``, fused activation.

The input is flattened to ``[rows, in]``: with ``use_axis`` the dims from ``axis`` on
are the columns (``rows = prod(shape[:axis])``), otherwise ``rows = size // in`` (TFLite
FULLY_CONNECTED). Weights are ``[out, in]``.

fp32: TFLite reference order (``acc = 0; acc += x*w`` in float32 over ``i``; then
``+ bias``; then the activation). int8: ``acc = sum((x - in_zp) * (w - w_zp)) + bias``
requantized with ``M = in_scale * w_scale / out_scale`` (per-channel weights give one M
per output), see ``micro_codegen/numerics.py``. Hybrid (fp32 input, int8 weights): per-row symmetric
on-the-fly input quantization as in ``conv`` (TFLite hybrid FULLY_CONNECTED, symmetric
inputs), ``out = bias + float32(acc) * (s_row * w_scale)``.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .conv import float_dot_ordered, get_activation, hybrid_quantize_rows, int_dot, qparams
from .registry import OpContext, kernel


@kernel("FullConnection")
def full_connection(ctx: OpContext):
    has_bias = bool(ctx.attr("has_bias", len(ctx.inputs) > 2))
    if len(ctx.inputs) < 2 or len(ctx.inputs) > 3:
        raise ctx.unsupported(f"needs 2 or 3 inputs (x, weight[, bias]), got {len(ctx.inputs)}")
    if has_bias and len(ctx.inputs) != 3:
        raise ctx.unsupported("has_bias is set but there is no bias input")
    x, w = ctx.inputs[0], ctx.inputs[1]
    b = ctx.inputs[2] if len(ctx.inputs) == 3 else None
    xt, wt, yt = ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0]
    if w.ndim != 2:
        raise ctx.unsupported(f"weights must be 2-D [out, in], got shape {list(w.shape)}")
    n_out, n_in = w.shape
    if ctx.attr("use_axis", False):
        axis = int(ctx.attr("axis", 1))
        if axis < 0:
            axis += x.ndim
        if not 0 <= axis < max(x.ndim, 1):
            raise ctx.unsupported(f"axis {ctx.attr('axis')} out of range for a {x.ndim}-D input")
        cols = int(np.prod(x.shape[axis:], dtype=np.int64))
        if cols != n_in:
            raise ctx.unsupported(f"input dims from axis {axis} ({list(x.shape[axis:])}) do not give {n_in} columns")
    if x.size % n_in:
        raise ctx.unsupported(f"input of {x.size} elements cannot be flattened to [rows, {n_in}]")
    x2 = x.reshape(-1, n_in)
    rows = x2.shape[0]
    if b is not None and b.size != n_out:
        raise ctx.unsupported(f"bias has {b.size} elements, need {n_out}")
    act = get_activation(ctx)

    if x.dtype == np.float32 and w.dtype == np.float32:
        acc = float_dot_ordered(x2[:, None, :], w[None]).reshape(rows, n_out)
        if b is not None:
            if b.dtype != np.float32:
                raise ctx.unsupported(f"fp32 FullConnection needs an fp32 bias, got {b.dtype}")
            acc = acc + b.reshape(1, n_out)
        return [numerics.float_activation(acc, act)]

    if x.dtype == np.float32 and w.dtype == np.int8:
        if len(wt.quant) not in (1, n_out) or np.any(wt.zero_points != 0):
            raise ctx.unsupported("hybrid FullConnection needs symmetric per-tensor or per-channel weights")
        q, s_in = hybrid_quantize_rows(x2)
        acc = int_dot(q.astype(np.int32)[:, None, :], w.astype(np.int32)[None]).reshape(rows, n_out)
        scale = (s_in.reshape(rows, 1) * np.broadcast_to(wt.scales.astype(np.float32), (n_out,))).astype(np.float32)
        out = acc.astype(np.float32) * scale
        if b is not None:
            out = b.astype(np.float32).reshape(1, n_out) + out
        return [numerics.float_activation(out.astype(np.float32), act)]

    if x.dtype == np.int8 and w.dtype == np.int8:
        if yt.dtype.np != np.int8:
            raise ctx.unsupported(f"int8 FullConnection with {yt.dtype.short} output")
        in_scale, in_zp = qparams(ctx, xt, "input")
        out_scale, out_zp = qparams(ctx, yt, "output")
        if len(wt.quant) not in (1, n_out):
            raise ctx.unsupported(f"weights have {len(wt.quant)} quant params, need 1 or {n_out}")
        w_scales = np.broadcast_to(wt.scales, (n_out,))
        w_zps = np.broadcast_to(wt.zero_points, (n_out,))
        if b is not None and b.dtype != np.int32:
            raise ctx.unsupported(f"int8 FullConnection needs an int32 bias, got {b.dtype}")
        xs = x2.astype(np.int32) - in_zp
        ws = w.astype(np.int32) - w_zps.reshape(n_out, 1)
        acc = int_dot(xs[:, None, :], ws[None]).reshape(rows, n_out)
        if b is not None:
            acc = acc + b.astype(np.int64).reshape(1, n_out)
        mult, shift = numerics.output_multipliers(in_scale, w_scales, out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        return [numerics.requantize(acc, mult, shift, out_zp, qmin, qmax, np.int8, numerics.ROUNDING_FC)]

    raise ctx.unsupported(f"input {x.dtype} with weights {w.dtype} is not supported")
