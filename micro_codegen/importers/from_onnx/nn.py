"""Layout-sensitive ONNX operators (run NHWC) and the matrix / recurrent ones.

Conv / ConvTranspose / pools / BatchNormalization / InstanceNormalization / LRN / Resize /
DepthToSpace / SpaceToDepth take their 4-D input NHWC (``ctx.tensor(x, NHWC)``) and hold
their output NHWC; weights are re-laid out as the official converter writes them
(Conv ``[O, I/g, kh, kw]`` -> OHWI, ConvTranspose ``[I, O/g, kh, kw]`` -> ``[I, kh, kw, O/g]``).
Gemm / MatMul become ``MatMulFusion`` (bias as the third input), LayerNormalization
``LayerNormFusion``, PRelu ``PReLUFusion``, Pad ``PadFusion`` (in the layout its input is
held in), LSTM / GRU the IR recurrent ops. Every geometry is checked against the ONNX
inferred output shape, so a variant the IR computes differently is refused, not mis-converted,
except two float fallbacks that compute ONNX's definition from other IR ops: a Resize no IR
Resize matches (one MatMulFusion per resized axis, :func:`_matrix_resize`) and a pool the IR
pools cannot compute (one StridedSlice per kernel tap, :func:`_sliced_pool`).
"""
from __future__ import annotations

import numpy as np

from ... import numerics
from ...errors import UnsupportedOpError
from ...ir import DType
from .context import NHWC, ONNX, TO_NHWC, Context, channels_last, converter, full_attrs

_AUTO_PAD = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


# ----------------------------------------------------------------------------- geometry helpers

def _spatial(ctx: Context, x: str, what: str) -> tuple[int, int]:
    """(H, W) of a 4-D NCHW input, or (1, L) of a 3-D NCL one (1-D ops run as H = 1); refuse
    other ranks."""
    shape = ctx.shape(x)
    if len(shape) == 3:
        return 1, shape[2]
    if len(shape) != 4:
        raise ctx.unsupported(f"{what} needs a 3-D NCL or 4-D NCHW input (1-D or 2-D spatial); '{x}' is "
                              f"{len(shape)}-D {list(shape)}")
    return shape[2], shape[3]


def _require_4d(ctx: Context, x: str) -> tuple[int, int]:
    """(H, W) of a 4-D NCHW input; refuse other ranks."""
    if ctx.rank(x) != 4:
        raise ctx.unsupported(f"{ctx.op_type} needs a 4-D NCHW input; '{x}' is {ctx.rank(x)}-D")
    return _spatial(ctx, x, ctx.op_type)


def _one_d(ctx: Context) -> bool:
    return ctx.rank(ctx.inputs[0]) == 3


def _pairs(ctx: Context, key: str, default: int) -> tuple[int, int]:
    """A 2-D spatial attribute (H, W); a 1-D op's single value is W (H takes ``default``)."""
    v = ctx.attr(key)
    n = 1 if _one_d(ctx) else 2
    if v is None:
        return default, default
    if len(v) != n:
        raise ctx.unsupported(f"{key} {list(v)} must have {n} value(s) ({n}-D spatial)")
    return (default, int(v[0])) if n == 1 else (int(v[0]), int(v[1]))


def _out_hw(ctx: Context) -> tuple[int, int]:
    """The ONNX output's spatial size as (H, W) ((1, L) for 1-D)."""
    shape = ctx.shape(ctx.outputs[0])
    return (1, shape[2]) if len(shape) == 3 else (shape[2], shape[3])


def _pad_list(ctx: Context, in_hw, k_eff, strides, out_hw) -> tuple[str, tuple[int, int, int, int]]:
    """(pad_mode, pad_list [top, bottom, left, right]) of a conv/pool: explicit ``pads``
    (PAD), SAME_UPPER (SAME, as the converter writes it), SAME_LOWER (explicit pads) or VALID."""
    auto = ctx.attr("auto_pad", "NOTSET")
    if auto not in _AUTO_PAD:
        raise ctx.unsupported(f"auto_pad {auto!r} is not one of {', '.join(_AUTO_PAD)}")
    if auto == "SAME_UPPER":
        return "SAME", (0, 0, 0, 0)
    if auto == "VALID":
        return "VALID", (0, 0, 0, 0)
    if auto == "SAME_LOWER":
        pads = []
        for n, k, s, o in zip(in_hw, k_eff, strides, out_hw):
            total = max((o - 1) * s + k - n, 0)
            pads.append((total - total // 2, total // 2))
        return "PAD", (pads[0][0], pads[0][1], pads[1][0], pads[1][1])
    n = 1 if _one_d(ctx) else 2
    p = [int(v) for v in ctx.attr("pads", [0] * 2 * n)]
    if len(p) != 2 * n:
        raise ctx.unsupported(f"pads {p} must have {2 * n} values ({n}-D spatial)")
    if min(p) < 0:
        raise ctx.unsupported(f"negative pads {p} are not supported")
    return "PAD", ((0, 0, p[0], p[1]) if n == 1 else (p[0], p[2], p[1], p[3]))


def _check_out(ctx: Context, got_hw, what: str) -> None:
    want = _out_hw(ctx)
    if tuple(got_hw) != tuple(want):
        raise ctx.unsupported(f"{what}: the IR computes an output of {list(got_hw)} (H, W), ONNX {list(want)}")


def _input_nhwc(ctx: Context, x: str) -> int:
    """The 4-D NHWC IR tensor a conv-like op reads: ``x`` held NHWC; a 3-D input [N, L, C]
    (held channels-last) gets a Reshape to [N, 1, L, C]."""
    t = ctx.tensor(x, NHWC)
    if ctx.rank(x) == 4:
        return t
    n, c, length = ctx.shape(x)
    return ctx.reshape(t, (n, 1, length, c), f"{ctx.name}_in4d")


def _emit_nhwc(ctx: Context, op: str, inputs, **attrs) -> None:
    """Emit ``op`` with its output held NHWC; a 1-D op writes a 4-D [N, 1, L, C] tensor that
    a Reshape turns into the 3-D channels-last value [N, L, C]."""
    y = ctx.outputs[0]
    if ctx.rank(y) == 4:
        ctx.emit(op, inputs, NHWC, **attrs)
        return
    n, c, length = ctx.shape(y)
    dtype = ctx.dtype(y)
    mid = ctx.new_tensor(f"{ctx.name}_out4d", dtype, (n, 1, length, c), quant=ctx.quant_of(y, dtype))
    ctx.add_node(op, inputs, [mid], **attrs)
    out = ctx.output(0, NHWC)
    ctx.add_node("Reshape", [mid, ctx.const_tensor(f"{ctx.name}_out3d_shape", np.array((n, length, c), np.int32))],
                 [out], name=f"{ctx.name}_out3d")


def _weight_4d(w: np.ndarray) -> np.ndarray:
    """A conv weight [O, I, kh, kw] (1-D: [O, I, k] -> [O, I, 1, k]) channels-last: [O, kh, kw, I]."""
    return (w[:, :, None, :] if w.ndim == 3 else w).transpose(TO_NHWC)


def _geometry_error(ctx: Context, e: UnsupportedOpError) -> UnsupportedOpError:
    return ctx.unsupported(str(e))


# ----------------------------------------------------------------------------- convolution

def _emit_conv(ctx: Context, op: str, window, in_hw, k, x: str, w_name: str, w, attrs: dict) -> None:
    """Check a Conv / ConvTranspose geometry with its ``numerics`` window function, then emit the
    NHWC node: input, weight (4-D), optional bias."""
    try:
        win = window(in_hw, k, full_attrs(op, attrs))
    except UnsupportedOpError as e:
        raise _geometry_error(ctx, e) from None
    _check_out(ctx, (win.out_h, win.out_w), f"{ctx.op_type} geometry")
    inputs = [_input_nhwc(ctx, x), ctx.weight(w_name, _weight_4d(w))]
    if ctx.has_input(2):
        inputs.append(ctx.tensor(ctx.inputs[2]))
    _emit_nhwc(ctx, op, inputs, **attrs)


@converter("Conv")
def conv(ctx: Context) -> None:
    """Conv (normal, grouped, depthwise) -> Conv2DFusion, weights OHWI."""
    x, w_name = ctx.inputs[0], ctx.inputs[1]
    in_hw = _spatial(ctx, x, "Conv")
    w = ctx.require_const(1, "the weight")
    cout, cg, kh, kw = _weight_4d(w).transpose(0, 3, 1, 2).shape
    cin = ctx.shape(x)[1]
    group = int(ctx.attr("group", 1))
    if group <= 0 or cin != cg * group or cout % group:
        raise ctx.unsupported(f"group {group} does not fit input channels {cin} and weights {list(w.shape)}")
    strides, dil = _pairs(ctx, "strides", 1), _pairs(ctx, "dilations", 1)
    ks = ctx.attr("kernel_shape")
    if ks is not None and tuple(ks) != tuple(w.shape[2:]):
        raise ctx.unsupported(f"kernel_shape {list(ks)} does not match the weight {list(w.shape)}")
    k_eff = ((kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1)
    mode, pads = _pad_list(ctx, in_hw, k_eff, strides, _out_hw(ctx))
    attrs = dict(format="NHWC", kernel_size=(kh, kw), stride=strides, dilation=dil, pad_list=pads, group=group,
                 in_channel=cin, out_channel=cout)
    if mode != "PAD":
        attrs["pad_mode"] = mode
    _emit_conv(ctx, "Conv2DFusion", numerics.conv_window, in_hw, (kh, kw), x, w_name, w, attrs)


@converter("ConvTranspose")
def conv_transpose(ctx: Context) -> None:
    """ConvTranspose -> Conv2dTransposeFusion, weights [I, kh, kw, O/g], explicit pads."""
    x, w_name = ctx.inputs[0], ctx.inputs[1]
    in_hw = _spatial(ctx, x, "ConvTranspose")
    w = ctx.require_const(1, "the weight")
    cin, og, kh, kw = _weight_4d(w).transpose(0, 3, 1, 2).shape
    group = int(ctx.attr("group", 1))
    cout = og * group
    if ctx.shape(x)[1] != cin or cin % group:
        raise ctx.unsupported(f"group {group} does not fit input channels {ctx.shape(x)[1]} and weights "
                              f"{list(w.shape)}")
    strides, dil = _pairs(ctx, "strides", 1), _pairs(ctx, "dilations", 1)
    out_pad = _pairs(ctx, "output_padding", 0)
    out_hw = _out_hw(ctx)
    auto = ctx.attr("auto_pad", "NOTSET")
    if auto not in _AUTO_PAD:
        raise ctx.unsupported(f"auto_pad {auto!r} is not one of {', '.join(_AUTO_PAD)}")
    pads = []
    explicit = [int(v) for v in ctx.attr("pads", [0, 0, 0, 0] if w.ndim == 4 else [0, 0])]
    if w.ndim == 3:
        explicit = [0, explicit[0], 0, explicit[1]]
    for d in range(2):
        eff = ((kh, kw)[d] - 1) * dil[d] + 1
        total = strides[d] * (in_hw[d] - 1) + out_pad[d] + eff - out_hw[d]
        if auto == "NOTSET" and ctx.attr("output_shape") is None:
            pads.append((explicit[d], explicit[d + 2]))
        elif auto == "SAME_UPPER":
            pads.append((total // 2, total - total // 2))
        else:
            pads.append((total - total // 2, total // 2))
    # a negative end padding (output_shape larger than the natural size): extra output rows
    # reached by no tap, i.e. output padding
    out_pad = tuple(op - min(e, 0) for op, (_, e) in zip(out_pad, pads))
    pads = [(b, max(e, 0)) for b, e in pads]
    pad_list = (pads[0][0], pads[0][1], pads[1][0], pads[1][1])
    if min(pad_list) < 0:
        raise ctx.unsupported(f"the output shape needs negative padding {list(pad_list)}")
    attrs = dict(format="NHWC", kernel_size=(kh, kw), stride=strides, dilation=dil, pad=(0, 0, 0, 0),
                 pad_list=pad_list, group=group, in_channel=cin, out_channel=cout, output_paddings=out_pad)
    _emit_conv(ctx, "Conv2dTransposeFusion", numerics.deconv_window, in_hw, (kh, kw), x, w_name, w, attrs)


# ----------------------------------------------------------------------------- pooling

@converter("MaxPool", "AveragePool")
def pool(ctx: Context) -> None:
    """MaxPool / AveragePool -> MaxPoolFusion / AvgPoolFusion (count_include_pad with pads:
    an explicit zero PadFusion first, then a VALID average); a float pool those cannot compute
    (3-D, dilations, a ceil_mode geometry of their own) -> :func:`_sliced_pool`."""
    try:
        _ir_pool(ctx)
    except UnsupportedOpError:
        x = ctx.inputs[0]
        if (ctx.dtype(x) != DType.FLOAT32 or ctx.qinfo.get(x) or ctx.rank(x) < 3
                or len([o for o in ctx.outputs if o]) > 1 or int(ctx.attr("storage_order", 0))):
            raise
        _sliced_pool(ctx)


def _sliced_pool(ctx: Context) -> None:
    """A pool as ONNX defines it, any spatial rank (ONNX layout): the input padded (MaxPool with
    the lowest float, AveragePool with 0; the ceil_mode tail too), one strided ``StridedSlice``
    per kernel tap (dilated offsets), combined by ``Maximum`` / ``AddFusion``; the average then
    multiplied by the constant reciprocal of each window's count (pads counted or not, the ceil
    tail never). The output size is ONNX's inferred one."""
    x, y = ctx.inputs[0], ctx.outputs[0]
    shape, out = ctx.shape(x), ctx.shape(y)
    nsp = len(shape) - 2
    ks = [int(k) for k in ctx.attr("kernel_shape")]
    strides = [int(v) for v in ctx.attr("strides", [1] * nsp)]
    dil = [int(v) for v in ctx.attr("dilations", [1] * nsp)]
    auto = ctx.attr("auto_pad", "NOTSET")
    pads = [int(v) for v in ctx.attr("pads", [0] * 2 * nsp)]
    begin, end = pads[:nsp], pads[nsp:]
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        total = [max((o - 1) * s + (k - 1) * d + 1 - n, 0) for n, o, s, k, d in zip(shape[2:], out[2:], strides, ks, dil)]
        begin = [t // 2 if auto == "SAME_UPPER" else t - t // 2 for t in total]
        end = [t - b for t, b in zip(total, begin)]
    elif auto == "VALID":
        begin, end = [0] * nsp, [0] * nsp
    need = [(o - 1) * s + (k - 1) * d + 1 for o, s, k, d in zip(out[2:], strides, ks, dil)]
    tail = [max(0, nd - (n + b + e)) for nd, n, b, e in zip(need, shape[2:], begin, end)]
    is_max = ctx.op_type == "MaxPool"
    src, dt = ctx.tensor(x, ONNX), DType.FLOAT32
    padded = [n + b + e + t for n, b, e, t in zip(shape[2:], begin, end, tail)]
    if any(begin) or any(e + t for e, t in zip(end, tail)):
        paddings = np.array([[0, 0], [0, 0]] + [[b, e + t] for b, e, t in zip(begin, end, tail)], np.int32)
        src = ctx.intermediate("PadFusion", [src, ctx.const_tensor(f"{ctx.name}_paddings", paddings)], "padded", dt,
                               list(shape[:2]) + padded, padding_mode="CONSTANT",
                               constant_value=float(np.finfo(np.float32).min) if is_max else 0.0)
    axes = ctx.const_tensor(f"{ctx.name}_axes", np.arange(2, 2 + nsp, dtype=np.int32))
    steps = ctx.const_tensor(f"{ctx.name}_steps", np.array(strides, np.int32))
    taps = list(np.ndindex(*ks))
    acc = None
    for i, tap in enumerate(taps):
        first = [t * d for t, d in zip(tap, dil)]
        last = [f + (o - 1) * s + 1 for f, o, s in zip(first, out[2:], strides)]
        part = ctx.intermediate("StridedSlice", [src, ctx.const_tensor(f"{ctx.name}_begin{i}", np.array(first, np.int32)),
                                                 ctx.const_tensor(f"{ctx.name}_end{i}", np.array(last, np.int32)), axes,
                                                 steps], f"tap{i}", dt, out)
        acc = part if acc is None else ctx.intermediate("Maximum" if is_max else "AddFusion", [acc, part],
                                                        f"acc{i}", dt, out)
    if is_max:
        ctx.add_node("Reshape", [acc, ctx.const_tensor(f"{ctx.name}_shape", np.array(out, np.int32))],
                     [ctx.output(0, ONNX)])
        return
    counted = np.zeros(padded)
    inner = tuple(slice(b, b + n) for b, n in zip(begin, shape[2:]))
    counted[inner if not int(ctx.attr("count_include_pad", 0)) else
            tuple(slice(0, n + b + e) for n, b, e in zip(shape[2:], begin, end))] = 1
    count = sum(counted[tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, o, s in zip(tap, dil, out[2:], strides))]
                for tap in taps)
    ctx.add_node("MulFusion", [acc, ctx.const_tensor(f"{ctx.name}_inv_count", (1.0 / count)[None, None]
                                                     .astype(np.float32))], [ctx.output(0, ONNX)])


def _ir_pool(ctx: Context) -> None:
    """MaxPool / AveragePool as the IR pool ops, or UnsupportedOpError before anything is emitted."""
    x = ctx.inputs[0]
    in_hw = _spatial(ctx, x, ctx.op_type)
    if len([o for o in ctx.outputs if o]) > 1:
        raise ctx.unsupported("the Indices output of MaxPool is not supported")
    if any(d != 1 for d in _pairs(ctx, "dilations", 1)):
        raise ctx.unsupported(f"dilations {ctx.attr('dilations')} on a pool are not supported (only 1)")
    if int(ctx.attr("storage_order", 0)) != 0:
        raise ctx.unsupported("storage_order 1 is not supported")
    if ctx.attr("kernel_shape") is None:
        raise ctx.unsupported("kernel_shape is required")
    ks, strides = _pairs(ctx, "kernel_shape", 1), _pairs(ctx, "strides", 1)
    out_hw = _out_hw(ctx)
    mode, pads = _pad_list(ctx, in_hw, ks, strides, out_hw)
    ceil = bool(ctx.attr("ceil_mode", 0))
    zero_pads = None
    if ctx.op_type == "AveragePool" and int(ctx.attr("count_include_pad", 0)) and (mode == "SAME" or any(pads)):
        if mode == "SAME":
            total = [max((o - 1) * s + k - n, 0) for n, k, s, o in zip(in_hw, ks, strides, out_hw)]
            pads = (total[0] // 2, total[0] - total[0] // 2, total[1] // 2, total[1] - total[1] // 2)
        if ceil:
            raise ctx.unsupported("count_include_pad with ceil_mode is not supported")
        zero_pads = pads
        in_hw, mode, pads = (in_hw[0] + pads[0] + pads[1], in_hw[1] + pads[2] + pads[3]), "PAD", (0, 0, 0, 0)
    attrs = dict(kernel_size=ks, strides=strides, pad=pads, format="NHWC")
    if mode != "PAD":
        attrs["pad_mode"] = mode
    if ceil:
        attrs["round_mode"] = "CEIL"
    op = "MaxPoolFusion" if ctx.op_type == "MaxPool" else "AvgPoolFusion"
    try:
        win = numerics.pool_window(in_hw, full_attrs(op, attrs))
    except UnsupportedOpError as e:
        raise _geometry_error(ctx, e) from None
    _check_out(ctx, (win.out_h, win.out_w), f"{ctx.op_type} geometry (ceil_mode {int(ceil)})")
    src = _input_nhwc(ctx, x)
    if zero_pads is not None:
        src = _zero_pad_nhwc(ctx, src, zero_pads)
    _emit_nhwc(ctx, op, [src], **attrs)


def _zero_pad_nhwc(ctx: Context, src: int, pads) -> int:
    """PadFusion of NHWC tensor ``src`` by [top, bottom, left, right] zeros; the new tensor."""
    t = ctx.tensors[src]
    n, h, w, c = t.shape
    out = ctx.new_tensor(f"{ctx.name}_pad", t.dtype, (n, h + pads[0] + pads[1], w + pads[2] + pads[3], c),
                         quant=t.quant)
    paddings = np.array([[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], np.int32)
    ctx.add_node("PadFusion", [src, ctx.const_tensor(f"{ctx.name}_pad_paddings", paddings)], [out],
                 name=f"{ctx.name}_pad")
    return out


@converter("GlobalAveragePool", "GlobalMaxPool")
def global_pool(ctx: Context) -> None:
    x = ctx.inputs[0]
    _spatial(ctx, x, ctx.op_type)
    op = "AvgPoolFusion" if ctx.op_type == "GlobalAveragePool" else "MaxPoolFusion"
    _emit_nhwc(ctx, op, [_input_nhwc(ctx, x)], strides=(1, 1), pad=(0, 0, 0, 0), format="NHWC", **{"global": True})


# ----------------------------------------------------------------------------- normalization

@converter("BatchNormalization")
def batch_norm(ctx: Context) -> None:
    """Inference BatchNormalization -> ScaleFusion with folded scale/bias on the channel axis
    (NHWC for 4-D inputs); after a Conv the fusion pass folds it into the conv weights."""
    if int(ctx.attr("training_mode", 0)):
        _batch_norm_training(ctx)
        return
    if len([o for o in ctx.outputs if o]) > 1:
        raise ctx.unsupported("the running mean / var outputs need training_mode 1")
    x = ctx.inputs[0]
    gamma, beta, mean, var = (ctx.require_const(k, n).astype(np.float64)
                              for k, n in ((1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")))
    eps = float(np.float32(ctx.attr("epsilon", 1e-5)))
    if not np.all(var + eps > 0):
        raise ctx.unsupported("input_var + epsilon must be positive")
    scale = gamma / np.sqrt(var + eps)
    bias = beta - mean * scale
    rank = ctx.rank(x)
    if rank < 2:
        raise ctx.unsupported(f"input '{x}' must be at least 2-D, got {rank}-D")
    layout = NHWC if rank >= 3 else ONNX          # the channel axis last (2-D: it is already)
    axis = -1
    s = ctx.const_tensor(f"{ctx.name}_scale", scale.astype(np.float32))
    b = ctx.const_tensor(f"{ctx.name}_bias", bias.astype(np.float32))
    ctx.emit("ScaleFusion", [ctx.tensor(x, layout), s, b], layout, axis=axis)


def _batch_norm_training(ctx: Context) -> None:
    """training_mode BatchNormalization (ONNX layout): Y normalized by the batch statistics over
    every axis but 1 (``ReduceMean``, ``SquaredDifference``, ``Rsqrt``); outputs 1 / 2 the running
    ``input_mean * momentum + batch_mean * (1 - momentum)`` (the same for the variance)."""
    x = ctx.inputs[0]
    shape, dt = ctx.shape(x), DType.FLOAT32
    if len(shape) < 2 or ctx.dtype(x) != dt:
        raise ctx.unsupported(f"input '{x}' must be float32 and at least 2-D")
    gamma, beta, mean_in, var_in = (ctx.require_const(k, n).astype(np.float32)
                                    for k, n in ((1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")))
    momentum = float(ctx.attr("momentum", 0.9))
    c = shape[1]
    stat = [1, c] + [1] * (len(shape) - 2)
    const = lambda n, a: ctx.const_tensor(f"{ctx.name}_{n}", np.asarray(a, np.float32))  # noqa: E731
    src = ctx.tensor(x, ONNX)
    axes = ctx.const_tensor(f"{ctx.name}_axes", np.array([a for a in range(len(shape)) if a != 1], np.int32))
    mean = ctx.intermediate("ReduceFusion", [src, axes], "mean", dt, stat, mode="ReduceMean", keep_dims=True)
    sq = ctx.intermediate("SquaredDifference", [src, mean], "sq_diff", dt, shape)
    var = ctx.intermediate("ReduceFusion", [sq, axes], "var", dt, stat, mode="ReduceMean", keep_dims=True)
    inv = ctx.intermediate("Rsqrt", [ctx.intermediate("AddFusion", [var, const("epsilon", [ctx.attr("epsilon", 1e-5)])],
                                                      "var_eps", dt, stat)], "inv_std", dt, stat)
    mul = ctx.intermediate("MulFusion", [inv, const("scale", gamma.reshape(stat))], "mul", dt, stat)
    norm = ctx.intermediate("MulFusion", [ctx.intermediate("SubFusion", [src, mean], "centered", dt, shape), mul],
                            "scaled", dt, shape)
    ctx.add_node("AddFusion", [norm, const("bias", beta.reshape(stat))], [ctx.output(0, ONNX)])
    for k, (batch, running) in ((1, (mean, mean_in)), (2, (var, var_in))):
        if k < len(ctx.outputs) and ctx.outputs[k]:
            flat = ctx.reshape(batch, [c], f"{ctx.outputs[k]}_batch")
            part = ctx.intermediate("MulFusion", [flat, const(f"keep{k}", [1 - momentum])], f"new{k}", dt, [c])
            ctx.add_node("AddFusion", [part, const(f"running{k}", running * momentum)], [ctx.output(k, ONNX)],
                         name=f"{ctx.name}_{k}")


@converter("InstanceNormalization")
def instance_norm(ctx: Context) -> None:
    x = ctx.inputs[0]
    layout = NHWC if ctx.rank(x) >= 3 else ONNX
    for k, what in ((1, "scale"), (2, "B")):
        ctx.require_const(k, what)
    ctx.emit("InstanceNorm", [ctx.tensor(x, layout), ctx.tensor(ctx.inputs[1]), ctx.tensor(ctx.inputs[2])],
             layout, epsilon=float(ctx.attr("epsilon", 1e-5)))


@converter("LayerNormalization")
def layer_norm(ctx: Context) -> None:
    """LayerNormalization -> LayerNormFusion over the axes from ``axis`` (ONNX layout); the
    epsilon is kept (the official converter writes 0.0, a deliberate difference). The optional
    Mean / InvStdDev outputs are computed beside it (:func:`_layer_norm_stats`)."""
    x = ctx.inputs[0]
    rank = ctx.rank(x)
    axis = int(ctx.attr("axis", -1))
    if not -rank <= axis < rank:
        raise ctx.unsupported(f"axis {axis} is out of range for a {rank}-D input")
    pshape = ctx.shape(x)[axis % rank:]
    gamma = ctx.require_const(1, "scale")
    beta = ctx.const(ctx.inputs[2]) if ctx.has_input(2) else np.zeros(pshape, np.float32)
    if beta is None:
        raise ctx.unsupported("B (input 2) must be a constant")
    params = [ctx.const_tensor(f"{ctx.name}_{n}", np.broadcast_to(a, pshape).astype(np.float32))
              for n, a in (("gamma", gamma), ("beta", beta))]
    src = ctx.tensor(x, ONNX)
    ctx.add_node("LayerNormFusion", [src] + params, [ctx.output(0, ONNX)], begin_norm_axis=axis,
                 begin_params_axis=axis, epsilon=float(ctx.attr("epsilon", 1e-5)))
    if len(ctx.outputs) > 1 and any(ctx.outputs[1:]):
        _layer_norm_stats(ctx, src, list(range(axis % rank, rank)))


def _layer_norm_stats(ctx: Context, src: int, axes: list[int]) -> None:
    """LayerNormalization outputs 1 / 2 (those present): ``Mean = ReduceMean(x)`` and
    ``InvStdDev = Rsqrt(ReduceMean((x - Mean)^2) + epsilon)`` over ``axes``, dims kept."""
    shape, dt = ctx.shape(ctx.inputs[0]), ctx.dtype(ctx.inputs[0])
    stat_shape = [1 if d in axes else n for d, n in enumerate(shape)]
    axes_t = ctx.const_tensor(f"{ctx.name}_axes", np.array(axes, np.int32))

    def out(k: int, suffix: str, shape_) -> int:
        if 0 <= k < len(ctx.outputs) and ctx.outputs[k]:
            return ctx.output(k, ONNX)
        return ctx.new_tensor(f"{ctx.name}_{suffix}", dt, shape_)

    def node(op: str, ins: list[int], k: int, suffix: str, shape_=stat_shape, **attrs) -> int:
        t = out(k, suffix, shape_)
        ctx.add_node(op, ins, [t], name=f"{ctx.name}_{suffix}", **attrs)
        return t

    mean = node("ReduceFusion", [src, axes_t], 1, "mean", mode="ReduceMean", keep_dims=True)
    if len(ctx.outputs) < 3 or not ctx.outputs[2]:
        return
    sq = node("SquaredDifference", [src, mean], -1, "sq_diff", shape)
    var = node("ReduceFusion", [sq, axes_t], -1, "var", mode="ReduceMean", keep_dims=True)
    eps = ctx.const_tensor(f"{ctx.name}_epsilon", np.array([ctx.attr("epsilon", 1e-5)], np.float32))
    node("Rsqrt", [node("AddFusion", [var, eps], -1, "var_eps")], 2, "inv_std_dev")


@converter("LRN")
def lrn(ctx: Context) -> None:
    """LRN (odd ``size``) -> LRN NHWC with depth_radius (size-1)/2 and alpha/size."""
    x = ctx.inputs[0]
    _spatial(ctx, x, "LRN")
    size = int(ctx.attr("size"))
    if size % 2 == 0:
        raise ctx.unsupported(f"size {size}: only odd sizes (a symmetric window) are supported")
    ctx.emit("LRN", [ctx.tensor(x, NHWC)], NHWC, depth_radius=(size - 1) // 2,
             alpha=float(ctx.attr("alpha", 1e-4)) / size, beta=float(ctx.attr("beta", 0.75)),
             bias=float(ctx.attr("bias", 1.0)), norm_region="ACROSS_CHANNELS")


@converter("DepthToSpace", "SpaceToDepth")
def depth_to_space(ctx: Context) -> None:
    x = ctx.inputs[0]
    _require_4d(ctx, x)
    attrs = dict(block_size=int(ctx.attr("blocksize")), format="NHWC")
    if ctx.op_type == "SpaceToDepth" and ctx.attr("mode", "DCR") != "DCR":
        raise ctx.unsupported(f"mode {ctx.attr('mode')!r} is not supported (DCR)")
    if ctx.op_type == "DepthToSpace":
        mode = ctx.attr("mode", "DCR")
        if mode not in ("DCR", "CRD"):
            raise ctx.unsupported(f"mode {mode!r} is not DCR or CRD")
        attrs["mode"] = mode
    ctx.emit(ctx.op_type, [ctx.tensor(x, NHWC)], NHWC, **attrs)


# ----------------------------------------------------------------------------- resize

_COORD = {"asymmetric": "ASYMMETRIC", "align_corners": "ALIGN_CORNERS", "half_pixel": "HALF_PIXEL",
          "pytorch_half_pixel": "HALF_PIXEL"}
_METHOD = {"nearest": "NEAREST", "linear": "LINEAR", "cubic": "CUBIC"}


def _onnx_source(n: int, o: int, coord: str, scale: float) -> np.ndarray:
    """ONNX's source coordinate of each output index along one axis (float64); ONNX's resized
    length is ``n * scale``, not rounded."""
    j = np.arange(o, dtype=np.float64)
    length = n * scale
    if coord == "asymmetric":
        return j / scale
    if coord == "align_corners":
        return j * (n - 1) / (length - 1) if length != 1 else np.zeros(o)
    if coord == "pytorch_half_pixel" and length <= 1:
        return np.zeros(o)
    return (j + 0.5) / scale - 0.5


def _onnx_matrix(n: int, o: int, coord: str, scale: float, mode: str, rounding: str, a: float) -> np.ndarray:
    """The [o, n] interpolation matrix ONNX's Resize applies along one axis (neighbours
    outside the input take the edge value)."""
    src = _onnx_source(n, o, coord, scale)
    f = np.floor(src)
    t = src - f
    if mode == "nearest":
        idx = {"floor": f, "ceil": np.ceil(src), "round_prefer_floor": np.where(t == 0.5, f, np.round(src)),
               "round_prefer_ceil": np.where(t == 0.5, f + 1, np.round(src))}[rounding]
        taps = [(idx, np.ones(o))]
    elif mode == "linear":
        taps = [(f, 1 - t), (f + 1, t)]
    else:
        def keys(x):
            x = np.abs(x)
            return np.where(x <= 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                            np.where(x < 2, a * x ** 3 - 5 * a * x * x + 8 * a * x - 4 * a, 0.0))
        taps = [(f + d, keys(t - d)) for d in (-1, 0, 1, 2)]
    m = np.zeros((o, n))
    for idx, w in taps:
        np.add.at(m, (np.arange(o), np.clip(idx, 0, n - 1).astype(np.int64)), w)
    return m


def _ir_matrix(n: int, o: int, method: str, mode: str, a: float, quant: bool) -> np.ndarray:
    """The [o, n] interpolation matrix the IR's Resize applies along one axis."""
    if method == "NEAREST":
        idx, w = numerics.resize_nearest_index(n, o, mode, tflite=quant)[:, None], np.ones((o, 1))
    elif method == "LINEAR":
        idx, w = numerics.resize_linear_taps(n, o, mode)
    else:
        idx, w = numerics.resize_cubic_taps(n, o, mode, a)
    m = np.zeros((o, n))
    np.add.at(m, (np.repeat(np.arange(o), idx.shape[1]), idx.reshape(-1)), np.asarray(w, np.float64).reshape(-1))
    return m


def _resize_scales(ctx: Context, in_hw, out_hw) -> tuple[float, float]:
    """ONNX's scale factors of H and W: the scales input (``axes`` honoured), else out / in."""
    scales = ctx.require_const(2, "scales") if ctx.has_input(2) else None
    if ctx.has_input(3):
        ctx.require_const(3, "sizes")
    if scales is None or scales.size == 0:
        if ctx.attr("keep_aspect_ratio_policy", "stretch") != "stretch":
            raise ctx.unsupported("keep_aspect_ratio_policy other than 'stretch' is not supported")
        return out_hw[0] / in_hw[0], out_hw[1] / in_hw[1]
    full = [1.0] * 4
    for k, ax in enumerate(ctx.attr("axes", list(range(4)))):
        full[int(ax) % 4] = float(scales.reshape(-1)[k])
    return full[2], full[3]


def _resize_axes(ctx: Context) -> list[tuple[int, dict, np.ndarray | None]]:
    """The axes an ONNX Resize changes: ``(axis, how, roi)``; ``how`` says how ONNX sizes the
    axis: ``{"scale": s}`` (the scales input), ``{"size": o}`` (sizes, stretched) or, under a
    keep_aspect_ratio_policy, ``{"size": o, "ref": (n_k, o_k)}`` (the common scale is set by axis k
    resized from n_k to o_k); ``roi`` the axis's ``[start, end]`` (tf_crop_and_resize only)."""
    x = ctx.inputs[0]
    shape, out = ctx.shape(x), ctx.shape(ctx.outputs[0])
    rank = len(shape)
    axes = [int(a) % rank for a in ctx.attr("axes", list(range(rank)))]
    scales = ctx.require_const(2, "scales") if ctx.has_input(2) else None
    if scales is not None and scales.size:
        how = {a: {"scale": float(v)} for a, v in zip(axes, scales.reshape(-1))}
    else:
        sizes = dict(zip(axes, (int(v) for v in ctx.require_const(3, "sizes").reshape(-1))))
        how = {a: {"size": sizes[a]} for a in axes}
        policy = ctx.attr("keep_aspect_ratio_policy", "stretch")
        if policy != "stretch":
            k = (min if policy == "not_larger" else max)(axes, key=lambda a: sizes[a] / shape[a])
            how = {a: {"size": sizes[a], "ref": (shape[k], sizes[k])} for a in axes}
    roi = ctx.const(ctx.inputs[1]) if ctx.has_input(1) else None
    if ctx.attr("coordinate_transformation_mode", "half_pixel") != "tf_crop_and_resize":
        roi = None
    elif roi is None or roi.size != 2 * len(axes):
        raise ctx.unsupported("tf_crop_and_resize needs a constant roi with a start and an end per axis")
    plan = []
    for k, a in enumerate(axes):
        r = None if roi is None else np.array([roi.reshape(-1)[k], roi.reshape(-1)[k + len(axes)]], np.float32)
        if out[a] != shape[a] or how[a].get("scale", 1.0) != 1.0 or (r is not None and not np.allclose(r, [0, 1])):
            plan.append((a, how[a], r))
    return plan


def _axis_resize_map(ctx: Context, n: int, o: int, how: dict, roi: np.ndarray | None) -> tuple[np.ndarray,
                                                                                                np.ndarray]:
    """``(A, b)``: ONNX's Resize along one axis of length ``n`` (see :func:`_resize_axes`) is
    ``y = A @ x + b`` (``A`` [o, n]; ``b`` the extrapolated positions): the ONNX reference's Resize
    of the unit vectors and of zeros, the batch on an axis it leaves alone (and, under a
    keep_aspect_ratio_policy, the axis setting the common scale beside it, the data constant there)."""
    from onnx import TensorProto, helper, numpy_helper
    from onnx.reference import ReferenceEvaluator
    attrs = {a.name: helper.get_attribute_value(a) for a in ctx.node.attribute if a.name != "axes"}
    data = np.vstack([np.eye(n), np.zeros((1, n))]).astype(np.float32)
    start, end = (0.0, 1.0) if roi is None else (float(roi[0]), float(roi[1]))
    if "scale" in how:
        ins = {"roi": np.array([0, start, 1, end], np.float32), "scales": np.array([1, how["scale"]], np.float32)}
    elif "ref" in how:
        (n_k, o_k), attrs["axes"] = how["ref"], [1, 2]
        data = np.repeat(data[:, None, :], n_k, axis=1)
        ins = {"roi": np.array([0, start, 1, end], np.float32), "": None,
               "sizes": np.array([o_k, how["size"]], np.int64)}
    else:
        ins = {"roi": np.array([0, start, 1, end], np.float32), "": None, "sizes": np.array([n + 1, o], np.int64)}
    node = helper.make_node("Resize", ["x"] + list(ins), ["y"], **attrs)
    graph = helper.make_graph([node], "axis", [helper.make_tensor_value_info("x", TensorProto.FLOAT, data.shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(v, k) for k, v in ins.items() if k])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", ctx.opset)])
    z = np.asarray(ReferenceEvaluator(model).run(None, {"x": data})[0], np.float64)
    z = z[:, 0, :] if z.ndim == 3 else z
    if z.shape != (n + 1, o):
        raise ctx.unsupported(f"resizing an axis of {n} ({how}) gives {z.shape[1]} values, the output has {o}")
    return (z[:n] - z[n]).T, z[n]


def _matrix_resize(ctx: Context) -> None:
    """A float Resize no IR Resize computes, as ONNX defines it: interpolation is separable, so
    each resized axis is one ``MatMulFusion`` by its constant [n, o] interpolation matrix (plus
    the extrapolation values as bias), the axis moved last by Transposes around it."""
    x = ctx.inputs[0]
    plan = _resize_axes(ctx)
    rank = ctx.rank(x)
    cur = ctx.tensor(x, ONNX)
    shape = list(ctx.shape(x))
    for i, (a, how, roi) in enumerate(plan):
        m, b = _axis_resize_map(ctx, shape[a], ctx.shape(ctx.outputs[0])[a], how, roi)
        perm = list(range(rank))
        perm[a], perm[-1] = perm[-1], perm[a]
        tag, final, moved = f"{ctx.name}_axis{a}", i == len(plan) - 1, a != rank - 1
        if moved:
            cur = ctx.transpose(cur, perm, f"{tag}_in")
        shape[a] = m.shape[0]
        out = ctx.output(0, ONNX) if final and not moved else ctx.new_tensor(tag, DType.FLOAT32,
                                                                             [shape[p] for p in perm])
        ins = [cur, ctx.const_tensor(f"{tag}_matrix", m.T.astype(np.float32))]
        ins += [ctx.const_tensor(f"{tag}_bias", b.astype(np.float32))] if np.any(b) else []
        ctx.add_node("MatMulFusion", ins, [out], name=tag)
        cur = out
        if moved and final:
            ctx.add_node("Transpose", [cur, ctx.const_tensor(f"{tag}_perm", np.array(perm, np.int32))],
                         [ctx.output(0, ONNX)], name=f"{tag}_out")
        elif moved:
            cur = ctx.transpose(cur, perm, f"{tag}_out")
    if not plan:
        ctx.alias(0, cur, ONNX)


@converter("Resize")
def resize(ctx: Context) -> None:
    """Resize of H and W -> Resize NHWC with the scales as a float [2] const (as the converter)
    when the interpolation the IR computes equals ONNX's on both axes (coordinate transform,
    scale, nearest rounding, border handling); any other float Resize -> :func:`_matrix_resize`;
    any other quantized / integer one is refused."""
    try:
        _ir_resize(ctx)
    except UnsupportedOpError:
        x = ctx.inputs[0]
        if ctx.dtype(x) != DType.FLOAT32 or ctx.qinfo.get(x) or ctx.qinfo.get(ctx.outputs[0]):
            raise
        _matrix_resize(ctx)


def _ir_resize(ctx: Context) -> None:
    """Resize as the IR Resize op (NHWC), or UnsupportedOpError before anything is emitted."""
    x = ctx.inputs[0]
    in_hw = _require_4d(ctx, x)
    out = ctx.shape(ctx.outputs[0])
    if tuple(out[:2]) != tuple(ctx.shape(x)[:2]):
        raise ctx.unsupported("only the H and W axes may be resized")
    mode = ctx.attr("mode", "nearest")
    coord = ctx.attr("coordinate_transformation_mode", "half_pixel")
    if mode not in _METHOD:
        raise ctx.unsupported(f"mode {mode!r} is not supported (nearest, linear, cubic)")
    if coord not in _COORD:
        raise ctx.unsupported(f"coordinate_transformation_mode {coord!r} is not supported "
                              f"({', '.join(_COORD)})")
    if int(ctx.attr("antialias", 0)) or int(ctx.attr("exclude_outside", 0)):
        raise ctx.unsupported("antialias / exclude_outside are not supported")
    a = float(ctx.attr("cubic_coeff_a", -0.75))
    rounding = ctx.attr("nearest_mode", "round_prefer_floor")
    method = _METHOD[mode]
    axes = list(zip("HW", in_hw, out[2:], _resize_scales(ctx, in_hw, out[2:])))
    theirs = [_onnx_matrix(n, o, coord, scale, mode, rounding, a) for _, n, o, scale in axes]
    # the IR coordinate mode computing ONNX's interpolation on both axes: the ONNX mode's own
    # first, else another that coincides here (e.g. half_pixel + round_prefer_floor nearest of an
    # integer upscale is asymmetric + floor)
    modes = [_COORD[coord]] + [m for m in ("ASYMMETRIC", "HALF_PIXEL", "ALIGN_CORNERS") if m != _COORD[coord]]
    ir_mode = next((m for m in modes if all(
        np.allclose(_ir_matrix(n, o, method, m, a, bool(ctx.qinfo.get(x))), t, atol=1e-5)
        for (_, n, o, _), t in zip(axes, theirs))), None)
    if ir_mode is None:
        raise ctx.unsupported(f"{mode} resize {list(in_hw)} -> {list(out[2:])} ({coord}, scales "
                              f"{[round(v[3], 6) for v in axes]}{', ' + rounding if mode == 'nearest' else ''}) "
                              f"maps coordinates other than any IR Resize")
    attrs = dict(format="NHWC", method=method, coordinate_transform_mode=ir_mode)
    if mode == "nearest":
        attrs["nearest_mode"] = "FLOOR"
    if mode == "cubic":
        attrs["cubic_coeff"] = a
    scales = ctx.const_tensor(f"{ctx.name}_scales",
                              np.array([out[2] / in_hw[0], out[3] / in_hw[1]], np.float32))
    ctx.emit("Resize", [ctx.tensor(x, NHWC), scales], NHWC, **attrs)


# ----------------------------------------------------------------------------- matrix products

@converter("MatMul")
def matmul(ctx: Context) -> None:
    """MatMul -> MatMulFusion (numpy matmul rules, 1-D operands included; a following Add of a
    constant becomes its bias in :mod:`.fuse`)."""
    a, b = ctx.inputs[0], ctx.inputs[1]
    ctx.emit("MatMulFusion", [ctx.tensor(a, ONNX), ctx.tensor(b, ONNX)])


def _scaled(ctx: Context, name: str, factor: float, what: str) -> int:
    """The IR tensor of ``name`` times the scalar ``factor`` (a MulFusion for an activation)."""
    if ctx.is_const(name) and factor != 1.0:
        return ctx.const_tensor(f"{name}_x{factor:g}", (ctx.const(name) * factor).astype(ctx.const(name).dtype))
    src = ctx.tensor(name, ONNX)
    if factor == 1.0:
        return src
    t = ctx.tensors[src]
    out = ctx.new_tensor(f"{ctx.name}_{what}", t.dtype, t.shape)
    ctx.add_node("MulFusion", [src, ctx.const_tensor(f"{ctx.name}_{what}_factor", np.array([factor], np.float32))],
                 [out], name=f"{ctx.name}_{what}")
    return out


@converter("Gemm")
def gemm(ctx: Context) -> None:
    """Gemm -> MatMulFusion: B kept as stored with ``transpose_b = transB`` (alpha folded into a
    constant B), C as the bias input when it is a constant per output column (beta folded);
    any other C is added by an AddFusion."""
    a, b = ctx.inputs[0], ctx.inputs[1]
    alpha, beta = float(ctx.attr("alpha", 1.0)), float(ctx.attr("beta", 1.0))
    trans_a, trans_b = bool(ctx.attr("transA", 0)), bool(ctx.attr("transB", 0))
    n = ctx.shape(ctx.outputs[0])[1]
    bw = ctx.const(b)
    if bw is not None and ctx.qinfo.get(b) is not None and alpha != 1.0:
        raise ctx.unsupported(f"alpha {alpha} with a quantized B is not supported")
    if bw is not None:
        b_t = ctx.weight(b, bw if alpha == 1.0 else (bw * alpha).astype(bw.dtype))
        a_t = ctx.tensor(a, ONNX)
    else:
        b_t, a_t = ctx.tensor(b, ONNX), _scaled(ctx, a, alpha, "alpha")
    inputs = [a_t, b_t]
    c = ctx.inputs[2] if ctx.has_input(2) else None
    cv = ctx.const(c) if c else None
    add_c = False
    if cv is not None and cv.size in (1, n) and (cv.ndim < 2 or cv.shape[0] == 1):
        bias = np.broadcast_to(cv.reshape(-1), (n,)) * beta
        inputs.append(ctx.weight(c, bias.astype(cv.dtype)) if ctx.qinfo.get(c) else
                      ctx.const_tensor(c, bias.astype(np.float32)))
    elif c:
        add_c = True
    attrs = dict(transpose_a=trans_a, transpose_b=trans_b)
    if not add_c:
        ctx.emit("MatMulFusion", inputs, **attrs)
        return
    y_name = ctx.outputs[0]
    dtype = ctx.dtype(y_name)
    mid = ctx.new_tensor(f"{ctx.name}_mm", dtype, ctx.shape(y_name))
    ctx.add_node("MatMulFusion", inputs, [mid], **attrs)
    ctx.add_node("AddFusion", [mid, _scaled(ctx, c, beta, "beta")], [ctx.output(0)], name=f"{ctx.name}_bias")


# ----------------------------------------------------------------------------- misc

@converter("PRelu")
def prelu(ctx: Context) -> None:
    """PRelu -> PReLUFusion; a per-channel slope [C, 1, 1] of an NHWC input is kept as stored
    (the IR treats a slope with the last-dim count of values as per channel)."""
    x, slope = ctx.inputs[0], ctx.inputs[1]
    layout = ctx.layout(x)
    sv = ctx.const(slope)
    if sv is None:
        raise ctx.unsupported("the slope (input 1) must be a constant")
    if layout == NHWC and sv.size not in (1, ctx.shape(x)[1]):
        layout = ONNX
    if layout == NHWC and sv.size > 1 and sv.ndim == 4:
        s_t = ctx.tensor(slope, NHWC)
    else:
        s_t = ctx.tensor(slope)
    ctx.emit("PReLUFusion", [ctx.tensor(x, layout), s_t], layout)


_PAD_MODES = {"constant": "CONSTANT", "reflect": "REFLECT", "edge": "SYMMETRIC"}


def _wrap_pad(ctx: Context, src: int, pairs: np.ndarray, layout: str) -> None:
    """Circular padding: along each padded (IR) axis a ``Gather`` of the indices
    ``(j - begin) mod n``; the last one writes output 0."""
    padded = [a for a in range(len(pairs)) if pairs[a].any()]
    if not padded:
        ctx.alias(0, src, layout)
        return
    shape, dt = list(ctx.tensors[src].shape), ctx.tensors[src].dtype
    for i, a in enumerate(padded):
        n, (b, e) = shape[a], pairs[a]
        shape[a] = n + int(b) + int(e)
        idx = ctx.const_tensor(f"{ctx.name}_wrap{a}", ((np.arange(shape[a]) - b) % n).astype(np.int32))
        axis = ctx.const_tensor(f"{ctx.name}_axis{a}", np.array([a], np.int32))
        if i == len(padded) - 1:
            ctx.emit("Gather", [src, idx, axis], layout)
        else:
            src = ctx.intermediate("Gather", [src, idx, axis], f"wrap{a}", dt, shape)


@converter("Pad")
def pad(ctx: Context) -> None:
    """Pad -> PadFusion in the layout the input is held in, the pads as an int32 [rank, 2]
    (begin, end) input; ``edge`` only with pads <= 1 (where it equals SYMMETRIC); ``wrap`` as
    :func:`_wrap_pad`."""
    x = ctx.inputs[0]
    rank = ctx.rank(x)
    mode = ctx.attr("mode", "constant")
    if mode not in _PAD_MODES and mode != "wrap":
        raise ctx.unsupported(f"mode {mode!r} is not supported (constant, reflect, edge, wrap)")
    pads = ctx.require_const(1, "pads").reshape(-1).astype(np.int64)
    axes = list(range(rank))
    if ctx.has_input(3):
        axes = [int(a) % rank for a in ctx.require_const(3, "axes").reshape(-1)]
    if len(pads) != 2 * len(axes):
        raise ctx.unsupported(f"pads has {len(pads)} values for {len(axes)} axes")
    pairs = np.zeros((rank, 2), np.int64)
    for k, a in enumerate(axes):
        pairs[a] = (pads[k], pads[k + len(axes)])
    if pairs.min() < 0:
        raise ctx.unsupported(f"negative pads {pads.tolist()} (cropping) are not supported")
    if mode == "edge" and pairs.max() > 1:
        raise ctx.unsupported("edge padding by more than 1 is not supported")
    layout = ctx.layout(x)
    if layout == NHWC:
        pairs = pairs[list(channels_last(rank))]
    if mode == "wrap":
        _wrap_pad(ctx, ctx.tensor(x, layout), pairs, layout)
        return
    inputs = [ctx.tensor(x, layout), ctx.const_tensor(f"{ctx.name}_paddings", pairs.astype(np.int32))]
    value = 0.0
    if ctx.has_input(2):
        value = float(ctx.require_const(2, "constant_value").reshape(-1)[0])
    ctx.emit("PadFusion", inputs, layout, padding_mode=_PAD_MODES[mode], constant_value=value)


def _recurrent_common(ctx: Context, gates: int) -> tuple[str, int, int]:
    """(direction, num_directions, hidden) after refusing the variants the IR lacks."""
    direction = ctx.attr("direction", "forward")
    if direction not in ("forward", "reverse", "bidirectional"):
        raise ctx.unsupported(f"direction {direction!r} is not supported (forward, reverse, bidirectional)")
    if ctx.attr("clip") is not None:
        raise ctx.unsupported("clip is not supported")
    acts = ctx.attr("activations")
    default = ["Sigmoid", "Tanh", "Tanh"] if gates == 4 else ["Sigmoid", "Tanh"]
    if acts is not None and [a.lower() for a in acts] != [a.lower() for a in default * (2 if direction ==
                                                                                          "bidirectional" else 1)]:
        raise ctx.unsupported(f"activations {acts} are not supported (the defaults {default})")
    if ctx.has_input(4):
        sl = ctx.const(ctx.inputs[4])
        if sl is None or np.any(sl != _seq_batch(ctx)[0]):
            raise ctx.unsupported("sequence_lens must be a constant equal to the sequence length")
    dirs = 2 if direction == "bidirectional" else 1
    hidden = int(ctx.attr("hidden_size", ctx.require_const(2, "R").shape[-1]))
    return direction, dirs, hidden


def _batch_first(ctx: Context) -> bool:
    return bool(int(ctx.attr("layout", 0)))


def _seq_batch(ctx: Context) -> tuple[int, int]:
    """(sequence length, batch) of the input X ([seq, batch, in], or [batch, seq, in] for layout 1)."""
    a, b, _ = ctx.shape(ctx.inputs[0])
    return (b, a) if _batch_first(ctx) else (a, b)


def _reverse_time(ctx: Context, t: int, name: str, out: int | None = None) -> int:
    """``t`` reversed along axis 0 (a StridedSlice with step -1) into ``out`` (default: a new tensor)."""
    src = ctx.tensors[t]
    i32 = lambda n, v: ctx.const_tensor(f"{name}_{n}", np.array(v, np.int32))  # noqa: E731
    out = ctx.new_tensor(name, src.dtype, src.shape) if out is None else out
    ctx.add_node("StridedSlice", [t, i32("begin", [-1]), i32("end", [np.iinfo(np.int32).min]), i32("axes", [0]),
                                  i32("steps", [-1])], [out], name=name)
    return out


def _sequence(ctx: Context) -> int:
    """X as the IR recurrent ops read it: time-major, in processing order (reversed for
    direction 'reverse')."""
    x = ctx.tensor(ctx.inputs[0], ONNX)
    if _batch_first(ctx):
        x = ctx.transpose(x, (1, 0, 2), f"{ctx.name}_x_time_major")
    if ctx.attr("direction", "forward") == "reverse":
        x = _reverse_time(ctx, x, f"{ctx.name}_x_reversed")
    return x


def _state(ctx: Context, k: int, dirs: int, batch: int, hidden: int, what: str) -> int:
    if ctx.has_input(k):
        t = ctx.tensor(ctx.inputs[k], ONNX)
        return ctx.transpose(t, (1, 0, 2), f"{ctx.name}_{what}_dirs_first") if _batch_first(ctx) else t
    return ctx.const_tensor(f"{ctx.name}_{what}", np.zeros((dirs, batch, hidden), np.float32))


def _recurrent(ctx: Context, op: str, inputs: list[int], shapes, **attrs) -> None:
    """Emit the IR recurrent ``op`` (time-major outputs of IR ``shapes``: Y, then the final
    states); Y is reversed back in time for direction 'reverse', and with layout 1 every output
    is transposed to batch-first. Outputs ONNX omits get internal tensors."""
    reverse, batch_first = ctx.attr("direction", "forward") == "reverse", _batch_first(ctx)
    dt = ctx.dtype(ctx.inputs[0])
    present = [0 <= k < len(ctx.outputs) and bool(ctx.outputs[k]) for k in range(len(shapes))]
    direct = [p and not batch_first and not (k == 0 and reverse) for k, p in enumerate(present)]
    outs = [ctx.output(k, ONNX) if direct[k] else ctx.new_tensor(f"{ctx.name}_out{k}", dt, shapes[k])
            for k in range(len(shapes))]
    ctx.add_node(op, inputs, outs, **attrs)
    for k, t in enumerate(outs):
        if direct[k] or not present[k]:
            continue
        if k == 0 and reverse:
            t = _reverse_time(ctx, t, f"{ctx.name}_y_in_time", None if batch_first else ctx.output(0, ONNX))
        if batch_first:
            perm = (2, 0, 1, 3) if k == 0 else (1, 0, 2)
            ctx.add_node("Transpose", [t, ctx.const_tensor(f"{ctx.name}_out{k}_perm", np.array(perm, np.int32))],
                         [ctx.output(k, ONNX)], name=f"{ctx.name}_out{k}")


@converter("LSTM")
def lstm(ctx: Context) -> None:
    """LSTM -> LSTM with the 6 inputs X, W, R, B, h0, c0 in ONNX layout (zeros when omitted)."""
    if ctx.has_input(7):
        raise ctx.unsupported("peephole weights P are not supported")
    if int(ctx.attr("input_forget", 0)):
        raise ctx.unsupported("input_forget is not supported")
    _, dirs, hidden = _recurrent_common(ctx, 4)
    seq, batch = _seq_batch(ctx)
    ctx.require_const(1, "W")
    b = ctx.const(ctx.inputs[3]) if ctx.has_input(3) else np.zeros((dirs, 8 * hidden), np.float32)
    if b is None:
        raise ctx.unsupported("B (input 3) must be a constant")
    inputs = [_sequence(ctx), ctx.tensor(ctx.inputs[1]), ctx.tensor(ctx.inputs[2]),
              ctx.tensor(ctx.inputs[3]) if ctx.has_input(3) else ctx.const_tensor(f"{ctx.name}_B", b),
              _state(ctx, 5, dirs, batch, hidden, "h0"), _state(ctx, 6, dirs, batch, hidden, "c0")]
    _recurrent(ctx, "LSTM", inputs, [(seq, dirs, batch, hidden)] + [(dirs, batch, hidden)] * 2, hidden_size=hidden,
               num_directions=dirs, bidirectional=dirs == 2)


@converter("GRU")
def gru(ctx: Context) -> None:
    """GRU (linear_before_reset 0) -> GRU with inputs X, W, R, B, h0 in ONNX layout."""
    if int(ctx.attr("linear_before_reset", 0)):
        raise ctx.unsupported("linear_before_reset 1 is not supported (the IR GRU applies the reset "
                              "before the recurrent weights)")
    _, dirs, hidden = _recurrent_common(ctx, 3)
    seq, batch = _seq_batch(ctx)
    b = ctx.const(ctx.inputs[3]) if ctx.has_input(3) else np.zeros((dirs, 6 * hidden), np.float32)
    if b is None:
        raise ctx.unsupported("B (input 3) must be a constant")
    ctx.require_const(1, "W")
    inputs = [_sequence(ctx), ctx.tensor(ctx.inputs[1]), ctx.tensor(ctx.inputs[2]),
              ctx.tensor(ctx.inputs[3]) if ctx.has_input(3) else ctx.const_tensor(f"{ctx.name}_B", b),
              _state(ctx, 5, dirs, batch, hidden, "h0")]
    _recurrent(ctx, "GRU", inputs, [(seq, dirs, batch, hidden), (dirs, batch, hidden)], bidirectional=dirs == 2)
