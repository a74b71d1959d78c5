"""AvgPoolFusion / MaxPoolFusion (NHWC, fp32 and int8), TFLite reference semantics.

Attributes: ``kernel_size``, ``strides``, ``pad`` ([top, bottom, left, right], used
with ``pad_mode`` PAD), ``pad_mode`` (SAME / VALID / PAD, same output-size and
padding rules as Conv2DFusion), ``round_mode`` (FLOOR / CEIL output size for VALID and
PAD), ``global`` (window = whole H x W), ``activation_type``.

Windows are clipped to the input: padded positions are never read and the average
divides by the number of *valid* positions (count excludes padding).

fp32 average: ``total = 0.0f; total += x`` in (ky, kx) order, ``total / count``, then
the activation. int8 average: ``acc = sum(x)`` of the raw int8 values (int32), then
rounded division half away from zero, ``acc > 0 ? (acc + count/2) / count :
(acc - count/2) / count`` with C truncating division, then clamped to the activation
range. int8 max: max of the raw values clamped to the activation range. Quantized pools
require input and output to share scale and zero point (as TFLite does). Max pooling
also takes float16 and non-quantized integer inputs (plain max, no fused activation).

Windows past the input: a MaxPoolFusion output position that only CEIL rounding adds
(beyond the FLOOR output size) may lie past the input, as MindSpore Lite computes the
output size; it gets the dtype's lowest value (-FLT_MAX for float32, as MindSpore Lite's
kernel, -65504 for float16, the minimum for integers), then the activation. Any other
window lying entirely in the padding is unsupported.

Argmax (MaxPoolFusion with a second output, ONNX MaxPool's ``Indices``): the index of the
first maximum in (ky, kx) order in the input flattened as NCHW, ``((n * C + c) * H + y) *
W + x`` (ONNX's default storage_order 0; the converter writes no storage_order, and an
NHWC file does not change what the index means), as float32 (what the converter writes),
int32 or int64; -1 for a window past the input.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .conv import extract_patches, get_activation, qparams
from .registry import OpContext, kernel


def window(ctx: OpContext, shape) -> numerics.Window:
    """The pooling window of ``ctx``'s node over an input of ``shape`` (NHWC)."""
    fmt = ctx.attr("format", "NHWC") or "NHWC"
    if fmt != "NHWC":
        raise ctx.unsupported(f"format {fmt}: only NHWC is supported")
    if len(shape) != 4:
        raise ctx.unsupported(f"input must be 4-D NHWC, got shape {list(shape)}")
    return numerics.pool_window(shape[1:3], ctx.node.attrs)


def _patches_and_mask(ctx, x, fill, ceil_overhang: bool = False):
    """Patches [N,OH,OW,KH,KW,C] (padding = ``fill``), their validity mask and valid-tap
    counts. ``ceil_overhang``: windows only CEIL rounding adds may lie past the input."""
    win = window(ctx, x.shape)
    if numerics.has_empty_window(win, x.shape[1:3]):
        floor = numerics.pool_window(x.shape[1:3], {**ctx.node.attrs, "round_mode": "FLOOR"})
        if not ceil_overhang or numerics.has_empty_window(floor, x.shape[1:3]):
            raise ctx.unsupported("a pooling window lies entirely in the padding")
    kh, kw, sh, sw, _, _, out_h, out_w, pt, pl = win
    n = x.shape[0]
    p = extract_patches(ctx, x, kh, kw, sh, sw, 1, 1, out_h, out_w, pt, pl, fill=fill)  # [N,OH,OW,KH,KW,C]
    ones = np.ones((1,) + x.shape[1:3] + (1,), dtype=np.int32)
    m = extract_patches(ctx, ones, kh, kw, sh, sw, 1, 1, out_h, out_w, pt, pl)         # [1,OH,OW,KH,KW,1]
    count = m.sum(axis=(3, 4))                                                        # [1,OH,OW,1]
    return p, m, count, (kh, kw), n


def _int8_check(ctx):
    xt, yt = ctx.in_tensors[0], ctx.out_tensors[0]
    if yt.dtype != xt.dtype:
        raise ctx.unsupported(f"input {xt.dtype.short} and output {yt.dtype.short} differ")
    si, zi = qparams(ctx, xt, "input")
    so, zo = qparams(ctx, yt, "output")
    if (si, zi) != (so, zo):
        raise ctx.unsupported(f"int8 pooling needs equal input/output quantization, got ({si}, {zi}) vs ({so}, {zo})")
    return so, zo


@kernel("AvgPoolFusion")
def avg_pool(ctx: OpContext):
    x = ctx.inputs[0]
    act = get_activation(ctx)
    if x.dtype == np.float32:
        p, m, count, (kh, kw), n = _patches_and_mask(ctx, x, 0.0)
        total = np.zeros(p.shape[:3] + p.shape[5:], dtype=np.float32)
        for ky in range(kh):
            for kx in range(kw):
                total += p[:, :, :, ky, kx, :]         # padded taps add +0.0: no effect
        avg = total / count.astype(np.float32)
        return [numerics.float_activation(avg.astype(np.float32), act)]
    if x.dtype == np.int8:
        scale, zp = _int8_check(ctx)
        p, m, count, _, n = _patches_and_mask(ctx, x.astype(np.int64), 0)
        acc = p.sum(axis=(3, 4))
        cnt = count.astype(np.int64)
        half = cnt // 2
        num = np.where(acc > 0, acc + half, acc - half)
        q = np.sign(num) * (np.abs(num) // cnt)                 # C division (toward zero)
        qmin, qmax = numerics.activation_range(act, scale, zp, np.int8)
        return [np.clip(q, qmin, qmax).astype(np.int8)]
    raise ctx.unsupported(f"input dtype {x.dtype} is not supported (float32, int8)")


def _argmax(ctx, p, m, win, x_shape, dtype) -> np.ndarray:
    """ONNX MaxPool ``Indices`` (module docstring) of the first maximum of each window."""
    n, h, w, c = x_shape
    kh, kw, sh, sw, _, _, out_h, out_w, pt, pl = win
    taps = p.reshape(p.shape[:3] + (kh * kw,) + p.shape[5:])                       # [N,OH,OW,K,C]
    valid = np.broadcast_to(m.reshape(m.shape[:3] + (kh * kw, 1)).astype(bool), taps.shape)
    best = taps.max(axis=3, keepdims=True)               # padding holds -inf / the minimum: never above
    first = np.argmax(valid & (taps == best), axis=3)                                 # [N,OH,OW,C]
    ky, kx = first // kw, first % kw
    iy = (np.arange(out_h) * sh - pt)[None, :, None, None] + ky
    ix = (np.arange(out_w) * sw - pl)[None, None, :, None] + kx
    nn = np.arange(n)[:, None, None, None]
    cc = np.arange(c)[None, None, None, :]
    idx = ((nn * c + cc) * h + iy) * w + ix
    empty = ~valid.any(axis=3)
    return np.where(empty, -1, idx).astype(dtype)


@kernel("MaxPoolFusion")
def max_pool(ctx: OpContext):
    x = ctx.inputs[0]
    act = get_activation(ctx)
    if len(ctx.out_tensors) > 2:
        raise ctx.unsupported(f"MaxPoolFusion has {len(ctx.out_tensors)} outputs (values[, argmax index])")
    if np.issubdtype(x.dtype, np.floating):
        if x.dtype not in (np.float32, np.float16):
            raise ctx.unsupported(f"input dtype {x.dtype} is not supported (float32, float16, integer)")
        lowest = np.finfo(x.dtype).min
        p, m, count, _, n = _patches_and_mask(ctx, x, -np.inf, ceil_overhang=True)
        y = np.where(count > 0, p.max(axis=(3, 4)), lowest).astype(x.dtype)
        y = numerics.float_activation(y, act).astype(x.dtype)
    elif np.issubdtype(x.dtype, np.integer):
        info = np.iinfo(x.dtype)
        if ctx.in_tensors[0].quant or ctx.out_tensors[0].quant:
            scale, zp = _int8_check(ctx)
            qmin, qmax = numerics.activation_range(act, scale, zp, x.dtype)
        elif act != "NO_ACTIVATION":
            raise ctx.unsupported(f"fused activation {act} on non-quantized {x.dtype} input")
        else:
            qmin, qmax = int(info.min), int(info.max)
        p, m, count, _, n = _patches_and_mask(ctx, x, x.dtype.type(info.min), ceil_overhang=True)
        y = np.clip(p.max(axis=(3, 4)), qmin, qmax).astype(x.dtype)
    else:
        raise ctx.unsupported(f"input dtype {x.dtype} is not supported (float32, float16, integer)")
    if len(ctx.out_tensors) == 1:
        return [y]
    it = ctx.out_tensors[1]
    if it.dtype.np not in (np.float32, np.int32, np.int64):
        raise ctx.unsupported(f"argmax output {it.dtype.short}: must be float32, int32 or int64")
    return [y, _argmax(ctx, p, m, window(ctx, x.shape), x.shape, it.dtype.np)]
