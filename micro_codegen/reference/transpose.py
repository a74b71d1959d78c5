"""Transpose: ``out = np.transpose(x, perm)`` with ``perm`` from input 1 (negative entries
count from the end); without a perm input the axes are reversed. Any dtype; quantized
data is moved unchanged."""
from __future__ import annotations

import numpy as np

from .registry import OpContext, kernel


@kernel("Transpose")
def transpose(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.inputs) > 1:
        perm = [int(p) for p in np.asarray(ctx.inputs[1]).reshape(-1)]
    else:
        perm = list(range(x.ndim))[::-1]
    perm = [p + x.ndim if p < 0 else p for p in perm]
    if sorted(perm) != list(range(x.ndim)):
        raise ctx.unsupported(f"Transpose perm {perm} is not a permutation of {x.ndim} axes")
    return [np.ascontiguousarray(np.transpose(x, perm)).astype(ctx.out_tensors[0].dtype.np)]
