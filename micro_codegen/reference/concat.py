"""Concat and Split.

Concat: ``axis`` may be negative (counted from the output rank). Quantized int8/uint8:
inputs whose (scale, zero point) equal the output's are copied (TFLite's int8 kernel
requires that of every input); any other input is requantized as TFLite's uint8
``ConcatenationWithScaling`` does, in float32:
``q_out = (int)round_half_away(q * s + b) + out_zp`` with ``s = in_scale * (1 / out_scale)``
and ``b = -in_zp * s``, clamped to the dtype range.

Split along ``axis`` (may be negative). The part sizes are, in order of preference: the
``size_splits`` attribute (one ``-1`` entry takes the rest); a constant second input;
the output tensors' declared sizes along ``axis`` (MindSpore Lite infers a Split's
shapes from its attributes, so a non-constant sizes input does not change them: the
``.ms`` output shapes are the split); else ``output_num`` equal parts. Quantized data
is copied unchanged.
"""
from __future__ import annotations

import numpy as np

from .activation import is_quantized
from .registry import OpContext, kernel


def _same_q(a, b) -> bool:
    return (len(a.quant) == 1 and len(b.quant) == 1 and np.float32(a.quant[0].scale) == np.float32(b.quant[0].scale)
            and a.quant[0].zero_point == b.quant[0].zero_point)


def _requant_concat_input(ctx: OpContext, q: np.ndarray, tin, tout) -> np.ndarray:
    if tin.per_channel or tout.per_channel or not tin.is_quantized:
        raise ctx.unsupported(f"Concat input '{tin.name}' needs per-tensor quantization like the output")
    s = np.float32(tin.quant[0].scale) * (np.float32(1.0) / np.float32(tout.quant[0].scale))
    b = np.float32(-tin.quant[0].zero_point) * s
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


def split_sizes(ctx: OpContext, dim: int, axis: int) -> list[int]:
    n_out = len(ctx.out_tensors)
    sizes = ctx.attr("size_splits")
    if sizes:
        sizes = [int(s) for s in sizes]
    elif len(ctx.inputs) > 1 and ctx.in_tensors[1].is_const:
        sizes = [int(s) for s in np.asarray(ctx.inputs[1]).reshape(-1)]
    elif all(len(t.shape) > axis and t.shape[axis] >= 0 for t in ctx.out_tensors):
        sizes = [int(t.shape[axis]) for t in ctx.out_tensors]
    else:
        num = int(ctx.attr("output_num", 0) or n_out)
        if num <= 0 or dim % num:
            raise ctx.unsupported(f"Split of size {dim} into {num} equal parts")
        sizes = [dim // num] * num
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = dim - (sum(sizes) + 1)
    if len(sizes) != n_out or sum(sizes) != dim or any(s < 0 for s in sizes):
        raise ctx.unsupported(f"Split sizes {sizes} do not split a dimension of {dim} into {n_out} outputs")
    return sizes


@kernel("Split")
def split(ctx: OpContext):
    x = ctx.inputs[0]
    axis = int(ctx.attr("axis", 0) or 0)
    if axis < 0:
        axis += x.ndim
    if not 0 <= axis < x.ndim:
        raise ctx.unsupported(f"Split axis {ctx.attr('axis')} out of range for rank {x.ndim}")
    sizes = split_sizes(ctx, x.shape[axis], axis)
    cuts = np.cumsum(sizes)[:-1]
    return [p.astype(t.dtype.np) for p, t in zip(np.split(x, cuts, axis=axis), ctx.out_tensors)]
