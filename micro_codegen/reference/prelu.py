"""PReLUFusion: ``y = x if x >= 0 else slope * x``.

The slope follows its tensor's shape, whatever ``channel_shared`` says (the MindSpore
converter writes ``channel_shared = false`` with a scalar slope and MindSpore Lite's kernel
decides from the slope's element count): one value applies everywhere; otherwise the slope
is broadcast against the input like any numpy operand (right-aligned), and when that does
not fit, a slope holding the input's last-dim count of values is per channel over the last
axis (the converter keeps an ONNX slope ``[C, 1, 1]`` of an NHWC activation ``[N, H, W, C]``).
:func:`micro_codegen.numerics.prelu_slope_shape` says which.

Float: computed in float64, rounded once to the output dtype.

Quantized int8/uint8 — TFLite ``BroadcastPrelu4DSlow``: ``x = q - in_zp``; ``x >= 0``:
``MBQM(x, in_scale / out_scale)``; else ``MBQM(x * (a - a_zp), in_scale * a_scale / out_scale)``
(float32 scale arithmetic, default rounding of :func:`numerics.multiply_by_quantized_multiplier`);
``+ out_zp``, clamped to the output dtype.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from .activation import _qparams, _qrange, is_quantized
from .registry import OpContext, kernel


@kernel("PReLUFusion")
def prelu(ctx: OpContext):
    x, slope = ctx.inputs[0], np.asarray(ctx.inputs[1])
    tin, tslope, tout = ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0]
    try:
        a = np.broadcast_to(slope.reshape(numerics.prelu_slope_shape(x.shape, slope.shape)), x.shape)
    except UnsupportedOpError as e:
        raise ctx.unsupported(str(e)) from None
    if is_quantized(tin) or is_quantized(tout):
        if not (is_quantized(tin) and is_quantized(tout) and is_quantized(tslope)):
            raise ctx.unsupported("quantized PReLU needs quantized input, slope and output tensors")
        s_in, zp_in = _qparams(ctx, tin, "input")
        s_a, zp_a = _qparams(ctx, tslope, "slope")
        s_out, zp_out = _qparams(ctx, tout, "output")
        (m1, sh1), (m2, sh2) = numerics.prelu_multipliers(s_in, s_a, s_out)
        v = x.astype(np.int64) - zp_in
        av = a.astype(np.int64) - zp_a
        y = np.where(v >= 0, numerics.multiply_by_quantized_multiplier(v, m1, sh1),
                     numerics.multiply_by_quantized_multiplier(v * av, m2, sh2)) + zp_out
        lo, hi = _qrange(tout.dtype)
        return [np.clip(y, lo, hi).astype(tout.dtype.np)]
    if not np.issubdtype(x.dtype, np.floating):
        raise ctx.unsupported(f"PReLU on {tin.dtype.short} data without quantization parameters is not supported")
    xf = x.astype(np.float64)
    return [np.where(xf >= 0, xf, xf * a.astype(np.float64)).astype(tout.dtype.np)]
