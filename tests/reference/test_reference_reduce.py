"""Reference ReduceFusion, hand-checked: split axes, int8 sum / prod (TFLite reference
formulas worked by hand), bool, wrapping integer sum / prod, uint64 max beyond 2**63."""
from __future__ import annotations

import numpy as np

from micro_codegen import numerics
from micro_codegen.ir import DType
from one_op import C, Q, run1

F32, I8 = DType.FLOAT32, DType.INT8


def test_split_axes_fp32():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    y, = run1("ReduceFusion", [x, C(np.array([0, -1], np.int32))], [(F32, (3,))], keep_dims=False, mode="ReduceSum")
    assert y.tolist() == [0 + 1 + 2 + 3 + 12 + 13 + 14 + 15, 4 + 5 + 6 + 7 + 16 + 17 + 18 + 19,
                          8 + 9 + 10 + 11 + 20 + 21 + 22 + 23]
    y, = run1("ReduceFusion", [x, C(np.array([0, 2], np.int32))], [(F32, (1, 3, 1))], keep_dims=True,
              mode="ReduceMax")
    assert y.reshape(-1).tolist() == [15, 19, 23]


def test_int8_sum_hand():
    # sum(x - zp) = 0 + 1 + 2 = 3; multiplier of 0.5 / 1.0 is (2**30, 0): 3 * 0.5 = 1.5 -> 2 (ties up); 2 - 2 = 0
    x = np.array([[1, 2, 3], [127, 127, 127]], np.int8)
    y, = run1("ReduceFusion", [Q(x, (0.5, 1)), C(np.array([1], np.int32))], [(I8, (2,), (1.0, -2))],
              keep_dims=False, mode="ReduceSum")
    assert y.tolist() == [0, 127]                       # 378 * 0.5 - 2 saturates


def test_int8_prod_hand():
    # (m, e) = (2**30, 0), 16-bit multiplier 2**14: p = 3 - 1 = 2; p = (2 * 3 * 2**14 + 2**14) >> 15 = 3
    # (3.5 rounds down: floor after adding half); out = (3 * 2**14 + 2**14) >> 15 = 2
    assert numerics.prod_multiplier(0.5, 1.0, 2) == (1 << 30, 0)
    x = np.array([[3, 4], [1, 9]], np.int8)
    y, = run1("ReduceFusion", [Q(x, (0.5, 1)), C(np.array([1], np.int32))], [(I8, (2,), (1.0, 0))],
              keep_dims=False, mode="ReduceProd")
    assert y.tolist() == [2, 0]                         # second: p = 0 -> 0
    assert numerics.multiply_by_quantized_multiplier_64([6, -6, 7], 1 << 30, 0).tolist() == [3, -3, 4]


def test_bool_and_wrapping_integers():
    xb = np.array([[True, False, True], [True, True, True]])
    assert run1("ReduceFusion", [xb, C(np.array([1], np.int32))], [(DType.BOOL, (2,))], keep_dims=False,
                mode="ReduceMin")[0].tolist() == [False, True]
    xu = np.array([[200, 100], [255, 1]], np.uint8)
    assert run1("ReduceFusion", [xu, C(np.array([-1], np.int32))], [(DType.UINT8, (2,))], keep_dims=False,
                mode="ReduceSum")[0].tolist() == [44, 0]
    xi = np.array([[1 << 20, 1 << 12, 3]], np.int32)
    assert run1("ReduceFusion", [xi, C(np.array([1], np.int32))], [(DType.INT32, (1,))], keep_dims=False,
                mode="ReduceProd")[0].tolist() == [0]                        # 3 * 2**32 wraps to 0
    big = np.array([[1 << 63, 5], [(1 << 64) - 1, 1 << 62]], np.uint64)
    assert run1("ReduceFusion", [big, C(np.array([1], np.int32))], [(DType.UINT64, (2,))], keep_dims=False,
                mode="ReduceMax")[0].tolist() == [1 << 63, (1 << 64) - 1]
