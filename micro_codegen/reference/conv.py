"""Conv2DFusion: normal, 1x1, grouped and depthwise convolution (fp32, int8, hybrid).

Layout: input NHWC ``[N, H, W, Cin]``, weights OHWI ``[Cout, KH, KW, Cin/group]``
(depthwise: ``group == Cin``, weights ``[Cin*multiplier, KH, KW, 1]``; output channel
``o`` reads input channel ``o // multiplier``), optional bias ``[Cout]``.

Padding (``pad_mode`` SAME / VALID / PAD with ``pad_list = [top, bottom, left, right]``)
and output size: :func:`micro_codegen.numerics.conv_window` (effective kernel
``(k-1)*dilation + 1``). Padded positions contribute nothing (for int8: ``x - in_zp = 0``).

fp32 — TFLite reference order: for each output, ``acc = 0.0f`` then
``acc += x * w`` in float32 over ``(ky, kx, ic)`` (product rounded to float32, no FMA),
then ``acc + bias``, then the fused activation. This module reproduces that order exactly
(vectorised over outputs, looping over the ``KH*KW*Cin/group`` taps).

int8 — TFLite reference ConvPerChannel / DepthwiseConvPerChannel:
``acc = sum((x - in_zp) * (w - w_zp)) + bias`` (int32; w_zp is 0 in TFLite files), then
``requantize`` with ``M[c] = in_scale * w_scale[c] / out_scale`` (double), the output
zero point and the activation range (see ``micro_codegen/numerics.py``). Integer sums are computed with
float64 matmuls, exact because every partial sum stays far below 2**53.

Hybrid (fp32 activations, int8 weights with quant params, e.g. ``kws_ref_model_float32``)
— TFLite BUILTIN_REF hybrid conv. The fp32 input is quantized on the fly, per batch item
``b``, then an integer conv runs and the accumulator is rescaled to fp32:

* weights quantized per tensor (one quant param; TFLite EvalHybrid / HybridConv):
  symmetric int8, ``r = max|x_b|`` (float32), ``s_b = r / 127``,
  ``q = clamp(round_half_away(x * (127 / r)), -127, 127)`` (``r == 0``: q = 0, s_b = 1);
  ``out = float32(sum(q * w)) * (s_b * w_scale) + bias``;
* weights quantized per channel, or depthwise (TFLite EvalHybridPerChannel): asymmetric
  int8, ``rmin = min(0, min x_b)``, ``rmax = max(0, max x_b)``, ``s_b = float32(rmax -
  rmin) / 255``, zero point ``z_b`` = the nudged ``-128 - rmin/s_b`` or ``127 - rmax/s_b``
  (whichever has the smaller error), ``q = clamp(round_half_away(z_b + x / s_b), -128,
  127)``; ``acc = sum((q - z_b) * w)``; conv: ``out = (acc * w_scale[c]) * s_b + bias``,
  depthwise: ``out = acc * (w_scale[c] * s_b) + bias``;

then the fp32 activation. Padding contributes nothing. Verified element-exact against
LiteRT one-op models and on kws_ref_model_float32 (max |diff| 7e-9 on the outputs);
plain dequantize-the-weights float conv is off by up to 0.08 on the KWS outputs.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from .registry import OpContext, kernel


# ---------------------------------------------------------------- shared helpers

def get_activation(ctx: OpContext) -> str:
    """The node's fused activation name, or raise unsupported."""
    act = ctx.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    if act not in numerics.FUSED_ACTIVATIONS:
        raise ctx.unsupported(f"fused activation_type {act} is not supported "
                              f"(supported: {', '.join(numerics.FUSED_ACTIVATIONS)})")
    return act


def qparams(ctx: OpContext, t, what: str) -> tuple[float, int]:
    """Per-tensor (scale, zero_point) of tensor ``t``, or raise unsupported."""
    if not t.quant:
        raise ctx.unsupported(f"{what} '{t.name}' ({t.describe()}) has no quantization parameters")
    if len(t.quant) != 1:
        raise ctx.unsupported(f"{what} '{t.name}' must be quantized per tensor, has {len(t.quant)} quant params")
    q = t.quant[0]
    if not q.scale > 0:
        raise ctx.unsupported(f"{what} '{t.name}' has a non-positive scale {q.scale}")
    return float(q.scale), int(q.zero_point)


def out_range(ctx: OpContext, act: str, t) -> tuple[int, int]:
    scale, zp = qparams(ctx, t, "output")
    return numerics.activation_range(act, scale, zp, t.dtype.np)


def extract_patches(ctx: OpContext, x: np.ndarray, kh, kw, sh, sw, dh, dw, out_h, out_w, pad_t, pad_l, fill=0):
    """NHWC ``x`` -> ``[N, out_h, out_w, kh, kw, C]`` windows (padding filled with ``fill``);
    the padded input and the windows are within the tensor limit (sizes from attributes)."""
    n, h, w, c = x.shape
    need_h = (out_h - 1) * sh + (kh - 1) * dh + 1
    need_w = (out_w - 1) * sw + (kw - 1) * dw + 1
    ctx.check_size((n, max(need_h, h + pad_t), max(need_w, w + pad_l), c))
    ctx.check_size((n, out_h, out_w, kh * kw * c))
    pad_b = max(need_h - h - pad_t, 0)
    pad_r = max(need_w - w - pad_l, 0)
    xp = np.pad(x, ((0, 0), (pad_t, pad_b), (pad_l, pad_r), (0, 0)), constant_values=fill)
    xp = np.ascontiguousarray(xp)
    s = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, shape=(n, out_h, out_w, kh, kw, c),
        strides=(s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]), writeable=False)


def float_dot_ordered(p: np.ndarray, w: np.ndarray) -> np.ndarray:
    """float32 ``p [M, G, K] . w [G, O, K] -> [M, G, O]`` accumulated in K order, float32.

    Reproduces ``acc = 0; for k: acc += p[k] * w[k]`` with float32 rounding of each
    product and each sum (the TFLite reference loop).
    """
    m, g, k = p.shape
    o = w.shape[1]
    acc = np.zeros((m, g, o), dtype=np.float32)
    pk = np.ascontiguousarray(np.moveaxis(p, 2, 0), dtype=np.float32)       # [K, M, G]
    wk = np.ascontiguousarray(np.moveaxis(w, 2, 0), dtype=np.float32)       # [K, G, O]
    tmp = np.empty_like(acc)
    for i in range(k):
        np.multiply(pk[i][:, :, None], wk[i][None, :, :], out=tmp)
        acc += tmp
    return acc


def int_dot(p: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Exact integer ``p [M, G, K] . w [G, O, K] -> [M, G, O]`` (int64), via float64."""
    pf = p.astype(np.float64)
    wf = w.astype(np.float64)
    if pf.shape[1] == 1:
        r = (pf[:, 0, :] @ wf[0].T)[:, None, :]
    else:
        r = np.einsum("mgk,gok->mgo", pf, wf, optimize=True)
    return np.rint(r).astype(np.int64)


def hybrid_quantize_rows(x2d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TFLite SymmetricQuantizeFloats per row: -> (int8 values, float32 scale per row)."""
    x2d = np.asarray(x2d, dtype=np.float32)
    rng = np.max(np.abs(x2d), axis=1) if x2d.shape[1] else np.zeros(x2d.shape[0], np.float32)
    rng = rng.astype(np.float32)
    q = np.zeros(x2d.shape, dtype=np.int8)
    scales = np.ones(x2d.shape[0], dtype=np.float32)
    for r in range(x2d.shape[0]):
        if rng[r] == 0:
            continue
        scales[r] = np.float32(rng[r] / np.float32(127.0))
        inv = np.float32(np.float32(127.0) / rng[r])
        v = numerics.round_half_away((x2d[r] * inv).astype(np.float32))
        q[r] = np.clip(v, -127, 127).astype(np.int8)
    return q, scales


def hybrid_quantize_rows_asymmetric(x2d: np.ndarray):
    """TFLite AsymmetricQuantizeFloats per row: -> (int8 values, float32 scales, int32 zero points)."""
    x2d = np.asarray(x2d, dtype=np.float32)
    rows = x2d.shape[0]
    q = np.zeros(x2d.shape, dtype=np.int8)
    scales = np.ones(rows, dtype=np.float32)
    zps = np.zeros(rows, dtype=np.int32)
    for r in range(rows):
        rmin = float(min(np.float32(0), x2d[r].min())) if x2d.shape[1] else 0.0
        rmax = float(max(np.float32(0), x2d[r].max())) if x2d.shape[1] else 0.0
        if rmin == rmax:
            continue
        scale = float(np.float32(np.float32(rmax) - np.float32(rmin)) / np.float32(255.0))   # float32
        zp_min = -128.0 - rmin / scale
        zp_max = 127.0 - rmax / scale
        zp_d = zp_min if (128.0 + abs(rmin / scale)) < (127.0 + abs(rmax / scale)) else zp_max
        if zp_d <= -128.0:
            zp = -128
        elif zp_d >= 127.0:
            zp = 127
        else:
            zp = int(numerics.round_half_away(zp_d))
        scales[r] = np.float32(scale)
        zps[r] = zp
        inv = np.float32(np.float32(1.0) / scales[r])
        v = numerics.round_half_away((np.float32(zp) + x2d[r] * inv).astype(np.float32))
        q[r] = np.clip(v, -128, 127).astype(np.int8)
    return q, scales, zps


# ---------------------------------------------------------------- Conv2DFusion

@kernel("Conv2DFusion")
def conv2d(ctx: OpContext):
    if len(ctx.inputs) not in (2, 3):
        raise ctx.unsupported(f"needs 2 or 3 inputs (x, weight[, bias]), got {len(ctx.inputs)}")
    x, w = ctx.inputs[0], ctx.inputs[1]
    b = ctx.inputs[2] if len(ctx.inputs) == 3 else None
    xt, wt, yt = ctx.in_tensors[0], ctx.in_tensors[1], ctx.out_tensors[0]
    fmt = ctx.attr("format", "NHWC") or "NHWC"
    if fmt != "NHWC":
        raise ctx.unsupported(f"format {fmt}: only NHWC activations are supported")
    if x.ndim != 4:
        raise ctx.unsupported(f"input must be 4-D NHWC, got shape {list(x.shape)}")
    if w.ndim != 4:
        raise ctx.unsupported(f"weights must be a 4-D OHWI tensor, got {wt.describe()}")
    n, h, wd, cin = x.shape
    cout, kh, kw, cg = w.shape
    ks = ctx.attr("kernel_size")
    if ks is not None and len(ks) == 2 and tuple(int(k) for k in ks) != (kh, kw) and min(ks) > 0:
        raise ctx.unsupported(f"kernel_size {list(ks)} does not match weights {list(w.shape)} (OHWI)")
    if cg <= 0 or cin % cg:
        raise ctx.unsupported(f"input channels {cin} not divisible by weight in-channels {cg}")
    groups = cin // cg
    gattr = int(ctx.attr("group", 0) or 0)
    if gattr not in (0, groups):
        raise ctx.unsupported(f"group={gattr} inconsistent with input channels {cin} and weights {list(w.shape)}")
    if cout % groups:
        raise ctx.unsupported(f"out channels {cout} not divisible by groups {groups}")
    og = cout // groups
    if b is not None and b.size != cout:
        raise ctx.unsupported(f"bias has {b.size} elements, need {cout}")
    sh, sw, dh, dw, out_h, out_w, pt, pl = numerics.conv_window((h, wd), (kh, kw), ctx.node.attrs)[2:]
    act = get_activation(ctx)

    def patches(arr):  # -> [M, G, KH*KW*cg] in (ky, kx, ic) order
        p = extract_patches(ctx, arr, kh, kw, sh, sw, dh, dw, out_h, out_w, pt, pl)
        p = p.reshape(n * out_h * out_w, kh * kw, groups, cg)
        return np.ascontiguousarray(p.transpose(0, 2, 1, 3)).reshape(n * out_h * out_w, groups, kh * kw * cg)

    wg = w.reshape(groups, og, kh * kw * cg)
    shape_out = (n, out_h, out_w, cout)

    if x.dtype == np.float32 and w.dtype == np.float32:
        if yt.dtype.np != np.float32:
            raise ctx.unsupported(f"fp32 conv with {yt.dtype.short} output")
        acc = float_dot_ordered(patches(x), wg).reshape(n * out_h * out_w, cout)
        if b is not None:
            if b.dtype != np.float32:
                raise ctx.unsupported(f"fp32 conv needs an fp32 bias, got {b.dtype}")
            acc = acc + b.reshape(1, cout)
        return [numerics.float_activation(acc, act).reshape(shape_out)]

    if x.dtype == np.float32 and w.dtype == np.int8:
        return [_hybrid_conv(ctx, x, w, b, patches, wg, act, shape_out)]

    if x.dtype == np.int8 and w.dtype == np.int8:
        if yt.dtype.np != np.int8:
            raise ctx.unsupported(f"int8 conv with {yt.dtype.short} output")
        in_scale, in_zp = qparams(ctx, xt, "input")
        if len(wt.quant) not in (1, cout):
            raise ctx.unsupported(f"weights have {len(wt.quant)} quant params, need 1 or {cout}")
        w_scales = np.broadcast_to(wt.scales, (cout,))
        w_zps = np.broadcast_to(wt.zero_points, (cout,))
        out_scale, out_zp = qparams(ctx, yt, "output")
        if b is not None and b.dtype != np.int32:
            raise ctx.unsupported(f"int8 conv needs an int32 bias, got {b.dtype}")
        xs = x.astype(np.int32) - in_zp
        wsub = (w.astype(np.int32) - w_zps.reshape(cout, 1, 1, 1)).reshape(groups, og, kh * kw * cg)
        acc = int_dot(patches(xs), wsub).reshape(n * out_h * out_w, cout)
        if b is not None:
            acc = acc + b.astype(np.int64).reshape(1, cout)
        mult, shift = numerics.output_multipliers(in_scale, w_scales, out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        return [numerics.requantize(acc, mult, shift, out_zp, qmin, qmax, np.int8,
                                    numerics.ROUNDING_CONV).reshape(shape_out)]

    raise ctx.unsupported(f"input {x.dtype} with weights {w.dtype} is not supported "
                          "(fp32/fp32, int8/int8, or hybrid fp32/int8)")


def _hybrid_conv(ctx, x, w, b, patches, wg, act, shape_out):
    wt, yt = ctx.in_tensors[1], ctx.out_tensors[0]
    cout = w.shape[0]
    if yt.dtype.np != np.float32:
        raise ctx.unsupported(f"hybrid conv with {yt.dtype.short} output")
    if len(wt.quant) not in (1, cout):
        raise ctx.unsupported(f"hybrid conv weights have {len(wt.quant)} quant params, need 1 or {cout}")
    if np.any(wt.zero_points != 0):
        raise ctx.unsupported("hybrid conv needs symmetric weights (zero point 0)")
    if b is not None and b.dtype != np.float32:
        raise ctx.unsupported(f"hybrid conv needs an fp32 bias, got {b.dtype}")
    n = x.shape[0]
    depthwise = wg.shape[0] > 1 and w.shape[3] == 1
    per_channel = len(wt.quant) > 1 or depthwise
    if per_channel:
        # TFLite EvalHybridPerChannel: asymmetric per-batch input quantization
        q, s_in, zp = hybrid_quantize_rows_asymmetric(x.reshape(n, -1))
        q = q.reshape(x.shape).astype(np.int32) - zp.reshape(n, 1, 1, 1)
    else:
        q, s_in = hybrid_quantize_rows(x.reshape(n, -1))
        q = q.reshape(x.shape).astype(np.int32)
    acc = int_dot(patches(q), wg.astype(np.int32)).reshape(n, -1, cout).astype(np.float32)
    w_scales = np.broadcast_to(wt.scales.astype(np.float32), (cout,)).reshape(1, 1, cout)
    s_in = s_in.reshape(n, 1, 1)
    if not per_channel:
        out = acc * (s_in * w_scales).astype(np.float32)          # HybridConv: acc * (s_in * w_scale)
    elif depthwise:
        out = acc * (w_scales * s_in).astype(np.float32)          # DepthwiseConvHybridPerChannel
    else:
        out = (acc * w_scales).astype(np.float32) * s_in          # HybridConvPerChannel: (acc * w_scale) * s_in
    out = out.astype(np.float32)
    if b is not None:
        out = out + b.reshape(1, 1, cout)
    return numerics.float_activation(out.astype(np.float32), act).reshape(shape_out)
