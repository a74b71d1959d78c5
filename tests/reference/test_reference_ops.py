"""Reference kernels on one-op models built in code (GraphBuilder + .ms round trip).

Expectations are hand-computed on small tensors, or numpy formulas on seeded random data.
Kernels: activation, unary, pad, concat, transpose, slice,
matmul, quant_dtype_cast, misc.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from micro_codegen.reference import run
from one_op import C, Q, run1  # noqa: F401

F32, I8, U8, I32 = DType.FLOAT32, DType.INT8, DType.UINT8, DType.INT32
INT_MAX = 2 ** 31 - 1


def f32(*v):
    return np.array(v, dtype=np.float32)


X8 = f32(-4, -1, -0.5, 0, 0.5, 1, 4, 7)


def _sig(v):
    return 1 / (1 + math.exp(-v))


# ----------------------------------------------------------------------------- Activation

ACT_CASES = [
    ("RELU", {}, [0, 0, 0, 0, 0.5, 1, 4, 7]),
    ("RELU6", {}, [0, 0, 0, 0, 0.5, 1, 4, 6]),
    ("RELU1", {}, [-1, -1, -0.5, 0, 0.5, 1, 1, 1]),
    ("HARD_TANH", {"min_val": -0.75, "max_val": 2.0}, [-0.75, -0.75, -0.5, 0, 0.5, 1, 2, 2]),
    ("LEAKY_RELU", {"alpha": 0.25}, [-1, -0.25, -0.125, 0, 0.5, 1, 4, 7]),
    ("ABS", {}, [4, 1, 0.5, 0, 0.5, 1, 4, 7]),
    ("HSIGMOID", {}, [0, 2 / 6, 2.5 / 6, 0.5, 3.5 / 6, 4 / 6, 1, 1]),
    ("HSWISH", {}, [0, -2 / 6, -1.25 / 6, 0, 1.75 / 6, 4 / 6, 4, 7]),
    ("SIGMOID", {}, [_sig(v) for v in X8]),
    ("TANH", {}, [math.tanh(v) for v in X8]),
    ("ELU", {"alpha": 2.0}, [2 * math.expm1(v) if v < 0 else v for v in X8]),
    ("SOFTPLUS", {}, [math.log1p(math.exp(v)) for v in X8]),
    ("SOFTSIGN", {}, [v / (1 + abs(v)) for v in X8]),
    ("SWISH", {}, [v * _sig(v) for v in X8]),
    ("GELU", {}, [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in X8]),
    ("GELU", {"approximate": True},
     [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))) for v in X8]),
]


@pytest.mark.parametrize("act,params,expected", ACT_CASES, ids=[f"{c[0]}{'_' + str(c[1]) if c[1] else ''}"
                                                                 for c in ACT_CASES])
def test_activation_fp32(act, params, expected):
    (y,) = run1("Activation", [X8], [(F32, X8.shape)], activation_type=act, **params)
    np.testing.assert_allclose(y, np.array(expected, np.float32), rtol=1e-6, atol=1e-7)
    assert y.dtype == np.float32


def test_leaky_relu_op():
    (y,) = run1("LeakyRelu", [f32(-2, 3)], [(F32, (2,))], negative_slope=0.1)
    np.testing.assert_allclose(y, f32(-0.2, 3))


def test_activation_int_without_quant_params():
    x = np.array([-5, 0, 3, 9], np.int8)
    (y,) = run1("Activation", [x], [(I8, (4,))], activation_type="RELU6")
    assert y.tolist() == [0, 0, 3, 6]
    with pytest.raises(UnsupportedOpError, match="SIGMOID"):
        run1("Activation", [x], [(I8, (4,))], activation_type="SIGMOID")


def test_relu_int8_requantizes():
    # in (0.5, -10), out (0.25, 5): out = 5 + 2 * (q + 10), clamped to [quantize(0) = 5, 127]
    x = Q(np.array([-128, -10, -9, 0, 50, 127], np.int8), (0.5, -10))
    (y,) = run1("Activation", [x], [(I8, (6,), (0.25, 5))], activation_type="RELU")
    assert y.tolist() == [5, 5, 7, 25, 125, 127]


def test_relu6_int8_same_params():
    x = Q(np.array([-128, -3, 0, 20, 21, 100], np.int8), (0.25, -3))
    (y,) = run1("Activation", [x], [(I8, (6,), (0.25, -3))], activation_type="RELU6")
    # 0 -> q = -3, 6 -> q = -3 + 24 = 21
    assert y.tolist() == [-3, -3, 0, 20, 21, 21]


def test_leaky_relu_int8_rounding():
    # alpha 0.25, identical params: negative side is MBQM(x, 0.25), TFLite's default (gemmlowp)
    # rounding, ties away from zero: -8 -> -2, -3 -> -0.75 -> -1, -2 -> -0.5 -> -1, 2 -> 2
    x = Q(np.array([-8, -3, -2, 0, 2, 5], np.int8), (0.5, 0))
    (y,) = run1("Activation", [x], [(I8, (6,), (0.5, 0))], activation_type="LEAKY_RELU", alpha=0.25)
    assert y.tolist() == [-2, -1, -1, 0, 2, 5]


@pytest.mark.parametrize("act,out_q,expected", [
    # deq = 0.1 * q = -12.8, 0, 1.0, 12.7
    ("SIGMOID", (1 / 256, -128), [-128, 0, 59, 127]),     # 256 * sigmoid = 0.0007, 128, 187.16, 256.0
    ("TANH", (1 / 128, 0), [-128, 0, 97, 127]),           # 128 * tanh = -128, 0, 97.48, 128
    ("ELU", (0.1, 0), [-10, 0, 10, 127]),                 # alpha 1: -1.0, 0, 1.0, 12.7
])
def test_int8_lut_activations(act, out_q, expected):
    x = Q(np.array([-128, 0, 10, 127], np.int8), (0.1, 0))
    (y,) = run1("Activation", [x], [(I8, (4,), out_q)], activation_type=act, alpha=1.0)
    assert y.tolist() == expected


def test_int8_activation_unsupported_type():
    x = Q(np.zeros(4, np.int8), (0.1, 0))
    with pytest.raises(UnsupportedOpError, match="SOFTPLUS"):
        run1("Activation", [x], [(I8, (4,), (0.1, 0))], activation_type="SOFTPLUS")


def test_prelu_per_channel_and_shared():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    slope = f32(0.1, -0.5, 2.0, 0.0)
    (y,) = run1("PReLUFusion", [x, C(slope)], [(F32, x.shape)], channel_shared=False)
    np.testing.assert_allclose(y, np.where(x >= 0, x, x * slope), rtol=1e-6)
    (y,) = run1("PReLUFusion", [x, C(f32(0.3))], [(F32, x.shape)], channel_shared=True)
    np.testing.assert_allclose(y, np.where(x >= 0, x, x * np.float32(0.3)), rtol=1e-6)


def test_prelu_int8():
    # x (1, 0), slope (0.5, 0) with q 1 -> 0.5, out (1, 0): -4 -> MBQM(-4 * 1, 0.5) = -2
    x = Q(np.array([[-4, 3], [-6, -3]], np.int8), (1.0, 0))
    slope = C(np.array([1, 2], np.int8), (0.5, 0))
    (y,) = run1("PReLUFusion", [x, slope], [(I8, (2, 2), (1.0, 0))])
    # channel 0 slope 0.5: -4 -> -2, -6 -> -3; channel 1 slope 1.0
    assert y.tolist() == [[-2, 3], [-3, -3]]


CLIP_CASES = [
    ("attrs", [f32(-3, -1, 0, 2, 5)], {"min": -1.5, "max": 2.5}, [-1.5, -1, 0, 2, 2.5]),
    ("inputs", [f32(-3, -1, 0, 2, 5), np.float32(-1.0), np.float32(1.0)], {"min": -3.4e38, "max": 3.4e38},
     [-1, -1, 0, 1, 1]),
    # the converter writes +-FLT_MAX attributes; a two-input Clip is (x, min) positionally
    ("min_only_input", [f32(-3, -1, 0, 2, 5), np.float32(0.0)], {"min": -3.4e38, "max": 3.4e38}, [0, 0, 0, 2, 5]),
]


@pytest.mark.parametrize("name,inputs,attrs,expected", CLIP_CASES, ids=[c[0] for c in CLIP_CASES])
def test_clip(name, inputs, attrs, expected):
    (y,) = run1("Clip", inputs, [(F32, (5,))], **attrs)
    np.testing.assert_array_equal(y, f32(*expected))


def test_clip_int8_plain():
    (y,) = run1("Clip", [np.array([-100, -2, 7, 100], np.int8)], [(I8, (4,))], min=-3.4e38, max=5.5)
    assert y.tolist() == [-100, -2, 5, 5]


# ---------------------------------------------------------------------------------- Unary

UNARY_CASES = [
    ("Abs", f32(-2, 0, 3), [2, 0, 3]),
    ("Neg", f32(-2, 0, 3), [2, 0, -3]),
    ("Sqrt", f32(0, 4, 2), [0, 2, math.sqrt(2)]),
    ("Rsqrt", f32(4, 0.25), [0.5, 2]),
    ("Log", f32(1, math.e, 10), [0, 1, math.log(10)]),
    ("Floor", f32(-1.5, -0.5, 0.5, 2), [-2, -1, 0, 2]),
    ("Ceil", f32(-1.5, -0.5, 0.5, 2), [-1, 0, 1, 2]),
    ("Round", f32(0.5, 1.5, 2.5, -0.5, -2.5, 2.6), [0, 2, 2, 0, -2, 3]),
    ("Reciprocal", f32(2, -4, 0.5), [0.5, -0.25, 2]),
    ("Square", f32(-3, 0.5), [9, 0.25]),
    ("Sin", f32(0, math.pi / 2), [0, 1]),
    ("Cos", f32(0, math.pi), [1, -1]),
    ("Erf", f32(0, 1, -2), [0, math.erf(1), math.erf(-2)]),
]


@pytest.mark.parametrize("op,x,expected", UNARY_CASES, ids=[c[0] for c in UNARY_CASES])
def test_unary_fp32(op, x, expected):
    (y,) = run1(op, [x], [(F32, x.shape)])
    np.testing.assert_allclose(y, f32(*expected), rtol=1e-6, atol=1e-7)


def test_exp_fusion_base_scale_shift():
    x = f32(0, 1, 2)
    (y,) = run1("ExpFusion", [x], [(F32, (3,))], base=-1.0, scale=1.0, shift=0.0)
    np.testing.assert_allclose(y, np.exp(x), rtol=1e-6)
    (y,) = run1("ExpFusion", [x], [(F32, (3,))], base=2.0, scale=2.0, shift=1.0)   # 2 ** (2x + 1)
    np.testing.assert_allclose(y, f32(2, 8, 32), rtol=1e-6)


def test_unary_int_and_quantized():
    (y,) = run1("Abs", [np.array([-7, 0, 5], np.int32)], [(I32, (3,))])
    assert y.tolist() == [7, 0, 5]
    with pytest.raises(UnsupportedOpError, match="Sqrt"):
        run1("Sqrt", [np.array([4], np.int32)], [(I32, (1,))])
    # quantized Abs: |q - zp| + out_zp with a rescale of in_scale / out_scale = 2
    x = Q(np.array([-10, 0, 4], np.int8), (0.5, 0))
    (y,) = run1("Abs", [x], [(I8, (3,), (0.25, -1))])
    assert y.tolist() == [19, -1, 7]


# ------------------------------------------------------------------------------------ Pad

PAD_CASES = [
    ("constant", "CONSTANT", [[0, 0], [2, 1]], {"constant_value": 9.0}, [[9, 9, 1, 2, 3, 9]]),
    ("reflect", "REFLECT", [[0, 0], [2, 2]], {}, [[3, 2, 1, 2, 3, 2, 1]]),
    ("symmetric", "SYMMETRIC", [[0, 0], [2, 2]], {}, [[2, 1, 1, 2, 3, 3, 2]]),
    ("last_dim_only", "CONSTANT", [[1, 0]], {}, [[0, 1, 2, 3]]),
]


@pytest.mark.parametrize("name,mode,pads,attrs,expected", PAD_CASES, ids=[c[0] for c in PAD_CASES])
def test_pad(name, mode, pads, attrs, expected):
    x = f32(1, 2, 3).reshape(1, 3)
    exp = np.array(expected, np.float32)
    (y,) = run1("PadFusion", [x, C(np.array(pads, np.int32))], [(F32, exp.shape)], padding_mode=mode, **attrs)
    np.testing.assert_array_equal(y, exp)


def test_pad_reflect_2d_and_value_input():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    (y,) = run1("PadFusion", [x, C(np.array([1, 1, 2, 0], np.int32))], [(F32, (4, 5))], padding_mode="REFLECT")
    np.testing.assert_array_equal(y, np.pad(x, [(1, 1), (2, 0)], mode="reflect"))
    (y,) = run1("PadFusion", [x, C(np.array([0, 1, 0, 0], np.int32)), np.float32(-7)], [(F32, (3, 3))],
                padding_mode="CONSTANT")
    assert y[2].tolist() == [-7, -7, -7]


def test_pad_int8_pads_with_quantized_value():
    x = Q(np.array([[5, 6]], np.int8), (0.5, -3))
    (y,) = run1("PadFusion", [x, C(np.array([[0, 0], [1, 1]], np.int32))], [(I8, (1, 4), (0.5, -3))],
                padding_mode="CONSTANT", constant_value=0.0)
    assert y.tolist() == [[-3, 5, 6, -3]]
    (y,) = run1("PadFusion", [x, C(np.array([[0, 0], [1, 0]], np.int32))], [(I8, (1, 3), (0.5, -3))],
                padding_mode="CONSTANT", constant_value=1.0)
    assert y.tolist() == [[-1, 5, 6]]


def test_pad_reflect_too_large():
    with pytest.raises(UnsupportedOpError, match="REFLECT"):
        run1("PadFusion", [f32(1, 2), C(np.array([2, 0], np.int32))], [(F32, (4,))], padding_mode="REFLECT")


# --------------------------------------------------------------------------- Concat / Split

def test_concat_negative_axis():
    a = np.arange(4, dtype=np.float32).reshape(2, 2)
    b = f32(10, 11).reshape(2, 1)
    (y,) = run1("Concat", [a, b], [(F32, (2, 3))], axis=-1)
    assert y.tolist() == [[0, 1, 10], [2, 3, 11]]


def test_concat_int8_requantizes_different_scales():
    a = Q(np.array([10, -10], np.int8), (1.0, 0))
    b = Q(np.array([6, 0, 3], np.int8), (0.5, 2))            # reals 2, -1, 0.5
    (y,) = run1("Concat", [a, b], [(I8, (5,), (1.0, 0))], axis=0)
    assert y.tolist() == [10, -10, 2, -1, 1]                  # 0.5 rounds away from zero


def test_concat_int8_same_params_copies():
    a = Q(np.array([[1, 2]], np.int8), (0.1, 3))
    b = Q(np.array([[-128, 127]], np.int8), (0.1, 3))
    (y,) = run1("Concat", [a, b], [(I8, (2, 2), (0.1, 3))], axis=0)
    assert y.tolist() == [[1, 2], [-128, 127]]


SPLIT_CASES = [
    ("size_splits", {"size_splits": (1, -1), "axis": -1, "output_num": 2}, [(2, 1), (2, 3)]),
    ("equal", {"output_num": 2, "axis": 1}, [(2, 2), (2, 2)]),
    ("axis0", {"output_num": 2, "axis": 0, "size_splits": (1, 1)}, [(1, 4), (1, 4)]),
]


@pytest.mark.parametrize("name,attrs,shapes", SPLIT_CASES, ids=[c[0] for c in SPLIT_CASES])
def test_split(name, attrs, shapes):
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    outs = run1("Split", [x], [(F32, s) for s in shapes], **attrs)
    axis = attrs["axis"] % 2
    np.testing.assert_array_equal(np.concatenate(outs, axis=axis), x)
    assert [o.shape for o in outs] == shapes


def test_split_int8_copies():
    x = Q(np.array([1, 2, 3, 4, 5, 6], np.int8), (0.2, 1))
    outs = run1("Split", [x], [(I8, (2,), (0.2, 1)), (I8, (4,), (0.2, 1))], output_num=2, size_splits=(2, 4), axis=0)
    assert [o.tolist() for o in outs] == [[1, 2], [3, 4, 5, 6]]


# ------------------------------------------------------------------------------- Transpose

@pytest.mark.parametrize("perm", [(0, 3, 1, 2), (0, 2, 3, 1), (3, 2, 1, 0), (0, -1, 1, 2)])
def test_transpose(perm):
    x = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    ref = np.transpose(x, [p % 4 for p in perm])
    (y,) = run1("Transpose", [x, C(np.array(perm, np.int32))], [(F32, ref.shape)])
    np.testing.assert_array_equal(y, ref)


def test_transpose_int8_and_bad_perm():
    x = Q(np.array([[1, 2, 3]], np.int8), (0.5, 0))
    (y,) = run1("Transpose", [x, C(np.array([1, 0], np.int32))], [(I8, (3, 1), (0.5, 0))])
    assert y.ravel().tolist() == [1, 2, 3]
    with pytest.raises(UnsupportedOpError, match="permutation"):
        run1("Transpose", [f32(1, 2).reshape(1, 2), C(np.array([0, 0], np.int32))], [(F32, (1, 2))])


# ---------------------------------------------------------------------------- StridedSlice

X234 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)

SLICE_CASES = [
    # name, begin, end, strides, masks, numpy reference
    ("plain", [0, 1, 0], [2, 3, 4], [1, 1, 2], {}, X234[0:2, 1:3, 0:4:2]),
    ("begin_end_masks_shrink", [1, 0, 0], [0, 0, 0], [1, 1, 1],
     {"begin_mask": 0b110, "end_mask": 0b110, "shrink_axis_mask": 0b001}, X234[1, :, :]),
    ("negative_strides", [0, -1, 3], [0, 0, 0], [1, -1, -2],
     {"begin_mask": 0b011, "end_mask": 0b011}, X234[:, ::-1, 3:0:-2]),
    ("negative_begin_clamped_end", [-1, -2, -100], [INT_MAX, INT_MAX, INT_MAX], [1, 1, 1], {}, X234[-1:, -2:, -100:]),
    ("ellipsis_new_axis", [0, 0, 1], [0, 0, 3], [1, 1, 1],
     {"ellipsis_mask": 0b001, "new_axis_mask": 0b010}, X234[..., None, 1:3]),
    ("shrink_last_negative", [0, 0, -1], [0, 0, 0], [1, 1, 1],
     {"begin_mask": 0b011, "end_mask": 0b011, "shrink_axis_mask": 0b100}, X234[:, :, -1]),
    ("fewer_entries_than_rank", [1], [2], [1], {}, X234[1:2]),
]


@pytest.mark.parametrize("name,begin,end,strides,masks,ref", SLICE_CASES, ids=[c[0] for c in SLICE_CASES])
def test_strided_slice(name, begin, end, strides, masks, ref):
    ins = [X234] + [C(np.array(v, np.int32)) for v in (begin, end, strides)]
    (y,) = run1("StridedSlice", ins, [(F32, ref.shape)], **masks)
    assert y.shape == ref.shape
    np.testing.assert_array_equal(y, ref)


def test_strided_slice_1d_negative_stride():
    (y,) = run1("StridedSlice", [np.arange(10, dtype=np.float32), C(np.array([8], np.int32)),
                                 C(np.array([1], np.int32)), C(np.array([-3], np.int32))], [(F32, (3,))])
    assert y.tolist() == [8, 5, 2]


def test_strided_slice_onnx_form():
    # x, starts, ends, axes, steps: x[..., 1:] and x[:, ::-2] (end = -INT_MAX walks past the start)
    ins = [X234, C(np.array([1], np.int32)), C(np.array([INT_MAX], np.int32)), C(np.array([-1], np.int32)),
           C(np.array([1], np.int32))]
    (y,) = run1("StridedSlice", ins, [(F32, (2, 3, 3))])
    np.testing.assert_array_equal(y, X234[..., 1:])
    ins = [X234, C(np.array([-1], np.int32)), C(np.array([-INT_MAX], np.int32)), C(np.array([1], np.int32)),
           C(np.array([-2], np.int32))]
    (y,) = run1("StridedSlice", ins, [(F32, (2, 2, 4))])
    np.testing.assert_array_equal(y, X234[:, ::-2])


def test_strided_slice_zero_stride():
    with pytest.raises(UnsupportedOpError, match="zero stride"):
        run1("StridedSlice", [X234, C(np.array([0], np.int32)), C(np.array([1], np.int32)),
                              C(np.array([0], np.int32))], [(F32, (1, 3, 4))])


def test_slice_fusion():
    ins = [X234, C(np.array([1, 1], np.int32)), C(np.array([2, -1], np.int32))]
    (y,) = run1("SliceFusion", ins, [(F32, (2, 2, 3))], axes=(1, 2))
    np.testing.assert_array_equal(y, X234[:, 1:3, 1:])
    q = Q(np.arange(6, dtype=np.int8).reshape(2, 3), (0.5, 1))
    (y,) = run1("SliceFusion", [q, C(np.array([0, 2], np.int32)), C(np.array([1, 1], np.int32))],
                [(I8, (1, 1), (0.5, 1))])
    assert y.tolist() == [[2]]


# ---------------------------------------------------------------------------------- MatMul

def test_matmul_transpose_b_bias_relu():
    a = f32(1, 2, 3, 4).reshape(2, 2)
    b = f32(1, -1, 2, 0, -3, 1).reshape(3, 2)                 # transposed: [[1, 2, -3], [-1, 0, 1]]
    bias = f32(0.5, 0, 0)
    (y,) = run1("MatMulFusion", [a, C(b), C(bias)], [(F32, (2, 3))], transpose_b=True, activation_type="RELU")
    # a @ b.T = [[-1, 2, -1], [-1, 6, -5]] + bias -> relu
    assert y.tolist() == [[0, 2, 0], [0, 6, 0]]


def test_matmul_batch_broadcast_transpose_a():
    rng = np.random.default_rng(7)
    a = rng.standard_normal((2, 1, 3, 5)).astype(np.float32)   # used transposed: (2, 1, 5, 3)
    b = rng.standard_normal((4, 3, 2)).astype(np.float32)
    ref = np.matmul(np.swapaxes(a, -1, -2).astype(np.float64), b.astype(np.float64)).astype(np.float32)
    (y,) = run1("MatMulFusion", [a, b], [(F32, ref.shape)], transpose_a=True)
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-6)


def test_matmul_int8():
    # a real [[1, 2]] = 0.5 * ([[3, 5]] - 1); b real [[1], [2]] = 0.25 * [[4], [8]]; out scale 1:
    # acc = 2 * 4 + 4 * 8 = 40, M = 0.125 -> 5; bias 8 (scale 0.125) adds 1
    a = Q(np.array([[3, 5]], np.int8), (0.5, 1))
    b = C(np.array([[4], [8]], np.int8), (0.25, 0))
    (y,) = run1("MatMulFusion", [a, b], [(I8, (1, 1), (1.0, 0))])
    assert y.tolist() == [[5]]
    (y,) = run1("MatMulFusion", [a, b, C(np.array([8], np.int32), (0.125, 0))], [(I8, (1, 1), (1.0, -2))])
    assert y.tolist() == [[4]]


# -------------------------------------------------------------------------- QuantDTypeCast

def test_quantize_ties_away_from_zero_then_zero_point():
    # x / 0.5 = -2.5, -0.5, 0.5, 1.5 -> -3, -1, 1, 2 (TFLite round), + zp -1; saturation at the ends.
    # (MindSpore Lite's own round(x / s + zp) would give -1 instead of 0 for 0.25.)
    x = f32(-1.25, -0.25, 0.25, 0.75, 100, -100)
    b = GraphBuilder("q")
    xi = b.input("x", F32, (6,))
    y = b.node("QuantDTypeCast", [xi], [("y", I8, (6,), (0.5, -1))], src_t=43, dst_t=32)
    (out,) = run(roundtrip(b.build(outputs=[y])), [x])
    assert out.tolist() == [-4, -2, 0, 1, 127, -128]


def test_dequantize_and_uint8_int8():
    x = Q(np.array([-128, -1, 0, 127], np.int8), (0.5, -1))
    (y,) = run1("QuantDTypeCast", [x], [(F32, (4,))], src_t=32, dst_t=43)
    assert y.tolist() == [-63.5, 0, 0.5, 64]
    u = Q(np.array([0, 128, 255], np.uint8), (0.1, 128))
    (y,) = run1("QuantDTypeCast", [u], [(I8, (3,), (0.1, 0))], src_t=37, dst_t=32)
    assert y.tolist() == [-128, 0, 127]


def test_quantize_per_channel_axis():
    x = f32(1, 1, 1, 1).reshape(2, 2)
    b = GraphBuilder("q")
    xi = b.input("x", F32, (2, 2))
    y = b.node("QuantDTypeCast", [xi], [("y", I8, (2, 2), ([0.5, 0.25], [0, 1]))], src_t=43, dst_t=32, axis=-1)
    (out,) = run(roundtrip(b.build(outputs=[y])), [x])
    assert out.tolist() == [[2, 5], [2, 5]]


# ------------------------------------------------------------------------------------ misc

def test_gather_negative_indices_axis1():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    (y,) = run1("Gather", [x, C(np.array([-1, 0], np.int32)), C(np.array([1], np.int32))], [(F32, (2, 2))])
    assert y.tolist() == [[2, 0], [5, 3]]


def test_depth_space_round_trip_and_values():
    x = np.arange(8, dtype=np.float32).reshape(1, 1, 1, 8)
    (d,) = run1("DepthToSpace", [x], [(F32, (1, 2, 2, 2))], block_size=2, mode="DCR", format="NHWC")
    assert d[0, :, :, 0].tolist() == [[0, 2], [4, 6]]          # channel (i * b + j) * C + c
    (s,) = run1("SpaceToDepth", [d], [(F32, (1, 1, 1, 8))], block_size=2, format="NHWC")
    np.testing.assert_array_equal(s, x)
    (c,) = run1("DepthToSpace", [x], [(F32, (1, 2, 2, 2))], block_size=2, mode="CRD", format="NHWC")
    assert c[0, :, :, 0].tolist() == [[0, 1], [2, 3]]          # channel c * b * b + i * b + j


def test_argmax_first_maximum_and_topk():
    x = f32(1, 5, 5, 2, 9, 9).reshape(2, 3)
    (y,) = run1("ArgMaxFusion", [x], [(I32, (2,))], axis=1, top_k=1, keep_dims=False, out_max_value=False)
    assert y.tolist() == [1, 1]
    vals, idx = run1("TopKFusion", [x, C(np.array([2], np.int32))], [(F32, (2, 2)), (I32, (2, 2))], axis=1)
    assert vals.tolist() == [[5, 5], [9, 9]] and idx.tolist() == [[1, 2], [1, 2]]


def test_log_softmax_and_scale():
    x = f32(1, 2, 3)
    (y,) = run1("LogSoftmax", [x], [(F32, (3,))], axis=-1)
    np.testing.assert_allclose(y, x - np.log(np.exp(x).sum()), rtol=1e-6)
    x = np.ones((1, 2, 2), np.float32)
    (y,) = run1("ScaleFusion", [x, C(f32(2, 3)), C(f32(1, -10))], [(F32, (1, 2, 2))], axis=-1,
                activation_type="RELU")
    assert y[0].tolist() == [[3, 0], [3, 0]]


def test_tile_broadcast_cast():
    (y,) = run1("TileFusion", [f32(1, 2).reshape(1, 2), C(np.array([2, 2], np.int32))], [(F32, (2, 4))])
    assert y.tolist() == [[1, 2, 1, 2], [1, 2, 1, 2]]
    (y,) = run1("BroadcastTo", [f32(1, 2).reshape(2, 1), C(np.array([2, 3], np.int32))], [(F32, (2, 3))])
    assert y.tolist() == [[1, 1, 1], [2, 2, 2]]
    (y,) = run1("Cast", [f32(-1.7, 2.9), C(np.array([34], np.int32))], [(I32, (2,))])
    assert y.tolist() == [-1, 2]


def test_layer_norm_and_instance_norm():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    g, b = rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    (y,) = run1("LayerNormFusion", [x, C(g), C(b)], [(F32, x.shape)], begin_norm_axis=-1, begin_params_axis=-1,
                epsilon=1e-5)
    m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(y, (x - m) / np.sqrt(v + 1e-5) * g + b, rtol=1e-5, atol=1e-6)
    x4 = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)     # NHWC: channels last
    (y,) = run1("InstanceNorm", [x4, C(f32(1, 1, 2, 2)), C(f32(0, 1, 0, 1))], [(F32, x4.shape)], epsilon=1e-5)
    m, v = x4.mean((1, 2), keepdims=True), x4.var((1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x4 - m) / np.sqrt(v + 1e-5) * f32(1, 1, 2, 2) + f32(0, 1, 0, 1),
                               rtol=1e-5, atol=1e-5)


def test_resize_nearest_and_bilinear():
    x = f32(1, 2, 3, 4).reshape(1, 2, 2, 1)
    (y,) = run1("Resize", [x], [(F32, (1, 4, 4, 1))], method="NEAREST", coordinate_transform_mode="ASYMMETRIC",
                format="NHWC")
    assert y[0, :, :, 0].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    (y,) = run1("Resize", [x], [(F32, (1, 3, 3, 1))], method="LINEAR", coordinate_transform_mode="ALIGN_CORNERS",
                format="NHWC")
    assert y[0, :, :, 0].tolist() == [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]
    (y,) = run1("Resize", [x], [(F32, (1, 4, 4, 1))], method="LINEAR", coordinate_transform_mode="HALF_PIXEL",
                format="NHWC")
    assert y[0, 0, :, 0].tolist() == [1, 1.25, 1.75, 2]       # src = max((o + .5) / 2 - .5, 0)
