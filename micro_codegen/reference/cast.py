"""Cast: to the output dtype; float -> integer truncates toward zero (C cast),
-> bool is ``x != 0``
"""
from __future__ import annotations

import numpy as np

from ._util import no_quant
from .registry import OpContext, kernel


@kernel("Cast")
def cast(ctx: OpContext):
    x = ctx.inputs[0]
    no_quant(ctx)
    dst = ctx.out_tensors[0].dtype.np
    if dst == np.bool_:
        return [x != 0]
    if np.issubdtype(x.dtype, np.floating) and np.issubdtype(dst, np.integer):
        info = np.iinfo(dst)
        with np.errstate(invalid="ignore"):
            return [np.clip(np.trunc(np.nan_to_num(x.astype(np.float64))), info.min, info.max).astype(dst)]
    return [x.astype(dst)]
