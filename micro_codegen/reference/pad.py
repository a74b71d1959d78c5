"""PadFusion: CONSTANT, REFLECT and SYMMETRIC padding.

Inputs: ``x``, ``paddings`` (optional; else the ``paddings`` attribute), ``constant value``
(optional scalar; else the ``constant_value`` attribute). ``paddings`` holds
``[before, after]`` per dimension (shape ``[n, 2]`` or flat ``[2n]``); when it covers
fewer dimensions than ``x`` has, it applies to the last ones (MindSpore extends it with
zeros in front). Negative paddings are not supported.

* CONSTANT: the border holds the constant value.
* REFLECT: mirror without repeating the edge (``[1 2 3]`` padded 2 -> ``3 2 [1 2 3] 2 1``);
  each padding must be < the dimension.
* SYMMETRIC: mirror repeating the edge (``2 1 [1 2 3] 3 2``); each padding must be <= the
  dimension. (MindSpore's converter maps ONNX ``edge`` to SYMMETRIC, which is the same
  thing for paddings of at most 1.)

Quantized int8/uint8: the data is copied unchanged (input and output must share
scale and zero point); the constant value is a real number, quantized with the
output's parameters: ``zp + round_half_away(value / scale)`` (0 gives the zero point). A
constant-value input that is itself a quantized int8/uint8 constant holds ``q``: its real
value ``(q - zp_v) * scale_v`` is the one quantized (its integer is the fill as it is when
its parameters are the output's); :func:`micro_codegen.numerics.pad_fill_value`.

A fourth input (ONNX ``axes``, as the converter keeps an ONNX Pad with axes): the
``paddings`` are then in ONNX order -- all begins, then all ends, one each per listed
axis (negative axes count from the end) -- and the other dims are not padded
(:func:`micro_codegen.numerics.pad_pairs_axes`; ONNX semantics: MindSpore Lite 2.0
rejects such a node at Prepare).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .activation import is_quantized
from .registry import OpContext, kernel

_NP_MODE = {"REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def paddings_of(ctx: OpContext, rank: int) -> list[tuple[int, int]]:
    """(before, after) per dim (:func:`micro_codegen.numerics.pad_pairs`) from input 1, else
    the ``paddings`` attribute; with an axes input 3, :func:`micro_codegen.numerics.pad_pairs_axes`."""
    attr = ctx.attr("paddings")
    if len(ctx.inputs) > 3:
        return numerics.pad_pairs_axes(rank, ctx.inputs[1], ctx.inputs[3])
    if len(ctx.inputs) > 1:
        flat = np.asarray(ctx.inputs[1]).reshape(-1)
    else:
        flat = [v for row in attr for v in row] if attr else None
    return numerics.pad_pairs(rank, flat)


@kernel("PadFusion")
def pad(ctx: OpContext):
    x = ctx.inputs[0]
    tout = ctx.out_tensors[0]
    if len(ctx.inputs) > 4:
        raise ctx.unsupported(f"PadFusion with {len(ctx.inputs)} inputs (x, paddings, constant value, axes)")
    pairs = paddings_of(ctx, x.ndim)
    ctx.check_size([d + a + b for d, (a, b) in zip(x.shape, pairs)])
    mode = ctx.attr("padding_mode") or "CONSTANT"
    if mode == "CONSTANT":
        value_quant = out_quant = None
        if len(ctx.inputs) > 2:
            cv = np.asarray(ctx.inputs[2])
            if cv.size != 1:
                raise ctx.unsupported(f"PadFusion constant value input must hold one value, got {list(cv.shape)}")
            value = cv.reshape(()).item()
            tv = ctx.in_tensors[2]
            if is_quantized(tv):
                if tv.per_channel:
                    raise ctx.unsupported("a per-channel quantized PadFusion constant value is not supported")
                value_quant = (tv.quant[0].scale, tv.quant[0].zero_point)
        else:
            value = float(ctx.attr("constant_value", 0.0) or 0.0)
        if is_quantized(tout):
            if tout.per_channel:
                raise ctx.unsupported("per-channel quantized PadFusion is not supported")
            out_quant = (tout.quant[0].scale, tout.quant[0].zero_point)
        fill = numerics.pad_fill_value(value, tout.dtype.np, out_quant, value_quant)
        return [np.pad(x, pairs, mode="constant", constant_values=fill[0].astype(x.dtype))
                .astype(tout.dtype.np)]
    if mode not in _NP_MODE:
        raise ctx.unsupported(f"padding mode {mode} is not supported")
    for d, (a, b) in enumerate(pairs):
        limit = x.shape[d] - (1 if mode == "REFLECT" else 0)
        if max(a, b) > limit:
            raise ctx.unsupported(f"{mode} padding {a, b} of dimension {d} (size {x.shape[d]}) exceeds {limit}")
    return [np.pad(x, pairs, mode=_NP_MODE[mode]).astype(tout.dtype.np)]
