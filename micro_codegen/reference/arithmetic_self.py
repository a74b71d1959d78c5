"""Element-wise unary math: Abs, Neg, Sqrt, Rsqrt, ExpFusion, Log, Log1p, Floor, Ceil, Round,
Reciprocal, Square, Sin, Cos, Erf; LogicalNot.

Float inputs are computed in float64 and rounded once to the output dtype. ``Round``
rounds half to even (MindSpore's documented ``Round``, as ONNX). ``ExpFusion`` is
``base ** (scale * x + shift)`` with ``base = -1`` meaning e.

Integer inputs without quantization parameters: Abs, Neg, Square, Floor, Ceil and Round
apply to the integers (Abs/Neg/Square wrap like C int arithmetic of the dtype); the
others raise ``UnsupportedOpError``.

Quantized int8/uint8: only Abs (TFLite ``AbsEvalQuantized``:
``clamp(out_zp + MBQM(|q - in_zp|, in_scale / out_scale), qmin, qmax)``, without the
multiply when the scales are equal; ``in_scale / out_scale`` in float32) and Neg
(``clamp(out_zp - MBQM(q - in_zp, M), ...)`` with the same multiplier convention).
"""
from __future__ import annotations

import math

import numpy as np

from .. import numerics
from .activation import erf, is_quantized
from .registry import OpContext, kernel

_FLOAT_FNS = {
    "Abs": np.abs,
    "Neg": np.negative,
    "Sqrt": np.sqrt,
    "Rsqrt": lambda x: 1.0 / np.sqrt(x),
    "Log": np.log,
    "Log1p": np.log1p,
    "Floor": np.floor,
    "Ceil": np.ceil,
    "Round": np.rint,          # half to even
    "Reciprocal": lambda x: 1.0 / x,
    "Square": np.square,
    "Sin": np.sin,
    "Cos": np.cos,
    "Erf": erf,
}

_INT_FNS = {
    "Abs": np.abs,
    "Neg": np.negative,
    "Square": np.square,
    "Floor": lambda x: x,
    "Ceil": lambda x: x,
    "Round": lambda x: x,
}


def _quantized(ctx: OpContext, x: np.ndarray) -> np.ndarray:
    op = ctx.node.op
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    if not (is_quantized(tin) and is_quantized(tout)):
        raise ctx.unsupported(f"{op} between a quantized and a non-quantized tensor is not supported")
    if op not in ("Abs", "Neg"):
        raise ctx.unsupported(f"quantized {tin.dtype.short} {op} is not supported (only Abs, Neg)")
    if tin.per_channel or tout.per_channel:
        raise ctx.unsupported(f"per-channel quantized {op} is not supported")
    s_in, zp_in = tin.quant[0].scale, tin.quant[0].zero_point
    s_out, zp_out = tout.quant[0].scale, tout.quant[0].zero_point
    v = x.astype(np.int64) - zp_in
    if op == "Abs":
        v = np.abs(v)
    if np.float32(s_in) != np.float32(s_out):
        m, sh = numerics.quantize_multiplier(numerics.ratio_f32(s_in, s_out))
        v = numerics.multiply_by_quantized_multiplier(v, m, sh)
    y = (zp_out - v) if op == "Neg" else (zp_out + v)
    info = np.iinfo(tout.dtype.np)
    return np.clip(y, info.min, info.max).astype(tout.dtype.np)


@kernel(*_FLOAT_FNS)
def unary(ctx: OpContext):
    x = ctx.inputs[0]
    op = ctx.node.op
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    if is_quantized(tin) or is_quantized(tout):
        return [_quantized(ctx, x)]
    if np.issubdtype(x.dtype, np.integer):
        fn = _INT_FNS.get(op)
        if fn is None:
            raise ctx.unsupported(f"{op} on {tin.dtype.short} data is not supported")
        return [fn(x).astype(tout.dtype.np)]
    if x.dtype == np.bool_:
        raise ctx.unsupported(f"{op} on bool data is not supported")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = _FLOAT_FNS[op](x.astype(np.float64))
    return [np.asarray(y, dtype=np.float64).astype(tout.dtype.np)]


@kernel("ExpFusion")
def exp_fusion(ctx: OpContext):
    x = ctx.inputs[0]
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    if not np.issubdtype(x.dtype, np.floating) or is_quantized(tout):
        raise ctx.unsupported(f"ExpFusion on {tin.dtype.short} data is not supported")
    base = float(ctx.attr("base", -1.0))
    scale = float(ctx.attr("scale", 1.0))
    shift = float(ctx.attr("shift", 0.0))
    if base != -1.0 and base <= 0:
        raise ctx.unsupported(f"ExpFusion base must be -1 (e) or > 0, got {base}")
    ln_base = 1.0 if base == -1.0 else math.log(base)
    with np.errstate(over="ignore"):
        y = np.exp(ln_base * (scale * x.astype(np.float64) + shift))
    return [y.astype(tout.dtype.np)]


@kernel("LogicalNot")
def logical_not(ctx: OpContext):
    return [np.logical_not(ctx.inputs[0]).astype(ctx.out_tensors[0].dtype.np)]
