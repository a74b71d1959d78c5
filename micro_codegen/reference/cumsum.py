"""CumSum along an axis (see the kernel's docstring)."""
from __future__ import annotations

import numpy as np

from ._util import norm_axis, no_quant
from .registry import OpContext, kernel


@kernel("CumSum")
def cumsum(ctx: OpContext):
    """Cumulative sum along input 1's axis (no input: axis 0); ``exclusive`` leaves the element
    itself out (the first sum is 0), ``reverse`` sums from the end. The sums run element by
    element in float32 for float32 and float16 (each float16 result rounded from the float32
    sum; TFLite and MindSpore Lite accumulate in the tensor's float type), and wrap for integers
    (modulo 2**64, then truncated). Quantized tensors are not supported (TFLite has no quantized
    CUMSUM)."""
    no_quant(ctx)
    x = ctx.inputs[0]
    axis = norm_axis(ctx, int(np.asarray(ctx.inputs[1]).reshape(-1)[0]) if len(ctx.inputs) > 1 else 0, x.ndim)
    if x.dtype.kind == "f":
        acc_type = np.float32
    elif x.dtype.kind in "iu":
        acc_type = np.uint64 if x.dtype.kind == "u" else np.int64
    else:
        raise ctx.unsupported(f"CumSum of {x.dtype} is not supported (floats, integers)")
    v = x.astype(acc_type)
    reverse = bool(ctx.attr("reverse", False))
    if reverse:
        v = np.flip(v, axis)
    with np.errstate(over="ignore"):
        y = np.add.accumulate(v, axis=axis, dtype=acc_type)         # sequential, in acc_type
    if ctx.attr("exclusive", False):
        y = np.concatenate([np.zeros_like(np.take(y, [0], axis=axis)), np.take(y, np.arange(y.shape[axis] - 1),
                                                                              axis=axis)], axis=axis)
    if reverse:
        y = np.flip(y, axis)
    return [y.astype(ctx.out_tensors[0].dtype.np)]
