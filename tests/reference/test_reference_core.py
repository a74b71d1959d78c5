"""Core reference kernels on one-op models built in code (GraphBuilder + .ms round trip).

Kernels: numerics.py, conv, fullconnection, pooling, arithmetic, softmax, reshape,
reduce. Expectations are hand-computed on small tensors, independent naive numpy
loops on seeded random data, properties between ops, and a few "golden" vectors that
were produced by the TFLite reference kernels (LiteRT 2.3.0, BUILTIN_REF op resolver) on
one-op .tflite models — those pin the rounding choices (double vs single rounding, the
fixed-point softmax, the int8 mean) that hand-written expectations cannot tell apart.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from micro_codegen import numerics
from micro_codegen.reference import run
from micro_codegen.reference.softmax import exp_on_negative_values
from one_op import C, Q, run1  # noqa: F401

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def conv_attrs(kh, kw, stride=(1, 1), dilation=(1, 1), pad_mode="VALID", pad_list=(0, 0, 0, 0), group=1,
               cin=1, cout=1, act="NO_ACTIVATION"):
    return dict(kernel_size=(kh, kw), stride=tuple(stride), dilation=tuple(dilation), pad_mode=pad_mode,
                pad_list=tuple(pad_list), group=group, in_channel=cin, out_channel=cout, activation_type=act,
                format="NHWC")


def out_hw(n, k, s, d, mode, pads=(0, 0)):
    ke = (k - 1) * d + 1
    if mode == "SAME":
        o = -(-n // s)
        total = max((o - 1) * s + ke - n, 0)
        return o, total // 2
    if mode == "VALID":
        return (n - ke) // s + 1, 0
    return (n + pads[0] + pads[1] - ke) // s + 1, pads[0]


def naive_conv(x, w, b, stride, dilation, mode, pad_list, groups):
    """Independent 7-loop convolution in float64 (or exact int64): x NHWC, w OHWI."""
    n, h, wd, cin = x.shape
    cout, kh, kw, cg = w.shape
    og = cout // groups
    oh, pt = out_hw(h, kh, stride[0], dilation[0], mode, pad_list[0:2])
    ow, pl = out_hw(wd, kw, stride[1], dilation[1], mode, pad_list[2:4])
    acc_t = np.int64 if np.issubdtype(x.dtype, np.integer) else np.float64
    y = np.zeros((n, oh, ow, cout), dtype=acc_t)
    for bi in range(n):
        for oy in range(oh):
            for ox in range(ow):
                for o in range(cout):
                    g = o // og
                    s = acc_t(0)
                    for ky in range(kh):
                        iy = oy * stride[0] - pt + ky * dilation[0]
                        if not 0 <= iy < h:
                            continue
                        for kx in range(kw):
                            ix = ox * stride[1] - pl + kx * dilation[1]
                            if not 0 <= ix < wd:
                                continue
                            for c in range(cg):
                                s += acc_t(x[bi, iy, ix, g * cg + c]) * acc_t(w[o, ky, kx, c])
                    y[bi, oy, ox, o] = s + (b[o] if b is not None else 0)
    return y


# ====================================================================== numerics.py

@pytest.mark.parametrize("real,expected", [
    (0.5, (1 << 30, 0)),
    (1.0, (1 << 30, 1)),
    (0.25, (1 << 30, -1)),
    (0.75, (3 << 29, 0)),
    (0.0, (0, 0)),
    (1e-12, (0, 0)),                          # shift < -31: flushed to zero
    (1.0 - 2.0 ** -40, (1 << 30, 1)),         # q*2**31 rounds to 2**31: halved, shift+1
    (2.0 ** 40, ((1 << 31) - 1, 30)),         # shift > 30: saturated
])
def test_quantize_multiplier_table(real, expected):
    assert numerics.quantize_multiplier(real) == expected


def test_quantize_multiplier_accuracy():
    rng = np.random.default_rng(0)
    for real in 10 ** rng.uniform(-8, 3, 200):
        m, s = numerics.quantize_multiplier(real)
        assert (1 << 30) <= m < (1 << 31)
        assert abs(m * 2.0 ** (s - 31) - real) <= real * 2.0 ** -30


def _exact_single(x, m, s):
    v = Fraction(x * m, 2 ** (31 - s))
    return math.floor(v + Fraction(1, 2))


def _half_away(v: Fraction) -> int:
    return int(math.copysign(math.floor(abs(v) + Fraction(1, 2)), v))


def _exact_double(x, m, s):
    left, right = max(s, 0), max(-s, 0)
    hi = math.floor(Fraction(x * (1 << left) * m, 2 ** 31) + Fraction(1, 2))    # SRDHM: ties up
    return _half_away(Fraction(hi, 2 ** right))                                 # RDBPOT: ties away


def test_mbqm_matches_exact_rational_rounding():
    rng = np.random.default_rng(1)
    xs = np.concatenate([rng.integers(-(1 << 20), 1 << 20, 300), np.arange(-40, 41)])
    for real in (0.375, 0.125, 0.0123, 1.7e-3, 3.0, 0.9999):
        m, s = numerics.quantize_multiplier(real)
        single = numerics.multiply_by_quantized_multiplier(xs, m, s, "single")
        double = numerics.multiply_by_quantized_multiplier(xs, m, s, "double")
        assert single.tolist() == [_exact_single(int(x), m, s) for x in xs]
        assert double.tolist() == [_exact_double(int(x), m, s) for x in xs]


@pytest.mark.parametrize("x,single,double", [
    (2, 1, 1),       # +0.5: both round up
    (-2, 0, -1),     # -0.5: single rounds towards +inf, double away from zero
    (6, 2, 2),       # +1.5
    (-6, -1, -2),    # -1.5
    (-5, -1, -1),    # -1.25: double: -2.5 -> -2 (ties up), then -1
    (5, 1, 2),       # +1.25: double: 2.5 -> 3 (ties up), then 1.5 -> 2
])
def test_mbqm_negative_ties(x, single, double):
    m, s = numerics.quantize_multiplier(0.25)
    assert int(numerics.multiply_by_quantized_multiplier(x, m, s, "single")) == single
    assert int(numerics.multiply_by_quantized_multiplier(x, m, s, "double")) == double


def test_mbqm_double_rounding_tie_created_by_first_rounding():
    # 11 * 0.125 = 1.375: single -> 1; double rounds 11*0.5 = 5.5 -> 6 first, then 6/4 = 1.5 -> 2
    m, s = numerics.quantize_multiplier(0.125)
    assert int(numerics.multiply_by_quantized_multiplier(11, m, s, "single")) == 1
    assert int(numerics.multiply_by_quantized_multiplier(11, m, s, "double")) == 2


def test_mbqm_per_channel_broadcast_and_default():
    x = np.array([[100, 100, 100], [-7, -7, -7]])
    pairs = [numerics.quantize_multiplier(r) for r in (0.5, 0.25, 0.125)]
    m = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    # -3.5 -> -3: with shift 0 only the SRDHM rounding applies (ties up)
    assert numerics.multiply_by_quantized_multiplier(x, m, s).tolist() == [[50, 25, 13], [-3, -2, -1]]
    assert numerics.ROUNDING == "double"


def test_srdhm_overflow_saturates():
    assert int(numerics.saturating_rounding_doubling_high_mul(numerics.INT32_MIN, numerics.INT32_MIN)) == numerics.INT32_MAX


def test_requantize_saturation_and_zero_point():
    m, s = numerics.quantize_multiplier(0.5)
    acc = np.array([10_000, -10_000, 3, -3, 0])
    out = numerics.requantize(acc, m, s, 5, -128, 127)
    assert out.dtype == np.int8
    assert out.tolist() == [127, -128, 7, 4, 5]      # 1.5 -> 2 and -1.5 -> -1 (shift 0: SRDHM, ties up)
    assert numerics.requantize(acc, m, s, 5, 0, 20).tolist() == [20, 0, 7, 4, 5]
    assert numerics.requantize(acc, m, s, 5, -128, 127, rounding="single").tolist() == [127, -128, 7, 4, 5]


@pytest.mark.parametrize("act,scale,zp,expected", [
    ("NO_ACTIVATION", 0.1, 5, (-128, 127)),
    ("RELU", 0.1, 5, (5, 127)),
    ("RELU", 0.1, -128, (-128, 127)),
    ("RELU6", 6 / 255, -128, (-128, 127)),
    ("RELU6", 0.1, 0, (0, 60)),
    ("RELU6", 0.04, -10, (-10, 127)),         # 6/0.04 = 150 -> clipped to the dtype
    ("RELU1", 0.01, 3, (-97, 103)),
])
def test_activation_range(act, scale, zp, expected):
    assert numerics.activation_range(act, scale, zp, np.int8) == expected


def test_activation_range_and_float_activation_reject_unknown():
    with pytest.raises(ValueError):
        numerics.activation_range("SIGMOID", 0.1, 0, np.int8)
    with pytest.raises(ValueError):
        numerics.float_activation(np.zeros(2, np.float32), "TANH")


def test_float_activation():
    x = np.array([-2.0, -0.5, 0.5, 7.0], np.float32)
    assert numerics.float_activation(x, "NO_ACTIVATION").tolist() == x.tolist()
    assert numerics.float_activation(x, "RELU").tolist() == [0, 0, 0.5, 7]
    assert numerics.float_activation(x, "RELU6").tolist() == [0, 0, 0.5, 6]
    assert numerics.float_activation(x, "RELU1").tolist() == [-1, -0.5, 0.5, 1]


# ====================================================================== Conv2DFusion

def test_conv_hand_2x2_valid_with_bias():
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    w = np.array([[1, 0], [0, 1]], np.float32).reshape(1, 2, 2, 1)
    y, = run1("Conv2DFusion", [x, C(w), C(np.array([1], np.float32))], [(F32, (1, 2, 2, 1))],
              **conv_attrs(2, 2))
    assert y.reshape(2, 2).tolist() == [[7, 9], [13, 15]]


def test_conv_hand_same_padding():
    x = np.array([[1, 2], [3, 4]], np.float32).reshape(1, 2, 2, 1)
    w = np.ones((1, 3, 3, 1), np.float32)
    y, = run1("Conv2DFusion", [x, C(w)], [(F32, (1, 2, 2, 1))], **conv_attrs(3, 3, pad_mode="SAME"))
    assert y.reshape(-1).tolist() == [10, 10, 10, 10]


def test_conv_same_padding_odd_total_goes_after():
    # 4 wide, k=2, s=1: total pad 1 -> 0 before, 1 after (TFLite rule)
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 4, 1)
    w = np.array([1, 10], np.float32).reshape(1, 1, 2, 1)
    y, = run1("Conv2DFusion", [x, C(w)], [(F32, (1, 1, 4, 1))], **conv_attrs(1, 2, pad_mode="SAME"))
    assert y.reshape(-1).tolist() == [21, 32, 43, 4]


CONV_CASES = [
    # (n, h, w, cin, cout, k, stride, dilation, mode, pads, groups, act)
    (1, 5, 5, 3, 4, (3, 3), (1, 1), (1, 1), "SAME", (0, 0, 0, 0), 1, "NO_ACTIVATION"),
    (2, 7, 6, 2, 3, (3, 2), (2, 2), (1, 1), "VALID", (0, 0, 0, 0), 1, "RELU"),
    (1, 6, 6, 4, 4, (3, 3), (1, 1), (2, 2), "SAME", (0, 0, 0, 0), 4, "RELU6"),        # depthwise, dilated
    (1, 5, 7, 3, 6, (3, 3), (2, 1), (1, 1), "SAME", (0, 0, 0, 0), 3, "NO_ACTIVATION"),  # depth multiplier 2
    (1, 6, 5, 4, 6, (2, 3), (1, 2), (1, 1), "PAD", (1, 2, 0, 1), 2, "RELU1"),         # grouped, explicit pads
    (1, 4, 4, 8, 5, (1, 1), (1, 1), (1, 1), "VALID", (0, 0, 0, 0), 1, "NO_ACTIVATION"),  # 1x1
    (1, 9, 3, 1, 2, (4, 2), (3, 1), (2, 1), "PAD", (2, 0, 1, 1), 1, "RELU"),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=[f"conv{i}" for i in range(len(CONV_CASES))])
def test_conv_fp32_matches_naive(case):
    n, h, w_, cin, cout, (kh, kw), st, dl, mode, pads, groups, act = case
    rng = np.random.default_rng(hash(case) & 0xFFFF)
    x = rng.normal(0, 1, (n, h, w_, cin)).astype(np.float32)
    w = rng.normal(0, 1, (cout, kh, kw, cin // groups)).astype(np.float32)
    b = rng.normal(0, 1, cout).astype(np.float32)
    ref = naive_conv(x, w, b, st, dl, mode, pads, groups)
    ref = numerics.float_activation(ref, act)
    y, = run1("Conv2DFusion", [x, C(w), C(b)], [(F32, ref.shape)],
              **conv_attrs(kh, kw, st, dl, mode, pads, groups, cin, cout, act))
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CONV_CASES, ids=[f"conv{i}" for i in range(len(CONV_CASES))])
def test_conv_int8_matches_naive(case):
    n, h, w_, cin, cout, (kh, kw), st, dl, mode, pads, groups, act = case
    rng = np.random.default_rng(hash(case) & 0xFFFF)
    xq, yq = (0.05, -7), (0.09, 3)
    ws = rng.uniform(0.002, 0.02, cout)
    x = rng.integers(-128, 128, (n, h, w_, cin), dtype=np.int8)
    w = rng.integers(-127, 128, (cout, kh, kw, cin // groups), dtype=np.int8)
    b = rng.integers(-2000, 2000, cout).astype(np.int32)
    acc = naive_conv(x.astype(np.int64) - xq[1], w.astype(np.int64), b, st, dl, mode, pads, groups)
    m, s = numerics.quantize_multipliers([xq[0] * v / yq[0] for v in ws])
    lo, hi = numerics.activation_range(act, *yq, np.int8)
    ref = numerics.requantize(acc, m, s, yq[1], lo, hi, np.int8, "double")
    y, = run1("Conv2DFusion", [Q(x, xq), C(w, (ws, [0] * cout)), C(b, (xq[0] * ws, [0] * cout))],
              [(I8, ref.shape, yq)], **conv_attrs(kh, kw, st, dl, mode, pads, groups, cin, cout, act))
    assert y.dtype == np.int8
    np.testing.assert_array_equal(y, ref)


def test_conv_int8_hand_rounding_and_saturation():
    # 1x1 conv, scales 1 -> M = 1/4 with double rounding (values checked against TFLite):
    # 0.5->1, -0.5->-1, 1.5->2, -1.5->-2, and 1.25->2, 31.25->32 (rounded up twice)
    x = np.array([2, -2, 6, -6, 5, 125], np.int8).reshape(1, 1, 6, 1)
    w = np.array([1], np.int8).reshape(1, 1, 1, 1)
    y, = run1("Conv2DFusion", [Q(x, (1.0, 0)), C(w, (1.0, 0)), C(np.array([0], np.int32), (1.0, 0))],
              [(I8, (1, 1, 6, 1), (4.0, 0))], **conv_attrs(1, 1))
    assert y.reshape(-1).tolist() == [1, -1, 2, -2, 2, 32]
    x2 = np.array([127, -128], np.int8).reshape(1, 1, 2, 1)
    y2, = run1("Conv2DFusion", [Q(x2, (1.0, 0)), C(np.array([127], np.int8).reshape(1, 1, 1, 1), (1.0, 0))],
               [(I8, (1, 1, 2, 1), (1.0, 0))], **conv_attrs(1, 1))
    assert y2.reshape(-1).tolist() == [127, -128]


# golden: TFLite reference CONV_2D (LiteRT BUILTIN_REF); single rounding differs on it
GOLD_CONV_X = [[[[20, 110], [-26, 122], [-9, 26], [-36, -76]], [[85, 82], [-119, 53], [80, 21], [-20, -92]],
                [[64, 120], [-82, -87], [84, 69], [16, -118]], [[78, 93], [102, 96], [101, -54], [120, -82]]]]
GOLD_CONV_W = [[[[62, 122], [-15, -87], [122, 53]], [[-41, -11], [-69, -111], [98, -42]],
                [[-12, -55], [-54, -62], [-53, 75]]],
               [[[-20, -38], [-89, 79], [-127, -43]], [[126, 117], [-35, -29], [19, -121]],
                [[-59, 35], [-77, -2], [48, -99]]],
               [[[-10, 85], [3, 12], [71, -12]], [[-3, -81], [-66, -33], [88, 12]],
                [[-25, -28], [-63, 65], [-64, -3]]]]
GOLD_CONV_Y = [[[[-128, -128, 32], [-128, 127, -128], [-128, 127, -128], [127, 83, -85]],
                [[-128, -128, -128], [127, 127, 92], [-113, 127, -5], [127, 127, -128]],
                [[-128, 69, -128], [127, 127, 127], [-128, -128, -128], [127, -82, -128]],
                [[-128, 45, -12], [127, 82, 79], [-128, 127, -102], [127, -128, 45]]]]


def test_conv_int8_golden_tflite():
    ws = [0.004, 0.01, 0.007]
    y, = run1("Conv2DFusion", [Q(np.array(GOLD_CONV_X, np.int8), (0.05, -3)),
                               C(np.array(GOLD_CONV_W, np.int8), (ws, [0, 0, 0])),
                               C(np.array([100, -200, 50], np.int32), ([0.05 * v for v in ws], [0, 0, 0]))],
              [(I8, (1, 4, 4, 3), (0.02, 5))], **conv_attrs(3, 3, pad_mode="SAME", cin=2, cout=3))
    np.testing.assert_array_equal(y, np.array(GOLD_CONV_Y))


@pytest.mark.parametrize("dtype", ["fp32", "int8"])
def test_depthwise_equals_loop_of_single_channel_convs(dtype):
    rng = np.random.default_rng(5)
    cin, mult = 3, 2
    cout = cin * mult
    if dtype == "fp32":
        x = rng.normal(0, 1, (1, 6, 5, cin)).astype(np.float32)
        w = rng.normal(0, 1, (cout, 3, 3, 1)).astype(np.float32)
        b = rng.normal(0, 1, cout).astype(np.float32)
        xin, wq, bq, yq, dt = x, None, None, None, F32
    else:
        x = rng.integers(-128, 128, (1, 6, 5, cin), dtype=np.int8)
        w = rng.integers(-127, 128, (cout, 3, 3, 1), dtype=np.int8)
        b = rng.integers(-500, 500, cout).astype(np.int32)
        ws = rng.uniform(0.005, 0.02, cout)
        xin, wq, bq, yq, dt = Q(x, (0.04, 2)), (ws, [0] * cout), (0.04 * ws, [0] * cout), (0.05, -4), I8
    attrs = conv_attrs(3, 3, (2, 1), (1, 1), "SAME", group=cin, cin=cin, cout=cout, act="RELU")
    y, = run1("Conv2DFusion", [xin, C(w, wq), C(b, bq)], [(dt, (1, 3, 5, cout)) + ((yq,) if yq else ())], **attrs)
    parts = []
    for o in range(cout):                              # channel o reads input channel o // mult
        c = o // mult
        xs = x[..., c:c + 1]
        xin_c = xs if dtype == "fp32" else Q(xs, (0.04, 2))
        wq_c = None if dtype == "fp32" else ([ws[o]], [0])
        bq_c = None if dtype == "fp32" else ([0.04 * ws[o]], [0])
        yc, = run1("Conv2DFusion", [xin_c, C(w[o:o + 1], wq_c), C(b[o:o + 1], bq_c)],
                   [(dt, (1, 3, 5, 1)) + ((yq,) if yq else ())],
                   **conv_attrs(3, 3, (2, 1), (1, 1), "SAME", cin=1, cout=1, act="RELU"))
        parts.append(yc)
    np.testing.assert_array_equal(y, np.concatenate(parts, axis=-1))


def test_grouped_conv_equals_per_group_convs():
    rng = np.random.default_rng(6)
    groups, cg, og = 3, 2, 2
    x = rng.normal(0, 1, (1, 5, 5, groups * cg)).astype(np.float32)
    w = rng.normal(0, 1, (groups * og, 3, 3, cg)).astype(np.float32)
    y, = run1("Conv2DFusion", [x, C(w)], [(F32, (1, 5, 5, groups * og))],
              **conv_attrs(3, 3, pad_mode="SAME", group=groups, cin=groups * cg, cout=groups * og))
    parts = [run1("Conv2DFusion", [x[..., g * cg:(g + 1) * cg], C(w[g * og:(g + 1) * og])], [(F32, (1, 5, 5, og))],
                  **conv_attrs(3, 3, pad_mode="SAME", cin=cg, cout=og))[0] for g in range(groups)]
    np.testing.assert_array_equal(y, np.concatenate(parts, axis=-1))


def test_conv1x1_equals_fullconnection():
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, (1, 4, 3, 6)).astype(np.float32)
    w = rng.normal(0, 1, (5, 6)).astype(np.float32)
    b = rng.normal(0, 1, 5).astype(np.float32)
    yc, = run1("Conv2DFusion", [x, C(w.reshape(5, 1, 1, 6)), C(b)], [(F32, (1, 4, 3, 5))],
               **conv_attrs(1, 1, cin=6, cout=5, act="RELU"))
    yf, = run1("FullConnection", [x.reshape(12, 6), C(w), C(b)], [(F32, (12, 5))], has_bias=True,
               activation_type="RELU")
    np.testing.assert_array_equal(yc.reshape(12, 5), yf)          # same float32 summation order


def test_conv1x1_int8_vs_fullconnection_differ_only_by_rounding():
    rng = np.random.default_rng(8)
    x = rng.integers(-128, 128, (1, 8, 8, 16), dtype=np.int8)
    w = rng.integers(-127, 128, (8, 16), dtype=np.int8)
    q = dict(xq=(0.3, 1), wq=(0.1, 0), yq=(0.25, -2))          # M = 0.12: frequent ties
    yc, = run1("Conv2DFusion", [Q(x, q["xq"]), C(w.reshape(8, 1, 1, 16), q["wq"])], [(I8, (1, 8, 8, 8), q["yq"])],
               **conv_attrs(1, 1, cin=16, cout=8))
    yf, = run1("FullConnection", [Q(x.reshape(64, 16), q["xq"]), C(w, q["wq"])], [(I8, (64, 8), q["yq"])],
               has_bias=False)
    d = np.abs(yc.reshape(64, 8).astype(int) - yf.astype(int))
    assert d.max() <= 1                      # conv: double rounding, FC: single rounding


def test_hybrid_conv_per_tensor_formula():
    rng = np.random.default_rng(9)
    x = rng.normal(0, 2, (2, 4, 4, 3)).astype(np.float32)
    x[1] = 0.0                                            # all-zero batch item: output = bias
    w = rng.integers(-127, 128, (2, 3, 3, 3), dtype=np.int8)
    b = np.array([0.5, -1.0], np.float32)
    y, = run1("Conv2DFusion", [x, C(w, (0.02, 0)), C(b)], [(F32, (2, 4, 4, 2))],
              **conv_attrs(3, 3, pad_mode="SAME", cin=3, cout=2))
    r = np.abs(x[0]).max()
    qx = np.clip(numerics.round_half_away(x[0] * (np.float32(127) / r)), -127, 127)
    acc = naive_conv(qx[None].astype(np.int64), w.astype(np.int64), None, (1, 1), (1, 1), "SAME", (0,) * 4, 1)
    ref = acc.astype(np.float32) * np.float32(np.float32(r / np.float32(127)) * np.float32(0.02)) + b
    np.testing.assert_allclose(y[0:1], ref, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(y[1], np.broadcast_to(b, (4, 4, 2)))
    # and it is close to (but not the same as) dequantized-weight float conv
    fl = naive_conv(x[0:1], w.astype(np.float64) * 0.02, b, (1, 1), (1, 1), "SAME", (0,) * 4, 1)
    assert np.abs(y[0:1] - fl).max() < 0.02 * np.abs(fl).max()


def test_hybrid_conv_per_channel_close_to_float():
    rng = np.random.default_rng(10)
    x = rng.normal(0.5, 2, (1, 5, 5, 2)).astype(np.float32)
    w = rng.integers(-127, 128, (3, 3, 3, 2), dtype=np.int8)
    ws = np.array([0.01, 0.02, 0.005])
    y, = run1("Conv2DFusion", [x, C(w, (ws, [0, 0, 0]))], [(F32, (1, 5, 5, 3))],
              **conv_attrs(3, 3, pad_mode="SAME", cin=2, cout=3))
    fl = naive_conv(x, w.astype(np.float64) * ws.reshape(3, 1, 1, 1), None, (1, 1), (1, 1), "SAME", (0,) * 4, 1)
    assert 0 < np.abs(y - fl).max() < 0.15


@pytest.mark.parametrize("what", ["not4d", "activation", "group", "kernel_size", "pad_mode", "dtype", "format"])
def test_conv_unsupported(what):
    x = np.zeros((1, 4, 4, 2), np.float32)
    w = np.zeros((2, 3, 3, 2), np.float32)
    attrs = conv_attrs(3, 3, pad_mode="SAME", cin=2, cout=2)
    out = [(F32, (1, 4, 4, 2))]
    if what == "not4d":
        x, out = np.zeros((4, 4, 2), np.float32), [(F32, (4, 4, 2))]
    elif what == "activation":
        attrs["activation_type"] = "SIGMOID"
    elif what == "group":
        attrs["group"] = 2
    elif what == "kernel_size":
        attrs["kernel_size"] = (2, 2)
    elif what == "pad_mode":
        attrs["pad_mode"] = "PAD"
        attrs["pad_list"] = (1, 1)
    elif what == "dtype":
        x = np.zeros((1, 4, 4, 2), np.int8)
        out = [(I8, (1, 4, 4, 2), (1.0, 0))]
        x = Q(x, (1.0, 0))
    elif what == "format":
        attrs["format"] = "NCHW"
    with pytest.raises(UnsupportedOpError):
        run1("Conv2DFusion", [x, C(w)], out, **attrs)


# ====================================================================== FullConnection

def test_fc_hand():
    x = np.array([[1, 2, 3], [-1, 0, 1]], np.float32)
    w = np.array([[1, 0, 0], [1, 1, 1]], np.float32)
    y, = run1("FullConnection", [x, C(w), C(np.array([0.5, -1], np.float32))], [(F32, (2, 2))],
              has_bias=True, activation_type="NO_ACTIVATION")
    assert y.tolist() == [[1.5, 5], [-0.5, -1]]


def test_fc_flatten_and_use_axis():
    rng = np.random.default_rng(11)
    x = rng.normal(0, 1, (2, 3, 4)).astype(np.float32)
    w = rng.normal(0, 1, (5, 4)).astype(np.float32)
    y, = run1("FullConnection", [x, C(w)], [(F32, (6, 5))], has_bias=False)
    np.testing.assert_allclose(y, x.reshape(6, 4) @ w.T, rtol=1e-5, atol=1e-5)
    w2 = rng.normal(0, 1, (5, 12)).astype(np.float32)
    y2, = run1("FullConnection", [x, C(w2)], [(F32, (2, 5))], has_bias=False, use_axis=True, axis=1)
    np.testing.assert_allclose(y2, x.reshape(2, 12) @ w2.T, rtol=1e-5, atol=1e-5)
    with pytest.raises(UnsupportedOpError):
        run1("FullConnection", [x, C(w2)], [(F32, (2, 5))], has_bias=False, use_axis=True, axis=2)


def test_fc_int8_single_rounding_hand():
    # M = 0.25*0.5/1 = 0.125; acc 11 -> 1.375 -> 1 (single); double rounding would give 2
    x = np.array([[13, -14, -2]], np.int8)                     # x - zp = [11, -16, -4]
    w = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], np.int8)
    y, = run1("FullConnection", [Q(x, (0.25, 2)), C(w, (0.5, 0))], [(I8, (1, 3), (1.0, -1))], has_bias=False)
    assert y.tolist() == [[0, -3, -1]]                       # 1-1, -2-1, round(-0.5)=0 -> -1


GOLD_FC_X = [[3, -3, 1, 3, -1, 1], [-5, -2, -3, -4, 6, -5]]
GOLD_FC_W = [[2, -4, -4, 6, 6, 4], [-3, -7, 4, -4, 2, 0], [0, -2, 3, -6, 3, -8], [-4, 5, -7, 7, 4, -8]]
GOLD_FC_Y = [[0, 1, -1, -4], [-3, 6, 12, 8]]


def test_fc_int8_golden_tflite():
    y, = run1("FullConnection", [Q(np.array(GOLD_FC_X, np.int8), (0.25, 2)), C(np.array(GOLD_FC_W, np.int8), (0.5, 0)),
                                 C(np.array([1, -2, 3, -5], np.int32), (0.125, 0))],
              [(I8, (2, 4), (1.0, -1))], has_bias=True, activation_type="NO_ACTIVATION")
    assert y.tolist() == GOLD_FC_Y


def test_fc_int8_matches_float_within_one_lsb_and_activation():
    rng = np.random.default_rng(12)
    x = rng.integers(-128, 128, (3, 20), dtype=np.int8)
    w = rng.integers(-127, 128, (7, 20), dtype=np.int8)
    b = rng.integers(-1000, 1000, 7).astype(np.int32)
    xq, wq, yq = (0.02, 5), (0.01, 0), (0.05, -10)
    y, = run1("FullConnection", [Q(x, xq), C(w, wq), C(b, (2e-4, 0))], [(I8, (3, 7), yq)], has_bias=True,
              activation_type="RELU6")
    real = ((x.astype(np.float64) - 5) * 0.02) @ (w.astype(np.float64) * 0.01).T + b * 2e-4
    ideal = np.clip(np.round(np.clip(real, 0, 6) / 0.05) - 10, -128, 127)
    assert np.abs(y - ideal).max() <= 1
    assert y.min() >= -10


def test_fc_unsupported():
    with pytest.raises(UnsupportedOpError):
        run1("FullConnection", [np.zeros((1, 5), np.float32), C(np.zeros((2, 4), np.float32))], [(F32, (1, 2))],
             has_bias=False)
    with pytest.raises(UnsupportedOpError):
        run1("FullConnection", [np.zeros((1, 4), np.float32), C(np.zeros((2, 4), np.float32))], [(F32, (1, 2))],
             has_bias=False, activation_type="TANH")


# ====================================================================== pooling

def pool_attrs(k, s, mode="VALID", pad=(0, 0, 0, 0), round_mode="FLOOR", glob=False, act="NO_ACTIVATION"):
    return dict(kernel_size=tuple(k), strides=tuple(s), pad=tuple(pad), pad_mode=mode, round_mode=round_mode,
                format="NHWC", activation_type=act, **{"global": glob})


def test_avgpool_hand_and_same_excludes_padding():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    y, = run1("AvgPoolFusion", [x], [(F32, (1, 2, 2, 1))], **pool_attrs((2, 2), (2, 2)))
    assert y.reshape(-1).tolist() == [2.5, 4.5, 10.5, 12.5]
    x3 = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    y3, = run1("AvgPoolFusion", [x3], [(F32, (1, 3, 3, 1))], **pool_attrs((3, 3), (1, 1), "SAME"))
    assert y3[0, 0, 0, 0] == pytest.approx((1 + 2 + 4 + 5) / 4)
    assert y3[0, 1, 1, 0] == pytest.approx(5.0)


def test_avgpool_int8_rounding_half_away():
    # windows of 4 values (2x2) with sums 6, -6, 5, -5, 2, -2
    vals = [[1, 2, 1, 2], [-1, -2, -1, -2], [1, 1, 1, 2], [-1, -1, -1, -2], [0, 1, 0, 1], [0, -1, 0, -1]]
    x = np.zeros((1, 2, 12, 1), np.int8)
    for i, v in enumerate(vals):
        x[0, 0, 2 * i:2 * i + 2, 0] = v[:2]
        x[0, 1, 2 * i:2 * i + 2, 0] = v[2:]
    y, = run1("AvgPoolFusion", [Q(x, (0.1, 0))], [(I8, (1, 1, 6, 1), (0.1, 0))], **pool_attrs((2, 2), (2, 2)))
    assert y.reshape(-1).tolist() == [2, -2, 1, -1, 1, -1]     # 1.5->2, -1.5->-2, 1.25->1, 0.5->1, -0.5->-1


def test_avgpool_int8_activation_clamps():
    x = np.full((1, 2, 2, 1), -50, np.int8)
    y, = run1("AvgPoolFusion", [Q(x, (0.1, -20))], [(I8, (1, 1, 1, 1), (0.1, -20))],
              **pool_attrs((2, 2), (2, 2), act="RELU"))
    assert y.reshape(-1).tolist() == [-20]


def test_maxpool_padding_and_ceil():
    x = -np.arange(1, 26, dtype=np.float32).reshape(1, 5, 5, 1)       # all negative: padding must not win
    y, = run1("MaxPoolFusion", [x], [(F32, (1, 3, 3, 1))], **pool_attrs((2, 2), (2, 2), "VALID", round_mode="CEIL"))
    assert y.reshape(3, 3).tolist() == [[-1, -3, -5], [-11, -13, -15], [-21, -23, -25]]
    y2, = run1("MaxPoolFusion", [x], [(F32, (1, 3, 3, 1))], **pool_attrs((3, 3), (2, 2), "PAD", pad=(1, 1, 1, 1)))
    assert y2[0, 0, 0, 0] == -1 and y2[0, 2, 2, 0] == -19
    xi = np.array([-100, -90, 5, 127], np.int8).reshape(1, 2, 2, 1)
    yi, = run1("MaxPoolFusion", [Q(xi, (0.1, 0))], [(I8, (1, 1, 1, 1), (0.1, 0))],
               **pool_attrs((2, 2), (2, 2), act="RELU6"))
    assert yi.reshape(-1).tolist() == [60]


def test_avgpool_count_excludes_padding_explicit_pads():
    x = np.ones((1, 3, 3, 2), np.float32)
    y, = run1("AvgPoolFusion", [x], [(F32, (1, 2, 2, 2))], **pool_attrs((2, 2), (2, 2), "PAD", pad=(1, 0, 1, 0)))
    assert np.all(y == 1.0)


@pytest.mark.parametrize("dtype", ["fp32", "int8"])
def test_global_avgpool_equals_mean(dtype):
    rng = np.random.default_rng(13)
    if dtype == "fp32":
        x = rng.normal(0, 1, (2, 5, 3, 4)).astype(np.float32)
        xin, q, dt = x, (), F32
    else:
        x = rng.integers(-128, 128, (2, 5, 3, 4), dtype=np.int8)
        xin, q, dt = Q(x, (0.1, 3)), ((0.1, 3),), I8
    yp, = run1("AvgPoolFusion", [xin], [(dt, (2, 1, 1, 4)) + q], **pool_attrs((1, 1), (1, 1), glob=True))
    ym, = run1("ReduceFusion", [xin, C(np.array([1, 2], np.int32))], [(dt, (2, 1, 1, 4)) + q], keep_dims=True,
               mode="ReduceMean")
    if dtype == "fp32":
        np.testing.assert_array_equal(yp, ym)
    else:   # pool: rounded division of the raw sum; mean: zero point handled, multiplier-folded 1/n
        assert np.abs(yp.astype(int) - ym.astype(int)).max() <= 1
        np.testing.assert_allclose(yp, np.round(x.astype(np.float64).mean(axis=(1, 2), keepdims=True)), atol=0.51)


def test_pool_unsupported():
    x = np.zeros((1, 4, 4, 1), np.float32)
    with pytest.raises(UnsupportedOpError):
        run1("AvgPoolFusion", [x], [(F32, (1, 2, 2, 1))], **pool_attrs((2, 2), (2, 2), act="TANH"))
    with pytest.raises(UnsupportedOpError):
        run1("MaxPoolFusion", [np.zeros((4, 4, 1), np.float32)], [(F32, (2, 2, 1))], **pool_attrs((2, 2), (2, 2)))
    with pytest.raises(UnsupportedOpError):      # int8 pooling cannot requantize
        run1("AvgPoolFusion", [Q(np.zeros((1, 4, 4, 1), np.int8), (0.1, 0))], [(I8, (1, 2, 2, 1), (0.2, 0))],
             **pool_attrs((2, 2), (2, 2)))


# ====================================================================== element-wise arithmetic

ARITH_SHAPES = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((1, 3, 1), (2, 1, 5)), ((3, 1), ()), ((1,), (2, 2))]


@pytest.mark.parametrize("op,fn", [("AddFusion", np.add), ("SubFusion", np.subtract), ("MulFusion", np.multiply),
                                   ("DivFusion", np.divide), ("Maximum", np.maximum), ("Minimum", np.minimum)])
@pytest.mark.parametrize("shapes", ARITH_SHAPES)
def test_arith_fp32_broadcast(op, fn, shapes):
    rng = np.random.default_rng(14)
    a = rng.normal(0, 2, shapes[0]).astype(np.float32)
    b = (rng.uniform(0.5, 2, shapes[1]) * rng.choice([-1, 1], shapes[1])).astype(np.float32)
    shape = np.broadcast_shapes(a.shape, b.shape)
    attrs = {} if op in ("Maximum", "Minimum") else {"activation_type": "NO_ACTIVATION"}
    y, = run1(op, [a, C(b)], [(F32, shape)], **attrs)
    np.testing.assert_array_equal(y, fn(a, b).astype(np.float32))


def test_arith_fp32_fused_activation():
    a = np.array([-3, -1, 2, 5], np.float32)
    y, = run1("AddFusion", [a, C(np.array([1, 1, 1, 2], np.float32))], [(F32, (4,))], activation_type="RELU6")
    assert y.tolist() == [0, 0, 3, 6]


def test_int8_add_sub_mul_hand():
    a = np.array([1, 100, -100, 3, -128], np.int8)
    b = np.array([2, 100, -100, 5, 127], np.int8)
    q = (1.0, 0)
    ya, = run1("AddFusion", [Q(a, q), Q(b, q)], [(I8, (5,), q)], activation_type="NO_ACTIVATION")
    assert ya.tolist() == [3, 127, -128, 8, -1]
    ys, = run1("SubFusion", [Q(a, q), Q(b, q)], [(I8, (5,), q)], activation_type="NO_ACTIVATION")
    assert ys.tolist() == [-1, 0, 0, -2, -128]
    ym, = run1("MulFusion", [Q(np.array([2, -2, 3, -3, 1], np.int8), q), Q(np.array([1, 1, 2, 2, 1], np.int8), q)],
               [(I8, (5,), (4.0, 0))], activation_type="NO_ACTIVATION")
    assert ym.tolist() == [1, -1, 2, -2, 1]          # 0.5->1, -0.5->-1, 1.5->2, -1.5->-2, 0.25->1 (!)


@pytest.mark.parametrize("op", ["AddFusion", "SubFusion", "MulFusion"])
@pytest.mark.parametrize("act", ["NO_ACTIVATION", "RELU", "RELU6"])
def test_int8_arith_close_to_float(op, act):
    rng = np.random.default_rng(15)
    a = rng.integers(-128, 128, (2, 3, 4), dtype=np.int8)
    b = rng.integers(-128, 128, (3, 1), dtype=np.int8)
    qa, qb, qy = (0.03, 4), (0.05, -6), ((0.08, 3) if op != "MulFusion" else (0.2, -1))
    y, = run1(op, [Q(a, qa), Q(b, qb)], [(I8, (2, 3, 4), qy)], activation_type=act)
    fa, fb = (a - 4.0) * 0.03, (b + 6.0) * 0.05
    real = {"AddFusion": fa + fb, "SubFusion": fa - fb, "MulFusion": fa * fb}[op]
    real = numerics.float_activation(real, act)
    lo, hi = numerics.activation_range(act, *qy, np.int8)
    ideal = np.clip(np.round(real / qy[0]) + qy[1], lo, hi)
    assert np.abs(y.astype(int) - ideal).max() <= 1


def test_int8_minmax_and_unsupported():
    a = np.array([1, -5, 7], np.int8)
    b = np.array([2, -6, 7], np.int8)
    q = (0.1, 1)
    assert run1("Maximum", [Q(a, q), Q(b, q)], [(I8, (3,), q)])[0].tolist() == [2, -5, 7]
    assert run1("Minimum", [Q(a, q), Q(b, q)], [(I8, (3,), q)])[0].tolist() == [1, -6, 7]
    with pytest.raises(UnsupportedOpError):
        run1("Maximum", [Q(a, q), Q(b, q)], [(I8, (3,), (0.2, 1))])
    with pytest.raises(UnsupportedOpError):
        run1("DivFusion", [Q(a, q), Q(b, q)], [(I8, (3,), q)], activation_type="NO_ACTIVATION")
    with pytest.raises(UnsupportedOpError):
        run1("AddFusion", [np.zeros((2, 3), np.float32), np.zeros((2, 2), np.float32)], [(F32, (2, 3))])


# ====================================================================== Softmax

@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_fp32(axis):
    rng = np.random.default_rng(16)
    x = rng.normal(0, 4, (3, 5, 2)).astype(np.float32)
    y, = run1("Softmax", [x], [(F32, x.shape)], axis=[axis])
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(axis=axis, keepdims=True), rtol=1e-6, atol=1e-7)


def test_exp_on_negative_values_accuracy():
    a = np.arange(-(31 << 26), 1, 1 << 18, dtype=np.int64)          # Q5.26 values in [-31, 0]
    got = exp_on_negative_values(a).astype(np.float64) / 2 ** 31
    np.testing.assert_allclose(got, np.exp(a / 2.0 ** 26), atol=5e-7)


def test_softmax_int8_uniform_and_close_to_float():
    y, = run1("Softmax", [Q(np.full((1, 4), 7, np.int8), (0.1, 0))], [(I8, (1, 4), (1 / 256, -128))], axis=[-1])
    assert y.tolist() == [[-64] * 4]
    rng = np.random.default_rng(17)
    x = rng.integers(-128, 128, (6, 12), dtype=np.int8)
    for scale in (0.02, 0.1, 0.4):
        y, = run1("Softmax", [Q(x, (scale, 3))], [(I8, x.shape, (1 / 256, -128))], axis=[-1])
        f = (x - 3.0) * scale
        e = np.exp(f - f.max(axis=1, keepdims=True))
        ideal = np.clip(np.round(e / e.sum(axis=1, keepdims=True) * 256) - 128, -128, 127)
        assert np.abs(y.astype(int) - ideal).max() <= 1


# golden: TFLite reference SOFTMAX int8 (LiteRT BUILTIN_REF), (input scale, zp), x, y
GOLD_SOFTMAX = [
    ((0.1, 3), [[104, 74, 84, -67, -42, -56, -125, 45, 89, 80], [35, -105, 36, 98, 93, -74, 97, -32, -47, -47]],
     [[42, -120, -105, -128, -128, -128, -128, -128, -90, -113], [-128, -128, -128, -26, -66, -128, -36, -128, -128, -128]]),
    ((1.7, -20), [[16, -65, -72, -49, 100, -69, 31, 104, -29, 79], [41, 76, -14, 37, -45, 106, 103, 98, 108, 126]],
     [[-128, -128, -128, -128, -128, -128, -128, 127, -128, -128],
      [-128, -128, -128, -128, -128, -128, -128, -128, -128, 127]]),
    ((0.03, -10), [[-7, -34, -50, -113, -102, 92, -78, 73], [-21, -13, -4, 34, 116, 26, -103, 13]],
     [[-120, -124, -126, -128, -128, 26, -127, -41], [-125, -124, -122, -111, 75, -114, -128, -119]]),
    ((0.5, 0), [[8, 8, 2, 5, 9, -1, -2, -6], [7, -2, 7, 3, 4, 2, -4, -4]],
     [[-63, -63, -125, -114, -21, -127, -128, -128], [-24, -127, -24, -114, -105, -119, -128, -128]]),
]


@pytest.mark.parametrize("q,x,expected", GOLD_SOFTMAX, ids=[str(g[0]) for g in GOLD_SOFTMAX])
def test_softmax_int8_golden_tflite(q, x, expected):
    x = np.array(x, np.int8)
    y, = run1("Softmax", [Q(x, q)], [(I8, x.shape, (1 / 256, -128))], axis=[-1])
    assert y.tolist() == expected


def test_softmax_int8_other_axis_and_unsupported():
    rng = np.random.default_rng(18)
    x = rng.integers(-128, 128, (4, 3), dtype=np.int8)
    y0, = run1("Softmax", [Q(x, (0.1, 0))], [(I8, x.shape, (1 / 256, -128))], axis=[0])
    y1, = run1("Softmax", [Q(np.ascontiguousarray(x.T), (0.1, 0))], [(I8, (3, 4), (1 / 256, -128))], axis=[-1])
    np.testing.assert_array_equal(y0, y1.T)
    with pytest.raises(UnsupportedOpError):
        run1("Softmax", [Q(x, (0.1, 0))], [(I8, x.shape, (1 / 128, -128))], axis=[-1])
    with pytest.raises(UnsupportedOpError):
        run1("Softmax", [x.astype(np.float32)], [(F32, x.shape)], axis=[0, 1])


# ====================================================================== shape ops

def test_reshape_family():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    y, = run1("Reshape", [x, C(np.array([4, -1], np.int32))], [(F32, (4, 6))])
    np.testing.assert_array_equal(y, x.reshape(4, 6))
    y, = run1("Flatten", [x], [(F32, (2, 12))], axis=1)
    np.testing.assert_array_equal(y, x.reshape(2, 12))
    y, = run1("Squeeze", [x.reshape(2, 1, 12, 1)], [(F32, (2, 12))], axis=[1, 3])
    np.testing.assert_array_equal(y, x.reshape(2, 12))
    y, = run1("Unsqueeze", [x], [(F32, (2, 1, 3, 4))], axis=[1])
    np.testing.assert_array_equal(y, x.reshape(2, 1, 3, 4))
    y, = run1("ExpandDims", [x, C(np.array([0], np.int32))], [(F32, (1, 2, 3, 4))])
    np.testing.assert_array_equal(y, x[None])
    xi = np.arange(-6, 6, dtype=np.int8).reshape(3, 4)
    y, = run1("Reshape", [Q(xi, (0.5, 1)), C(np.array([12], np.int32))], [(I8, (12,), (0.5, 1))])
    np.testing.assert_array_equal(y, xi.reshape(12))


def test_reshape_unsupported():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(UnsupportedOpError):
        run1("Reshape", [x, C(np.array([5], np.int32))], [(F32, (5,))])
    with pytest.raises(UnsupportedOpError):
        run1("Reshape", [Q(np.zeros(4, np.int8), (0.5, 0)), C(np.array([4], np.int32))], [(I8, (4,), (0.25, 0))])


# ====================================================================== ReduceFusion

@pytest.mark.parametrize("mode,fn", [
    ("ReduceMean", np.mean), ("ReduceSum", np.sum), ("ReduceMax", np.max), ("ReduceMin", np.min),
    ("ReduceProd", np.prod), ("ReduceSumSquare", lambda v, axis, keepdims: np.sum(v * v, axis=axis, keepdims=keepdims)),
    ("ReduceASum", lambda v, axis, keepdims: np.sum(np.abs(v), axis=axis, keepdims=keepdims)),
    ("ReduceL2", lambda v, axis, keepdims: np.sqrt(np.sum(v * v, axis=axis, keepdims=keepdims))),
])
@pytest.mark.parametrize("axes,keep", [([1, 2], True), ([-1], False), ([0, 3], False), ([2], True)])
def test_reduce_fp32(mode, fn, axes, keep):
    rng = np.random.default_rng(19)
    x = rng.uniform(0.5, 1.5, (2, 3, 4, 5)).astype(np.float32) * rng.choice([-1, 1], (2, 3, 4, 5)).astype(np.float32)
    ref = fn(x.astype(np.float64), axis=tuple(axes), keepdims=keep)
    y, = run1("ReduceFusion", [x, C(np.array(axes, np.int32))], [(F32, ref.shape)], keep_dims=keep, mode=mode)
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)


def test_reduce_to_end_and_coeff():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    y, = run1("ReduceFusion", [x, C(np.array([1], np.int32))], [(F32, (2,))], keep_dims=False, mode="ReduceSum",
              reduce_to_end=True, coeff=0.5)
    np.testing.assert_allclose(y, x.sum(axis=(1, 2)) * 0.5)
    y, = run1("ReduceFusion", [x, C(np.array([1], np.int32))], [(F32, (2,))], keep_dims=False, mode="ReduceMax",
              reduce_to_end=True, coeff=0.0)                      # coeff 0 means "no coefficient"
    np.testing.assert_array_equal(y, x.max(axis=(1, 2)))


def test_reduce_int8_mean_hand():
    x = np.array([[1, 2], [-1, -2], [3, 3], [-128, 127]], np.int8)
    y, = run1("ReduceFusion", [Q(x, (0.1, 0)), C(np.array([1], np.int32))], [(I8, (4,), (0.1, 0))],
              keep_dims=False, mode="ReduceMean")
    # sums 3, -3, 6, -1 times 1/2 (folded multiplier 2**30, shift 0: one SRDHM, ties up);
    # checked against TFLite: 1.5 -> 2, -1.5 -> -1, 3, -0.5 -> 0
    assert y.tolist() == [2, -1, 3, 0]


# golden: TFLite reference MEAN int8 (LiteRT BUILTIN_REF): keep_dims, axes, in q, out q, x, y
GOLD_MEAN = [
    (True, [1, 2], (0.05, -7), (0.03, 4),
     [[[[-120, 108, -102, -108], [99, -51, -23, -92], [-25, 38, -80, 94]],
       [[-56, -37, -89, -108], [-58, -82, -2, -86], [-82, -8, -54, -82]],
       [[68, 98, 111, 105], [21, 81, -111, -36], [72, -32, 10, -61]]]],
     [[[[1, 37, -47, -54]]]]),
    (False, [1, 2], (0.05, -7), (0.05, -7),
     [[[[74, -86, -20, -85], [-88, -44, -33, -11], [-75, 110, 56, 22]],
       [[-100, 17, 89, 76], [99, -104, 103, 29], [-33, 55, -22, 124]],
       [[-49, 14, 122, -102], [116, 26, 86, -4], [-118, 64, 83, 16]]]],
     [[-19, 6, 52, 7]]),
    (False, [3], (0.02, 10), (0.07, -3),
     [[[[-32, -120, -124, 48], [6, -24, -81, -127], [-60, -72, 93, -77]],
       [[-58, -115, -110, -9], [25, 47, 115, -112], [-40, -32, 66, 121]],
       [[-63, -73, -69, 36], [22, -41, 39, 76], [19, -31, 120, 3]]]],
     [[[-22, -22, -14], [-27, 0, 2], [-18, 1, 2]]]),
]


@pytest.mark.parametrize("keep,axes,qi,qo,x,expected", GOLD_MEAN, ids=["k12_requant", "same_q", "axis3"])
def test_reduce_int8_mean_golden_tflite(keep, axes, qi, qo, x, expected):
    x = np.array(x, np.int8)
    exp = np.array(expected)
    y, = run1("ReduceFusion", [Q(x, qi), C(np.array(axes, np.int32))], [(I8, exp.shape, qo)], keep_dims=keep,
              mode="ReduceMean")
    np.testing.assert_array_equal(y, exp)


def test_reduce_int8_max_min_and_unsupported():
    x = np.array([[1, -5, 7], [0, 3, -128]], np.int8)
    q = (0.1, 2)
    y, = run1("ReduceFusion", [Q(x, q), C(np.array([1], np.int32))], [(I8, (2,), q)], keep_dims=False, mode="ReduceMax")
    assert y.tolist() == [7, 3]
    y, = run1("ReduceFusion", [Q(x, q), C(np.array([0], np.int32))], [(I8, (3,), q)], keep_dims=False, mode="ReduceMin")
    assert y.tolist() == [0, -5, -128]
    for mode in ("ReduceL2", "ReduceSumSquare"):
        with pytest.raises(UnsupportedOpError):
            run1("ReduceFusion", [Q(x, q), C(np.array([1], np.int32))], [(I8, (2,), q)], keep_dims=False, mode=mode)
    with pytest.raises(UnsupportedOpError):
        run1("ReduceFusion", [x.astype(np.float32), C(np.array([5], np.int32))], [(F32, (2,))], keep_dims=False,
             mode="ReduceMean")
    with pytest.raises(UnsupportedOpError):
        run1("ReduceFusion", [x.astype(np.float32), C(np.array([1], np.int32))], [(F32, (2,))], keep_dims=False,
             mode="ReduceAll")


# ====================================================================== non-quantized integer / bool / float16

def test_plain_integer_arith_wraps_and_truncates():
    a = np.array([250, 3, 7], np.uint8)
    b = np.array([10, 5, 2], np.uint8)
    assert run1("AddFusion", [a, b], [(DType.UINT8, (3,))])[0].tolist() == [4, 8, 9]
    assert run1("SubFusion", [a, b], [(DType.UINT8, (3,))])[0].tolist() == [240, 254, 5]
    assert run1("DivFusion", [a, b], [(DType.UINT8, (3,))])[0].tolist() == [25, 0, 3]
    c = np.array([-7, 7, -7], np.int32)
    d = np.array([2, -2, -2], np.int32)
    assert run1("DivFusion", [c, d], [(I32, (3,))])[0].tolist() == [-3, -3, 3]      # C truncation
    assert run1("Maximum", [c, d], [(I32, (3,))])[0].tolist() == [2, 7, -2]
    h = np.array([1.5, -2], np.float16)
    assert run1("MulFusion", [h, h], [(DType.FLOAT16, (2,))])[0].tolist() == [2.25, 4.0]
    with pytest.raises(UnsupportedOpError):
        run1("AddFusion", [a, b], [(DType.UINT8, (3,))], activation_type="RELU")


def test_plain_reduce_and_maxpool():
    x = np.array([[True, False], [True, True]])
    assert run1("ReduceFusion", [x, C(np.array([1], np.int32))], [(DType.BOOL, (2,))], keep_dims=False,
                mode="ReduceMax")[0].tolist() == [True, True]
    assert run1("ReduceFusion", [x, C(np.array([1], np.int32))], [(DType.BOOL, (2,))], keep_dims=False,
                mode="ReduceAll")[0].tolist() == [False, True]
    xi = np.array([[1, 5, -3], [2, 2, 2]], np.int32)
    assert run1("ReduceFusion", [xi, C(np.array([-1], np.int32))], [(I32, (2,))], keep_dims=False,
                mode="ReduceSum")[0].tolist() == [3, 6]
    xu = np.arange(16, dtype=np.uint8).reshape(1, 4, 4, 1)
    y, = run1("MaxPoolFusion", [xu], [(DType.UINT8, (1, 2, 2, 1))], **pool_attrs((2, 2), (2, 2)))
    assert y.reshape(-1).tolist() == [5, 7, 13, 15]


def test_reshape_to_unknown_declared_shape_uses_shape_input():
    b = GraphBuilder("r")
    x = b.input("x", F32, (2, 3, 4))
    s = b.const("s", np.array([4, 0, -1], np.int32))
    y = b.node("Reshape", [x, s], [("y", F32, ())])              # converter wrote no shape
    arr = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    out, = run(roundtrip(b.build([y])), [arr])
    np.testing.assert_array_equal(out, arr.reshape(4, 3, 2))     # 0 copies the input dim


def test_conv_weights_from_graph_input():
    rng = np.random.default_rng(20)
    x = rng.normal(0, 1, (1, 4, 4, 2)).astype(np.float32)
    w = rng.normal(0, 1, (3, 3, 3, 2)).astype(np.float32)
    y, = run1("Conv2DFusion", [x, w], [(F32, (1, 4, 4, 3))], **conv_attrs(3, 3, pad_mode="SAME", cin=2, cout=3))
    y2, = run1("Conv2DFusion", [x, C(w)], [(F32, (1, 4, 4, 3))], **conv_attrs(3, 3, pad_mode="SAME", cin=2, cout=3))
    np.testing.assert_array_equal(y, y2)


def test_dynamic_input_dimension_takes_the_arrays_size():
    """-1 in an input shape accepts any size there; the known dimensions must match."""
    from micro_codegen.builder import GraphBuilder
    from micro_codegen.reference import run
    b = GraphBuilder("dyn")
    x = b.input("x", F32, (-1, 3))
    y = b.node("Activation", [x], [("y", F32, (-1, 3))], name="relu", activation_type="RELU")
    g = b.build(outputs=[y])
    data = np.array([[-1, 2, -3], [4, -5, 6]], np.float32)
    np.testing.assert_array_equal(run(g, [data])[0], np.maximum(data, 0))
    with pytest.raises(ValueError, match=r"is float32 -1x3 \(-1: any size\), got shape \(2, 4\)"):
        run(g, [np.zeros((2, 4), np.float32)])
