"""Deconvolution (Conv2dTransposeFusion: fp32/deconv_fp32.c, int8/deconv_int8.c) and the
Conv2DFusion extensions (float32 weights / bias computed at run time; grouped and dilated
convolutions) against the reference interpreter, one-op models.

Deconv geometry covers strides, dilations, explicit / SAME (including a negative SAME
padding, stride > kernel) / VALID padding, output padding, groups (1, 2, depthwise), batch
> 1, odd sizes and every fused activation; int8 per-tensor and per-channel weights, with and
without bias; fp32 with constant weights and with weights and bias fed as graph inputs (the
ONNX ConvTranspose tests' form). Seeded random data; int8 exact, fp32 within 1e-5 + 1e-5 |ref|.
Also defines ``family_models()`` for the shared QEMU test and runs them on the host.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen import numerics, ops
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.ir import DType
from micro_codegen.ops import deconv as deconv_ops

from c_harness import check_node, klib, rand_f32, rand_i8, rng  # noqa: F401 (klib fixture)
from tiny_models import validate_on_host

pytestmark = pytest.mark.host_cc

I8, F32, I32 = DType.INT8, DType.FLOAT32, DType.INT32


# ---------------------------------------------------------------- (de)conv operands

def _int8_operands(b, gen, feeds, shape, wshape, cout, bias, per_tensor=False):
    """The int8 inputs of a (de)conv node: x (random scale and zero point; its data appended to
    ``feeds``), symmetric int8 weights (per-channel, or ``per_tensor``) and, with ``bias``, cout
    int32 biases. Returns (node inputs, input scale, the cout weight scales)."""
    in_scale, in_zp = float(gen.uniform(0.01, 0.1)), int(gen.integers(-20, 20))
    x = b.input("x", I8, shape, quant=(in_scale, in_zp))
    feeds.append(rand_i8(gen, shape))
    w_scales = [float(gen.uniform(0.002, 0.02))] * cout if per_tensor else list(gen.uniform(0.002, 0.02, cout))
    wq = (w_scales[0], 0) if per_tensor else (w_scales, [0] * cout)
    ins = [x, b.const("w", gen.integers(-127, 128, wshape).astype(np.int8), quant=wq)]
    if bias:
        ins.append(b.const("b", gen.integers(-3000, 3000, cout).astype(np.int32)))
    return ins, in_scale, w_scales


def _fp32_operands(b, gen, feeds, shape, wshape, cout, fan_in, bias, runtime_w, runtime_b):
    """The fp32 inputs of a (de)conv node: x, the weights (scaled by 1/sqrt(fan_in)) and, with
    ``bias``, cout biases; weights and bias are constants or (runtime_w / runtime_b) graph
    inputs. The data of the graph inputs is appended to ``feeds``."""
    x = b.input("x", F32, shape)
    feeds.append(rand_f32(gen, shape))
    wv = rand_f32(gen, wshape, 1.0 / math.sqrt(fan_in))
    if runtime_w:
        ins = [x, b.input("w", F32, wshape)]
        feeds.append(wv)
    else:
        ins = [x, b.const("w", wv)]
    if bias:
        bv = rand_f32(gen, (cout,), 0.5)
        if runtime_b:
            ins.append(b.input("b", F32, (cout,)))
            feeds.append(bv)
        else:
            ins.append(b.const("b", bv))
    return ins


# ---------------------------------------------------------------- Conv2dTransposeFusion

def deconv_graph(gen, dtype, shape, cout, k, stride=(1, 1), dil=(1, 1), pad_mode="PAD", pads=(0, 0, 0, 0),
                 out_pad=(0, 0), group=1, act="NO_ACTIVATION", bias=True, per_tensor=False, runtime_w=False,
                 runtime_b=False, name="deconv"):
    """A one-op deconv model and its inputs (graph inputs in node input order)."""
    n, h, w, cin = shape
    ocg = cout // group
    attrs = dict(stride=stride, dilation=dil, pad_mode=pad_mode, pad_list=pads, output_paddings=out_pad)
    win = numerics.deconv_window((h, w), k, attrs)
    wshape = (cin, k[0], k[1], ocg)
    b = GraphBuilder(name)
    feeds = []
    if dtype == I8:
        ins, in_scale, w_scales = _int8_operands(b, gen, feeds, shape, wshape, cout, bias, per_tensor)
        taps = max(1, k[0] * k[1] * cin // group // max(1, stride[0] * stride[1]))
        out_scale = in_scale * float(np.mean(w_scales)) * 73 * 73 * math.sqrt(taps) * 3 / 127
        y = ("y", I8, (n, win.out_h, win.out_w, cout), (out_scale, int(gen.integers(-10, 10))))
    else:
        ins = _fp32_operands(b, gen, feeds, shape, wshape, cout, k[0] * k[1] * cin // group, bias, runtime_w,
                             runtime_b)
        y = ("y", F32, (n, win.out_h, win.out_w, cout))
    out = b.node("Conv2dTransposeFusion", ins, [y], kernel_size=k, group=group, in_channel=cin, out_channel=cout,
                 format="NHWC", activation_type=act, **attrs)
    return b.build([out]), feeds


#          id                 shape(n,h,w,cin) cout kernel  options
DECONV_CASES = [
    ("k3_s1",              (1, 3, 3, 1),  2, (3, 3), {}),
    ("k3_s2_pad_outpad",   (1, 4, 5, 8),  6, (3, 3), dict(stride=(2, 2), pads=(1, 1, 1, 1), out_pad=(1, 1),
                                                          act="RELU")),
    ("k3_s32_asym",        (1, 3, 4, 3),  5, (3, 3), dict(stride=(3, 2), pads=(1, 0, 2, 1), act="RELU6")),
    ("k4_s2_same",         (1, 5, 3, 4),  3, (4, 4), dict(stride=(2, 2), pad_mode="SAME")),
    ("k1_s3_same_negpad",  (1, 3, 2, 2),  3, (1, 1), dict(stride=(3, 3), pad_mode="SAME", act="RELU1")),
    ("k2_dil2",            (1, 3, 3, 2),  1, (2, 2), dict(dil=(2, 2))),
    ("k3_dil_s2_valid",    (1, 4, 3, 3),  4, (3, 2), dict(stride=(2, 1), dil=(2, 3), pad_mode="VALID")),
    ("group2",             (1, 3, 3, 4),  6, (3, 3), dict(group=2, stride=(2, 2), pads=(0, 1, 1, 0))),
    ("depthwise_b3",       (3, 3, 4, 2),  2, (3, 3), dict(group=2)),
    ("depthwise_mult2",    (1, 4, 4, 3),  6, (2, 3), dict(group=3, stride=(2, 2), out_pad=(1, 0))),
    ("batch2_1x5",         (2, 1, 5, 3),  4, (1, 3), dict(stride=(1, 2), pads=(0, 0, 1, 1), bias=False)),
    ("big_pad_bias_only",  (1, 2, 2, 2),  3, (2, 2), dict(stride=(3, 3), out_pad=(2, 1))),
]


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("case", DECONV_CASES, ids=[c[0] for c in DECONV_CASES])
def test_deconv(klib, case, dtype):
    cid, shape, cout, k, opts = case
    g, feeds = deconv_graph(rng(cid + dtype.short), dtype, shape, cout, k, **opts)
    plan = check_node(klib, g, feeds)
    assert plan.kernel == ("deconv_int8" if dtype == I8 else "deconv_fp32")


DECONV_EXTRA = [  # (id, dtype, case id of DECONV_CASES, options)
    ("int8_per_tensor", I8, "k3_s2_pad_outpad", dict(per_tensor=True)),
    ("int8_no_bias_group", I8, "group2", dict(bias=False)),
    ("fp32_no_bias_same", F32, "k4_s2_same", dict(bias=False)),
    ("fp32_runtime_w", F32, "k3_s32_asym", dict(runtime_w=True)),
    ("fp32_runtime_w_b", F32, "depthwise_mult2", dict(runtime_w=True, runtime_b=True)),
    ("fp32_runtime_b", F32, "k3_dil_s2_valid", dict(runtime_b=True)),
]


@pytest.mark.parametrize("case", DECONV_EXTRA, ids=[c[0] for c in DECONV_EXTRA])
def test_deconv_extra(klib, case):
    cid, dtype, base_id, opts = case
    _, shape, cout, k, base = next(c for c in DECONV_CASES if c[0] == base_id)
    g, feeds = deconv_graph(rng(cid), dtype, shape, cout, k, **{**base, **opts})
    check_node(klib, g, feeds)


def test_deconv_int8_scratch_matches_c(klib):
    g, _ = deconv_graph(rng("scratch"), I8, (1, 3, 3, 4), 7, (3, 3), stride=(2, 2))
    g = roundtrip(g)
    plan = ops.prepare(g, 0)
    assert klib.c_scratch_size(g, 0, plan) == plan.scratch_bytes == deconv_ops.scratch_bytes(plan.params, "int8")


def test_deconv_int8_extreme_values(klib):
    """Inputs at the int8 limits and full-scale weights: the int32 sums and the clamp."""
    g, (x,) = deconv_graph(rng("extreme"), I8, (1, 3, 3, 8), 4, (3, 3), stride=(1, 1), pads=(1, 1, 1, 1))
    x[...] = np.where(rng("extreme_x").random(x.shape) < 0.5, -128, 127).astype(np.int8)
    check_node(klib, g, [x])


# ---------------------------------------------------------------- Conv2DFusion: run-time weights, groups, dilation

def conv_graph(gen, dtype, shape, cout, k, stride=(1, 1), dil=(1, 1), pad_mode="PAD", pads=(0, 0, 0, 0), group=1,
               act="NO_ACTIVATION", bias=True, runtime_w=False, runtime_b=False, name="conv"):
    n, h, w, cin = shape
    attrs = dict(stride=stride, dilation=dil, pad_mode=pad_mode, pad_list=pads)
    win = numerics.conv_window((h, w), k, attrs)
    wshape = (cout, k[0], k[1], cin // group)
    b = GraphBuilder(name)
    feeds = []
    if dtype == I8:
        ins, in_scale, scales = _int8_operands(b, gen, feeds, shape, wshape, cout, bias)
        out_scale = in_scale * float(np.mean(scales)) * 73 * 73 * math.sqrt(k[0] * k[1] * cin // group) * 3 / 127
        y = ("y", I8, (n, win.out_h, win.out_w, cout), (out_scale, 3))
    else:
        ins = _fp32_operands(b, gen, feeds, shape, wshape, cout, k[0] * k[1] * cin // group, bias, runtime_w,
                             runtime_b)
        y = ("y", F32, (n, win.out_h, win.out_w, cout))
    out = b.node("Conv2DFusion", ins, [y], kernel_size=k, group=group, in_channel=cin, out_channel=cout,
                 format="NHWC", activation_type=act, **attrs)
    return b.build([out]), feeds


#          id                variant    shape         cout kernel  options
CONV_CASES = [
    ("rt_1x1",              "1X1",     (1, 4, 5, 6),  5, (1, 1), dict(runtime_w=True, act="RELU")),
    ("rt_im2col_same",      "IM2COL",  (1, 5, 5, 1),  1, (3, 3), dict(runtime_w=True, pad_mode="SAME",
                                                                          stride=(2, 2))),
    ("rt_im2col_dil_asym",  "IM2COL",  (2, 7, 6, 3),  4, (3, 2), dict(runtime_w=True, runtime_b=True, dil=(2, 1),
                                                                          pads=(1, 0, 2, 1), act="RELU6")),
    ("rt_group3",           "GENERAL", (1, 6, 5, 6),  9, (3, 3), dict(runtime_w=True, group=3, pads=(1, 1, 1, 1))),
    ("rt_depthwise",        "GENERAL", (1, 6, 6, 4),  4, (3, 3), dict(runtime_w=True, group=4, pad_mode="SAME")),
    ("rt_depthwise_mult2",  "GENERAL", (1, 5, 7, 3),  6, (3, 3), dict(runtime_w=True, runtime_b=True, group=3,
                                                                          dil=(2, 2), stride=(1, 2),
                                                                          pads=(2, 2, 1, 1))),
    ("rt_no_bias",          "IM2COL",  (1, 7, 5, 1),  1, (3, 3), dict(runtime_w=True, bias=False, stride=(2, 2),
                                                                          pads=(1, 1, 0, 0))),
    ("const_w_rt_bias_dw",  "DW3X3",   (1, 5, 5, 4),  4, (3, 3), dict(runtime_b=True, group=4, pad_mode="SAME")),
    ("group2_dil_odd",      "GENERAL", (1, 9, 7, 6),  4, (3, 3), dict(group=2, dil=(2, 3), stride=(2, 1),
                                                                          pads=(2, 1, 3, 2))),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=[c[0] for c in CONV_CASES])
def test_conv_runtime_weights(klib, case):
    cid, variant, shape, cout, k, opts = case
    g, feeds = conv_graph(rng(cid), F32, shape, cout, k, **opts)
    check_node(klib, g, feeds, variant)


@pytest.mark.parametrize("case", [("int8_group2_dil", (1, 9, 7, 6), 4, (3, 3), dict(group=2, dil=(2, 3))),
                                  ("int8_group3_s2", (2, 6, 5, 9), 6, (2, 3), dict(group=3, stride=(2, 2),
                                                                                  pads=(1, 0, 1, 1)))],
                         ids=lambda c: c[0])
def test_conv_int8_grouped_dilated(klib, case):
    cid, shape, cout, k, opts = case
    g, feeds = conv_graph(rng(cid), I8, shape, cout, k, **opts)
    check_node(klib, g, feeds, "GENERAL")


# ---------------------------------------------------------------- small models, end to end

def family_models():
    """Small models that together use every C kernel of the family: (name, graph, inputs).

    ``deconv_decoder``: fp32 Conv2dTransposeFusion (stride 2, pads, output padding, RELU) ->
    Conv2DFusion; ``deconv_int8``: int8 deconv (per-channel weights) -> grouped deconv;
    ``conv_runtime_weights``: fp32 convs whose weights are model inputs (IM2COL, GENERAL)."""
    out = []
    gen = rng("family_decoder")
    b = GraphBuilder("deconv_decoder")
    x = b.input("x", F32, (1, 4, 4, 8))
    w1 = b.const("w1", rand_f32(gen, (8, 3, 3, 6), 0.2))
    b1 = b.const("b1", rand_f32(gen, (6,), 0.1))
    h = b.node("Conv2dTransposeFusion", [x, w1, b1], [("h", F32, (1, 8, 8, 6))], kernel_size=(3, 3),
               stride=(2, 2), dilation=(1, 1), pad_mode="PAD", pad_list=(1, 1, 1, 1), output_paddings=(1, 1),
               group=1, format="NHWC", activation_type="RELU")
    w2 = b.const("w2", rand_f32(gen, (3, 3, 3, 6), 0.2))
    y = b.node("Conv2DFusion", [h, w2], [("y", F32, (1, 8, 8, 3))], kernel_size=(3, 3), stride=(1, 1),
               dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1), group=1, format="NHWC",
               activation_type="NO_ACTIVATION")
    out.append(("deconv_decoder", b.build([y]), [rand_f32(gen, (1, 4, 4, 8))]))

    gen = rng("family_int8")
    b = GraphBuilder("deconv_int8")
    x = b.input("x", I8, (1, 3, 3, 4), quant=(0.05, -3))
    w1 = b.const("w1", gen.integers(-127, 128, (4, 3, 3, 4)).astype(np.int8),
                 quant=(list(gen.uniform(0.005, 0.02, 4)), [0] * 4))
    b1 = b.const("b1", gen.integers(-2000, 2000, 4).astype(np.int32))
    h = b.node("Conv2dTransposeFusion", [x, w1, b1], [("h", I8, (1, 6, 6, 4), (0.3, 2))], kernel_size=(3, 3),
               stride=(2, 2), dilation=(1, 1), pad_mode="SAME", output_paddings=(0, 0), group=1, format="NHWC",
               activation_type="RELU")
    w2 = b.const("w2", gen.integers(-127, 128, (4, 2, 2, 1)).astype(np.int8), quant=(0.01, 0))
    y = b.node("Conv2dTransposeFusion", [h, w2], [("y", I8, (1, 7, 7, 2), (0.2, -5))], kernel_size=(2, 2),
               stride=(1, 1), dilation=(1, 1), pad_mode="PAD", pad_list=(0, 0, 0, 0), output_paddings=(0, 0),
               group=2, format="NHWC", activation_type="NO_ACTIVATION")
    out.append(("deconv_int8", b.build([y]), [rand_i8(gen, (1, 3, 3, 4))]))

    gen = rng("family_runtime_w")
    b = GraphBuilder("conv_runtime_weights")
    x = b.input("x", F32, (1, 7, 5, 2))
    w = b.input("w", F32, (4, 3, 3, 2))
    h = b.node("Conv2DFusion", [x, w], [("h", F32, (1, 4, 3, 4))], kernel_size=(3, 3), stride=(2, 2),
               dilation=(1, 1), pad_mode="PAD", pad_list=(1, 1, 1, 1), group=1, format="NHWC",
               activation_type="RELU")
    wd = b.input("wd", F32, (4, 3, 3, 1))
    y = b.node("Conv2DFusion", [h, wd], [("y", F32, (1, 4, 3, 4))], kernel_size=(3, 3), stride=(1, 1),
               dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1), group=4, format="NHWC",
               activation_type="NO_ACTIVATION")
    out.append(("conv_runtime_weights", b.build([y]),
                [rand_f32(gen, (1, 7, 5, 2)), rand_f32(gen, (4, 3, 3, 2), 0.3), rand_f32(gen, (4, 3, 3, 1), 0.3)]))
    return out


def test_family_models_use_every_kernel():
    kernels = {ops.prepare(roundtrip(g), i).kernel for _, g, _ in family_models() for i in range(len(g.nodes))}
    assert {"deconv_fp32", "deconv_int8", "conv_fp32"} <= kernels


@pytest.mark.parametrize("index", range(3), ids=["deconv_decoder", "deconv_int8", "conv_runtime_weights"])
def test_family_model_on_host(tmp_path, index):
    """Generated project (host gcc) vs the reference, whole model."""
    _, g, ins = family_models()[index]
    validate_on_host(g, [ins], tmp_path)
