"""Reference kernels of the data-movement families, hand-checked: split (sizes input,
output shapes), pad (SYMMETRIC, ONNX axes input), depth_to_space (DCR / CRD / SpaceToDepth,
NHWC and NCHW), concat (requantized input), gather (negative indices), and the numerics
derivations the C plans use (strided views, split sizes, pad axes)."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import numerics
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from one_op import C, Q, run1

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def test_split_sizes_input_and_rest():
    x = np.arange(6, dtype=np.float32)
    a, b = run1("Split", [x, C(np.array([1, 5], np.int32))], [(F32, (1,)), (F32, (5,))], axis=0, output_num=2)
    assert a.tolist() == [0] and b.tolist() == [1, 2, 3, 4, 5]
    assert numerics.split_sizes(7, 3, size_splits=(2, -1, 1)) == [2, 4, 1]
    assert numerics.split_sizes(6, 2, sizes_input=None, out_sizes=[4, 2]) == [4, 2]
    assert numerics.split_sizes(6, 3) == [2, 2, 2]
    with pytest.raises(UnsupportedOpError):
        numerics.split_sizes(7, 2)


def test_pad_symmetric():
    x = np.array([[1, 2, 3]], np.float32)
    (y,) = run1("PadFusion", [x, C(np.array([[0, 0], [2, 3]], np.int32))], [(F32, (1, 8))], padding_mode="SYMMETRIC")
    assert y.tolist() == [[2, 1, 1, 2, 3, 3, 2, 1]]


def test_pad_onnx_axes_input():
    """ONNX Pad with axes [2, -1] on 1x1x2x3: pads [1, 0, 0, 2] = begins (1, 0), ends (0, 2)."""
    x = np.arange(6, dtype=np.int32).reshape(1, 1, 2, 3)
    (y,) = run1("PadFusion", [x, C(np.array([1, 0, 0, 2], np.int32)), C(np.array(9, np.int32)),
                              C(np.array([2, -1], np.int32))], [(I32, (1, 1, 3, 5))], padding_mode="CONSTANT")
    assert y[0, 0].tolist() == [[9, 9, 9, 9, 9], [0, 1, 2, 9, 9], [3, 4, 5, 9, 9]]
    with pytest.raises(UnsupportedOpError, match="distinct axes"):
        numerics.pad_pairs_axes(4, [1, 1, 1, 1], [2, -2])


def test_depth_to_space_modes():
    x = np.arange(8, dtype=np.float32).reshape(1, 1, 1, 8)    # NHWC, c = 8, block 2 -> 2x2x2
    (dcr,) = run1("DepthToSpace", [x], [(F32, (1, 2, 2, 2))], block_size=2, mode="DCR", format="NHWC")
    (crd,) = run1("DepthToSpace", [x], [(F32, (1, 2, 2, 2))], block_size=2, mode="CRD", format="NHWC")
    assert dcr[0].tolist() == [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]    # channel = (row, col, c)
    assert crd[0].tolist() == [[[0, 4], [1, 5]], [[2, 6], [3, 7]]]    # channel = (c, row, col)
    (back,) = run1("SpaceToDepth", [dcr], [(F32, (1, 1, 1, 8))], block_size=2, format="NHWC")
    assert back.reshape(-1).tolist() == list(range(8))
    xn = np.arange(8, dtype=np.float32).reshape(1, 8, 1, 1)   # NCHW
    (y,) = run1("DepthToSpace", [xn], [(F32, (1, 2, 2, 2))], block_size=2, mode="DCR", format="NCHW")
    assert y[0, :, :, :].tolist() == [[[0, 2], [4, 6]], [[1, 3], [5, 7]]]


def test_concat_requantized_input():
    """q = 10 at scale 0.2, zp 1 is 1.8: at the output's scale 0.1, zp -2 -> 18 - 2 = 16."""
    a = Q(np.array([10, -128], np.int8), (0.2, 1))
    b = Q(np.array([5], np.int8), (0.1, -2))
    (y,) = run1("Concat", [a, b], [(I8, (3,), (0.1, -2))], axis=0)
    assert y.tolist() == [16, -128, 5]
    s, bias = numerics.concat_requant(0.2, 1, 0.1)
    assert np.float32(10) * s + bias == np.float32(18.0)


def test_gather_negative_indices():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    (y,) = run1("Gather", [x, np.array([-1, 0], np.int32), C(np.array([1], np.int32))], [(F32, (3, 2))])
    assert y.tolist() == [[3, 0], [7, 4], [11, 8]]


def test_strided_view_geometry():
    """x[1:5:2, ::-1] of a 6x7 array: first element x[1, 6] (flat 13), strides (14, -1)."""
    assert numerics.strided_view((6, 7), (slice(1, 5, 2), slice(None, None, -1))) == ([2, 7], 13, [14, -1])
    idx = numerics.strided_slice_index((4, 5), [1, 0], [3, 0], [1, 1], dict(shrink_axis_mask=1, end_mask=2))
    assert numerics.strided_view((4, 5), idx) == ([5], 5, [1])
    assert numerics.onnx_slice_spec((20, 10, 5), [3], [-1], [-2], [2]) == ([0, 3, 0], [20, -1, 5], [1, 2, 1])
