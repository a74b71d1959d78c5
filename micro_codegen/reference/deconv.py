"""Conv2dTransposeFusion (ONNX ConvTranspose, NNACL "deconv"): fp32 and int8.

Layout (what the MindSpore Lite converter writes): input NHWC ``[N, H, W, Cin]``, weights
``[Cin, KH, KW, Cout/group]`` (ONNX's ``[Cin, Cout/group, KH, KW]`` with the channel axis
moved last), optional bias ``[Cout]``, output NHWC ``[N, OH, OW, Cout]``; groups:
:func:`micro_codegen.numerics.deconv_groups` (0 means ``Cin``). Input channel ``ic`` of group
``g = ic // (Cin/group)`` feeds output channels ``g * Cout/group ...``.

Geometry: :func:`micro_codegen.numerics.deconv_window` (output size, ``pad_before``). Input
pixel ``(iy, ix)`` reaches output ``(oy, ox) = (iy * sh - pad_top + ky * dh, ix * sw -
pad_left + kx * dw)`` through tap ``(ky, kx)``; outputs no tap reaches (output padding,
negative SAME padding) get the bias only.

fp32 — the sum order the C kernel (``fp32/deconv_fp32.c``) uses: for each output,
``acc = 0.0f`` then ``acc += x * w`` in float32 over ``(ky, kx, ic)`` (taps whose input
position is not on the stride grid or outside the input skipped), then ``acc + bias``, then
the fused activation.

int8 — TFLite reference ``TRANSPOSE_CONV`` (reference_integer_ops::TransposeConv) with
per-channel weights: ``acc = sum((x - in_zp) * w) + bias`` (int32, exact in any order),
``requantize`` with ``M[c] = in_scale * w_scale[c] / out_scale`` (double), the output zero
point and the fused-activation range; weights symmetric (zero point 0), quantized per tensor
or per output channel (the last axis).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .conv import get_activation, qparams
from .registry import OpContext, kernel


def tap_index(out_n: int, in_n: int, k: int, s: int, d: int, pad: int) -> tuple[np.ndarray, np.ndarray]:
    """For each tap ``t < k`` and output ``o < out_n``: the input index ``(o + pad - t*d) / s``
    and whether it is a real input (on the stride grid, inside ``[0, in_n)``) -> two ``[k, out_n]``
    arrays (index clipped into range where invalid)."""
    num = np.arange(out_n)[None, :] + pad - (np.arange(k) * d)[:, None]
    valid = (num >= 0) & (num % s == 0) & (num // s < in_n)
    return np.where(valid, num // s, 0), valid


def deconv_taps(x: np.ndarray, kh, kw, win) -> np.ndarray:
    """NHWC ``x`` -> ``[KH, KW, N, OH, OW, C]``: the input each output sees through each tap
    (0 where none)."""
    n, h, wd, c = x.shape
    iy, vy = tap_index(win.out_h, h, kh, win.stride_h, win.dilation_h, win.pad_top)
    ix, vx = tap_index(win.out_w, wd, kw, win.stride_w, win.dilation_w, win.pad_left)
    g = x[:, iy[:, None, :, None], ix[None, :, None, :], :]          # [N, KH, KW, OH, OW, C]
    mask = (vy[:, None, :, None] & vx[None, :, None, :])[None, :, :, :, :, None]
    g = np.where(mask, g, np.zeros((), x.dtype))
    return np.moveaxis(g, 0, 2)                                     # [KH, KW, N, OH, OW, C]


@kernel("Conv2dTransposeFusion")
def deconv2d(ctx: OpContext):
    if len(ctx.inputs) not in (2, 3):
        raise ctx.unsupported(f"needs 2 or 3 inputs (x, weight[, bias]), got {len(ctx.inputs)}")
    x, w = ctx.inputs[0], ctx.inputs[1]
    b = ctx.inputs[2] if len(ctx.inputs) == 3 else None
    xt, wt, yt = ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0]
    fmt = ctx.attr("format", "NHWC") or "NHWC"
    if fmt != "NHWC":
        raise ctx.unsupported(f"format {fmt}: only NHWC activations are supported")
    if x.ndim != 4 or w.ndim != 4 or len(yt.shape) != 4:
        raise ctx.unsupported(f"input, weights and output must be 4-D; got {list(x.shape)}, {list(w.shape)}, "
                              f"{list(yt.shape)}")
    n, h, wd, cin = x.shape
    _, kh, kw, ocg = w.shape
    cout = int(yt.shape[3])
    group = numerics.deconv_groups(cin, w.shape, cout, ctx.attr("group"))
    icg = cin // group
    if b is not None and b.size != cout:
        raise ctx.unsupported(f"bias has {b.size} elements, need {cout}")
    win = numerics.deconv_window((h, wd), (kh, kw), ctx.node.attrs)
    act = get_activation(ctx)
    shape_out = (n, win.out_h, win.out_w, cout)
    if tuple(yt.shape) != shape_out:
        raise ctx.unsupported(f"output shape {list(yt.shape)} differs from the computed {list(shape_out)}")

    if x.dtype == np.float32 and w.dtype == np.float32:
        if yt.dtype.np != np.float32:
            raise ctx.unsupported(f"fp32 deconv with {yt.dtype.short} output")
        taps = deconv_taps(x, kh, kw, win)
        acc = np.zeros(shape_out, np.float32)
        tmp = np.empty(shape_out[:3] + (ocg,), np.float32)
        for ky in range(kh):
            for kx in range(kw):
                xt_ = taps[ky, kx]
                for g in range(group):
                    out = acc[..., g * ocg:(g + 1) * ocg]
                    for k in range(icg):
                        ic = g * icg + k
                        np.multiply(xt_[..., ic:ic + 1], w[ic, ky, kx][None, None, None, :], out=tmp)
                        out += tmp
        if b is not None:
            if b.dtype != np.float32:
                raise ctx.unsupported(f"fp32 deconv needs an fp32 bias, got {b.dtype}")
            acc = acc + b.reshape(1, 1, 1, cout)
        return [numerics.float_activation(acc, act)]

    if x.dtype == np.int8 and w.dtype == np.int8:
        if yt.dtype.np != np.int8:
            raise ctx.unsupported(f"int8 deconv with {yt.dtype.short} output")
        in_scale, in_zp = qparams(ctx, xt, "input")
        out_scale, out_zp = qparams(ctx, yt, "output")
        if len(wt.quant) not in (1, cout):
            raise ctx.unsupported(f"weights have {len(wt.quant)} quant params, need 1 or {cout}")
        if np.any(wt.zero_points != 0):
            raise ctx.unsupported("int8 deconv needs symmetric weights (zero point 0)")
        if b is not None and b.dtype != np.int32:
            raise ctx.unsupported(f"int8 deconv needs an int32 bias, got {b.dtype}")
        taps = deconv_taps(x.astype(np.int64) - in_zp, kh, kw, win)      # padding: x - zp = 0
        # [KH, KW, N, OH, OW, G, icg] . [G, icg, KH, KW, ocg] -> [N, OH, OW, G, ocg]
        tg = taps.reshape(kh, kw, n, win.out_h, win.out_w, group, icg).astype(np.float64)
        wg = w.astype(np.float64).reshape(group, icg, kh, kw, ocg)
        acc = np.rint(np.einsum("yxnhwgi,giyxo->nhwgo", tg, wg, optimize=True)).astype(np.int64)
        acc = acc.reshape(shape_out)
        if b is not None:
            acc = acc + b.astype(np.int64).reshape(1, 1, 1, cout)
        mult, shift = numerics.output_multipliers(in_scale, np.broadcast_to(wt.scales, (cout,)), out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        return [numerics.requantize(acc, mult, shift, out_zp, qmin, qmax, np.int8, numerics.ROUNDING_CONV)]

    raise ctx.unsupported(f"input {x.dtype} with weights {w.dtype} is not supported (fp32/fp32, int8/int8)")
