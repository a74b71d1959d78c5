"""Less common ops (float32 unless said otherwise; computed in float64, rounded once).

=================  ==========================================================================
Cast               to the output dtype; float -> integer truncates toward zero (C cast),
                   -> bool is ``x != 0``
Gather             ``take(x, indices, axis)``; axis = input 2 (default 0), negative indices
                   count from the end; any dtype
ArgMaxFusion       index (``out_max_value``: value) of the maximum along ``axis``, first one on
                   ties; ``top_k`` > 1 gives the k largest in descending order (stable);
                   ``keep_dims``
LogSoftmax         ``x - max - log(sum(exp(x - max)))`` along ``axis``
ScaleFusion        ``act(x * scale + bias)``; ``scale``'s dimensions line up with ``x``'s from
                   ``axis`` on
BroadcastTo        numpy broadcast of ``x`` and the target shape (input 1 or ``shape``)
TileFusion         ``tile(x, multiples)`` (input 1, else the ``dims`` attribute)
DepthToSpace       ``block_size``, ``mode`` DCR (default) or CRD, NHWC (``format`` NCHW also)
SpaceToDepth       ``block_size``, NHWC (``format`` NCHW also); output channel
                   ``(i * b + j) * C + c``
LayerNormFusion    normalise over the axes from ``begin_norm_axis``: ``(x - mean) /
                   sqrt(var + epsilon)`` (biased variance), then ``* gamma + beta`` (inputs 1, 2,
                   shaped like ``x``'s dimensions from ``begin_params_axis``) when present
InstanceNorm       per sample and channel over the spatial axes, ``* scale[c] + bias[c]``; the
                   channel axis is 1 for an NCHW input tensor, the last one otherwise
FusedBatchNorm     inference form ``(x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]``
                   with the stored statistics, channel = last axis (1 for NCHW tensors)
Resize             MindSpore Lite CPU semantics (nnacl resize_fp32.c), NHWC (or NCHW) 4-D.
                   Source coordinate (float32) of output index o: ASYMMETRIC ``o / (out/in)``,
                   ALIGN_CORNERS ``o / ((out-1)/(in-1))``, HALF_PIXEL
                   ``max((o + 0.5) / (out/in) - 0.5, 0)``. NEAREST takes ``floor(src)``
                   (``round`` half away for ALIGN_CORNERS); ``nearest_mode`` is not used
                   (nor by MindSpore Lite; TFLite's half_pixel_centers nearest differs).
                   LINEAR: ``lo = floor(src)``, ``hi = min(lo + 1, in - 1)``, weights
                   ``1 - (src - lo)``, ``src - lo``, separable. The output size is the output
                   tensor's (else ``new_height``/``new_width``, else input 1: scales or
                   sizes); CUBIC is not supported
Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, LogicalAnd, LogicalOr, LogicalNot,
Where, Shape, Range, CumSum, TopKFusion, PowFusion, LRN — small generic numpy
definitions (see each kernel's docstring).
=================  ==========================================================================

Quantized tensors: Gather, BroadcastTo, TileFusion, DepthToSpace, SpaceToDepth, Shape and
Where move quantized data unchanged; the arithmetic ops here raise ``UnsupportedOpError``.
"""
from __future__ import annotations

import math

import numpy as np

from .activation import float_act, is_quantized
from .registry import KERNELS, OpContext, kernel


def _kernel_if_absent(*ops: str):
    """Register for the ops that no other module has claimed (others' kernels win)."""
    def deco(fn):
        free = [op for op in ops if op not in KERNELS]
        return kernel(*free)(fn) if free else fn
    return deco


def _no_quant(ctx: OpContext):
    if any(is_quantized(t) for t in list(ctx.in_tensors) + list(ctx.out_tensors)):
        raise ctx.unsupported(f"quantized {ctx.node.op} is not supported")


def _float_in(ctx: OpContext, x: np.ndarray) -> np.ndarray:
    _no_quant(ctx)
    if not np.issubdtype(x.dtype, np.floating):
        raise ctx.unsupported(f"{ctx.node.op} on {ctx.in_tensors[0].dtype.short} data is not supported")
    return x.astype(np.float64)


def _axis(ctx: OpContext, axis: int, rank: int) -> int:
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < max(rank, 1):
        raise ctx.unsupported(f"axis {axis} out of range for rank {rank}")
    return a


def _channel_axis(ctx: OpContext, rank: int) -> int:
    return 1 if ctx.in_tensors[0].format == "NCHW" and rank > 2 else rank - 1


# ----------------------------------------------------------------------------------- Cast

@_kernel_if_absent("Cast")
def cast(ctx: OpContext):
    x = ctx.inputs[0]
    _no_quant(ctx)
    dst = ctx.out_tensors[0].dtype.np
    if dst == np.bool_:
        return [x != 0]
    if np.issubdtype(x.dtype, np.floating) and np.issubdtype(dst, np.integer):
        info = np.iinfo(dst)
        with np.errstate(invalid="ignore"):
            return [np.clip(np.trunc(np.nan_to_num(x.astype(np.float64))), info.min, info.max).astype(dst)]
    return [x.astype(dst)]


# --------------------------------------------------------------------------- Gather / ArgMax

@_kernel_if_absent("Gather")
def gather(ctx: OpContext):
    x, idx = ctx.inputs[0], np.asarray(ctx.inputs[1]).astype(np.int64)
    axis = int(np.asarray(ctx.inputs[2]).reshape(-1)[0]) if len(ctx.inputs) > 2 else 0
    axis = _axis(ctx, axis, x.ndim)
    dim = x.shape[axis]
    idx = np.where(idx < 0, idx + dim, idx)
    if idx.size and (idx.min() < 0 or idx.max() >= dim):
        raise ctx.unsupported(f"Gather index out of range for dimension {dim}")
    return [np.take(x, idx, axis=axis).astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("ArgMaxFusion", "ArgMinFusion")
def arg_max(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.out_tensors) != 1:
        raise ctx.unsupported(f"{ctx.node.op} with {len(ctx.out_tensors)} outputs is not supported")
    axis = _axis(ctx, int(ctx.attr("axis", 0) or 0), x.ndim)
    k = int(ctx.attr("top_k", 1) or 1)
    keep = bool(ctx.attr("keep_dims", False))
    key = x.astype(np.float64) if x.dtype != np.bool_ else x.astype(np.int64)
    key = -key if ctx.node.op == "ArgMaxFusion" else key
    order = np.argsort(key, axis=axis, kind="stable")
    order = np.take(order, np.arange(k), axis=axis)
    out = np.take_along_axis(x, order, axis=axis) if ctx.attr("out_max_value", False) else order
    if k == 1 and not keep:
        out = np.squeeze(out, axis=axis)
    return [out.astype(ctx.out_tensors[0].dtype.np)]


# ---------------------------------------------------------------------- LogSoftmax / Scale

@_kernel_if_absent("LogSoftmax")
def log_softmax(ctx: OpContext):
    x = _float_in(ctx, ctx.inputs[0])
    axis = _axis(ctx, int(ctx.attr("axis", -1)), x.ndim)
    m = np.max(x, axis=axis, keepdims=True)
    y = x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return [y.astype(ctx.out_tensors[0].dtype.np)]


def _align(ctx: OpContext, p: np.ndarray, rank: int, axis: int) -> np.ndarray:
    """``p`` reshaped so its dimensions line up with ``x``'s from ``axis``."""
    p = np.asarray(p, dtype=np.float64)
    if p.ndim == 0 or p.size == 1:
        return p.reshape(())
    a = _axis(ctx, axis, rank)
    if a + p.ndim > rank:
        if p.ndim == 1:
            a = rank - 1
        else:
            raise ctx.unsupported(f"parameter of shape {list(p.shape)} does not fit rank {rank} from axis {axis}")
    return p.reshape((1,) * a + p.shape + (1,) * (rank - a - p.ndim))


@_kernel_if_absent("ScaleFusion")
def scale_fusion(ctx: OpContext):
    x = _float_in(ctx, ctx.inputs[0])
    axis = int(ctx.attr("axis", -1))
    y = x * _align(ctx, ctx.inputs[1], x.ndim, axis)
    if len(ctx.inputs) > 2:
        y = y + _align(ctx, ctx.inputs[2], x.ndim, axis)
    try:
        y = float_act(y, ctx.attr("activation_type") or "NO_ACTIVATION")
    except ValueError as e:
        raise ctx.unsupported(str(e)) from None
    return [y.astype(ctx.out_tensors[0].dtype.np)]


# ------------------------------------------------------------------ shape-moving ops

@_kernel_if_absent("BroadcastTo")
def broadcast_to(ctx: OpContext):
    x = ctx.inputs[0]
    shape = (np.asarray(ctx.inputs[1]).reshape(-1).tolist() if len(ctx.inputs) > 1 else list(ctx.attr("shape") or ()))
    try:
        target = np.broadcast_shapes(x.shape, tuple(int(d) for d in shape))
    except ValueError:
        raise ctx.unsupported(f"cannot broadcast {list(x.shape)} to {shape}") from None
    return [np.ascontiguousarray(np.broadcast_to(x, target)).astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("TileFusion")
def tile(ctx: OpContext):
    x = ctx.inputs[0]
    if len(ctx.inputs) > 1:
        reps = [int(v) for v in np.asarray(ctx.inputs[1]).reshape(-1)]
    else:
        reps = [int(v) for v in (ctx.attr("dims") or ())]
    if len(reps) > x.ndim:
        x = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
    if any(r < 0 for r in reps):
        raise ctx.unsupported(f"TileFusion with negative multiples {reps}")
    return [np.tile(x, reps).astype(ctx.out_tensors[0].dtype.np)]


def _to_nhwc(ctx: OpContext, x: np.ndarray):
    if x.ndim != 4:
        raise ctx.unsupported(f"{ctx.node.op} needs a 4-D input, got {list(x.shape)}")
    nchw = ctx.attr("format") == "NCHW"
    return (np.transpose(x, (0, 2, 3, 1)) if nchw else x), nchw


def _from_nhwc(y: np.ndarray, nchw: bool) -> np.ndarray:
    return np.ascontiguousarray(np.transpose(y, (0, 3, 1, 2)) if nchw else y)


@_kernel_if_absent("DepthToSpace")
def depth_to_space(ctx: OpContext):
    x, nchw = _to_nhwc(ctx, ctx.inputs[0])
    b = int(ctx.attr("block_size", 0) or 0)
    n, h, w, c = x.shape
    if b <= 0 or c % (b * b):
        raise ctx.unsupported(f"DepthToSpace block {b} does not divide {c} channels")
    co = c // (b * b)
    mode = (ctx.attr("mode") or "DCR").upper()
    if mode == "DCR":
        y = x.reshape(n, h, w, b, b, co).transpose(0, 1, 3, 2, 4, 5)
    elif mode == "CRD":
        y = x.reshape(n, h, w, co, b, b).transpose(0, 1, 4, 2, 5, 3)
    else:
        raise ctx.unsupported(f"DepthToSpace mode {mode!r}")
    return [_from_nhwc(y.reshape(n, h * b, w * b, co), nchw).astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("SpaceToDepth")
def space_to_depth(ctx: OpContext):
    x, nchw = _to_nhwc(ctx, ctx.inputs[0])
    b = int(ctx.attr("block_size", 0) or 0)
    n, h, w, c = x.shape
    if b <= 0 or h % b or w % b:
        raise ctx.unsupported(f"SpaceToDepth block {b} does not divide {h}x{w}")
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)
    return [_from_nhwc(y, nchw).astype(ctx.out_tensors[0].dtype.np)]


# ------------------------------------------------------------------------ normalisations

@_kernel_if_absent("LayerNormFusion")
def layer_norm(ctx: OpContext):
    x = _float_in(ctx, ctx.inputs[0])
    ax = _axis(ctx, int(ctx.attr("begin_norm_axis", -1)), x.ndim)
    pax = _axis(ctx, int(ctx.attr("begin_params_axis", -1)), x.ndim)
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    axes = tuple(range(ax, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    pshape = x.shape[pax:]
    for i, op in ((1, np.multiply), (2, np.add)):
        if len(ctx.inputs) > i:
            p = np.asarray(ctx.inputs[i], dtype=np.float64)
            if p.size != math.prod(pshape):
                raise ctx.unsupported(f"LayerNormFusion parameter {i} of shape {list(p.shape)} does not fit "
                                      f"{list(pshape)}")
            y = op(y, p.reshape(pshape))
    return [y.astype(ctx.out_tensors[0].dtype.np)]


def _per_channel(p: np.ndarray, rank: int, axis: int) -> np.ndarray:
    shape = [1] * rank
    shape[axis] = -1
    return np.asarray(p, dtype=np.float64).reshape(shape)


@_kernel_if_absent("InstanceNorm")
def instance_norm(ctx: OpContext):
    x = _float_in(ctx, ctx.inputs[0])
    if x.ndim < 3:
        raise ctx.unsupported(f"InstanceNorm needs at least 3 dimensions, got {list(x.shape)}")
    c = _channel_axis(ctx, x.ndim)
    axes = tuple(i for i in range(1, x.ndim) if i != c)
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    y = y * _per_channel(ctx.inputs[1], x.ndim, c) + _per_channel(ctx.inputs[2], x.ndim, c)
    return [y.astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("FusedBatchNorm", "BatchNorm")
def batch_norm(ctx: OpContext):
    x = _float_in(ctx, ctx.inputs[0])
    c = _channel_axis(ctx, x.ndim)
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    if ctx.node.op == "BatchNorm":          # x, mean, var
        scale, bias, mean, var = 1.0, 0.0, ctx.inputs[1], ctx.inputs[2]
    else:                                   # x, scale, bias, mean, var
        scale, bias, mean, var = ctx.inputs[1:5]
    pc = lambda p: _per_channel(p, x.ndim, c) if np.ndim(p) else np.float64(p)  # noqa: E731
    y = (x - pc(mean)) / np.sqrt(pc(var) + eps) * pc(scale) + pc(bias)
    return [y.astype(ctx.out_tensors[0].dtype.np)]


# --------------------------------------------------------------------------------- Resize

def _src_coord(ctx: OpContext, out_size: int, in_size: int, mode: str) -> np.ndarray:
    """Source coordinates of the output positions, in float32 as MindSpore Lite computes them."""
    o = np.arange(out_size, dtype=np.float32)
    f32 = np.float32
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "ASYMMETRIC":
            src = o / (f32(out_size) / f32(in_size))
        elif mode == "ALIGN_CORNERS":
            src = o / (f32(out_size - 1) / f32(in_size - 1))
        elif mode == "HALF_PIXEL":
            src = np.maximum((o + f32(0.5)) / (f32(out_size) / f32(in_size)) - f32(0.5), f32(0))
        else:
            raise ctx.unsupported(f"Resize coordinate transform mode {mode} is not supported "
                                  f"(ASYMMETRIC, ALIGN_CORNERS, HALF_PIXEL)")
    return np.nan_to_num(src, nan=0.0, posinf=0.0)


def _resize_axis(ctx: OpContext, x: np.ndarray, axis: int, out_size: int, method: str, mode: str):
    in_size = x.shape[axis]
    src = _src_coord(ctx, out_size, in_size, mode)
    if method == "NEAREST":
        idx = np.sign(src) * np.floor(np.abs(src) + 0.5) if mode == "ALIGN_CORNERS" else np.floor(src)
        return np.take(x, np.clip(idx, 0, in_size - 1).astype(np.int64), axis=axis)
    lo = np.minimum(np.floor(src), in_size - 1).astype(np.int64)
    hi = np.minimum(lo + 1, in_size - 1)
    top_w = (src - lo.astype(np.float32)).astype(np.float64)
    shape = [1] * x.ndim
    shape[axis] = -1
    top_w = top_w.reshape(shape)
    return np.take(x, lo, axis=axis) * (1.0 - top_w) + np.take(x, hi, axis=axis) * top_w


@_kernel_if_absent("Resize")
def resize(ctx: OpContext):
    """MindSpore Lite CPU semantics (nnacl ``resize_fp32.c``), see the module docstring."""
    x = ctx.inputs[0]
    if x.ndim != 4:
        raise ctx.unsupported(f"Resize needs a 4-D input, got {list(x.shape)}")
    method = ctx.attr("method") or "NEAREST"
    if method not in ("NEAREST", "LINEAR"):
        raise ctx.unsupported(f"Resize method {method} is not supported (NEAREST, LINEAR)")
    if method == "LINEAR":
        x = _float_in(ctx, x)
    elif is_quantized(ctx.in_tensors[0]) and ctx.in_tensors[0].quant != ctx.out_tensors[0].quant:
        raise ctx.unsupported("quantized nearest Resize with different input/output parameters")
    nchw = ctx.attr("format") == "NCHW"
    hax, wax = (2, 3) if nchw else (1, 2)
    tout = ctx.out_tensors[0]
    if len(tout.shape) == 4 and all(d > 0 for d in tout.shape):
        oh, ow = tout.shape[hax], tout.shape[wax]
    elif (ctx.attr("new_height") or 0) > 0 and (ctx.attr("new_width") or 0) > 0:
        oh, ow = int(ctx.attr("new_height")), int(ctx.attr("new_width"))
    elif len(ctx.inputs) > 1:
        v = np.asarray(ctx.inputs[1]).reshape(-1)
        if v.size == 4:
            v = v[[hax, wax]]
        if v.size != 2:
            raise ctx.unsupported(f"Resize size input of {v.size} values")
        if np.issubdtype(v.dtype, np.floating):
            oh, ow = int(math.floor(x.shape[hax] * v[0])), int(math.floor(x.shape[wax] * v[1]))
        else:
            oh, ow = int(v[0]), int(v[1])
    else:
        raise ctx.unsupported("Resize without an output size")
    mode = ctx.attr("coordinate_transform_mode") or "ASYMMETRIC"
    y = _resize_axis(ctx, x, hax, oh, method, mode)
    y = _resize_axis(ctx, y, wax, ow, method, mode)
    return [np.ascontiguousarray(y).astype(tout.dtype.np)]


# ---------------------------------------------------------------- comparisons and logic

_CMP = {"Equal": np.equal, "NotEqual": np.not_equal, "Less": np.less, "LessEqual": np.less_equal,
        "Greater": np.greater, "GreaterEqual": np.greater_equal,
        "LogicalAnd": np.logical_and, "LogicalOr": np.logical_or}


@_kernel_if_absent(*_CMP)
def compare_op(ctx: OpContext):
    """Element-wise comparison / logic with numpy broadcasting; bool output."""
    _no_quant(ctx)
    return [_CMP[ctx.node.op](ctx.inputs[0], ctx.inputs[1]).astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("LogicalNot")
def logical_not(ctx: OpContext):
    return [np.logical_not(ctx.inputs[0]).astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("Where")
def where(ctx: OpContext):
    """``where(cond, x, y)`` with broadcasting (three inputs only)."""
    if len(ctx.inputs) != 3:
        raise ctx.unsupported("Where with other than 3 inputs is not supported")
    c, a, b = ctx.inputs
    return [np.where(c.astype(bool), a, b).astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("Shape")
def shape_op(ctx: OpContext):
    """The input's full shape (MindSpore's Shape has no start/end)."""
    return [np.asarray(ctx.inputs[0].shape, dtype=ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("Range")
def range_op(ctx: OpContext):
    """``arange(start, limit, delta)`` from inputs 0..2 (else the attributes)."""
    if len(ctx.inputs) >= 3:
        start, limit, delta = (np.asarray(v).reshape(-1)[0].item() for v in ctx.inputs[:3])
    else:
        start, limit, delta = ctx.attr("start", 0), ctx.attr("limit", 0), ctx.attr("delta", 1)
    if delta == 0:
        raise ctx.unsupported("Range with delta 0")
    n = max(int(math.ceil((limit - start) / delta)), 0)
    dt = ctx.out_tensors[0].dtype.np
    return [(np.asarray(start, dtype=np.float64) + np.arange(n) * np.asarray(delta, dtype=np.float64)).astype(dt)]


@_kernel_if_absent("CumSum")
def cumsum(ctx: OpContext):
    """Cumulative sum along input 1's axis; ``exclusive`` shifts by one, ``reverse`` runs backwards."""
    _no_quant(ctx)
    x = ctx.inputs[0]
    axis = _axis(ctx, int(np.asarray(ctx.inputs[1]).reshape(-1)[0]) if len(ctx.inputs) > 1 else 0, x.ndim)
    acc = x.astype(np.float64) if np.issubdtype(x.dtype, np.floating) else x.astype(np.int64)
    if ctx.attr("reverse", False):
        acc = np.flip(acc, axis)
    y = np.cumsum(acc, axis=axis)
    if ctx.attr("exclusive", False):
        y = y - acc
    if ctx.attr("reverse", False):
        y = np.flip(y, axis)
    return [y.astype(ctx.out_tensors[0].dtype.np)]


@_kernel_if_absent("TopKFusion")
def top_k(ctx: OpContext):
    """The k (input 1) largest values along ``axis`` and their indices, sorted descending; ties keep
    the lower index first. ``largest`` is not used: MindSpore Lite's TopK always takes the largest,
    and its converter writes ``largest = 0`` for every ONNX TopK (smallest or not)."""
    _no_quant(ctx)
    x = ctx.inputs[0]
    k = int(np.asarray(ctx.inputs[1]).reshape(-1)[0])
    axis = _axis(ctx, int(ctx.attr("axis", -1)), x.ndim)
    key = -x.astype(np.float64)
    idx = np.take(np.argsort(key, axis=axis, kind="stable"), np.arange(k), axis=axis)
    vals = np.take_along_axis(x, idx, axis=axis)
    outs = [vals.astype(ctx.out_tensors[0].dtype.np)]
    if len(ctx.out_tensors) > 1:
        outs.append(idx.astype(ctx.out_tensors[1].dtype.np))
    return outs


@_kernel_if_absent("PowFusion")
def pow_fusion(ctx: OpContext):
    """``(scale * x + shift) ** y`` (y = input 1, else the ``power`` attribute), float output."""
    _no_quant(ctx)
    x = ctx.inputs[0]
    tout = ctx.out_tensors[0]
    if not np.issubdtype(tout.dtype.np, np.floating):
        raise ctx.unsupported(f"PowFusion with a {tout.dtype.short} output is not supported")
    y = ctx.inputs[1] if len(ctx.inputs) > 1 else np.float64(ctx.attr("power", 1.0))
    base = float(ctx.attr("scale", 1.0)) * x.astype(np.float64) + float(ctx.attr("shift", 0.0))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return [np.power(base, np.asarray(y, dtype=np.float64)).astype(tout.dtype.np)]


@_kernel_if_absent("LRN")
def lrn(ctx: OpContext):
    """Across-channel LRN on the channel axis (last; 1 for NCHW tensors):
    ``x / (bias + alpha * sum_{|j - c| <= depth_radius} x_j^2) ** beta`` (alpha as stored: MindSpore
    keeps ONNX's ``alpha / size``)."""
    x = _float_in(ctx, ctx.inputs[0])
    c = _channel_axis(ctx, x.ndim)
    r = int(ctx.attr("depth_radius", 5))
    sq = np.moveaxis(x * x, c, -1)
    n = sq.shape[-1]
    pad = np.pad(sq, [(0, 0)] * (sq.ndim - 1) + [(r, r)])
    s = sum(pad[..., i:i + n] for i in range(2 * r + 1))
    s = np.moveaxis(s, -1, c)
    y = x / (float(ctx.attr("bias", 1.0)) + float(ctx.attr("alpha", 1e-4)) * s) ** float(ctx.attr("beta", 0.75))
    return [y.astype(ctx.out_tensors[0].dtype.np)]

