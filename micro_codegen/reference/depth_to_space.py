"""DepthToSpace (``block_size``, ``mode`` DCR (default) or CRD) and SpaceToDepth
(``block_size``), NHWC (``format`` NCHW also).

Both are a reshape of the 4-D input to 6-D, a transpose and a reshape to the 4-D output
(:func:`micro_codegen.numerics.depth_to_space_geometry`); NHWC DepthToSpace DCR, e.g.,
splits the channel axis as (block row, block col, channel) and moves the block row
next to H and the block col next to W. Any dtype; quantized data is moved unchanged.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .registry import OpContext, kernel


@kernel("DepthToSpace", "SpaceToDepth")
def depth_to_space(ctx: OpContext):
    x = ctx.inputs[0]
    view, perm, out_shape = numerics.depth_to_space_geometry(
        ctx.node.op, x.shape, int(ctx.attr("block_size", 0) or 0), ctx.attr("mode") or "DCR",
        ctx.attr("format") == "NCHW")
    y = np.transpose(x.reshape(view), perm).reshape(out_shape)
    return [np.ascontiguousarray(y).astype(ctx.out_tensors[0].dtype.np)]
