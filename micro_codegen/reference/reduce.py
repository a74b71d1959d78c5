"""ReduceFusion: mean, sum, max, min, prod, sum of squares, sum of |x|, L2 (fp32);
mean, max, min (int8; int8 sum is unsupported: its TFLite reference results could
not be reproduced, so there is no verified semantics to implement).

Axes come from the constant second input (negative values count from the end; no
second input = all axes). ``reduce_to_end``: the axes become ``axes[0] .. ndim-1`` and
the result is multiplied by ``coeff`` when ``|coeff| > 1e-5`` (MindSpore Lite's rule;
fp32 only).
``keep_dims`` keeps reduced axes as size 1.

fp32 (TFLite reference ReduceSumImpl / Mean): every output accumulates its inputs in
row-major order, in float32; mean = ``sum / float32(count)``.

int8 mean (TFLite reference MEAN for int8, every axis combination; verified
element-exact against LiteRT BUILTIN_REF): with ``(m, e) = quantize_multiplier(in_scale /
out_scale)`` and ``n`` the number of reduced elements, the ``1/n`` is folded into the
multiplier: ``k = min(floor(log2 n), 32, 31 + e)``, ``m' = (m << k) // n``, ``e' = e - k``;
then ``y = clamp(MBQM(sum(x) - in_zp * n, m', e') + out_zp)`` with double rounding.
int8 max / min: the raw max / min (input and output quantization must be identical).

bool: ReduceAll / ReduceMin / ReduceProd = all, ReduceMax = any. Non-quantized integers:
sum / prod (wrapping) / max / min.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .conv import qparams
from .registry import OpContext, kernel

_FP32_MODES = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
               "ReduceSumSquare", "ReduceASum", "ReduceL2")
_INT8_MODES = ("ReduceMean", "ReduceMax", "ReduceMin")


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

    if x.dtype == np.int8:
        if mode not in _INT8_MODES:
            raise ctx.unsupported(f"mode {mode} is not supported for int8 ({', '.join(_INT8_MODES)})")
        if coeff != 1.0:
            raise ctx.unsupported(f"reduce_to_end with coeff {coeff} is not supported for int8")
        yt = ctx.out_tensors[0]
        if yt.dtype.np != np.int8:
            raise ctx.unsupported(f"int8 input with {yt.dtype.short} output")
        s_in, z_in = qparams(ctx, ctx.in_tensors[0], "input")
        s_out, z_out = qparams(ctx, yt, "output")
        if mode in ("ReduceMax", "ReduceMin"):
            if (s_in, z_in) != (s_out, z_out):
                raise ctx.unsupported("int8 ReduceMax/ReduceMin need identical input and output quantization")
            y = rows.max(axis=1) if mode == "ReduceMax" else rows.min(axis=1)
            return [y.astype(np.int8).reshape(out_shape)]
        total = rows.astype(np.int64).sum(axis=1) - np.int64(z_in) * n
        m, e = numerics.mean_multiplier(s_in, s_out, n)
        y = numerics.multiply_by_quantized_multiplier(total, m, e, numerics.ROUNDING_MEAN) + z_out
        return [np.clip(y, -128, 127).astype(np.int8).reshape(out_shape)]

    if x.dtype == np.bool_:
        fns = {"ReduceAll": np.all, "ReduceMin": np.all, "ReduceProd": np.all, "ReduceMax": np.any}
        if mode not in fns or coeff != 1.0:
            raise ctx.unsupported(f"mode {mode} is not supported for bool (ReduceAll, ReduceMax, ReduceMin, ReduceProd)")
        return [fns[mode](rows, axis=1).reshape(out_shape)]
    if np.issubdtype(x.dtype, np.integer) and not ctx.in_tensors[0].quant and not ctx.out_tensors[0].quant:
        fns = {"ReduceSum": np.sum, "ReduceProd": np.prod, "ReduceMax": np.max, "ReduceMin": np.min}
        if mode not in fns or coeff != 1.0:
            raise ctx.unsupported(f"mode {mode} is not supported for {x.dtype} (ReduceSum, ReduceProd, ReduceMax, "
                                  "ReduceMin)")
        return [fns[mode](rows.astype(np.int64), axis=1).astype(x.dtype).reshape(out_shape)]
    raise ctx.unsupported(f"input dtype {x.dtype} is not supported (float32, int8, bool, plain integers)")
