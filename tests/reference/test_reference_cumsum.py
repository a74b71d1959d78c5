"""Reference CumSum, hand-checked: float32 sums element by element in float32, exclusive /
reverse, integer wrap-around, float16 rounded from float32 sums."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from one_op import C, Q, run1

F32 = DType.FLOAT32


def test_float32_sequential_sums():
    x = np.array([1e8, 1, 1, -1e8], np.float32)
    y, = run1("CumSum", [x, C(np.array(0, np.int32))], [(F32, (4,))])
    assert y.tolist() == [1e8, 1e8, 1e8, 0.0]                  # 1e8 + 1 == 1e8 in float32


def test_exclusive_reverse_axes():
    x = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    assert run1("CumSum", [x, C(np.array(-1, np.int32))], [(F32, (2, 3))], exclusive=True)[0].tolist() == \
        [[0, 1, 3], [0, 4, 9]]
    assert run1("CumSum", [x, C(np.array(1, np.int32))], [(F32, (2, 3))], reverse=True)[0].tolist() == \
        [[6, 5, 3], [15, 11, 6]]
    assert run1("CumSum", [x, C(np.array(0, np.int32))], [(F32, (2, 3))], exclusive=True, reverse=True)[0].tolist() \
        == [[4, 5, 6], [0, 0, 0]]


def test_integer_wrap_float16_and_quantized():
    x = np.array([100, 100, -56], np.int8)
    assert run1("CumSum", [x, C(np.array(0, np.int32))], [(DType.INT8, (3,))])[0].tolist() == [100, -56, -112]
    h = np.array([2048, 1, 1], np.float16)                         # float16 spacing at 2048 is 2
    assert run1("CumSum", [h, C(np.array(0, np.int32))], [(DType.FLOAT16, (3,))])[0].tolist() == [2048, 2048, 2050]
    with pytest.raises(UnsupportedOpError):
        run1("CumSum", [Q(x, (0.1, 0)), C(np.array(0, np.int32))], [(DType.INT8, (3,), (0.1, 0))])
