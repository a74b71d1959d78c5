"""Comparisons (Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual), LogicalAnd /
LogicalOr and Where, with numpy broadcasting.

Comparisons: both inputs share one dtype, bool output. float16 values compare as float32
(exactly); plain integers and bool compare as they are. Quantized int8 inputs compare as
TFLite's ComparisonWithScaling does: each input ``q`` becomes
``MBQM((q - zero_point) << 8, m, e)`` (double rounding) with ``(m, e) =
numerics.comparison_multiplier(scale)``, and those int32 values are compared -- so inputs of
different quantization compare by value.

LogicalAnd / LogicalOr: element-wise on truth values (non-zero is true), bool output.

Where: ``where(condition, x, y)`` (three inputs; condition bool, x / y / output one dtype;
quantized x / y must share the output's quantization: data is moved, not requantized).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from .activation import is_quantized
from .conv import qparams
from .registry import OpContext, kernel

_CMP = {"Equal": np.equal, "NotEqual": np.not_equal, "Less": np.less, "LessEqual": np.less_equal,
        "Greater": np.greater, "GreaterEqual": np.greater_equal}
_LOGIC = {"LogicalAnd": np.logical_and, "LogicalOr": np.logical_or}


def compare_scaled(q: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """The int32 value (as int64) TFLite compares for quantized int8 ``q`` (module docstring)."""
    m, e = numerics.comparison_multiplier(scale)
    x = (q.astype(np.int64) - int(zero_point)) << numerics.COMPARE_LEFT_SHIFT
    return numerics.multiply_by_quantized_multiplier(x, m, e, "double")


def _two(ctx: OpContext):
    if len(ctx.inputs) != 2:
        raise ctx.unsupported(f"needs 2 inputs, got {len(ctx.inputs)}")
    a, b = ctx.inputs
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ctx.unsupported(f"shapes {list(a.shape)} and {list(b.shape)} do not broadcast") from None
    return a, b


@kernel(*_CMP)
def compare_op(ctx: OpContext):
    """Element-wise comparison with broadcasting; bool output (module docstring)."""
    a, b = _two(ctx)
    if a.dtype != b.dtype:
        raise ctx.unsupported(f"input dtypes differ ({a.dtype}, {b.dtype})")
    quant = [is_quantized(t) for t in ctx.in_tensors]
    if any(quant):
        if not all(quant) or a.dtype != np.int8:
            raise ctx.unsupported("quantized comparisons need two quantized int8 inputs")
        try:
            a = compare_scaled(a, *qparams(ctx, ctx.in_tensors[0], "input 1"))
            b = compare_scaled(b, *qparams(ctx, ctx.in_tensors[1], "input 2"))
        except UnsupportedOpError as e:
            raise ctx.unsupported(str(e)) from None
    elif a.dtype == np.float16:
        a, b = a.astype(np.float32), b.astype(np.float32)
    return [_CMP[ctx.node.op](a, b).astype(ctx.out_tensors[0].dtype.np)]


@kernel(*_LOGIC)
def logical_op(ctx: OpContext):
    """Element-wise logic on truth values with broadcasting; bool output."""
    a, b = _two(ctx)
    return [_LOGIC[ctx.node.op](a != 0, b != 0).astype(ctx.out_tensors[0].dtype.np)]


@kernel("Where")
def where(ctx: OpContext):
    """``where(condition, x, y)`` with broadcasting (three inputs only)."""
    if len(ctx.inputs) != 3:
        raise ctx.unsupported("Where with other than 3 inputs is not supported")
    c, a, b = ctx.inputs
    xq = [t.quant[0] if is_quantized(t) and len(t.quant) == 1 else None
          for t in list(ctx.in_tensors[1:]) + list(ctx.out_tensors)]
    if any(is_quantized(t) for t in list(ctx.in_tensors[1:]) + list(ctx.out_tensors)):
        if len({(q.scale, q.zero_point) if q else None for q in xq}) != 1:
            raise ctx.unsupported("quantized Where needs x, y and the output to share one quantization")
    return [np.where(c.astype(bool), a, b).astype(ctx.out_tensors[0].dtype.np)]
