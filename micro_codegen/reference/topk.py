"""TopKFusion (see the kernel's docstring)."""
from __future__ import annotations

import numpy as np

from ._util import norm_axis
from .arg_min_max import select
from .registry import OpContext, kernel


def _qp(t) -> list[tuple[float, int]]:
    return [(float(q.scale), int(q.zero_point)) for q in t.quant]


@kernel("TopKFusion")
def top_k(ctx: OpContext):
    """The k (input 1) largest values along ``axis`` and their indices, sorted descending; ties keep
    the lower index first, NaN comes after every number; values are compared in their own type.
    ``largest`` is not used: MindSpore Lite's TopK always takes the largest, and its converter
    writes ``largest = 0`` for every ONNX TopK (smallest or not); nor is ``sorted`` (always sorted).
    A quantized values output is a selection, so it must have the input's quantization."""
    x = ctx.inputs[0]
    if any(t.quant for t in ctx.in_tensors[:1] + ctx.out_tensors[:1]) and \
            _qp(ctx.in_tensors[0]) != _qp(ctx.out_tensors[0]):
        raise ctx.unsupported("quantized TopK values need the input's quantization")
    k = int(np.asarray(ctx.inputs[1]).reshape(-1)[0])
    axis = norm_axis(ctx, int(ctx.attr("axis", -1)), x.ndim)
    if not 0 <= k <= x.shape[axis]:
        raise ctx.unsupported(f"k {k} must be in 0..{x.shape[axis]} (the axis size)")
    idx = select(x, axis, k, descending=True)
    vals = np.take_along_axis(x, idx, axis=axis)
    outs = [vals.astype(ctx.out_tensors[0].dtype.np)]
    if len(ctx.out_tensors) > 1:
        outs.append(idx.astype(ctx.out_tensors[1].dtype.np))
    return outs
