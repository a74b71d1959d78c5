"""Resize (4-D, NHWC or NCHW): separable per-axis tables from :mod:`micro_codegen.numerics`,
shared with the C kernels (``ops/resize.py``).

* float32 (and NEAREST on plain integer / float16 data): MindSpore Lite CPU semantics
  (nnacl ``resize_fp32.c``). Source coordinates per :func:`~micro_codegen.numerics.resize_source_coords`
  (ASYMMETRIC, ALIGN_CORNERS, HALF_PIXEL). NEAREST takes ``floor`` (``round`` for
  ALIGN_CORNERS): ``nearest_mode`` is not used, as in MindSpore Lite. LINEAR weights two
  taps (:func:`~micro_codegen.numerics.resize_linear_taps`), CUBIC four
  (:func:`~micro_codegen.numerics.resize_cubic_taps`, ``cubic_coeff`` as stored;
  ``exclude_outside`` is not used, as in MindSpore Lite). Both interpolate along W first
  (per input row) then along H, in float32: ``acc = v0 * w0; acc += v1 * w1; ...``.
* quantized int8 / uint8: TFLite. NEAREST indices per TFLite RESIZE_NEAREST_NEIGHBOR
  (``tflite=True`` of :func:`~micro_codegen.numerics.resize_nearest_index`); int8 LINEAR is
  TFLite's 10-bit fixed-point RESIZE_BILINEAR (:func:`~micro_codegen.numerics.resize_bilinear_int_taps`,
  :func:`~micro_codegen.numerics.resize_bilinear_int_combine`) on the raw values. Input and
  output share scale and zero point.

The output size is the output tensor's (else ``new_height`` / ``new_width``, else input 1:
scales (float) or sizes).
"""
from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from .activation import is_quantized
from .registry import OpContext, kernel


def _output_hw(ctx: OpContext, x: np.ndarray, hax: int, wax: int) -> tuple[int, int]:
    tout = ctx.out_tensors[0]
    if len(tout.shape) == 4 and all(d > 0 for d in tout.shape):
        return tout.shape[hax], tout.shape[wax]
    if (ctx.attr("new_height") or 0) > 0 and (ctx.attr("new_width") or 0) > 0:
        return int(ctx.attr("new_height")), int(ctx.attr("new_width"))
    if len(ctx.inputs) > 1:
        v = np.asarray(ctx.inputs[1]).reshape(-1)
        if v.size == 4:
            v = v[[hax, wax]]
        if v.size != 2:
            raise ctx.unsupported(f"Resize size input of {v.size} values")
        if np.issubdtype(v.dtype, np.floating):
            if not np.all(np.isfinite(v)):
                raise ctx.unsupported(f"Resize scales {v.tolist()} are not finite")
            return int(math.floor(x.shape[hax] * v[0])), int(math.floor(x.shape[wax] * v[1]))
        return int(v[0]), int(v[1])
    raise ctx.unsupported("Resize without an output size")


def _shaped(v: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


def _interp_axis(x: np.ndarray, axis: int, idx: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Along ``axis``: ``sum_t x[idx[:, t]] * w[:, t]`` accumulated in float32, tap by tap."""
    acc = None
    for t in range(idx.shape[1]):
        term = np.take(x, idx[:, t], axis=axis) * _shaped(w[:, t], axis, x.ndim)
        acc = term if acc is None else acc + term
    return acc.astype(np.float32)


def _int8_bilinear(x, hax, wax, oh, ow, mode):
    (yi, fy), (xi, fx) = (numerics.resize_bilinear_int_taps(x.shape[hax], oh, mode),
                          numerics.resize_bilinear_int_taps(x.shape[wax], ow, mode))
    v = x.astype(np.int64)
    rows = [np.take(v, yi[:, k], axis=hax) for k in range(2)]
    c = [[np.take(r, xi[:, k], axis=wax) for k in range(2)] for r in rows]
    q = numerics.resize_bilinear_int_combine(c[0][0], c[0][1], c[1][0], c[1][1],
                                             _shaped(fy, hax, x.ndim), _shaped(fx, wax, x.ndim))
    return q.astype(np.int8)                     # TFLite static_cast<int8_t> (wraps)


@kernel("Resize")
def resize(ctx: OpContext):
    """MindSpore Lite semantics for float data, TFLite for quantized data (module docstring)."""
    x = ctx.inputs[0]
    xt, yt = ctx.in_tensors[0], ctx.out_tensors[0]
    if x.ndim != 4:
        raise ctx.unsupported(f"Resize needs a 4-D input, got {list(x.shape)}")
    method = ctx.attr("method") or "NEAREST"
    mode = ctx.attr("coordinate_transform_mode") or "ASYMMETRIC"
    quant = is_quantized(xt) or is_quantized(yt)
    if xt.dtype != yt.dtype:
        raise ctx.unsupported(f"input {xt.dtype.short} and output {yt.dtype.short} differ")
    if quant and [(q.scale, q.zero_point) for q in xt.quant] != [(q.scale, q.zero_point) for q in yt.quant]:
        raise ctx.unsupported("quantized Resize needs equal input and output quantization")
    nchw = ctx.attr("format") == "NCHW"
    hax, wax = (2, 3) if nchw else (1, 2)
    oh, ow = _output_hw(ctx, x, hax, wax)
    ctx.check_size([d if ax not in (hax, wax) else (oh if ax == hax else ow) for ax, d in enumerate(x.shape)])
    try:
        if method == "NEAREST":
            yi = numerics.resize_nearest_index(x.shape[hax], oh, mode, tflite=quant)
            xi = numerics.resize_nearest_index(x.shape[wax], ow, mode, tflite=quant)
            return [np.ascontiguousarray(np.take(np.take(x, yi, axis=hax), xi, axis=wax))]
        if method == "LINEAR" and quant and x.dtype == np.int8:
            return [_int8_bilinear(x, hax, wax, oh, ow, mode)]
        if method not in ("LINEAR", "CUBIC"):
            raise ctx.unsupported(f"Resize method {method} is not supported (NEAREST, LINEAR, CUBIC)")
        if x.dtype != np.float32 or quant:
            raise ctx.unsupported(f"{method} Resize of {xt.dtype.short} data is not supported "
                                  f"(float32; LINEAR also quantized int8)")
        if method == "LINEAR":
            taps = [numerics.resize_linear_taps(x.shape[ax], n, mode) for ax, n in ((hax, oh), (wax, ow))]
        else:
            a = float(ctx.attr("cubic_coeff") or 0.0)
            taps = [numerics.resize_cubic_taps(x.shape[ax], n, mode, a) for ax, n in ((hax, oh), (wax, ow))]
    except UnsupportedOpError as e:
        if str(e).startswith(ctx.label):
            raise
        raise ctx.unsupported(str(e)) from None
    y = _interp_axis(x, wax, *taps[1])           # along W (each input row), then along H
    return [np.ascontiguousarray(_interp_axis(y, hax, *taps[0]))]
