"""Reference kernels of the arithmetic and arithmetic_compare families on hand-computed values:
integer wrap-around and the four divisions (signs, ``MIN / -1``, unsigned 64-bit), the float
floor / modulo forms, float16 rounding, PowFusion with scale / shift and mixed dtypes,
quantized Maximum / Minimum, TFLite's rescaled int8 comparisons, logic and Where."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import numerics
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from one_op import C, Q, run1

F16, F32, I8, I32, I64, U8, U64, B = (DType.FLOAT16, DType.FLOAT32, DType.INT8, DType.INT32, DType.INT64,
                                      DType.UINT8, DType.UINT64, DType.BOOL)

A8 = np.array([-7, 7, -7, 7, -128, 5], np.int8)
B8 = np.array([2, 2, -2, -2, -1, -1], np.int8)


@pytest.mark.parametrize("op,want", [
    ("DivFusion", [-3, 3, 3, -3, -128, -5]),       # truncation; -128 / -1 wraps to -128
    ("FloorDiv", [-4, 3, 3, -4, -128, -5]),
    ("Mod", [-1, 1, -1, 1, 0, 0]),                # the dividend's sign
    ("FloorMod", [1, 1, -1, -1, 0, 0]),           # the divisor's sign
    ("AddFusion", [-5, 9, -9, 5, 127, 4]),        # -128 + -1 wraps
    ("SubFusion", [-9, 5, -5, 9, -127, 6]),
    ("MulFusion", [-14, 14, 14, -14, -128, -5]),  # -128 * -1 wraps
    ("SquaredDifference", [81, 25, 25, 81, 1, 36]),  # (-127)^2 = 16129 = 1 mod 256
    ("Maximum", [2, 7, -2, 7, -1, 5]),
    ("Minimum", [-7, 2, -7, -2, -128, -1]),
])
def test_int8_plain(op, want):
    attrs = {"activation_type": "NO_ACTIVATION"} if op.endswith("Fusion") else {}
    (y,) = run1(op, [A8, B8], [(I8, (6,))], **attrs)
    assert y.dtype == np.int8 and y.tolist() == want


def test_int64_and_uint64_extremes():
    a = np.array([-2 ** 63, -2 ** 63, 9], np.int64)
    b = np.array([-1, 2, -4], np.int64)
    assert run1("DivFusion", [a, b], [(I64, (3,))], activation_type="NO_ACTIVATION")[0].tolist() == [-2 ** 63,
                                                                                                     -2 ** 62, -2]
    assert run1("FloorDiv", [a, b], [(I64, (3,))])[0].tolist() == [-2 ** 63, -2 ** 62, -3]
    u = np.array([2 ** 64 - 1, 2 ** 63, 5], np.uint64)
    v = np.array([2, 2 ** 63 + 1, 2 ** 64 - 1], np.uint64)
    assert run1("DivFusion", [u, v], [(U64, (3,))], activation_type="NO_ACTIVATION")[0].tolist() == [2 ** 63 - 1, 0, 0]
    assert run1("Maximum", [u, v], [(U64, (3,))])[0].tolist() == [2 ** 64 - 1, 2 ** 63 + 1, 2 ** 64 - 1]
    assert run1("AddFusion", [u, v], [(U64, (3,))], activation_type="NO_ACTIVATION")[0].tolist() == [1, 1, 4]
    assert run1("FloorMod", [u, v], [(U64, (3,))])[0].tolist() == [1, 2 ** 63, 5]


def test_uint8_wraps_and_broadcasts():
    a = np.array([[250, 3], [0, 128]], np.uint8)
    (y,) = run1("SubFusion", [a, C(np.array([10], np.uint8))], [(U8, (2, 2))], activation_type="NO_ACTIVATION")
    assert y.tolist() == [[240, 249], [246, 118]]
    (y,) = run1("MulFusion", [a, np.array([2, 3], np.uint8)], [(U8, (2, 2))], activation_type="NO_ACTIVATION")
    assert y.tolist() == [[244, 9], [0, 128]]


def test_integer_division_by_zero_is_unsupported():
    with pytest.raises(UnsupportedOpError, match="division by zero"):
        run1("Mod", [np.array([1, 2], np.int32), np.array([1, 0], np.int32)], [(I32, (2,))])


def test_integer_fused_activation_is_unsupported():
    with pytest.raises(UnsupportedOpError, match="fused activation RELU"):
        run1("AddFusion", [np.array([1], np.int32), np.array([-3], np.int32)], [(I32, (1,))], activation_type="RELU")


def test_float_floor_forms():
    a = np.array([-7, 7, 5.5, -0.5, 1], np.float32)
    b = np.array([2, -2, 2, 3, 0], np.float32)
    assert run1("FloorDiv", [a, b], [(F32, (5,))])[0].tolist() == [-4, -4, 2, -1, np.inf]
    y = run1("FloorMod", [a, b], [(F32, (5,))])[0]
    assert y[:4].tolist() == [1, -1, 1.5, 2.5] and np.isnan(y[4])
    y = run1("Mod", [a, b], [(F32, (5,))])[0]
    assert y[:4].tolist() == [-1, 1, 1.5, -0.5] and np.isnan(y[4])
    assert run1("SquaredDifference", [a, b], [(F32, (5,))])[0].tolist() == [81, 81, 12.25, 12.25, 1]


def test_float16_rounds_once_from_float32():
    a = np.array([2048, 1, 0.1, 2050], np.float16)
    b = np.array([1, 2 ** -11, 0.2, 1], np.float16)
    (y,) = run1("AddFusion", [a, b], [(F16, (4,))], activation_type="NO_ACTIVATION")
    # 2049, 1 + 2**-11 and 2051 are ties, rounded to even; 0.1 + 0.2 rounds to float16's 0.2998
    assert y.dtype == np.float16 and y.tolist() == [2048.0, 1.0, float(np.float16(0.2998)), 2052.0]
    (y,) = run1("MulFusion", [a, b], [(F16, (4,))], activation_type="RELU6")
    assert y.tolist() == [6.0, 2 ** -11, 0.019989013671875, 6.0]     # 0.09998 * 0.19995, rounded


def test_pow_scale_shift_and_mixed_dtypes():
    x = np.array([1, 2, 3], np.int32)
    e = np.array([2, -1, 0.5], np.float32)
    (y,) = run1("PowFusion", [x, e], [(F32, (3,))], scale=2.0, shift=1.0)   # (2x + 1) ** e
    np.testing.assert_allclose(y, [9.0, 0.2, np.sqrt(7.0)], rtol=1e-7)
    (y,) = run1("PowFusion", [np.array([2.0, -2.0], np.float32), np.array([3], np.uint64)], [(F32, (2,))])
    assert y.tolist() == [8.0, -8.0]


def test_quantized_minmax_needs_one_quantization():
    a, b = Q(np.array([-5, 9], np.int8), (0.1, 2)), Q(np.array([3, 1], np.int8), (0.1, 2))
    assert run1("Maximum", [a, b], [(I8, (2,), (0.1, 2))])[0].tolist() == [3, 9]
    with pytest.raises(UnsupportedOpError, match="identical input and output quantization"):
        run1("Minimum", [a, b], [(I8, (2,), (0.2, 2))])


def test_int8_comparison_rescales_each_input():
    # 1.5 = 0.5 * (3 - 0) = 0.25 * (8 - 2): (3 << 8) * 0.5 = 384 = (6 << 8) * 0.25
    a, b = Q(np.array([3, 3, 4], np.int8), (0.5, 0)), Q(np.array([8, 9, 8], np.int8), (0.25, 2))
    assert run1("Equal", [a, b], [(B, (3,))])[0].tolist() == [True, False, False]
    assert run1("Less", [a, b], [(B, (3,))])[0].tolist() == [False, True, False]
    # a scale below 1/256 rounds (1 << 8) * 0.001 = 0.256 to 0: q = 1 and q = 0 compare equal
    a, b = Q(np.array([1, 3], np.int8), (0.001, 0)), Q(np.array([0, 0], np.int8), (0.001, 0))
    assert run1("Equal", [a, b], [(B, (2,))])[0].tolist() == [True, False]
    assert numerics.comparison_multiplier(0.001) == (1099511628, -9)
    with pytest.raises(UnsupportedOpError, match=r"scales must be in \(0, 1\)"):
        run1("Greater", [Q(np.array([1], np.int8), (1.0, 0)), Q(np.array([0], np.int8), (0.5, 0))], [(B, (1,))])


def test_float16_and_bool_comparisons():
    a = np.array([0.0, -0.0, 65504, 1], np.float16)
    b = np.array([-0.0, 0.0, np.inf, 1], np.float16)
    assert run1("LessEqual", [a, b], [(B, (4,))])[0].tolist() == [True, True, True, True]
    assert run1("NotEqual", [a, b], [(B, (4,))])[0].tolist() == [False, False, True, False]
    t = np.array([True, False])
    assert run1("GreaterEqual", [t, np.array([[True], [False]])], [(B, (2, 2))])[0].tolist() == [[True, False],
                                                                                                 [True, True]]


def test_logical_and_where_broadcast():
    t = np.array([[True], [False]])
    u = np.array([True, False, True])
    assert run1("LogicalOr", [t, u], [(B, (2, 3))])[0].tolist() == [[True, True, True], [True, False, True]]
    assert run1("LogicalAnd", [t, u], [(B, (2, 3))])[0].tolist() == [[True, False, True], [False, False, False]]
    x = np.array([[1, 2, 3]], np.int64)
    (y,) = run1("Where", [t, x, C(np.array([-1], np.int64))], [(I64, (2, 3))])
    assert y.tolist() == [[1, 2, 3], [-1, -1, -1]]
