"""TileFusion: ``x`` repeated along its axes, as MindSpore Lite's ``TileInferShape`` and tile
kernel. The multiples come from input 1; the ``dims`` attribute lists the axes they apply to
(``multiples_full[dims[k]] = multiples[k]``; no ``dims``: the first ``len(multiples)`` axes in
order), the other axes keep 1 (:func:`micro_codegen.numerics.tile_multiples`). The output has
the input's rank.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .registry import OpContext, kernel


@kernel("TileFusion")
def tile(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.inputs) != 2:
        raise ctx.unsupported(f"TileFusion needs inputs x, multiples; got {len(ctx.inputs)} inputs")
    full = numerics.tile_multiples(x.ndim, ctx.inputs[1], ctx.attr("dims"))
    ctx.check_size(np.multiply(x.shape, full, dtype=object))
    return [np.tile(x, full).astype(ctx.out_tensors[0].dtype.np)]
