"""Element-wise binary ops with numpy broadcasting: AddFusion, SubFusion, MulFusion,
DivFusion (fused activation), Maximum, Minimum.

fp32: the float32 operation, then the fused activation (TFLite reference).

int8 AddFusion / SubFusion (TFLite reference ADD / SUB, ``left_shift = 20``)::

    twice_max = 2 * max(s1, s2)                       (double)
    (m1, e1) = quantize_multiplier(s1 / twice_max)    (m2, e2) likewise
    (mo, eo) = quantize_multiplier(twice_max / (2**20 * s_out))
    a = MBQM((x1 - z1) << 20, m1, e1);  b = MBQM((x2 - z2) << 20, m2, e2)
    y = clamp(MBQM(a ± b, mo, eo) + z_out, act_min, act_max)

int8 MulFusion (TFLite reference MUL)::

    (m, e) = quantize_multiplier(s1 * s2 / s_out)
    y = clamp(MBQM((x1 - z1) * (x2 - z2), m, e) + z_out, act_min, act_max)

Multipliers: :func:`~micro_codegen.numerics.add_multipliers` / ``mul_multiplier``; MBQM
rounding: ``numerics.ROUNDING_ADD`` / ``ROUNDING_MUL`` (verified against LiteRT BUILTIN_REF).
int8 DivFusion is not supported (TFLite has no int8 DIV).

int8 Maximum / Minimum compare the raw values; input and output quantization must
be identical (TFLite's requirement), otherwise the node is unsupported.

Non-quantized integer tensors (no quant params anywhere on the node, e.g. ONNX uint8 /
int32 Add): plain integer arithmetic wrapping modulo 2**bits, division truncating toward
zero (C); float16: numpy float16 arithmetic. No fused activation on those.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .conv import get_activation, qparams
from ._util import no_quant
from .registry import OpContext, kernel


def _two(ctx: OpContext):
    if len(ctx.inputs) != 2:
        raise ctx.unsupported(f"needs 2 inputs, got {len(ctx.inputs)}")
    a, b = ctx.inputs
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ctx.unsupported(f"shapes {list(a.shape)} and {list(b.shape)} do not broadcast") from None
    return a, b, shape


def _binary(ctx: OpContext, kind: str):
    a, b, _ = _two(ctx)
    act = get_activation(ctx)
    yt = ctx.out_tensors[0]
    if a.dtype == np.float32 and b.dtype == np.float32:
        if kind == "add":
            y = a + b
        elif kind == "sub":
            y = a - b
        elif kind == "mul":
            y = a * b
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = a / b
        return [numerics.float_activation(y.astype(np.float32), act)]
    if a.dtype == np.int8 and b.dtype == np.int8:
        if yt.dtype.np != np.int8:
            raise ctx.unsupported(f"int8 inputs with {yt.dtype.short} output")
        s1, z1 = qparams(ctx, ctx.in_tensors[0], "input 1")
        s2, z2 = qparams(ctx, ctx.in_tensors[1], "input 2")
        so, zo = qparams(ctx, yt, "output")
        qmin, qmax = numerics.activation_range(act, so, zo, np.int8)
        x1 = a.astype(np.int64) - z1
        x2 = b.astype(np.int64) - z2
        if kind in ("add", "sub"):
            (m1, e1), (m2, e2), (mo, eo) = numerics.add_multipliers(s1, s2, so)
            r, shift = numerics.ROUNDING_ADD, numerics.ADD_LEFT_SHIFT
            sa = numerics.multiply_by_quantized_multiplier(x1 << shift, m1, e1, r)
            sb = numerics.multiply_by_quantized_multiplier(x2 << shift, m2, e2, r)
            raw = sa + sb if kind == "add" else sa - sb
            y = numerics.multiply_by_quantized_multiplier(raw, mo, eo, r) + zo
        elif kind == "mul":
            m, e = numerics.mul_multiplier(s1, s2, so)
            y = numerics.multiply_by_quantized_multiplier(x1 * x2, m, e, numerics.ROUNDING_MUL) + zo
        else:
            raise ctx.unsupported("int8 DivFusion is not supported (no TFLite int8 DIV semantics)")
        return [np.clip(y, qmin, qmax).astype(np.int8)]
    if a.dtype == b.dtype and a.dtype == yt.dtype.np and _plain(ctx):
        return [_plain_binary(ctx, kind, a, b, act)]
    raise ctx.unsupported(f"inputs {a.dtype} and {b.dtype} are not supported (both float32, both int8, or "
                          "both the same non-quantized integer / float16 type)")


def _plain(ctx: OpContext) -> bool:
    """No tensor of the node carries quantization parameters (plain integer arithmetic)."""
    return not any(t.quant for t in list(ctx.in_tensors) + list(ctx.out_tensors))


def _plain_binary(ctx: OpContext, kind: str, a, b, act):
    """Non-quantized integer (wrapping, C semantics) or float16 arithmetic."""
    dt = a.dtype
    if act != "NO_ACTIVATION":
        raise ctx.unsupported(f"fused activation {act} on {dt} inputs")
    if dt == np.float16:
        fn = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}[kind]
        with np.errstate(divide="ignore", invalid="ignore"):
            return fn(a, b).astype(np.float16)
    if not np.issubdtype(dt, np.integer):
        raise ctx.unsupported(f"dtype {dt} is not supported")
    x, y = a.astype(np.int64), b.astype(np.int64)
    if kind == "add":
        r = x + y
    elif kind == "sub":
        r = x - y
    elif kind == "mul":
        r = x * y
    else:
        if np.any(y == 0):
            raise ctx.unsupported("integer division by zero")
        r = np.sign(x) * np.sign(y) * (np.abs(x) // np.abs(y))      # C: truncation toward zero
    return r.astype(dt)                                            # wraps modulo 2**bits


@kernel("AddFusion")
def add(ctx: OpContext):
    return _binary(ctx, "add")


@kernel("SubFusion")
def sub(ctx: OpContext):
    return _binary(ctx, "sub")


@kernel("MulFusion")
def mul(ctx: OpContext):
    return _binary(ctx, "mul")


@kernel("DivFusion")
def div(ctx: OpContext):
    return _binary(ctx, "div")


def _minmax(ctx: OpContext, fn):
    a, b, _ = _two(ctx)
    if a.dtype != b.dtype:
        raise ctx.unsupported(f"input dtypes differ ({a.dtype}, {b.dtype})")
    if a.dtype == np.float32:
        return [fn(a, b).astype(np.float32)]
    if np.issubdtype(a.dtype, np.integer) or a.dtype == np.float16:
        if not _plain(ctx):
            q = {qparams(ctx, t, "tensor") for t in (ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0])}
            if len(q) != 1:
                raise ctx.unsupported("quantized Maximum/Minimum need identical input and output quantization")
        return [fn(a, b).astype(a.dtype)]
    raise ctx.unsupported(f"dtype {a.dtype} is not supported (float, integer)")


@kernel("Maximum")
def maximum(ctx: OpContext):
    return _minmax(ctx, np.maximum)


@kernel("Minimum")
def minimum(ctx: OpContext):
    return _minmax(ctx, np.minimum)


@kernel("PowFusion")
def pow_fusion(ctx: OpContext):
    """``(scale * x + shift) ** y`` (y = input 1, else the ``power`` attribute), float output."""
    no_quant(ctx)
    x = ctx.inputs[0]
    tout = ctx.out_tensors[0]
    if not np.issubdtype(tout.dtype.np, np.floating):
        raise ctx.unsupported(f"PowFusion with a {tout.dtype.short} output is not supported")
    y = ctx.inputs[1] if len(ctx.inputs) > 1 else np.float64(ctx.attr("power", 1.0))
    base = float(ctx.attr("scale", 1.0)) * x.astype(np.float64) + float(ctx.attr("shift", 0.0))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return [np.power(base, np.asarray(y, dtype=np.float64)).astype(tout.dtype.np)]
