"""Reference kernels of the element-wise families (activation, Clip, PReLU, arithmetic_self, Cast,
LogSoftmax): hand-checked values."""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen import reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

I8, F32 = DType.INT8, DType.FLOAT32


def _run(op, x, dtype, out_dtype=None, qi=None, qo=None, consts=(), **attrs):
    b = GraphBuilder("t")
    xi = b.input("x", dtype, x.shape, quant=qi)
    ins = [xi] + [b.const(f"c{k}", c, quant=q) for k, (c, q) in enumerate(consts)]
    y = b.node(op, ins, [("y", out_dtype or dtype, x.shape, qo)], **attrs)
    return reference.run(b.build([y]), [x])[0]


# ---------------------------------------------------------------- PReLU

@pytest.mark.parametrize("shared", [False, True])
def test_prelu_per_channel_slope_even_when_channel_shared(shared):
    """Regression: a slope holding one value per channel applies per channel although the .ms says
    channel_shared (MindSpore Lite decides from the slope's size); [C, 1, 1] on NHWC data is per
    channel of the last axis, as the converter writes prelu_cnn.ms."""
    x = np.array([[[[-1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]]], np.float32)       # 1x1x2x3
    slope = np.array([0.5, 0.25, 2.0], np.float32).reshape(3, 1, 1)
    y = _run("PReLUFusion", x, F32, consts=[(slope, None)], channel_shared=shared)
    np.testing.assert_array_equal(y, [[[[-0.5, -0.5, 3.0], [-2.0, 5.0, -12.0]]]])


def test_prelu_scalar_and_broadcast_slopes():
    x = np.array([[-2.0, 4.0], [-6.0, -8.0]], np.float32)
    np.testing.assert_array_equal(_run("PReLUFusion", x, F32, consts=[(np.array([0.5], np.float32), None)]),
                                  [[-1.0, 4.0], [-3.0, -4.0]])
    col = np.array([[0.5], [0.25]], np.float32)                                  # broadcasts over columns
    np.testing.assert_array_equal(_run("PReLUFusion", x, F32, consts=[(col, None)]), [[-1.0, 4.0], [-1.5, -2.0]])


def test_prelu_int8():
    """x = q - 0 (scale 0.1); slope 0.5 (q 64, scale 1/128); out scale 0.1: y = x or x / 2."""
    x = np.array([10, -10, -3, 0], np.int8)
    y = _run("PReLUFusion", x, I8, qi=(0.1, 0), qo=(0.1, 0), consts=[(np.array([64], np.int8), (1 / 128, 0))])
    np.testing.assert_array_equal(y, [10, -5, -2, 0])        # -192 / 2**7 = -1.5: RoundingDivideByPOT, ties away


# ---------------------------------------------------------------- Activation / Clip

def test_int8_linear_requantizes():
    """LINEAR on int8 is QuantizedReluX without bounds: x * 0.1 / 0.2, ties up."""
    y = _run("Activation", np.array([10, -3, 127, -128], np.int8), I8, qi=(0.1, 0), qo=(0.2, 0),
             activation_type="LINEAR")
    np.testing.assert_array_equal(y, [5, -1, 64, -64])


def test_int8_hard_swish():
    """TFLite's fixed-point HardSwish, scales 0.1 -> 0.1: 0 for x <= -3, x for x >= 3, and
    x (x + 3) / 6 in between (within one step)."""
    q = np.arange(-128, 128).astype(np.int8)
    y = _run("Activation", q, I8, qi=(0.1, 0), qo=(0.1, 0), activation_type="HSWISH").astype(np.int64)
    x = q.astype(np.float64) * 0.1
    want = x * np.clip(x + 3, 0, 6) / 6 / 0.1
    assert np.all(np.abs(y - want) <= 1)
    np.testing.assert_array_equal(y[q <= -30], 0)
    np.testing.assert_array_equal(y[q >= 30], q[q >= 30])
    assert y[q == 0][0] == 0 and y[q == 10][0] in (6, 7) and y[q == -15][0] in (-4, -3)


def test_float_activations():
    x = np.array([-2.0, 0.0, 1.5], np.float32)
    gelu = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x]
    np.testing.assert_allclose(_run("Activation", x, F32, activation_type="GELU"), gelu, rtol=1e-6)
    t = [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))) for v in x]
    np.testing.assert_allclose(_run("Activation", x, F32, activation_type="GELU", approximate=True), t, rtol=1e-6)
    np.testing.assert_allclose(_run("Activation", x, F32, activation_type="ELU", alpha=0.5),
                               [0.5 * (math.exp(-2) - 1), 0.0, 1.5], rtol=1e-6)
    np.testing.assert_allclose(_run("Activation", x, F32, activation_type="SOFTPLUS"),
                               [math.log1p(math.exp(-2)), math.log(2), 1.5 + math.log1p(math.exp(-1.5))], rtol=1e-6)


def test_plain_int8_activations():
    x = np.array([-128, -3, 0, 5, 127], np.int8)
    np.testing.assert_array_equal(_run("Activation", x, I8, activation_type="ABS"), [127, 3, 0, 5, 127])
    np.testing.assert_array_equal(_run("Activation", x, I8, activation_type="HARD_TANH", min_val=-2.5, max_val=4.9),
                                  [-2, -2, 0, 4, 4])
    np.testing.assert_array_equal(_run("Clip", x, I8, min=-3.4028234663852886e+38, max=3.4028234663852886e+38), x)


def test_clip_bounds_inputs_are_positional():
    """(x, min) clamps from below only; (x, min, max) both ways."""
    x = np.array([-2.0, 0.5, 3.0], np.float32)
    lo, hi = (np.array([0.0], np.float32), None), (np.array([1.0], np.float32), None)
    np.testing.assert_array_equal(_run("Clip", x, F32, consts=[lo]), [0.0, 0.5, 3.0])
    np.testing.assert_array_equal(_run("Clip", x, F32, consts=[lo, hi]), [0.0, 0.5, 1.0])


# ---------------------------------------------------------------- arithmetic_self, Cast, LogSoftmax

def test_round_half_to_even_and_integer_wrap():
    np.testing.assert_array_equal(_run("Round", np.array([0.5, 1.5, 2.5, -0.5, -2.7], np.float32), F32),
                                  [0.0, 2.0, 2.0, -0.0, -3.0])
    x = np.array([-128, -5, 12], np.int8)
    np.testing.assert_array_equal(_run("Abs", x, I8), [-128, 5, 12])          # wraps, unlike Activation ABS
    np.testing.assert_array_equal(_run("Neg", x, I8), [-128, 5, -12])
    np.testing.assert_array_equal(_run("Square", x, I8), [0, 25, -112])         # 144 wraps to -112


def test_exp_fusion_base_scale_shift():
    y = _run("ExpFusion", np.array([0.0, 1.0, 3.0], np.float32), F32, base=2.0, scale=0.5, shift=1.0)
    np.testing.assert_allclose(y, [2.0, 2 ** 1.5, 2 ** 2.5], rtol=1e-6)


def test_cast_saturates_and_truncates():
    x = np.array([np.nan, np.inf, -np.inf, 1e20, -1.5, 2.7, 255.5, -0.5], np.float32)
    imax, imin = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    np.testing.assert_array_equal(_run("Cast", x, F32, DType.INT64), [0, imax, imin, imax, -1, 2, 255, 0])
    np.testing.assert_array_equal(_run("Cast", x, F32, DType.UINT8), [0, 255, 0, 255, 0, 2, 255, 0])
    np.testing.assert_array_equal(_run("Cast", x, F32, DType.UINT64),
                                  np.array([0, 2 ** 64 - 1, 0, 2 ** 64 - 1, 0, 2, 255, 0], np.uint64))
    np.testing.assert_array_equal(_run("Cast", x, F32, DType.BOOL), [1, 1, 1, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(_run("Cast", np.array([300, -1], np.int32), DType.INT32, DType.UINT8), [44, 255])


def test_log_softmax():
    y = _run("LogSoftmax", np.array([[1.0, 1.0], [0.0, math.log(3.0)]], np.float32), F32, axis=-1)
    np.testing.assert_allclose(y, [[-math.log(2), -math.log(2)], [-math.log(4), math.log(3) - math.log(4)]],
                               rtol=1e-6)
