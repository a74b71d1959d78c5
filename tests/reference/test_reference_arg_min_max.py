"""Reference ArgMaxFusion / ArgMinFusion, hand-checked: first occurrence on ties, NaN after every
number, exact order of int64 / uint64 values beyond float precision, top_k > 1, values output."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from one_op import Q, run1

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def test_argmax_ties_nan_and_argmin_top_k():
    x = np.array([[1, 5, 5, np.nan], [np.nan, np.nan, -2, -2]], np.float32)
    y, = run1("ArgMaxFusion", [x], [(I32, (2,))], axis=1, top_k=1, keep_dims=False, out_max_value=False)
    assert y.tolist() == [1, 2]
    y, = run1("ArgMinFusion", [x], [(I32, (2, 3))], axis=-1, top_k=3, keep_dims=True, out_max_value=False)
    assert y.tolist() == [[0, 1, 2], [2, 3, 0]]                 # NaNs last, by index
    v, = run1("ArgMaxFusion", [x], [(F32, (2, 1))], axis=1, top_k=1, keep_dims=True, out_max_value=True)
    assert v.reshape(-1).tolist() == [5, -2]


def test_wide_integers_compare_exactly():
    x = np.array([[(1 << 62) + 1, (1 << 62), (1 << 62) + 1]], np.int64)        # equal as float64
    assert run1("ArgMinFusion", [x], [(I32, (1,))], axis=1, top_k=0, keep_dims=False,
                out_max_value=False)[0].tolist() == [1]
    u = np.array([[5, (1 << 64) - 1, 1 << 63]], np.uint64)
    assert run1("ArgMaxFusion", [u], [(I32, (1, 2))], axis=1, top_k=2, keep_dims=True,
                out_max_value=False)[0].tolist() == [[1, 2]]
    b = np.array([[False, True, True]])
    assert run1("ArgMaxFusion", [b], [(I32, (1,))], axis=1, top_k=1, keep_dims=False,
                out_max_value=False)[0].tolist() == [1]


def test_int8_values_keep_quantization():
    x = np.array([[3, -7, 9]], np.int8)
    y, = run1("ArgMinFusion", [Q(x, (0.1, 2))], [(I8, (1,), (0.1, 2))], axis=1, top_k=1, keep_dims=False,
              out_max_value=True)
    assert y.tolist() == [-7]
    with pytest.raises(UnsupportedOpError):
        run1("ArgMinFusion", [Q(x, (0.1, 2))], [(I8, (1,), (0.2, 2))], axis=1, top_k=1, keep_dims=False,
             out_max_value=True)

