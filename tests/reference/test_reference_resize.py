"""Reference Resize, hand-checked: CUBIC (MindSpore Lite: edge-clamped taps, Keys' kernel with
the stored coefficient, exclude_outside not used), LINEAR coordinates, NEAREST on float data
(MindSpore Lite: floor, nearest_mode not used) vs quantized data (TFLite indices), int8 LINEAR
(TFLite 10-bit fixed point, worked by hand), refusals."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from one_op import C, Q, run1

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def _resize(x, out_hw, dtype=F32, q=None, **attrs):
    n, _, _, c = x.array.shape if isinstance(x, Q) else x.shape
    out = (dtype, (n, *out_hw, c)) + ((q,) if q else ())
    return run1("Resize", [x, C(np.array(out_hw, np.int32))], [out], format="NHWC", **attrs)[0]


def test_cubic_edge_clamped_taps():
    # 4 -> 8 along W, ASYMMETRIC: src = o / 2. a = -0.75: W(0.5) = 0.59375, W(1.5) = -0.09375.
    # o = 1 (src 0.5): taps x[0] (clamped from -1), x[0], x[1], x[2] -> 1*-.09375 + 1*.59375 + 2*.59375 + 3*-.09375
    # o = 3 (src 1.5): taps x[0..3] -> 2.5 (the kernel reproduces a line)
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 4, 1)
    y = _resize(x, (1, 8), method="CUBIC", coordinate_transform_mode="ASYMMETRIC", cubic_coeff=-0.75)
    assert y[0, 0, :, 0].tolist()[:4] == [1.0, 1.40625, 2.0, 2.5]
    # exclude_outside is not used (MindSpore Lite): the same values
    y2 = _resize(x, (1, 8), method="CUBIC", coordinate_transform_mode="ASYMMETRIC", cubic_coeff=-0.75,
                 exclude_outside=1)
    assert np.array_equal(y, y2)
    # a = 0 (what the converter writes for ONNX's default): W(0.5) = (2 * 0.5 - 3) * 0.25 + 1 = 0.5, W(1.5) = 0
    y0 = _resize(x, (1, 8), method="CUBIC", coordinate_transform_mode="ASYMMETRIC", cubic_coeff=0.0)
    assert y0[0, 0, :4, 0].tolist() == [1.0, 1.5, 2.0, 2.5]


def test_linear_coordinates():
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 4, 1)
    # ASYMMETRIC 4 -> 3: src = o * 4 / 3
    y = _resize(x, (1, 3), method="LINEAR", coordinate_transform_mode="ASYMMETRIC")
    assert y.reshape(-1).tolist() == pytest.approx([1, 1 + 4 / 3, 1 + 8 / 3], abs=1e-6)
    # HALF_PIXEL 4 -> 1: src = max(0.5 * 4 - 0.5, 0) = 1.5
    y = _resize(x, (1, 1), method="LINEAR", coordinate_transform_mode="HALF_PIXEL")
    assert y.reshape(-1).tolist() == [2.5]
    # ALIGN_CORNERS with an output length of 1 (0 / 0 in MindSpore Lite): source 0
    y = _resize(x, (1, 1), method="LINEAR", coordinate_transform_mode="ALIGN_CORNERS")
    assert y.reshape(-1).tolist() == [1.0]


def test_nearest_float_vs_quantized():
    # 4 -> 8 HALF_PIXEL. MindSpore Lite: floor(max((o + .5) / 2 - .5, 0)) = 0 0 0 1 1 2 2 3;
    # TFLite (quantized data): floor((o + .5) * 0.5) = 0 0 1 1 2 2 3 3
    x = np.arange(4, dtype=np.int8).reshape(1, 1, 4, 1)
    for nmode in ("ROUND_HALF_DOWN", "CEIL", "FLOOR"):          # nearest_mode is not used
        y = _resize(x.astype(np.float32), (1, 8), method="NEAREST", coordinate_transform_mode="HALF_PIXEL",
                    nearest_mode=nmode)
        assert y.reshape(-1).tolist() == [0, 0, 0, 1, 1, 2, 2, 3]
    y = _resize(Q(x, (0.5, 1)), (1, 8), I8, (0.5, 1), method="NEAREST", coordinate_transform_mode="HALF_PIXEL")
    assert y.reshape(-1).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    yi = _resize(x.astype(np.int32), (1, 8), I32, method="NEAREST", coordinate_transform_mode="HALF_PIXEL")
    assert yi.reshape(-1).tolist() == [0, 0, 0, 1, 1, 2, 2, 3]         # plain integers: MindSpore Lite


def test_int8_bilinear_hand():
    # W 2 -> 4, HALF_PIXEL: scale = (2048 + 2) // 4 = 512, s = 512 o - 256 = -256, 256, 768, 1280
    # -> (lo, hi, frac) = (0, 0, -256), (0, 1, 256), (0, 1, 768), (1, 1, 256)
    # [0, 100]: o=1: 100 * 1024 * 256 / 2**20 = 25 (+0.5 -> 25); o=2: 75.
    # [-3, 0]: o=1: -3 * 1024 * 768 / 2**20 = -2.25, -0.5 -> trunc(-2.75) = -2; o=2: -0.75 - 0.5 -> -1
    x = np.array([[0, 100], [-3, 0]], np.int8).reshape(1, 2, 2, 1)
    y = _resize(Q(x, (0.1, 5)), (2, 4), I8, (0.1, 5), method="LINEAR", coordinate_transform_mode="HALF_PIXEL")
    assert y[0, :, :, 0].tolist() == [[0, 25, 75, 100], [-3, -2, -1, 0]]


def test_refusals():
    x = np.zeros((1, 2, 2, 1), np.int32)
    with pytest.raises(UnsupportedOpError, match="LINEAR Resize of int32"):
        _resize(x, (4, 4), I32, method="LINEAR")
    with pytest.raises(UnsupportedOpError, match="CUBIC Resize of int8"):
        _resize(Q(x.astype(np.int8), (0.1, 0)), (4, 4), I8, (0.1, 0), method="CUBIC")
    with pytest.raises(UnsupportedOpError, match="equal input and output quantization"):
        _resize(Q(x.astype(np.int8), (0.1, 0)), (4, 4), I8, (0.2, 0), method="NEAREST")
    with pytest.raises(UnsupportedOpError, match="coordinate_transform_mode 3"):
        _resize(x.astype(np.float32), (4, 4), method="LINEAR", coordinate_transform_mode=3)
