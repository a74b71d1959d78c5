"""Conv2DFusion: fp32, int8 (per-channel requantization) and hybrid (fp32 activations,
int8 weights) convolution -> ``fp32/conv_fp32.h`` / ``int8/conv_int8.h``.

Variant choice (``conv_param_t.variant``; the weight layout follows it):

==========  ===============================================================  ==========
variant     when                                                             weights
==========  ===============================================================  ==========
DW3X3       depthwise (group == in_c > 1), 3x3, multiplier 1, dilation 1      HWO (*)
DW          other depthwise (any multiplier / kernel / dilation)              HWO (*)
1X1         group 1, 1x1 kernel, no padding at all                            OHWI (int8: packed)
IM2COL      other group-1 convs (scratch: CONV_IM2COL_TILE pixels' columns)  OHWI (int8: packed)
GENERAL     grouped convs (1 < group < in_c)                                  OHWI
==========  ===============================================================  ==========

(*) int8 depthwise weights are doubled and widened to int16, in blocks of 8 channels after a
small header, with per-channel requantization records (``_dw_int8_weights``); the bias is
doubled too, and bias / multiplier / shift are padded to whole blocks (``_dw_int8_channels``);
sums too large for the doubled accumulators take GENERAL (``dw_int8_fits``). fp32 keeps float HWO.

fp32 convs whose weights or bias are computed at run time (graph inputs, as the ONNX Conv
tests feed them) pass them as they are (``In(1)`` / ``In(2)``): with run-time weights DW and
DW3X3 become GENERAL (the other variants read OHWI weights unchanged).

int8 1X1 and IM2COL share a gemm core (``int8/conv_gemm_int8.c``) that reads the weights
packed by :func:`gemm_pack_int8` (4-channel blocks, 16-tap chunks); im2col's scratch holds
CONV_GEMM_INT8_TILE (4) columns of K taps. Its one-multiply requantization needs bounded
accumulators and shifts (:func:`gemm_acc_bounded`): channels whose output is a constant (pruned
ones) are first rewritten to small equivalent constants (:func:`gemm_constant_channels`), and a
node that still breaks the bound runs as GENERAL.

Hybrid convs use IM2COL for group 1 (int16 columns of q - zero point) and GENERAL
otherwise; ``hybrid_mode`` picks the input quantization as the reference does (symmetric
for per-tensor weights, asymmetric for per-channel weights and for depthwise).
Padding, output size and multipliers come from :mod:`micro_codegen.numerics`, as in the
reference interpreter (``reference/conv.py``), so both sides derive them identically.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, SCRATCH, SCRATCH_SIZE, CConst, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import (Unsupported, act_code, cconst, family, io, pack_row_blocks, qparams, round_up, rounding_code,
                      window_shift)
from ._rules import (fused_activation, inputs, int8_or_float32, int8_quantized, nhwc_format, one_output,
                    pad_mode_known, refusal, weighted_dtypes)

#: conv_param_t.variant values (CONV_VARIANT_* of common/conv_param.h)
GENERAL, IM2COL, ONE_BY_ONE, DW, DW3X3 = (cconst(f"CONV_VARIANT_{v}") for v in ("GENERAL", "IM2COL", "1X1", "DW", "DW3X3"))
IM2COL_TILE = cconst("CONV_IM2COL_TILE").value
HYBRID_SYMMETRIC, HYBRID_ASYM, HYBRID_ASYM_DW = (cconst(f"CONV_HYBRID_{m}") for m in ("SYMMETRIC", "ASYM", "ASYM_DW"))


#: int8 gemm (1X1 / IM2COL) weight packing and im2col tile, as int8/conv_gemm_int8.h defines them
GEMM_OC_BLOCK, GEMM_K_CHUNK, GEMM_TILE, GEMM_MAX_PIXELS = 4, 16, 4, 16


def scratch_bytes(params: dict, kind: str) -> int:
    """Mirror of ``conv_int8_scratch_size`` / ``conv_fp32_scratch_size`` /
    ``conv_hybrid_fp32_scratch_size`` (kind "int8", "fp32", "hybrid")."""
    if params["variant"] != IM2COL:
        return 0
    if kind == "int8":      # CONV_GEMM_INT8_TILE columns of K taps
        return GEMM_TILE * params["kernel_h"] * params["kernel_w"] * params["in_c"]
    elem = {"fp32": 4, "hybrid": 2}[kind]
    return IM2COL_TILE * params["kernel_h"] * params["kernel_w"] * params["in_c"] * elem


def geometry(g: Graph, i: int) -> dict:
    """Shapes, strides, padding and groups of a Conv2DFusion node (conv_param_t fields), by
    :func:`micro_codegen.numerics.conv_window`; needs the rules up to :func:`conv_groups`."""
    node = g.nodes[i]
    x, w = (g.tensors[t] for t in node.inputs[:2])
    n, h, wd, cin = x.shape
    cout, kh, kw, cg = w.shape
    win = numerics.conv_window((h, wd), (kh, kw), node.attrs)
    return dict(batch=n, in_h=h, in_w=wd, in_c=cin, out_h=win.out_h, out_w=win.out_w, out_c=cout, kernel_h=kh,
                kernel_w=kw, stride_h=win.stride_h, stride_w=win.stride_w, dilation_h=win.dilation_h,
                dilation_w=win.dilation_w, pad_top=win.pad_top, pad_left=win.pad_left, group=cin // cg)


# ---------------------------------------------------------------- rules

def conv_tensors(g: Graph, i: int) -> str | None:
    """Input and output are 4-D NHWC, the weights a 4-D OHWI tensor [out, kh, kw, in/group],
    the bias (if any) a vector of [out] values; weights and bias are constants unless input
    and weights are float32 (then either may be computed at run time)."""
    ins, outs = io(g, i)
    x, w, y = ins[0], ins[1], outs[0]
    if len(x.shape) != 4 or len(y.shape) != 4:
        return f"input and output must be 4-D NHWC; got {list(x.shape)} -> {list(y.shape)}"
    fp32 = x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32
    if not (w.is_const or fp32) or len(w.shape) != 4:
        return f"weights must be a 4-D OHWI tensor, constant unless input and weights are float32; got " \
               f"{'a constant' if w.is_const else 'an activation'} {w.describe()}"
    if len(ins) == 3 and (not (ins[2].is_const or fp32) or ins[2].size != w.shape[0]):
        return f"bias must have {w.shape[0]} values, constant unless input and weights are float32; got " \
               f"{'a constant' if ins[2].is_const else 'an activation'} {ins[2].describe()}"
    return None


def conv_groups(g: Graph, i: int) -> str | None:
    """``group`` (0 counts as 1) times the weights' in-channels equals the input channels,
    and it divides the output channels."""
    x, w = (g.tensors[t] for t in g.nodes[i].inputs[:2])
    group = int(g.nodes[i].attr("group") or 1)
    if w.shape[3] <= 0 or w.shape[3] * group != x.shape[3] or w.shape[0] % group:
        return f"group {group} does not fit input channels {x.shape[3]} and weights {list(w.shape)}"
    return None


def conv_kernel_size(g: Graph, i: int) -> str | None:
    """``kernel_size``, when given (two values > 0), is the weights' kh x kw."""
    ks = g.nodes[i].attr("kernel_size")
    w = g.tensors[g.nodes[i].inputs[1]]
    if ks is not None and len(ks) == 2 and min(ks) > 0 and tuple(int(k) for k in ks) != tuple(w.shape[1:3]):
        return f"kernel_size {list(ks)} does not match weights {list(w.shape)} (OHWI)"
    return None


def conv_window_fits(g: Graph, i: int) -> str | None:
    """Strides and dilations have one or two values >= 1; the (dilated) kernel fits the (padded) input."""
    return refusal(lambda: geometry(g, i))


def conv_output_shape(g: Graph, i: int) -> str | None:
    """The output shape is [batch, out_h, out_w, out] as the padding rule computes it."""
    p = geometry(g, i)
    want = [p["batch"], p["out_h"], p["out_w"], p["out_c"]]
    y = g.tensors[g.nodes[i].outputs[0]]
    if list(y.shape) != want:
        return f"output shape must be {want} (from the input, kernel, strides and padding); got {list(y.shape)}"
    return None


def conv_weight_quant(g: Graph, i: int) -> str | None:
    """int8 weights are symmetric (zero point 0), quantized per tensor or per output channel."""
    w = g.tensors[g.nodes[i].inputs[1]]
    if w.dtype == DType.INT8:
        if len(w.quant) not in (1, w.shape[0]):
            return f"int8 weights need 1 or {w.shape[0]} quant params; have {len(w.quant)}"
        if np.any(w.zero_points != 0):
            return f"int8 weights must be symmetric (zero point 0); got {sorted(set(w.zero_points.tolist()))}"
    return None


RULES = (one_output, int8_or_float32, int8_quantized, inputs("x, weights[, bias]", 2, 3), nhwc_format,
         conv_tensors, conv_groups, conv_kernel_size, pad_mode_known, conv_window_fits, conv_output_shape, fused_activation,
         weighted_dtypes, conv_weight_quant)


def applicable_variants(p: dict, hybrid: bool = False) -> list[CConst]:
    """The variants that can run a conv of geometry ``p``, the default first (the most specialised)."""
    groups, cin, cout = p["group"], p["in_c"], p["out_c"]
    if hybrid:
        return [IM2COL if groups == 1 else GENERAL]
    if groups == cin and groups > 1:
        if (p["kernel_h"], p["kernel_w"]) == (3, 3) and cout == cin and (p["dilation_h"], p["dilation_w"]) == (1, 1):
            return [DW3X3, DW, GENERAL]
        return [DW, GENERAL]
    if groups == 1:
        if ((p["kernel_h"], p["kernel_w"]) == (1, 1) and p["pad_top"] == 0 and p["pad_left"] == 0
                and (p["out_h"] - 1) * p["stride_h"] < p["in_h"] and (p["out_w"] - 1) * p["stride_w"] < p["in_w"]):
            return [ONE_BY_ONE, IM2COL, GENERAL]
        return [IM2COL, GENERAL]
    return [GENERAL]


def choose_variant(p: dict, hybrid: bool = False) -> CConst:
    return applicable_variants(p, hybrid)[0]


#: the kernel file of each variant (nnacl_subset/<dtype>/<stem>_<dtype>.c); the dispatcher
#: conv_<dtype>.c compiles only the variants set in -DCONV_<DTYPE>_VARIANTS (ModelCode.define_bits)
VARIANT_FILES = {GENERAL: "conv_general", IM2COL: "conv_im2col", ONE_BY_ONE: "conv_1x1", DW: "conv_depthwise",
                 DW3X3: "conv_depthwise_3x3"}


def folded_bias(bias: np.ndarray, w: np.ndarray, in_zp: int) -> np.ndarray:
    """``bias[oc] - in_zp * sum(w[oc])``: the input offset folded into the bias, so that the
    kernels accumulate raw int8 inputs, ``acc = bias' + sum x * w``; padded taps then count as
    ``x = in_zp`` (int32, wrapping as the C accumulator does)."""
    sums = w.reshape(w.shape[0], -1).astype(np.int64).sum(axis=1)
    folded = bias.astype(np.int64) - int(in_zp) * sums
    return ((folded + 2 ** 31) % 2 ** 32 - 2 ** 31).astype(np.int32)


def gemm_pack_int8(w: np.ndarray) -> np.ndarray:
    """OHWI int8 weights [out_c][K] in the packed gemm layout of ``int8/conv_gemm_int8.h``:
    channels in blocks of 4, taps in chunks of 16, ``packed[ob][c][j][i] = w[4 ob + j][16 c + i]``
    (zeros past out_c and K), flattened."""
    return pack_row_blocks(w, GEMM_OC_BLOCK, GEMM_K_CHUNK)


def acc_bound(bias: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per output channel, the largest |accumulator| for any int8 input: |bias| + 128 sum |w|."""
    wsum = np.abs(w.reshape(w.shape[0], -1).astype(np.int64)).sum(axis=1)
    return np.abs(bias.astype(np.int64)) + 128 * wsum


#: the int8 gemm kernels' requantization contract (int8/conv_gemm_int8.h): shifts from this value up
GEMM_MIN_SHIFT = -22


def gemm_constant_channels(w: np.ndarray, bias: np.ndarray, mult: np.ndarray, shift: np.ndarray, out_zp: int,
                           qmin: int, qmax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Channels whose output does not depend on the input (all weights zero, or multiplier zero:
    pruned channels, often with huge biases and shifts) requantize ``bias`` (the folded bias) to
    one constant c; their weights become 0 and their (bias, multiplier, shift) (4 (c - out_zp),
    2^30, -1), which gives c as well (x 1/2 twice, exactly) and meets :func:`gemm_acc_bounded`.
    Returns (weights, bias, multiplier, shift); other channels are unchanged."""
    cout = w.shape[0]
    const = (w.reshape(cout, -1) == 0).all(axis=1) | (mult == 0)
    if not const.any():
        return w, bias, mult, shift
    c = numerics.requantize(bias.astype(np.int64), mult, shift, out_zp, qmin, qmax, np.int64, numerics.ROUNDING_CONV)
    w, bias, mult, shift = w.copy(), bias.copy(), mult.copy(), shift.copy()
    w[const] = 0
    bias[const] = 4 * (c[const] - out_zp)
    mult[const] = 1 << 30
    shift[const] = -1
    check = numerics.requantize(bias.astype(np.int64), mult, shift, out_zp, qmin, qmax, np.int64,
                                numerics.ROUNDING_CONV)
    assert np.array_equal(check[const], c[const])
    return w, bias, mult, shift


def gemm_acc_bounded(w: np.ndarray, bias: np.ndarray, shift: np.ndarray) -> bool:
    """The int8 1X1 / IM2COL kernels' contract (int8/conv_gemm_int8.h): in every output channel,
    ``|bias| + 128 sum |w| < 2^(30 - max(shift, 0))`` (so ``acc << (max(shift, 0) + 1)`` fits in
    int32 for any int8 input), and ``shift >= GEMM_MIN_SHIFT``."""
    limit = np.int64(1) << (30 - np.maximum(shift.astype(np.int64), 0))
    return bool((acc_bound(bias, w) < limit).all() and (shift >= GEMM_MIN_SHIFT).all())


def _weights_for(variant: CConst, w: np.ndarray) -> np.ndarray:
    """OHWI weights in the layout ``variant`` reads (HWO for depthwise)."""
    if variant in (DW, DW3X3):
        cout, kh, kw, _ = w.shape
        return np.ascontiguousarray(w.reshape(cout, kh * kw).T)
    return np.ascontiguousarray(w)


#: int8 depthwise constants (int8/conv_depthwise_int8.h): channels in blocks of 8, a header
#: of DW_INT8_HEADER bytes before the weights, DW_INT8_REC_FAST set when the requant records follow
DW_INT8_BLOCK, DW_INT8_HEADER, DW_INT8_REC_FAST = 8, 8, 1


def dw_int8_fits(bias: np.ndarray, w: np.ndarray) -> bool:
    """The int8 depthwise kernels accumulate twice the sum (doubled weights and bias, see
    :func:`_dw_int8_weights`): every |bias'[oc]| + 128 * sum|w[oc]| must stay below 2^30."""
    return bool(np.all(acc_bound(bias, w) < 2 ** 30))


def _dw_int8_weights(w: np.ndarray, mult: np.ndarray, shift: np.ndarray, out_zp: int) -> np.ndarray:
    """int8 depthwise weights (DW, DW3X3) as ``int8/conv_depthwise_int8.h`` reads them:
    an 8-byte header (int32 flags, 0), then the weights doubled, int16, in blocks of 8 channels
    ``[ceil(out / 8)][kh][kw][8]`` (padding channels 0), then, with flag DW_INT8_REC_FAST
    (every shift in [-22, -1]), one int32 record ``{multiplier, K, e}`` per channel (padded
    to 8): e = -shift, K = 2^(e-1) + out_zp * 2^e, the rounding and offset of the SIMD32
    requantization."""
    cout, kh, kw, _ = w.shape
    blocks = round_up(cout, DW_INT8_BLOCK) // DW_INT8_BLOCK
    hwo = np.zeros((kh * kw, blocks * DW_INT8_BLOCK), np.int16)
    hwo[:, :cout] = 2 * w.reshape(cout, kh * kw).T.astype(np.int16)
    packed = hwo.reshape(kh * kw, blocks, DW_INT8_BLOCK).transpose(1, 0, 2)
    e = -shift.astype(np.int64)
    fast = bool(np.all((e >= 1) & (e <= 22)))
    parts = [np.array([DW_INT8_REC_FAST if fast else 0, 0], "<i4").view(np.int8),
             np.ascontiguousarray(packed.astype("<i2")).view(np.int8).reshape(-1)]
    if fast:
        rec = np.zeros((blocks * DW_INT8_BLOCK, 3), np.int64)
        rec[:cout, 0] = mult
        rec[:cout, 1] = (1 << (e - 1)) + int(out_zp) * (1 << e)
        rec[:cout, 2] = e
        parts.append(np.ascontiguousarray(rec.astype("<i4")).view(np.int8).reshape(-1))
    return np.concatenate(parts)


def _dw_int8_channels(v: np.ndarray) -> np.ndarray:
    """A per-channel int32 array (bias, multiplier, shift) of an int8 depthwise conv, padded
    with 0 to whole blocks of 8 channels, each block's even channels first: 0 2 4 6 1 3 5 7
    (the order of the MVE path's two accumulators)."""
    padded = np.zeros(round_up(v.size, DW_INT8_BLOCK), np.int32)
    padded[:v.size] = v
    return np.ascontiguousarray(padded.reshape(-1, DW_INT8_BLOCK // 2, 2).transpose(0, 2, 1).reshape(-1))


def in_place_shift(p: dict, variant: CConst, kind: str) -> int | None:
    """``OpPlan.overlap_shift`` of a conv of geometry ``p`` run by ``variant`` (kind "int8",
    "fp32", "hybrid"): how far after its output its input must start for the output to
    overwrite it in place, by :func:`micro_codegen.ops._common.window_shift` (output pixels in
    raster order, in groups whose reads and writes may interleave). Every core's path (portable,
    SIMD32, MVE, fp32 VFP) writes only its own pixels' outputs, and walks them so:

    * GENERAL (int8, fp32, hybrid direct): pixel by pixel, all channels: groups of 1.
    * IM2COL (int8, fp32, hybrid): CONV_GEMM_INT8_TILE / CONV_IM2COL_TILE (4) pixels copied into
      scratch, then the gemm reads only the scratch: every read before the tile's writes.
    * 1X1 int8: the gemm core on up to CONV_GEMM_INT8_MAX_PIXELS (16) pixels read in place,
      channels outside pixels (SIMD32: channel pairs x pixel pairs; MVE: sub-tiles of 4); the
      tiles start at multiples of 16 over all images: groups of 16. fp32: nnacl_fp32_gemm, pairs
      of pixels outside the channel blocks, the pairs counted from each image (stride 1) or each
      output row: runs of 2, not aligned.
    * DW, DW3X3 int8: each output row's interior pixels are one run (channel blocks outside
      pixels), its border pixels go one by one: groups of one row. fp32 DW: pixel by pixel; fp32
      DW3X3: pairs of interior pixels inside a row: runs of 2, not aligned.
    * hybrid first scans each image whole for its quantization: with one image before any write;
      with more, image b's scan may read before its first window: None.
    """
    if kind == "hybrid" and p["batch"] > 1:
        return None
    if variant == IM2COL:
        walk = dict(reads_first=True)
    elif variant == GENERAL or (variant == DW and kind != "int8"):
        walk = dict(group=1)
    elif kind == "int8":
        walk = dict(group=p["out_w"] if variant in (DW, DW3X3) else GEMM_MAX_PIXELS)
    else:                   # fp32 1X1 and DW3X3: pairs of pixels
        walk = dict(group=2, aligned=False)
    size = 1 if kind == "int8" else 4
    win = numerics.Window(p["kernel_h"], p["kernel_w"], p["stride_h"], p["stride_w"], p["dilation_h"],
                          p["dilation_w"], p["out_h"], p["out_w"], p["pad_top"], p["pad_left"])
    return window_shift(win, (p["batch"], p["in_h"], p["in_w"], p["in_c"]), p["out_c"], size, size, **walk)


def _plan(g: Graph, i: int, variant: CConst | None = None) -> OpPlan:
    """The node's plan with ``variant`` (default: ``choose_variant``)."""
    ins, outs = io(g, i)
    p = geometry(g, i)
    x, w, y = ins[0], ins[1], outs[0]
    bias = ins[2] if len(ins) == 3 else None
    act = g.nodes[i].attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    cout = p["out_c"]
    base = dict(p, act_type=act_code(None), input_zp=0, output_zp=0, rounding=rounding_code("single"),
                act_min=-128, act_max=127, hybrid_mode=HYBRID_SYMMETRIC)

    if x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32:
        variant = choose_variant(p) if variant is None else variant
        if not w.is_const and variant in (DW, DW3X3):
            variant = GENERAL      # run-time weights: a variant that reads OHWI weights as they are
        params = dict(base, variant=variant, act_type=act_code(act))
        consts = []
        if w.is_const:
            consts.append(ConstArray("weight", DType.FLOAT32, _weights_for(variant, w.array.astype(np.float32))))
        if bias is None or bias.is_const:
            b = bias.array.astype(np.float32) if bias is not None else np.zeros(cout, np.float32)
            consts.append(ConstArray("bias", DType.FLOAT32, b))
        return OpPlan(
            kernel="conv_fp32", returns_status=True,
            args=(PARAM, In(0), Const("weight") if w.is_const else In(1),
                  In(2) if bias is not None and not bias.is_const else Const("bias"), SCRATCH, SCRATCH_SIZE, Out(0)),
            kernel_sources=("fp32/conv_fp32.c", f"fp32/{VARIANT_FILES[variant]}_fp32.c"),
            define_bits=(("CONV_FP32_VARIANTS", 1 << variant.value),),
            header="fp32/conv_fp32.h", param_type="conv_param_t", params=params, consts=tuple(consts),
            scratch_bytes=scratch_bytes(params, "fp32"), overlap_shift=in_place_shift(p, variant, "fp32"))

    if x.dtype == DType.FLOAT32 and w.dtype == DType.INT8:
        variant = choose_variant(p, hybrid=True)
        # input quantization as reference/conv._hybrid_conv chooses it
        depthwise = p["group"] > 1 and w.shape[3] == 1
        mode = HYBRID_ASYM_DW if depthwise else (HYBRID_ASYM if len(w.quant) > 1 else HYBRID_SYMMETRIC)
        params = dict(base, variant=variant, act_type=act_code(act), hybrid_mode=mode)
        w_scales = np.ascontiguousarray(np.broadcast_to(w.scales.astype(np.float32), (cout,)))
        b = bias.array.astype(np.float32) if bias is not None else np.zeros(cout, np.float32)
        return OpPlan(
            kernel="conv_hybrid_fp32", returns_status=True,
            args=(PARAM, In(0), Const("weight"), Const("weight_scale"), Const("bias"), SCRATCH, SCRATCH_SIZE,
                  Out(0)),
            kernel_sources=("fp32/conv_hybrid_fp32.c",),
            header="fp32/conv_fp32.h", param_type="conv_param_t", params=params,
            consts=(ConstArray("weight", DType.INT8, np.ascontiguousarray(w.array)),
                    ConstArray("weight_scale", DType.FLOAT32, w_scales),
                    ConstArray("bias", DType.FLOAT32, b)),
            scratch_bytes=scratch_bytes(params, "hybrid"), overlap_shift=in_place_shift(p, variant, "hybrid"))

    if x.dtype == DType.INT8 and w.dtype == DType.INT8:
        in_scale, in_zp = qparams(x, "input")
        out_scale, out_zp = qparams(y, "output")
        mult, shift = numerics.output_multipliers(in_scale, np.broadcast_to(w.scales, (cout,)), out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        variant = choose_variant(p) if variant is None else variant
        b = folded_bias(bias.array if bias is not None else np.zeros(cout, np.int32), w.array, in_zp)
        mult, shift = mult.astype(np.int32), shift.astype(np.int32)
        wq = w.array
        if variant in (ONE_BY_ONE, IM2COL):    # the gemm kernels' requantization (int8/conv_gemm_int8.h)
            wq, b, mult, shift = gemm_constant_channels(wq, b, mult, shift, out_zp, int(qmin), int(qmax))
            if not gemm_acc_bounded(wq, b, shift):
                variant = GENERAL
        if variant in (DW, DW3X3) and not dw_int8_fits(b, w.array):
            variant = GENERAL   # sums too large for the doubled accumulators
        params = dict(base, variant=variant, input_zp=in_zp, output_zp=out_zp,
                      rounding=rounding_code(numerics.ROUNDING_CONV), act_min=int(qmin), act_max=int(qmax))
        if variant in (DW, DW3X3):      # blocks of 8 channels, doubled (int8/conv_depthwise_int8.h)
            wq = _dw_int8_weights(w.array, mult, shift, out_zp)
            b, mult, shift = (_dw_int8_channels(v) for v in (2 * b.astype(np.int64), mult, shift))
        elif variant in (ONE_BY_ONE, IM2COL):  # blocks of 4 channels x 16 taps (int8/conv_gemm_int8.h)
            wq = gemm_pack_int8(wq)
        else:                           # GENERAL also after a fallback: the (rewritten) weights as they are
            wq = _weights_for(variant, wq)
        consts = (ConstArray("weight", DType.INT8, wq), ConstArray("bias", DType.INT32, b),
                  ConstArray("multiplier", DType.INT32, mult), ConstArray("shift", DType.INT32, shift))
        return OpPlan(
            kernel="conv_int8", returns_status=True,
            args=(PARAM, In(0), Const("weight"), Const("bias"), Const("multiplier"), Const("shift"), SCRATCH,
                  SCRATCH_SIZE, Out(0)),
            kernel_sources=("int8/conv_int8.c", f"int8/{VARIANT_FILES[variant]}_int8.c")
            + (("int8/conv_gemm_int8.c",) if variant in (ONE_BY_ONE, IM2COL) else ()),
            define_bits=(("CONV_INT8_VARIANTS", 1 << variant.value),),
            header="int8/conv_int8.h", param_type="conv_param_t", params=params,
            consts=consts, scratch_bytes=scratch_bytes(params, "int8"),
            overlap_shift=in_place_shift(p, variant, "int8"))

    raise Unsupported(f"input {x.dtype.short} with weights {w.dtype.short} (see weighted_dtypes)")


def _candidates(g: Graph, i: int, plan: OpPlan) -> tuple[OpPlan, ...]:
    """The node's plans with the other variants that can run it (int8 and float32 with constant
    weights; the cost model of ops/_costs.py picks per board core)."""
    x, w = (g.tensors[t] for t in g.nodes[i].inputs[:2])
    if x.dtype != w.dtype or not w.is_const:
        return ()
    return tuple(_plan(g, i, v) for v in applicable_variants(geometry(g, i))[1:])


family(("Conv2DFusion",), _plan, RULES, candidates=_candidates)
