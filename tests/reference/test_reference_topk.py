"""Reference TopKFusion, hand-checked: quantized int8 values, ties by the lower index, NaN last."""
from __future__ import annotations

import numpy as np

from micro_codegen.ir import DType
from one_op import C, Q, run1

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def test_topk_int8_and_ties():
    x = np.array([[4, -1, 4, 7, -1]], np.int8)
    v, i = run1("TopKFusion", [Q(x, (0.5, 1)), C(np.array([4], np.int32))], [(I8, (1, 4), (0.5, 1)), (I32, (1, 4))],
                axis=-1, largest=0, sorted=True)
    assert v.tolist() == [[7, 4, 4, -1]] and i.tolist() == [[3, 0, 2, 1]]
    x = np.array([[1.0, np.nan], [np.nan, 2.0], [3.0, 3.0]], np.float32)
    v, i = run1("TopKFusion", [x, C(np.array([1], np.int32))], [(F32, (1, 2)), (I32, (1, 2))], axis=0)
    assert v.tolist() == [[3.0, 3.0]] and i.tolist() == [[2, 2]]
