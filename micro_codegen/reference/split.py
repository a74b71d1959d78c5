"""Split along ``axis`` (may be negative) into the node's outputs.

The part sizes are, in order of preference: the ``size_splits`` attribute (one ``-1``
entry takes the rest); a constant second input; the output tensors' declared sizes along
``axis`` (MindSpore Lite infers a Split's shapes from its attributes, so a non-constant
sizes input does not change them: the ``.ms`` output shapes are the split); else
``output_num`` equal parts (:func:`micro_codegen.numerics.split_sizes`). Any dtype;
quantized data is copied unchanged.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .registry import OpContext, kernel


def split_sizes(ctx: OpContext, dim: int, axis: int) -> list[int]:
    """The part sizes of the node's split of a dimension of ``dim`` along ``axis``."""
    sizes_in = ctx.inputs[1] if len(ctx.inputs) > 1 and ctx.in_tensors[1].is_const else None
    outs = [int(t.shape[axis]) if len(t.shape) > axis else None for t in ctx.out_tensors]
    return numerics.split_sizes(dim, len(ctx.out_tensors), ctx.attr("size_splits"), sizes_in, outs,
                                int(ctx.attr("output_num", 0) or 0))


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
