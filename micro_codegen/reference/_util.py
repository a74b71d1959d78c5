"""Small helpers of the reference kernels (not an op family)."""
from __future__ import annotations

import numpy as np

from .activation import is_quantized
from .registry import OpContext


def no_quant(ctx: OpContext):
    if any(is_quantized(t) for t in list(ctx.in_tensors) + list(ctx.out_tensors)):
        raise ctx.unsupported(f"quantized {ctx.node.op} is not supported")


def float_in(ctx: OpContext, x: np.ndarray) -> np.ndarray:
    no_quant(ctx)
    if not np.issubdtype(x.dtype, np.floating):
        raise ctx.unsupported(f"{ctx.node.op} on {ctx.in_tensors[0].dtype.short} data is not supported")
    return x.astype(np.float64)


def norm_axis(ctx: OpContext, axis: int, rank: int) -> int:
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < max(rank, 1):
        raise ctx.unsupported(f"axis {axis} out of range for rank {rank}")
    return a


def per_channel(p: np.ndarray, rank: int, axis: int) -> np.ndarray:
    shape = [1] * rank
    shape[axis] = -1
    return np.asarray(p, dtype=np.float64).reshape(shape)
