"""ReduceFusion: mean, sum, max, min, prod, sum of squares, sum of |x|, L2 (fp32);
mean, sum, max, min, prod (int8, TFLite reference semantics); bool; plain integers.

Axes come from the constant second input (negative values count from the end; no
second input = all axes). ``reduce_to_end``: the axes become ``axes[0] .. ndim-1`` and
the result is multiplied by ``coeff`` when ``|coeff| > 1e-5`` (MindSpore Lite's rule;
fp32 only).
``keep_dims`` keeps reduced axes as size 1.

Every output reduces its inputs in row-major order over the reduced axes.

fp32 (TFLite reference ReduceSumImpl / Mean): accumulation in float32; mean =
``sum / float32(count)``; max / min propagate NaN.

int8 (TFLite reference, LiteRT's ``QuantizedMeanOrSum`` / ``QuantizedReduceProd``), with
``n`` the number of reduced elements:

* mean (verified element-exact against LiteRT BUILTIN_REF, every axis combination):
  ``(m', e') = mean_multiplier(in_scale, out_scale, n)`` (the ``1/n`` folded into the
  multiplier), ``y = clamp(MBQM(sum(x) - in_zp * n, m', e') + out_zp)``, double rounding;
* sum: the same without the fold, ``(m, e) = quantize_multiplier(in_scale / out_scale)``
  (LiteRT's current EvalSum takes this path for every int8 input);
* prod: ``(m, e) = prod_multiplier(in_scale, out_scale, n)``; ``p = x0 - in_zp``, then
  ``p = MBQM64(p * (x - in_zp), m, e)`` for every further element, and
  ``y = clamp(MBQM64(p, m, e) + out_zp)`` (``numerics.multiply_by_quantized_multiplier_64``);
* max / min: the raw max / min (input and output quantization must be identical).

bool: ReduceAll / ReduceMin / ReduceProd = all, ReduceMax = any. Non-quantized integers:
sum / prod (wrapping) / max / min.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from .conv import qparams
from .registry import OpContext, kernel

_FP32_MODES = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
               "ReduceSumSquare", "ReduceASum", "ReduceL2")
_INT8_MODES = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd")


def axes_of(ctx: OpContext, ndim: int) -> list[int]:
    """The node's reduced axes (:func:`micro_codegen.numerics.reduce_axes`); the axes input
    must be constant."""
    if len(ctx.inputs) < 2:
        axes = None
    elif not ctx.in_tensors[1].is_const:
        raise ctx.unsupported("axes (second input) must be a constant")
    else:
        axes = np.asarray(ctx.inputs[1]).reshape(-1).tolist()
    return numerics.reduce_axes(ndim, axes, bool(ctx.attr("reduce_to_end", False)))


def _int8(ctx: OpContext, mode: str, rows: np.ndarray, n: int) -> np.ndarray:
    yt = ctx.out_tensors[0]
    if yt.dtype.np != np.int8:
        raise ctx.unsupported(f"int8 input with {yt.dtype.short} output")
    s_in, z_in = qparams(ctx, ctx.in_tensors[0], "input")
    s_out, z_out = qparams(ctx, yt, "output")
    if mode in ("ReduceMax", "ReduceMin"):
        if (s_in, z_in) != (s_out, z_out):
            raise ctx.unsupported("int8 ReduceMax/ReduceMin need identical input and output quantization")
        return rows.max(axis=1) if mode == "ReduceMax" else rows.min(axis=1)
    v = rows.astype(np.int64) - np.int64(z_in)
    if mode == "ReduceProd":
        try:
            m, e = numerics.prod_multiplier(s_in, s_out, n)
        except UnsupportedOpError as err:
            raise ctx.unsupported(str(err)) from None
        acc = v[:, 0]
        for j in range(1, n):
            acc = numerics.multiply_by_quantized_multiplier_64(acc * v[:, j], m, e)
        y = numerics.multiply_by_quantized_multiplier_64(acc, m, e) + z_out
    else:
        total = v.sum(axis=1)
        total = ((total + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)        # static_cast<int32_t>
        if mode == "ReduceMean":
            m, e = numerics.mean_multiplier(s_in, s_out, n)
        else:
            m, e = numerics.quantize_multiplier(s_in / s_out)
        y = numerics.multiply_by_quantized_multiplier(total, m, e, numerics.ROUNDING_MEAN) + z_out
    return np.clip(y, -128, 127)


@kernel("ReduceFusion")
def reduce(ctx: OpContext):
    x = ctx.inputs[0]
    mode = ctx.attr("mode", "ReduceMean") or "ReduceMean"
    keep = bool(ctx.attr("keep_dims", False))
    axes = axes_of(ctx, x.ndim)
    rest = [i for i in range(x.ndim) if i not in axes]
    n = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    if n == 0:
        raise ctx.unsupported("reducing over an empty axis")
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)) if keep else \
        tuple(x.shape[i] for i in rest)
    rows = np.transpose(x, rest + axes).reshape(-1, n)          # reduced elements in row-major order
    coeff = float(ctx.attr("coeff", 0.0) or 0.0) if ctx.attr("reduce_to_end", False) else 0.0
    if abs(coeff) <= 1e-5:              # MindSpore Lite applies coeff only when |coeff| > 1e-5
        coeff = 1.0

    if x.dtype == np.float32:
        if mode not in _FP32_MODES:
            raise ctx.unsupported(f"mode {mode} is not supported for float32 ({', '.join(_FP32_MODES)})")
        if mode == "ReduceMax":
            y = rows.max(axis=1)
        elif mode == "ReduceMin":
            y = rows.min(axis=1)
        else:
            v = rows
            if mode in ("ReduceSumSquare", "ReduceL2"):
                v = (rows * rows).astype(np.float32)
            elif mode == "ReduceASum":
                v = np.abs(rows)
            acc = np.ones(rows.shape[0], np.float32) if mode == "ReduceProd" else np.zeros(rows.shape[0], np.float32)
            for j in range(n):
                if mode == "ReduceProd":
                    acc *= v[:, j]
                else:
                    acc += v[:, j]
            if mode == "ReduceMean":
                acc = acc / np.float32(n)
            elif mode == "ReduceL2":
                acc = np.sqrt(acc)
            y = acc
        y = y.astype(np.float32)
        if coeff != 1.0:
            y = (y * np.float32(coeff)).astype(np.float32)
        return [y.reshape(out_shape)]

    if coeff != 1.0:
        raise ctx.unsupported(f"reduce_to_end with coeff {coeff} is only supported for float32")
    if x.dtype == np.int8:
        if mode not in _INT8_MODES:
            raise ctx.unsupported(f"mode {mode} is not supported for int8 ({', '.join(_INT8_MODES)})")
        return [_int8(ctx, mode, rows, n).astype(np.int8).reshape(out_shape)]
    if x.dtype == np.bool_:
        fns = {"ReduceAll": np.all, "ReduceMin": np.all, "ReduceProd": np.all, "ReduceMax": np.any}
        if mode not in fns:
            raise ctx.unsupported(f"mode {mode} is not supported for bool (ReduceAll, ReduceMax, ReduceMin, "
                                  "ReduceProd)")
        return [fns[mode](rows, axis=1).reshape(out_shape)]
    if np.issubdtype(x.dtype, np.integer) and not ctx.in_tensors[0].quant and not ctx.out_tensors[0].quant:
        if mode in ("ReduceMax", "ReduceMin"):
            y = rows.max(axis=1) if mode == "ReduceMax" else rows.min(axis=1)
        elif mode in ("ReduceSum", "ReduceProd"):             # wrapping arithmetic in 64 bits, then truncated
            wide = np.uint64 if x.dtype.kind == "u" else np.int64
            with np.errstate(over="ignore"):
                y = (np.sum if mode == "ReduceSum" else np.prod)(rows.astype(wide), axis=1, dtype=wide)
        else:
            raise ctx.unsupported(f"mode {mode} is not supported for {x.dtype} (ReduceSum, ReduceProd, ReduceMax, "
                                  "ReduceMin)")
        return [y.astype(x.dtype).reshape(out_shape)]
    raise ctx.unsupported(f"input dtype {x.dtype} is not supported (float32, int8, bool, plain integers)")
