"""C kernels (nnacl_subset/) against the numpy reference interpreter, one-op models.

Every case builds a one-op model with GraphBuilder (written and read back, so schema
defaults are filled as in a real file), computes the expected output with
``reference.run``, asks ``ops.prepare`` for the OpPlan the generator would use, and
runs that plan's C call (parameter struct + constants + placeholders) on the host
through ``tests/c_harness.py``. int8 is compared exactly, fp32 within
``1e-5 + 1e-5 * |ref|``; the Python scratch size must equal the C ``*_scratch_size()``,
and ops that declare ``inplace`` are run a second time with the output aliased to that
input. Seeded data; each case names the kernel variant it must select.
"""
from __future__ import annotations

import math
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from micro_codegen import ops
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.ir import DType
from micro_codegen.ops import conv as conv_ops

from c_harness import (ARM_FLAGS, NNACL, build_arm_selftest, check_node, conv_out_hw, kernel_sources,
                       klib,  # noqa: F401 (fixture)
                       rand_f32 as _rand_f32, rand_i8 as _rand_i8, rng as _rng)
from conftest import require_tool

pytestmark = pytest.mark.host_cc

I8, F32 = DType.INT8, DType.FLOAT32




# ---------------------------------------------------------------- Conv2DFusion

#          id          variant  shape(n,h,w,cin) cout kernel  stride  dilation pad_mode pads        group act
CONV_CASES = [
    ("1x1",           "1X1",    (1, 5, 6, 16),  24, (1, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 1, "RELU"),
    ("1x1_s2_odd",    "1X1",    (1, 7, 7, 8),   13, (1, 1), (2, 2), (1, 1), "SAME", (0, 0, 0, 0), 1, "NO_ACTIVATION"),
    ("1x1_batch2",    "1X1",    (2, 3, 4, 5),   6,  (1, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 1, "RELU6"),
    ("3x3_same",      "IM2COL", (1, 8, 8, 3),   8,  (3, 3), (1, 1), (1, 1), "SAME", (1, 1, 1, 1), 1, "RELU"),
    ("3x3_s2_same",   "IM2COL", (1, 9, 10, 4),  6,  (3, 3), (2, 2), (1, 1), "SAME", (0, 1, 0, 1), 1, "RELU6"),
    ("3x3_dil2_pad",  "IM2COL", (1, 9, 8, 5),   7,  (3, 3), (1, 1), (2, 2), "PAD", (1, 2, 3, 0), 1, "NO_ACTIVATION"),
    ("kws_10x4_s2",   "IM2COL", (1, 49, 10, 1), 16, (10, 4), (2, 2), (1, 1), "SAME", (4, 5, 1, 1), 1, "RELU"),
    ("1x1_padded",    "IM2COL", (1, 4, 4, 3),   5,  (1, 1), (1, 1), (1, 1), "PAD", (1, 1, 0, 1), 1, "NO_ACTIVATION"),
    ("5x5_valid_b2",  "IM2COL", (2, 9, 7, 3),   4,  (5, 5), (1, 2), (1, 1), "VALID", (0, 0, 0, 0), 1, "RELU"),
    ("dw3x3_same",    "DW3X3",  (1, 7, 9, 16),  16, (3, 3), (1, 1), (1, 1), "SAME", (1, 1, 1, 1), 16, "RELU6"),
    ("dw3x3_s2",      "DW3X3",  (1, 8, 8, 12),  12, (3, 3), (2, 2), (1, 1), "SAME", (0, 1, 0, 1), 12, "RELU"),
    ("dw3x3_valid",   "DW3X3",  (2, 5, 6, 8),   8,  (3, 3), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 8, "NO_ACTIVATION"),
    ("dw_mult2",      "DW",     (1, 6, 7, 4),   8,  (3, 3), (1, 1), (1, 1), "SAME", (1, 1, 1, 1), 4, "RELU"),
    ("dw_5x3_dil2",   "DW",     (1, 11, 9, 6),  6,  (5, 3), (1, 2), (2, 2), "PAD", (2, 3, 1, 2), 6, "NO_ACTIVATION"),
    ("dw_10x1_valid", "DW",     (1, 24, 1, 8),  8,  (10, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 8, "NO_ACTIVATION"),
    ("dw_mult3_s2",   "DW",     (1, 7, 7, 3),   9,  (3, 3), (2, 2), (1, 1), "SAME", (1, 1, 1, 1), 3, "RELU6"),
    ("group2",        "GENERAL", (1, 6, 6, 8),  6,  (3, 3), (1, 1), (1, 1), "SAME", (1, 1, 1, 1), 2, "RELU"),
    ("group4_s2_dil", "GENERAL", (1, 9, 8, 8),  12, (3, 2), (2, 1), (1, 2), "PAD", (2, 1, 1, 0), 4, "NO_ACTIVATION"),
]


def _conv_graph(rng, dtype, shape, cout, k, stride, dil, pad_mode, pads, group, act, per_tensor=False,
                hybrid=False, with_bias=True):
    n, h, w, cin = shape
    cg = cin // group
    oh, ow = conv_out_hw((h, w), k, stride, dil, pad_mode, pads)
    b = GraphBuilder("conv")
    wshape = (cout, k[0], k[1], cg)
    ktaps = k[0] * k[1] * cg
    if dtype == I8:
        in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 20))
        x = b.input("x", I8, shape, quant=(in_scale, in_zp))
        w_scales = [float(rng.uniform(0.002, 0.02))] * cout if per_tensor else list(rng.uniform(0.002, 0.02, cout))
        wq = (w_scales[0], 0) if per_tensor else (w_scales, [0] * cout)
        wt = b.const("w", rng.integers(-127, 128, wshape).astype(np.int8), quant=wq)
        out_scale = in_scale * float(np.mean(w_scales)) * 73 * 73 * math.sqrt(ktaps) * 3 / 127
        ins = [x, wt]
        if with_bias:
            ins.append(b.const("b", rng.integers(-3000, 3000, cout).astype(np.int32),
                               quant=([in_scale * s for s in w_scales], [0] * cout)))
        y = ("y", I8, (n, oh, ow, cout), (out_scale, int(rng.integers(-10, 10))))
        xin = _rand_i8(rng, shape)
    else:
        x = b.input("x", F32, shape)
        if hybrid:
            wq = ((float(rng.uniform(0.002, 0.02)), 0) if per_tensor
                  else (list(rng.uniform(0.002, 0.02, cout)), [0] * cout))
            wt = b.const("w", rng.integers(-127, 128, wshape).astype(np.int8), quant=wq)
        else:
            wt = b.const("w", _rand_f32(rng, wshape, 1.0 / math.sqrt(ktaps)))
        ins = [x, wt] + ([b.const("b", _rand_f32(rng, (cout,), 0.5))] if with_bias else [])
        y = ("y", F32, (n, oh, ow, cout))
        xin = _rand_f32(rng, shape)
    out = b.node("Conv2DFusion", ins, [y], kernel_size=k, stride=stride, dilation=dil, pad_mode=pad_mode,
                 pad_list=pads, group=group, in_channel=cin, out_channel=cout, format="NHWC", activation_type=act)
    return b.build([out]), [xin]


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("case", CONV_CASES, ids=[c[0] for c in CONV_CASES])
def test_conv(klib, case, dtype):
    cid, variant, *geo = case
    rng = _rng(cid + dtype.short)
    g, inputs = _conv_graph(rng, dtype, *geo)
    check_node(klib, g, inputs, variant)


CONV_EXTRA = [  # (id, dtype, case id of CONV_CASES, options)
    ("int8_per_tensor_3x3", I8, "3x3_same", dict(per_tensor=True)),
    ("int8_per_tensor_dw", I8, "dw3x3_s2", dict(per_tensor=True)),
    ("int8_no_bias_1x1", I8, "1x1_s2_odd", dict(with_bias=False)),
    ("fp32_no_bias_dw", F32, "dw_mult2", dict(with_bias=False)),
    # hybrid, per-tensor weights: symmetric input quantization
    ("hybrid_kws_10x4", F32, "kws_10x4_s2", dict(hybrid=True, per_tensor=True)),
    ("hybrid_1x1_b2", F32, "1x1_batch2", dict(hybrid=True, per_tensor=True)),
    ("hybrid_3x3_dil", F32, "3x3_dil2_pad", dict(hybrid=True, per_tensor=True)),
    ("hybrid_group2", F32, "group2", dict(hybrid=True, per_tensor=True)),
    # hybrid, per-channel weights or depthwise: asymmetric input quantization
    ("hybrid_pc_3x3", F32, "3x3_s2_same", dict(hybrid=True)),
    ("hybrid_pc_1x1_b2", F32, "1x1_batch2", dict(hybrid=True)),
    ("hybrid_pc_group4", F32, "group4_s2_dil", dict(hybrid=True)),
    ("hybrid_dw", F32, "dw3x3_same", dict(hybrid=True, per_tensor=True)),
    ("hybrid_dw_mult2", F32, "dw_mult2", dict(hybrid=True)),
]


@pytest.mark.parametrize("case", CONV_EXTRA, ids=[c[0] for c in CONV_EXTRA])
def test_conv_extra(klib, case):
    cid, dtype, base_id, opts = case
    geo = next(c for c in CONV_CASES if c[0] == base_id)[2:]
    g, inputs = _conv_graph(_rng(cid), dtype, *geo, **opts)
    check_node(klib, g, inputs)


@pytest.mark.parametrize("per_tensor", [True, False], ids=["symmetric", "asymmetric"])
def test_conv_hybrid_special_inputs(klib, per_tensor):
    """An all-zero batch item (range 0: scale 1, q = 0) and an all-positive one (zero point -128)."""
    geo = next(c for c in CONV_CASES if c[0] == "1x1_batch2")[2:]
    g, (x,) = _conv_graph(_rng("hz"), F32, *geo, hybrid=True, per_tensor=per_tensor)
    x[0] = 0.0
    x[1] = np.abs(x[1])
    check_node(klib, g, [x])


# ---------------------------------------------------------------- FullConnection

FC_CASES = [  # id, dtype, in shape, units, act, weight mode, bias
    ("int8_pt_relu", I8, (1, 64), 10, "RELU", "per_tensor", True),
    ("int8_pc_rows", I8, (3, 20), 7, "NO_ACTIVATION", "per_channel", True),
    ("int8_nobias_relu6", I8, (2, 33), 5, "RELU6", "per_tensor", False),
    ("int8_4d_input", I8, (1, 1, 1, 48), 12, "NO_ACTIVATION", "per_tensor", True),
    ("fp32_relu", F32, (1, 64), 10, "RELU", None, True),
    ("fp32_rows_nobias", F32, (4, 17), 9, "NO_ACTIVATION", None, False),
    ("fp32_relu6", F32, (2, 30), 4, "RELU6", None, True),
    ("hybrid_pt", F32, (3, 40), 6, "RELU", "per_tensor", True),
    ("hybrid_pc", F32, (1, 25), 11, "NO_ACTIVATION", "per_channel", False),
]


@pytest.mark.parametrize("case", FC_CASES, ids=[c[0] for c in FC_CASES])
def test_fullconnection(klib, case):
    cid, dtype, shape, units, act, wmode, has_bias = case
    rng = _rng(cid)
    depth = shape[-1]
    rows = int(np.prod(shape)) // depth
    b = GraphBuilder("fc")
    hybrid = dtype == F32 and wmode is not None
    if dtype == I8:
        in_scale, in_zp = 0.05, int(rng.integers(-30, 30))
        x = b.input("x", I8, shape, quant=(in_scale, in_zp))
        scales = list(rng.uniform(0.002, 0.02, units)) if wmode == "per_channel" else [0.01] * units
        wq = (scales, [0] * units) if wmode == "per_channel" else (0.01, 0)
        w = b.const("w", rng.integers(-127, 128, (units, depth)).astype(np.int8), quant=wq)
        ins = [x, w]
        if has_bias:
            ins.append(b.const("b", rng.integers(-5000, 5000, units).astype(np.int32)))
        y = ("y", I8, (rows, units), (in_scale * 0.01 * 73 * 73 * math.sqrt(depth) * 3 / 127, 3))
        xin = _rand_i8(rng, shape)
    else:
        x = b.input("x", F32, shape)
        if hybrid:
            scales = list(rng.uniform(0.002, 0.02, units)) if wmode == "per_channel" else None
            wq = (scales, [0] * units) if scales else (0.01, 0)
            w = b.const("w", rng.integers(-127, 128, (units, depth)).astype(np.int8), quant=wq)
        else:
            w = b.const("w", _rand_f32(rng, (units, depth), 0.3))
        ins = [x, w] + ([b.const("b", _rand_f32(rng, (units,)))] if has_bias else [])
        y = ("y", F32, (rows, units))
        xin = _rand_f32(rng, shape)
    out = b.node("FullConnection", ins, [y], has_bias=has_bias, activation_type=act)
    check_node(klib, b.build([out]), [xin])


# ---------------------------------------------------------------- pooling

POOL_CASES = [  # id, op, shape, kernel, strides, pad_mode, pads, round_mode, global, act
    ("avg_global_kws", "AvgPoolFusion", (1, 25, 5, 16), (25, 5), (25, 5), "VALID", (0, 0, 0, 0), "FLOOR", False,
     "NO_ACTIVATION"),
    ("avg_3x3_same", "AvgPoolFusion", (1, 7, 8, 6), (3, 3), (2, 2), "SAME", (0, 0, 0, 0), "FLOOR", False, "RELU6"),
    ("avg_pad_ceil", "AvgPoolFusion", (2, 6, 7, 3), (3, 2), (2, 2), "PAD", (1, 1, 0, 1), "CEIL", False, "RELU"),
    ("avg_global_attr", "AvgPoolFusion", (1, 4, 3, 5), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), "FLOOR", True,
     "NO_ACTIVATION"),
    ("max_3x3_s2", "MaxPoolFusion", (1, 9, 9, 8), (3, 3), (2, 2), "VALID", (0, 0, 0, 0), "FLOOR", False,
     "NO_ACTIVATION"),
    ("max_same_relu", "MaxPoolFusion", (2, 5, 6, 4), (2, 3), (1, 2), "SAME", (0, 0, 0, 0), "FLOOR", False, "RELU"),
    ("max_pad", "MaxPoolFusion", (1, 6, 6, 3), (3, 3), (2, 2), "PAD", (1, 1, 1, 1), "FLOOR", False, "RELU6"),
]


def _pool_out(shape, k, s, mode, pads, rmode, glob):
    n, h, w, c = shape
    if glob:
        return (n, 1, 1, c)
    out = []
    for d, size in enumerate((h, w)):
        if mode == "SAME":
            out.append(-(-size // s[d]))
        else:
            span = size + (pads[2 * d] + pads[2 * d + 1] if mode == "PAD" else 0) - k[d]
            out.append(span // s[d] + 1 if rmode == "FLOOR" else -(-span // s[d]) + 1)
    return (n, out[0], out[1], c)


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("case", POOL_CASES, ids=[c[0] for c in POOL_CASES])
def test_pooling(klib, case, dtype):
    cid, op, shape, k, s, mode, pads, rmode, glob, act = case
    rng = _rng(cid + dtype.short)
    b = GraphBuilder("pool")
    q = (0.05, -7) if dtype == I8 else None
    x = b.input("x", dtype, shape, quant=q)
    y = b.node(op, [x], [("y", dtype, _pool_out(shape, k, s, mode, pads, rmode, glob), q)], kernel_size=k,
               strides=s, pad_mode=mode, pad=pads, round_mode=rmode, format="NHWC", activation_type=act,
               **{"global": glob})
    xin = _rand_i8(rng, shape) if dtype == I8 else _rand_f32(rng, shape, 3.0)
    check_node(klib, b.build([y]), [xin])


# ---------------------------------------------------------------- element-wise binary

ARITH_SHAPES = [  # id, shape a, shape b, const b
    ("same", (1, 4, 5, 8), (1, 4, 5, 8), False),
    ("scalar1", (2, 3, 7), (1,), False),
    ("scalar0_const", (1,), (3, 5), True),
    ("channel_bcast", (1, 4, 4, 8), (8,), True),
    ("both_bcast", (2, 1, 3), (1, 4, 1), False),
    ("mid_bcast", (1, 3, 1, 6), (2, 1, 5, 6), False),
    ("six_dims", (2, 1, 3, 1, 2, 3), (1, 2, 1, 2, 1, 3), False),
]
ARITH_OPS = [("AddFusion", I8, "RELU"), ("SubFusion", I8, "NO_ACTIVATION"), ("MulFusion", I8, "RELU6"),
             ("AddFusion", F32, "RELU6"), ("SubFusion", F32, "NO_ACTIVATION"), ("MulFusion", F32, "RELU"),
             ("DivFusion", F32, "NO_ACTIVATION"), ("Maximum", F32, "NO_ACTIVATION"),
             ("Minimum", F32, "NO_ACTIVATION")]


@pytest.mark.parametrize("opcase", ARITH_OPS, ids=[f"{o[0]}_{o[1].short}" for o in ARITH_OPS])
@pytest.mark.parametrize("shapes", ARITH_SHAPES, ids=[s[0] for s in ARITH_SHAPES])
def test_arithmetic(klib, shapes, opcase):
    sid, sa, sb, const_b = shapes
    op, dtype, act = opcase
    rng = _rng(sid + op + dtype.short)
    out_shape = tuple(np.broadcast_shapes(sa, sb))
    b = GraphBuilder("arith")
    if dtype == I8:
        s1, s2 = float(rng.uniform(0.02, 0.1)), float(rng.uniform(0.02, 0.1))
        so = s1 * s2 * 73 * 73 * 3 / 127 if op == "MulFusion" else (s1 + s2) * 1.2
        qa, qb, qo = (s1, int(rng.integers(-20, 20))), (s2, int(rng.integers(-20, 20))), (so, int(rng.integers(-5, 5)))
        va, vb = _rand_i8(rng, sa), _rand_i8(rng, sb)
    else:
        qa = qb = qo = None
        va, vb = _rand_f32(rng, sa), _rand_f32(rng, sb)
        if op == "DivFusion":
            vb = np.where(np.abs(vb) < 0.1, 0.5, vb).astype(np.float32)
    a = b.input("a", dtype, sa, quant=qa)
    bb = b.const("b", vb, quant=qb) if const_b else b.input("b", dtype, sb, quant=qb)
    y = b.node(op, [a, bb], [("y", dtype, out_shape, qo)], activation_type=act)
    check_node(klib, b.build([y]), [va] if const_b else [va, vb])


# ---------------------------------------------------------------- softmax

SOFTMAX_INT8 = [  # id, shape, axis, input scale
    ("kws_12", (1, 12), -1, 0.1),
    ("scale_0.01", (2, 10), -1, 0.01),
    ("scale_0.05", (3, 33), -1, 0.05),
    ("scale_0.25", (1, 100), -1, 0.25),
    ("scale_1.0", (4, 7), -1, 1.0),
    ("scale_0.004", (1, 1000), -1, 0.0039),
    ("axis1_3d", (2, 5, 3), 1, 0.08),
]


@pytest.mark.parametrize("case", SOFTMAX_INT8, ids=[c[0] for c in SOFTMAX_INT8])
def test_softmax_int8(klib, case):
    cid, shape, axis, scale = case
    rng = _rng(cid)
    b = GraphBuilder("sm")
    x = b.input("x", I8, shape, quant=(scale, int(rng.integers(-20, 20))))
    y = b.node("Softmax", [x], [("y", I8, shape, (1.0 / 256, -128))], axis=(axis,))
    xin = _rand_i8(rng, shape)
    xin.reshape(-1)[:3] = [127, 127, -128]       # ties for the max, an extreme low value
    check_node(klib, b.build([y]), [xin])


@pytest.mark.parametrize("shape,axis", [((1, 12), -1), ((3, 4, 5), 1), ((2, 3, 50), 2), ((6, 2), 0)],
                         ids=["row12", "axis1", "large", "axis0"])
def test_softmax_fp32(klib, shape, axis):
    rng = _rng(f"smf{shape}{axis}")
    b = GraphBuilder("sm")
    x = b.input("x", F32, shape)
    y = b.node("Softmax", [x], [("y", F32, shape)], axis=(axis,))
    check_node(klib, b.build([y]), [_rand_f32(rng, shape, 4.0)])


# ---------------------------------------------------------------- activations

FP32_ACTS = [("RELU", {}), ("RELU6", {}), ("RELU1", {}), ("SIGMOID", {}), ("TANH", {}),
             ("LEAKY_RELU", {"alpha": 0.2}), ("HSWISH", {}), ("HSIGMOID", {}), ("SWISH", {}),
             ("HARD_TANH", {"min_val": -0.5, "max_val": 2.0})]


@pytest.mark.parametrize("act,attrs", FP32_ACTS, ids=[a[0] for a in FP32_ACTS])
def test_activation_fp32(klib, act, attrs):
    rng = _rng("act" + act)
    b = GraphBuilder("act")
    x = b.input("x", F32, (2, 5, 7))
    y = b.node("Activation", [x], [("y", F32, (2, 5, 7))], activation_type=act, **attrs)
    xin = _rand_f32(rng, (2, 5, 7), 5.0)
    xin.reshape(-1)[:4] = [0.0, -3.0, 3.0, 100.0]
    check_node(klib, b.build([y]), [xin])


INT8_ACTS = [("RELU", {}, (0.05, -10), (0.05, -10)), ("RELU6", {}, (0.05, 5), (0.03, -128)),
             ("RELU1", {}, (0.02, 0), (0.01, 3)),
             ("HARD_TANH", {"min_val": -1.5, "max_val": 0.5}, (0.04, 2), (0.02, 1)),
             ("LEAKY_RELU", {"alpha": 0.1}, (0.05, 4), (0.04, -3))]


@pytest.mark.parametrize("act,attrs,qi,qo", INT8_ACTS, ids=[a[0] for a in INT8_ACTS])
def test_activation_int8(klib, act, attrs, qi, qo):
    rng = _rng("act8" + act)
    b = GraphBuilder("act")
    x = b.input("x", I8, (3, 40), quant=qi)
    y = b.node("Activation", [x], [("y", I8, (3, 40), qo)], activation_type=act, **attrs)
    check_node(klib, b.build([y]), [_rand_i8(rng, (3, 40))])


# ---------------------------------------------------------------- data movement

@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("shape,pads,value", [((1, 4, 5, 3), [[0, 0], [1, 2], [2, 0], [0, 1]], 0.0),
                                              ((2, 3), [[1, 0], [2, 3]], 0.5),
                                              ((1, 2, 1, 2, 3, 2),
                                               [[0, 1], [1, 0], [0, 0], [2, 1], [0, 0], [1, 1]], 0.0)],
                         ids=["nhwc", "2d_value", "6d"])
def test_pad(klib, shape, pads, value, dtype):
    rng = _rng(f"pad{shape}{dtype.short}")
    b = GraphBuilder("pad")
    q = (0.05, -3) if dtype == I8 else None
    x = b.input("x", dtype, shape, quant=q)
    p = b.const("p", np.array(pads, dtype=np.int32))
    out_shape = tuple(d + a + c for d, (a, c) in zip(shape, pads))
    y = b.node("PadFusion", [x, p], [("y", dtype, out_shape, q)], padding_mode="CONSTANT", constant_value=value)
    check_node(klib, b.build([y]), [_rand_i8(rng, shape) if dtype == I8 else _rand_f32(rng, shape)])


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("shapes,axis,const_last", [([(1, 5, 5, 8), (1, 5, 5, 8)], -1, False),
                                                    ([(2, 3, 4), (2, 1, 4), (2, 5, 4)], 1, True),
                                                    ([(3, 2), (1, 2)], 0, False)],
                         ids=["channels", "axis1_const", "axis0"])
def test_concat(klib, shapes, axis, const_last, dtype):
    rng = _rng(f"cat{shapes}{dtype.short}")
    b = GraphBuilder("cat")
    q = (0.05, -3) if dtype == I8 else None
    vals = [_rand_i8(rng, s) if dtype == I8 else _rand_f32(rng, s) for s in shapes]
    ins = [b.const(f"c{k}", v, quant=q) if const_last and k == len(shapes) - 1
           else b.input(f"x{k}", dtype, v.shape, quant=q) for k, v in enumerate(vals)]
    out_shape = np.concatenate(vals, axis=axis).shape
    y = b.node("Concat", ins, [("y", dtype, out_shape, q)], axis=axis)
    check_node(klib, b.build([y]), vals[:-1] if const_last else vals)


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("shape,perm", [((1, 4, 5, 3), (0, 3, 1, 2)), ((2, 3, 4), (2, 0, 1)),
                                        ((2, 1, 3, 2, 2, 3), (5, 3, 1, 0, 4, 2)), ((6, 7), (1, 0))],
                         ids=["nhwc_nchw", "3d", "6d", "2d"])
def test_transpose(klib, shape, perm, dtype):
    rng = _rng(f"tr{shape}{dtype.short}")
    b = GraphBuilder("tr")
    q = (0.05, -3) if dtype == I8 else None
    x = b.input("x", dtype, shape, quant=q)
    p = b.const("perm", np.array(perm, dtype=np.int32))
    y = b.node("Transpose", [x, p], [("y", dtype, tuple(shape[k] for k in perm), q)])
    check_node(klib, b.build([y]), [_rand_i8(rng, shape) if dtype == I8 else _rand_f32(rng, shape)])


def test_quant_dtype_cast(klib):
    rng = _rng("qdc")
    b = GraphBuilder("q")
    x = b.input("x", F32, (4, 25))
    y = b.node("QuantDTypeCast", [x], [("y", I8, (4, 25), (0.05, 7))], src_t=43, dst_t=32)
    xin = _rand_f32(rng, (4, 25), 4.0)
    xin.reshape(-1)[:6] = [0.025, -0.025, 0.075, 100.0, -100.0, 0.0]    # ties and saturation
    check_node(klib, b.build([y]), [xin])
    b = GraphBuilder("dq")
    x = b.input("x", I8, (4, 25), quant=(0.05, 7))
    y = b.node("QuantDTypeCast", [x], [("y", F32, (4, 25))], src_t=32, dst_t=43)
    check_node(klib, b.build([y]), [_rand_i8(rng, (4, 25))])


@pytest.mark.parametrize("dtype", [I8, F32], ids=["int8", "fp32"])
@pytest.mark.parametrize("mode,shape,axes", [("ReduceMean", (1, 3, 3, 16), (1, 2)), ("ReduceMean", (2, 5, 7), (2,)),
                                             ("ReduceMax", (2, 4, 6), (0, 1)), ("ReduceMin", (3, 5), (1,))],
                         ids=["mean_hw", "mean_last", "max_01", "min"])
def test_reduce(klib, mode, shape, axes, dtype):
    rng = _rng(f"red{mode}{shape}{dtype.short}")
    b = GraphBuilder("red")
    qi = (0.05, -3) if dtype == I8 else None
    qo = ((0.05, -3) if mode != "ReduceMean" else (0.02, 5)) if dtype == I8 else None
    x = b.input("x", dtype, shape, quant=qi)
    a = b.const("axes", np.array(axes, dtype=np.int32))
    out_shape = tuple(1 if d in axes else s for d, s in enumerate(shape))
    y = b.node("ReduceFusion", [x, a], [("y", dtype, out_shape, qo)], keep_dims=True, mode=mode)
    check_node(klib, b.build([y]), [_rand_i8(rng, shape) if dtype == I8 else _rand_f32(rng, shape)])


def test_scratch_formulas_match_c(klib):
    """Python scratch_bytes == the C *_scratch_size() of the called kernel, for every kernel with one."""
    covered = set()
    cases = [("int8", I8, "3x3_s2_same", {}), ("fp32", F32, "kws_10x4_s2", {}), ("int8_1x1", I8, "1x1", {}),
             ("fp32_dw", F32, "dw_mult2", {}), ("hyb", F32, "5x5_valid_b2", dict(hybrid=True, per_tensor=True)),
             ("hyb_g", F32, "group2", dict(hybrid=True))]
    for cid, dtype, base_id, opts in cases:
        geo = next(c for c in CONV_CASES if c[0] == base_id)[2:]
        g, _ = _conv_graph(_rng(cid), dtype, *geo, **opts)
        g = roundtrip(g)
        plan = ops.prepare(g, 0)
        assert klib.c_scratch_size(g, 0, plan) == plan.scratch_bytes == conv_ops.scratch_bytes(
            plan.params, "hybrid" if opts.get("hybrid") else dtype.short.replace("float32", "fp32"))
        covered.add(plan.kernel)
    b = GraphBuilder("fc")
    x = b.input("x", F32, (2, 37))
    w = b.const("w", np.ones((5, 37), np.int8), quant=(0.01, 0))
    y = b.node("FullConnection", [x, w], [("y", F32, (2, 5))], has_bias=False)
    g = roundtrip(b.build([y]))
    plan = ops.prepare(g, 0)
    assert klib.c_scratch_size(g, 0, plan) == plan.scratch_bytes == 37
    covered.add(plan.kernel)
    # (the other families' kernels: c_harness.check_node compares the two on every call)
    declared = {m for h in NNACL.rglob("*.h") if h.stem.startswith(("conv", "fullconnection"))
                for m in re.findall(r"size_t (\w+)_scratch_size\(", h.read_text())}
    assert declared <= covered, f"scratch functions without a test: {sorted(declared - covered)}"


@pytest.mark.parametrize("op", ["Reshape", "Flatten", "Squeeze", "ExpandDims"])
def test_shape_ops_alias(op):
    b = GraphBuilder("r")
    x = b.input("x", I8, (1, 1, 1, 64), quant=(0.1, 0))
    ins = [x, b.const("s", np.array([1, 64], np.int32))] if op == "Reshape" else [x]
    y = b.node(op, ins, [("y", I8, (1, 64), (0.1, 0))])
    plan = ops.prepare(roundtrip(b.build([y])), 0)
    assert plan.always_alias and plan.inplace == 0 and plan.kernel == "" and plan.scratch_bytes == 0


def test_unsupported_reasons():
    """check() reports the rule broken instead of generating wrong code."""
    b = GraphBuilder("u")
    x = b.input("x", I8, (1, 4, 4, 3), quant=(0.05, 0))
    y = b.node("AvgPoolFusion", [x], [("y", I8, (1, 2, 2, 3), (0.1, 0))], kernel_size=(2, 2), strides=(2, 2),
               pad_mode="VALID", format="NHWC")
    g = roundtrip(b.build([y]))
    assert "equal input/output quantization" in ops.REGISTRY["AvgPoolFusion"].check(g, 0)
    b = GraphBuilder("u2")
    x = b.input("x", I8, (1, 12), quant=(0.1, 0))
    y = b.node("Softmax", [x], [("y", I8, (1, 12), (0.1, 0))], axis=(-1,))
    with pytest.raises(Exception, match=r"Softmax 'Softmax_0' \(node 0\): int8 softmax output must be"):
        ops.prepare(roundtrip(b.build([y])), 0)


# ---------------------------------------------------------------- cross-compilation

@pytest.mark.arm_cc
def test_kernels_compile_for_cortex_m4(tmp_path):
    cc = require_tool("arm-none-eabi-gcc")

    def build(src):
        obj = tmp_path / ("_".join(src.relative_to(NNACL).with_suffix(".o").parts))
        r = subprocess.run([cc, *ARM_FLAGS, "-I", str(NNACL), "-c", str(src), "-o", str(obj)],
                           capture_output=True, text=True)
        return src, r

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(build, kernel_sources()))
    failures = [f"{s.relative_to(NNACL)}:\n{r.stderr}" for s, r in results if r.returncode]
    assert not failures, "\n".join(failures)


@pytest.mark.arm_cc
@pytest.mark.qemu
def test_simd32_int8_paths_on_cortex_m4(tmp_path):
    """The SMLAD dot products (Arm only) equal naive scalar loops, run on an emulated Cortex-M4F."""
    require_tool("arm-none-eabi-gcc")
    qemu = require_tool("qemu-system-arm")
    elf = build_arm_selftest(tmp_path)
    r = subprocess.run([qemu, "-M", "mps2-an386", "-nographic", "-semihosting-config", "enable=on,target=native",
                        "-kernel", str(elf)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"SIMD32 self-test failed (exit {r.returncode}): {r.stdout} {r.stderr}"


def test_every_header_is_self_contained(tmp_path):
    """Each public header compiles on its own (includes what it uses)."""
    headers = sorted(p for p in NNACL.rglob("*.h"))
    src = tmp_path / "all_headers.c"
    src.write_text("".join(f'#include "{h.relative_to(NNACL).as_posix()}"\n' for h in headers) +
                   "int headers_ok(void);\nint headers_ok(void) { return 0; }\n")
    r = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wstrict-prototypes",
                        "-Wmissing-prototypes", "-I", str(NNACL), "-c", str(src), "-o", str(tmp_path / "h.o")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for h in headers:
        one = tmp_path / "one.c"
        one.write_text(f'#include "{h.relative_to(NNACL).as_posix()}"\n')
        r = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", str(NNACL), "-fsyntax-only",
                            str(one)], capture_output=True, text=True)
        assert r.returncode == 0, f"{h.name}: {r.stderr}"
