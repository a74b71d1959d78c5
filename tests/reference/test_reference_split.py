"""Reference kernels of the data-movement families, hand-checked: split (sizes input,
output shapes), pad (SYMMETRIC, ONNX axes input, quantized constant value), tile (dims,
leading multiples), depth_to_space (DCR / CRD / SpaceToDepth, NHWC and NCHW), concat
(requantized input), gather (negative indices), and the numerics derivations the C plans
use (strided views, split sizes, pad axes, pad fill value, tile multiples)."""
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


def test_pad_quantized_constant_value_input():
    """A quantized int8 constant value holds q: 20 at scale 0.05, zp 4 is 0.8, which the
    output's scale 0.1, zp -3 quantizes to 8 - 3 = 5 (not 20 / 0.1 - 3 = 197, clamped to 127).
    With the output's own parameters the stored integer is the fill as it is; a plain output
    takes the real value."""
    x = Q(np.array([[1, 2]], np.int8), (0.1, -3))
    pads = C(np.array([[0, 0], [1, 1]], np.int32))
    (y,) = run1("PadFusion", [x, pads, C(np.array([20], np.int8), (0.05, 4))], [(I8, (1, 4), (0.1, -3))])
    assert y.tolist() == [[5, 1, 2, 5]]
    (y,) = run1("PadFusion", [x, pads, C(np.array([20], np.int8), (0.1, -3))], [(I8, (1, 4), (0.1, -3))])
    assert y.tolist() == [[20, 1, 2, 20]]
    (y,) = run1("PadFusion", [np.array([[1.5]], np.float32), pads, C(np.array([20], np.int8), (0.05, 4))],
                [(F32, (1, 3))])
    assert y.tolist() == [[np.float32(0.8), 1.5, np.float32(0.8)]]
    assert numerics.pad_fill_value(20, np.int8, (0.1, -3), (0.05, 4)).tolist() == [5]
    assert numerics.pad_fill_value(-1.75, np.int8, (0.05, -3)).tolist() == [-38]     # a real value
    assert numerics.pad_fill_value(-1.75, np.int16).tolist() == [-1]                  # plain: truncated
    assert numerics.pad_fill_value(1e6, np.uint8, (0.1, 0)).tolist() == [255]         # clamped


def test_tile_dims_and_leading_multiples():
    """TileFusion applies input 1's multiples to the axes ``dims`` lists; without ``dims``, to
    the first axes in order (MindSpore Lite's TileInferShape), never adding dims."""
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    (y,) = run1("TileFusion", [x, C(np.array([2, 3], np.int32))], [(F32, (6, 6))], dims=(1, 0))
    np.testing.assert_array_equal(y, np.tile(x, (3, 2)))
    (y,) = run1("TileFusion", [x, C(np.array([2], np.int32))], [(F32, (4, 3))])
    np.testing.assert_array_equal(y, np.tile(x, (2, 1)))
    (y,) = run1("TileFusion", [x, C(np.array([3], np.int32))], [(F32, (2, 9))], dims=(1,))
    np.testing.assert_array_equal(y, np.tile(x, (1, 3)))
    assert numerics.tile_multiples(3, [4, 5], [2, 0]) == [5, 1, 4]
    for mult, dims, match in (([1, 2, 3], None, "at most"), ([2, 3], [1], "one axis per"),
                              ([2, 3], [0, 2], "distinct axes"), ([2, 3], [1, 1], "distinct axes"),
                              ([-1, 2], None, ">= 0")):
        with pytest.raises(UnsupportedOpError, match=match):
            numerics.tile_multiples(2, mult, dims)


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
