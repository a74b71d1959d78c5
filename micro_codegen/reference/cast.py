"""Cast: to the output dtype, as ``nnacl_subset/base/cast_base.h`` defines it:

* -> bool: ``x != 0`` (NaN gives True);
* float -> integer: truncation toward zero, saturated to the dtype's range (also at the int64 /
  uint64 edges, where a plain float64 conversion would overflow), NaN gives 0;
* integer -> integer: the low bits (C conversion, numpy ``astype``);
* -> float: rounded to nearest (``astype``; float32 -> float16 ties to even).
"""
from __future__ import annotations

import numpy as np

from ._util import no_quant
from .registry import OpContext, kernel


def float_to_int(x: np.ndarray, dst) -> np.ndarray:
    """``trunc(x)`` saturated to integer dtype ``dst``, NaN -> 0."""
    info = np.iinfo(dst)
    v = np.trunc(np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0, posinf=np.inf, neginf=-np.inf))
    over = v >= float(info.max) + 1.0          # exact powers of two: the first value that does not fit
    under = v < float(info.min)
    out = np.where(over | under, 0.0, v).astype(dst)
    out[over] = info.max
    out[under] = info.min
    return out


@kernel("Cast")
def cast(ctx: OpContext):
    x = ctx.inputs[0]
    no_quant(ctx)
    dst = ctx.out_tensors[0].dtype.np
    if dst == np.bool_:
        return [x != 0]
    if np.issubdtype(x.dtype, np.floating) and np.issubdtype(dst, np.integer):
        return [float_to_int(x, dst)]
    return [x.astype(dst)]
