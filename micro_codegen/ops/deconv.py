"""Conv2dTransposeFusion (deconvolution): fp32 and int8 -> ``fp32/deconv_fp32.h`` /
``int8/deconv_int8.h``.

One direct kernel per dtype gathers, for every output pixel, the taps that reach an input
pixel; it reads the weights in the layout the converter writes, ``[in, kh, kw, out/group]``,
so fp32 weights and bias may also be activations (a weight tensor computed at run time, as
the ONNX ConvTranspose tests feed it). Geometry (output size, ``pad_before`` for PAD / SAME /
VALID, output padding) comes from :func:`micro_codegen.numerics.deconv_window`, group and
channel checks from :func:`micro_codegen.numerics.deconv_groups`, as in the
reference interpreter (``reference/deconv.py``).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, SCRATCH, SCRATCH_SIZE, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import Unsupported, act_code, family, io, qparams, rounding_code
from ._rules import (fused_activation, inputs, int8_or_float32, int8_quantized, nhwc_format, one_output,
                     pad_mode_known, refusal)


def scratch_bytes(params: dict, kind: str) -> int:
    """Mirror of ``deconv_int8_scratch_size`` (kind "int8"; the fp32 kernel needs none)."""
    return params["out_c"] * 4 if kind == "int8" else 0


def geometry(g: Graph, i: int) -> dict:
    """The deconv_param_t geometry fields of a Conv2dTransposeFusion node; needs the rules up
    to :func:`deconv_groups_fit`."""
    node = g.nodes[i]
    x, w = (g.tensors[t] for t in node.inputs[:2])
    y = g.tensors[node.outputs[0]]
    n, h, wd, cin = x.shape
    _, kh, kw, _ = w.shape
    group = numerics.deconv_groups(cin, w.shape, y.shape[3], node.attr("group"))
    win = numerics.deconv_window((h, wd), (kh, kw), node.attrs)
    return dict(batch=n, in_h=h, in_w=wd, in_c=cin, out_h=win.out_h, out_w=win.out_w, out_c=y.shape[3],
                kernel_h=kh, kernel_w=kw, stride_h=win.stride_h, stride_w=win.stride_w,
                dilation_h=win.dilation_h, dilation_w=win.dilation_w, pad_top=win.pad_top, pad_left=win.pad_left,
                group=group)


# ---------------------------------------------------------------- rules

def _float32_pair(g: Graph, i: int) -> bool:
    x, w = (g.tensors[t] for t in g.nodes[i].inputs[:2])
    return x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32


def deconv_tensors(g: Graph, i: int) -> str | None:
    """Input and output are 4-D NHWC, the weights 4-D ``[in, kh, kw, out/group]``, the bias (if
    any) a vector of [out] values; weights and bias are constants unless input and weights
    are float32."""
    ins, outs = io(g, i)
    x, w, y = ins[0], ins[1], outs[0]
    if len(x.shape) != 4 or len(y.shape) != 4:
        return f"input and output must be 4-D NHWC; got {list(x.shape)} -> {list(y.shape)}"
    if len(w.shape) != 4:
        return f"weights must be 4-D [in, kh, kw, out/group]; got {w.describe()}"
    if len(ins) == 3 and ins[2].size != y.shape[3]:
        return f"bias must have {y.shape[3]} values; got {ins[2].describe()}"
    if not _float32_pair(g, i):
        for what, t in (("weights", w), ("bias", ins[2] if len(ins) == 3 else None)):
            if t is not None and not t.is_const:
                return f"{what} must be constant unless input and weights are float32; got an activation " \
                       f"{t.describe()}"
    return None


def deconv_groups_fit(g: Graph, i: int) -> str | None:
    """``group`` (0 counts as the input channels) divides the input channels, the weights have
    one row per input channel and ``group`` times their last dim is the output channels."""
    node = g.nodes[i]
    x, w = (g.tensors[t] for t in node.inputs[:2])
    y = g.tensors[node.outputs[0]]
    return refusal(lambda: numerics.deconv_groups(x.shape[3], w.shape, y.shape[3], node.attr("group")))


def deconv_window_fits(g: Graph, i: int) -> str | None:
    """Strides and dilations have one or two values >= 1, output paddings are >= 0 and every
    output size is >= 1."""
    return refusal(lambda: geometry(g, i))


def deconv_output_shape(g: Graph, i: int) -> str | None:
    """The output shape is [batch, out_h, out_w, out] as the padding rule computes it (the
    converter drops ONNX's ``output_shape``: the file's shape must follow from the pads)."""
    p = geometry(g, i)
    want = [p["batch"], p["out_h"], p["out_w"], p["out_c"]]
    y = g.tensors[g.nodes[i].outputs[0]]
    if list(y.shape) != want:
        return f"output shape must be {want} (from the input, kernel, strides and padding); got {list(y.shape)}"
    return None


def deconv_dtypes(g: Graph, i: int) -> str | None:
    """(input, weights) -> (output, bias) dtypes: (float32, float32) -> (float32, float32);
    (int8, int8) -> (int8, int32)."""
    n = g.nodes[i]
    x, w, y = g.tensors[n.inputs[0]], g.tensors[n.inputs[1]], g.tensors[n.outputs[0]]
    want = {(DType.FLOAT32, DType.FLOAT32): (DType.FLOAT32, DType.FLOAT32),
            (DType.INT8, DType.INT8): (DType.INT8, DType.INT32)}.get((x.dtype, w.dtype))
    kind = f"input {x.dtype.short} with weights {w.dtype.short}"
    if want is None:
        return f"{kind} is not supported (float32/float32, int8/int8)"
    if y.dtype != want[0]:
        return f"{kind} needs a {want[0].short} output; got {y.dtype.short}"
    if len(n.inputs) > 2 and g.tensors[n.inputs[2]].dtype != want[1]:
        return f"{kind} needs a {want[1].short} bias; got {g.tensors[n.inputs[2]].dtype.short}"
    return None


def deconv_weight_quant(g: Graph, i: int) -> str | None:
    """int8 weights are symmetric (zero point 0), quantized per tensor or per output channel
    (the last axis)."""
    n = g.nodes[i]
    w, y = g.tensors[n.inputs[1]], g.tensors[n.outputs[0]]
    if w.dtype == DType.INT8:
        if len(w.quant) not in (1, y.shape[3]):
            return f"int8 weights need 1 or {y.shape[3]} quant params; have {len(w.quant)}"
        if np.any(w.zero_points != 0):
            return f"int8 weights must be symmetric (zero point 0); got {sorted(set(w.zero_points.tolist()))}"
    return None


RULES = (one_output, int8_or_float32, int8_quantized, inputs("x, weights[, bias]", 2, 3), nhwc_format,
         deconv_tensors, deconv_groups_fit, pad_mode_known, deconv_window_fits, deconv_output_shape,
         fused_activation, deconv_dtypes, deconv_weight_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    p = geometry(g, i)
    x, w, y = ins[0], ins[1], outs[0]
    bias = In(2) if len(ins) == 3 else NULL
    act = g.nodes[i].attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    base = dict(p, act_type=act_code(None), input_zp=0, output_zp=0, rounding=rounding_code("single"),
                act_min=-128, act_max=127)

    if x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32:
        return OpPlan(
            kernel="deconv_fp32", args=(PARAM, In(0), In(1), bias, Out(0)),
            kernel_sources=("fp32/deconv_fp32.c",), header="fp32/deconv_fp32.h", param_type="deconv_param_t",
            params=dict(base, act_type=act_code(act)))

    if x.dtype == DType.INT8 and w.dtype == DType.INT8:
        in_scale, in_zp = qparams(x, "input")
        out_scale, out_zp = qparams(y, "output")
        cout = p["out_c"]
        mult, shift = numerics.output_multipliers(in_scale, np.broadcast_to(w.scales, (cout,)), out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        params = dict(base, input_zp=in_zp, output_zp=out_zp, rounding=rounding_code(numerics.ROUNDING_CONV),
                      act_min=int(qmin), act_max=int(qmax))
        return OpPlan(
            kernel="deconv_int8", returns_status=True,
            args=(PARAM, In(0), In(1), bias, Const("multiplier"), Const("shift"), SCRATCH, SCRATCH_SIZE, Out(0)),
            kernel_sources=("int8/deconv_int8.c",), header="int8/deconv_int8.h", param_type="deconv_param_t",
            params=params,
            consts=(ConstArray("multiplier", DType.INT32, mult.astype(np.int32)),
                    ConstArray("shift", DType.INT32, shift.astype(np.int32))),
            scratch_bytes=scratch_bytes(params, "int8"))

    raise Unsupported(f"input {x.dtype.short} with weights {w.dtype.short} (see deconv_dtypes)")


family(("Conv2dTransposeFusion",), _plan, RULES)
