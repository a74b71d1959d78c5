"""Conv2DFusion: fp32, int8 (per-channel requantization) and hybrid (fp32 activations,
int8 weights) convolution -> ``fp32/conv_fp32.h`` / ``int8/conv_int8.h``.

Variant choice (``conv_param_t.variant``; the weight layout follows it):

==========  ===============================================================  ==========
variant     when                                                             weights
==========  ===============================================================  ==========
DW3X3       depthwise (group == in_c > 1), 3x3, multiplier 1, dilation 1      HWO
DW          other depthwise (any multiplier / kernel / dilation)              HWO
1X1         group 1, 1x1 kernel, no padding at all                            OHWI
IM2COL      other group-1 convs (scratch: CONV_IM2COL_TILE pixels' columns)  OHWI
GENERAL     grouped convs (1 < group < in_c)                                  OHWI
==========  ===============================================================  ==========

Hybrid convs use IM2COL for group 1 (int16 columns of q - zero point) and GENERAL
otherwise; ``hybrid_mode`` picks the input quantization as the reference does (symmetric
for per-tensor weights, asymmetric for per-channel weights and for depthwise).
Padding, output size and multipliers come from the reference interpreter's own
helpers (``reference/conv.py``), so both sides derive them identically.
"""
from __future__ import annotations

import numpy as np

from ..ir import DType, Graph
from ..reference import conv, quant
from ._common import Unsupported, act_code, family, io, qparams, ref_context, rounding_code
from .base import ConstArray, OpPlan

GENERAL, IM2COL, ONE_BY_ONE, DW, DW3X3 = 0, 1, 2, 3, 4
VARIANT_NAMES = {GENERAL: "GENERAL", IM2COL: "IM2COL", ONE_BY_ONE: "1X1", DW: "DW", DW3X3: "DW3X3"}
IM2COL_TILE = 4          # CONV_IM2COL_TILE in common/conv_param.h
HYBRID_SYMMETRIC, HYBRID_ASYM, HYBRID_ASYM_DW = 0, 1, 2   # CONV_HYBRID_*


def scratch_bytes(params: dict, kind: str) -> int:
    """Mirror of ``conv_int8_scratch_size`` / ``conv_fp32_scratch_size`` /
    ``conv_hybrid_fp32_scratch_size`` (kind "int8", "fp32", "hybrid")."""
    if params["variant"] != IM2COL:
        return 0
    elem = {"int8": 1, "fp32": 4, "hybrid": 2}[kind]
    return IM2COL_TILE * params["kernel_h"] * params["kernel_w"] * params["in_c"] * elem


def geometry(g: Graph, i: int) -> dict:
    """Shapes, strides, padding and groups of a Conv2DFusion node (conv_param_t fields)."""
    ctx = ref_context(g, i)
    ins, outs = io(g, i)
    if len(ins) not in (2, 3):
        raise Unsupported(f"needs 2 or 3 inputs (x, weight[, bias]); got {len(ins)}")
    x, w, y = ins[0], ins[1], outs[0]
    if (g.nodes[i].attr("format", "NHWC") or "NHWC") != "NHWC":
        raise Unsupported(f"format {g.nodes[i].attr('format')}: only NHWC activations are supported")
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise Unsupported(f"input and output must be 4-D NHWC; got {list(x.shape)} -> {list(y.shape)}")
    if not w.is_const or len(w.shape) != 4:
        raise Unsupported(f"weights must be a constant 4-D OHWI tensor; got {w.describe()}")
    n, h, wd, cin = x.shape
    cout, kh, kw, cg = w.shape
    if cg <= 0 or cin % cg:
        raise Unsupported(f"input channels {cin} are not a multiple of the weights' in-channels {cg}")
    groups = cin // cg
    gattr = int(g.nodes[i].attr("group", 0) or 0)
    if gattr not in (0, groups):
        raise Unsupported(f"group={gattr} does not match input channels {cin} and weights {list(w.shape)}")
    if cout % groups:
        raise Unsupported(f"out channels {cout} are not a multiple of the groups {groups}")
    if len(ins) == 3 and (not ins[2].is_const or ins[2].size != cout):
        raise Unsupported(f"bias must be constant with {cout} values; got {ins[2].describe()}")
    sh, sw = conv.pair(ctx, "stride", (1, 1))
    dh, dw = conv.pair(ctx, "dilation", (1, 1))
    mode = g.nodes[i].attr("pad_mode", "PAD") or "PAD"
    keff = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    out_h, out_w, pt, pl = conv.resolve_padding(ctx, mode, (h, wd), keff, (sh, sw), g.nodes[i].attr("pad_list"))
    if (n, out_h, out_w, cout) != tuple(y.shape):
        raise Unsupported(f"output shape {list(y.shape)} differs from the computed {[n, out_h, out_w, cout]}")
    return dict(batch=n, in_h=h, in_w=wd, in_c=cin, out_h=out_h, out_w=out_w, out_c=cout, kernel_h=kh,
                kernel_w=kw, stride_h=sh, stride_w=sw, dilation_h=dh, dilation_w=dw, pad_top=pt, pad_left=pl,
                group=groups)


def choose_variant(p: dict, hybrid: bool = False) -> int:
    groups, cin, cout = p["group"], p["in_c"], p["out_c"]
    if hybrid:
        return IM2COL if groups == 1 else GENERAL
    if groups == cin and groups > 1:
        if (p["kernel_h"], p["kernel_w"]) == (3, 3) and cout == cin and (p["dilation_h"], p["dilation_w"]) == (1, 1):
            return DW3X3
        return DW
    if groups == 1:
        if ((p["kernel_h"], p["kernel_w"]) == (1, 1) and p["pad_top"] == 0 and p["pad_left"] == 0
                and (p["out_h"] - 1) * p["stride_h"] < p["in_h"] and (p["out_w"] - 1) * p["stride_w"] < p["in_w"]):
            return ONE_BY_ONE
        return IM2COL
    return GENERAL


#: the kernel file of each variant (nnacl_subset/<dtype>/<stem>_<dtype>.c); the dispatcher
#: conv_<dtype>.c compiles only the variants set in -DCONV_<DTYPE>_VARIANTS (ModelCode.define_bits)
VARIANT_FILES = {GENERAL: "conv_general", IM2COL: "conv_im2col", ONE_BY_ONE: "conv_1x1", DW: "conv_depthwise",
                 DW3X3: "conv_depthwise_3x3"}


def _weights_for(variant: int, w: np.ndarray) -> np.ndarray:
    """OHWI weights in the layout ``variant`` reads (HWO for depthwise)."""
    if variant in (DW, DW3X3):
        cout, kh, kw, _ = w.shape
        return np.ascontiguousarray(w.reshape(cout, kh * kw).T)
    return np.ascontiguousarray(w)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    p = geometry(g, i)
    x, w, y = ins[0], ins[1], outs[0]
    bias = ins[2] if len(ins) == 3 else None
    act = g.nodes[i].attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    cout = p["out_c"]
    base = dict(p, act_type=0, input_zp=0, output_zp=0, rounding=0, act_min=-128, act_max=127, hybrid_mode=0)

    if x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32:
        if y.dtype != DType.FLOAT32:
            raise Unsupported(f"fp32 conv with {y.dtype.short} output")
        if bias is not None and bias.dtype != DType.FLOAT32:
            raise Unsupported(f"fp32 conv needs an fp32 bias; got {bias.dtype.short}")
        variant = choose_variant(p)
        params = dict(base, variant=variant, act_type=act_code(act))
        b = bias.array.astype(np.float32) if bias is not None else np.zeros(cout, np.float32)
        return OpPlan(
            kernel_sources=("fp32/conv_fp32.c", f"fp32/{VARIANT_FILES[variant]}_fp32.c"),
            define_bits=(("CONV_FP32_VARIANTS", 1 << variant),),
            header="fp32/conv_fp32.h", param_type="conv_param_t", params=params,
            consts=(ConstArray("weight", "float", _weights_for(variant, w.array.astype(np.float32))),
                    ConstArray("bias", "float", b)),
            call="conv_fp32({param}, {in0}, {const_weight}, {const_bias}, {scratch}, {scratch_size}, {out0});",
            scratch_bytes=scratch_bytes(params, "fp32"))

    if x.dtype == DType.FLOAT32 and w.dtype == DType.INT8:
        if y.dtype != DType.FLOAT32:
            raise Unsupported(f"hybrid conv with {y.dtype.short} output")
        if len(w.quant) not in (1, cout):
            raise Unsupported(f"hybrid conv weights have {len(w.quant)} quant params; need 1 or {cout}")
        if np.any(w.zero_points != 0):
            raise Unsupported("hybrid conv needs symmetric weights (zero point 0)")
        if bias is not None and bias.dtype != DType.FLOAT32:
            raise Unsupported(f"hybrid conv needs an fp32 bias; got {bias.dtype.short}")
        variant = choose_variant(p, hybrid=True)
        # input quantization as reference/conv._hybrid_conv chooses it
        depthwise = p["group"] > 1 and w.shape[3] == 1
        mode = HYBRID_ASYM_DW if depthwise else (HYBRID_ASYM if len(w.quant) > 1 else HYBRID_SYMMETRIC)
        params = dict(base, variant=variant, act_type=act_code(act), hybrid_mode=mode)
        w_scales = np.ascontiguousarray(np.broadcast_to(w.scales.astype(np.float32), (cout,)))
        b = bias.array.astype(np.float32) if bias is not None else np.zeros(cout, np.float32)
        return OpPlan(
            kernel_sources=("fp32/conv_hybrid_fp32.c",),
            header="fp32/conv_fp32.h", param_type="conv_param_t", params=params,
            consts=(ConstArray("weight", "int8_t", np.ascontiguousarray(w.array)),
                    ConstArray("weight_scale", "float", w_scales),
                    ConstArray("bias", "float", b)),
            call="conv_hybrid_fp32({param}, {in0}, {const_weight}, {const_weight_scale}, {const_bias}, "
                 "{scratch}, {scratch_size}, {out0});",
            scratch_bytes=scratch_bytes(params, "hybrid"))

    if x.dtype == DType.INT8 and w.dtype == DType.INT8:
        if y.dtype != DType.INT8:
            raise Unsupported(f"int8 conv with {y.dtype.short} output")
        in_scale, in_zp = qparams(x, "input")
        out_scale, out_zp = qparams(y, "output")
        if len(w.quant) not in (1, cout):
            raise Unsupported(f"weights have {len(w.quant)} quant params; need 1 or {cout}")
        if np.any(w.zero_points != 0):
            raise Unsupported("int8 conv needs symmetric weights (zero point 0)")
        if bias is not None and bias.dtype != DType.INT32:
            raise Unsupported(f"int8 conv needs an int32 bias; got {bias.dtype.short}")
        w_scales = np.broadcast_to(w.scales, (cout,))
        # exactly the reference's expression (reference/conv.py)
        mult, shift = quant.quantize_multipliers([float(in_scale) * float(ws) / float(out_scale) for ws in w_scales])
        try:
            qmin, qmax = quant.activation_range(act, out_scale, out_zp, np.int8)
        except ValueError as e:
            raise Unsupported(str(e)) from None
        variant = choose_variant(p)
        params = dict(base, variant=variant, input_zp=in_zp, output_zp=out_zp,
                      rounding=rounding_code(conv.ROUNDING_CONV), act_min=int(qmin), act_max=int(qmax))
        b = bias.array.astype(np.int32) if bias is not None else np.zeros(cout, np.int32)
        return OpPlan(
            kernel_sources=("int8/conv_int8.c", f"int8/{VARIANT_FILES[variant]}_int8.c"),
            define_bits=(("CONV_INT8_VARIANTS", 1 << variant),),
            header="int8/conv_int8.h", param_type="conv_param_t", params=params,
            consts=(ConstArray("weight", "int8_t", _weights_for(variant, w.array)),
                    ConstArray("bias", "int32_t", b),
                    ConstArray("multiplier", "int32_t", mult.astype(np.int32)),
                    ConstArray("shift", "int32_t", shift.astype(np.int32))),
            call="conv_int8({param}, {in0}, {const_weight}, {const_bias}, {const_multiplier}, {const_shift}, "
                 "{scratch}, {scratch_size}, {out0});",
            scratch_bytes=scratch_bytes(params, "int8"))

    raise Unsupported(f"input {x.dtype.short} with weights {w.dtype.short} is not supported "
                      "(fp32/fp32, int8/int8, hybrid fp32/int8)")


family(("Conv2DFusion",), _plan)
