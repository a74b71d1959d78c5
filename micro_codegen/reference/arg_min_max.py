"""ArgMaxFusion / ArgMinFusion along ``axis``: the ``top_k`` (0 or 1: one) best elements in
order -- largest first for ArgMax, smallest first for ArgMin, equal values by the lower index
(the first occurrence, as MindSpore Lite; ONNX's select_last_index is not in the .ms), NaN
after every number -- as indices, or (``out_max_value``) as values; ``keep_dims`` keeps the
axis when ``top_k`` is 1 (with top_k > 1 it always stays, holding the k results). Values are
compared in their own type (no conversion); an int8 values output is a selection, so it has
the input's quantization.
"""
from __future__ import annotations

import numpy as np

from ._util import norm_axis
from .registry import OpContext, kernel


def order_key(x: np.ndarray, descending: bool) -> np.ndarray:
    """A key whose stable ascending argsort is the selection order: ``x`` (ascending) or an
    order-reversing map of it (floats: ``-x``, NaN stays last; integers and bool: ``~x``, exact
    for every value)."""
    if x.dtype.kind == "f":
        return -x.astype(np.float64) if descending else x.astype(np.float64)
    x = x.astype(np.uint8) if x.dtype == np.bool_ else x
    return ~x if descending else x


def select(x: np.ndarray, axis: int, k: int, descending: bool) -> np.ndarray:
    """Indices of the first ``k`` elements along ``axis`` in the order of :func:`order_key`."""
    order = np.argsort(order_key(x, descending), axis=axis, kind="stable")
    return np.take(order, np.arange(k), axis=axis)


def _qp(t) -> list[tuple[float, int]]:
    return [(float(q.scale), int(q.zero_point)) for q in t.quant]


@kernel("ArgMaxFusion", "ArgMinFusion")
def arg_max(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.out_tensors) != 1:
        raise ctx.unsupported(f"{ctx.node.op} with {len(ctx.out_tensors)} outputs is not supported")
    axis = norm_axis(ctx, int(ctx.attr("axis", 0) or 0), x.ndim)
    k = int(ctx.attr("top_k", 1) or 1)
    if not 1 <= k <= x.shape[axis]:
        raise ctx.unsupported(f"top_k {k} must be in 1..{x.shape[axis]} (the axis size)")
    keep = bool(ctx.attr("keep_dims", False))
    if ctx.attr("out_max_value", False) and x.dtype == np.int8 and \
            _qp(ctx.in_tensors[0]) != _qp(ctx.out_tensors[0]):
        raise ctx.unsupported("int8 values output must have the input's quantization")
    order = select(x, axis, k, ctx.node.op == "ArgMaxFusion")
    out = np.take_along_axis(x, order, axis=axis) if ctx.attr("out_max_value", False) else order
    if k == 1 and not keep:
        out = np.squeeze(out, axis=axis)
    return [out.astype(ctx.out_tensors[0].dtype.np)]
