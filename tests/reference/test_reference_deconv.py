"""Reference Conv2dTransposeFusion (micro_codegen/reference/deconv.py) and its geometry
(numerics.deconv_window / deconv_groups) on hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import numerics, reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType

F32, I8, I32 = DType.FLOAT32, DType.INT8, DType.INT32


def _run(x, w, out_shape, bias=None, dtype=F32, qx=None, qw=None, qy=None, **attrs):
    """One deconv node; ``x`` NHWC, ``w`` [in, kh, kw, out/group]."""
    b = GraphBuilder("d")
    xi = b.input("x", dtype, x.shape, quant=qx)
    ins = [xi, b.const("w", w, quant=qw)]
    if bias is not None:
        ins.append(b.const("b", bias))
    kw = dict(kernel_size=w.shape[1:3], stride=(1, 1), dilation=(1, 1), pad_mode="PAD", pad_list=(0, 0, 0, 0),
              output_paddings=(0, 0), group=1, format="NHWC", activation_type="NO_ACTIVATION")
    kw.update(attrs)
    y = b.node("Conv2dTransposeFusion", ins, [("y", dtype, out_shape, qy)], **kw)
    return reference.run(b.build([y]), [x])[0]


def _row(values, dtype=np.float32):
    """A 1 x 1 x len x 1 NHWC tensor (a row along W)."""
    return np.array(values, dtype).reshape(1, 1, -1, 1)


def test_onnx_convtranspose_example():
    """ONNX's ConvTranspose example: 3x3 input 0..8, two 3x3 kernels of ones."""
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    y = _run(x, np.ones((1, 3, 3, 2), np.float32), (1, 5, 5, 2))
    want = np.array([[0, 1, 3, 3, 2], [3, 8, 15, 12, 7], [9, 21, 36, 27, 15], [9, 20, 33, 24, 13],
                     [6, 13, 21, 15, 8]], np.float32)
    np.testing.assert_array_equal(y[0, :, :, 0], want)
    np.testing.assert_array_equal(y[0, :, :, 1], want)


def test_stride_pads_output_padding_bias_relu():
    x, w = _row([1, 2]), np.array([1, 10, 100], np.float32).reshape(1, 1, 3, 1)
    # stride 2: x0 -> 0..2, x1 -> 2..4
    np.testing.assert_array_equal(_run(x, w, (1, 1, 5, 1), stride=(1, 2)).ravel(), [1, 10, 102, 20, 200])
    # left pad 1 drops the first output
    np.testing.assert_array_equal(_run(x, w, (1, 1, 4, 1), stride=(1, 2), pad_list=(0, 0, 1, 0)).ravel(),
                                  [10, 102, 20, 200])
    # output padding 1 adds a bias-only position at the end; RELU clamps
    y = _run(x, w, (1, 1, 6, 1), bias=np.array([-15], np.float32), stride=(1, 2), output_paddings=(0, 1),
             activation_type="RELU")
    np.testing.assert_array_equal(y.ravel(), [0, 0, 87, 5, 185, 0])


def test_dilation():
    """Taps 2 apart: x_i reaches i (w0) and i + 2 (w1)."""
    y = _run(_row([1, 2, 3]), np.array([1, 10], np.float32).reshape(1, 1, 2, 1), (1, 1, 5, 1), dilation=(1, 2))
    np.testing.assert_array_equal(y.ravel(), [1, 2, 13, 20, 30])


def test_same_padding_with_negative_pad():
    """SAME, stride 3 > kernel 1: out = 2 * 3, pad_before = trunc((1*3 + 1 - 6) / 2) = -1."""
    y = _run(_row([1, 2]), np.full((1, 1, 1, 1), 5, np.float32), (1, 1, 6, 1), stride=(1, 3), pad_mode="SAME")
    np.testing.assert_array_equal(y.ravel(), [0, 5, 0, 0, 10, 0])


def test_groups():
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 1, 1, 4)
    w = np.array([[1, 0], [0, 1], [1, 1], [2, 0]], np.float32).reshape(4, 1, 1, 2)
    # group 2: channels 0-1 from inputs 0-1, channels 2-3 from inputs 2-3
    np.testing.assert_array_equal(_run(x, w, (1, 1, 1, 4), group=2).ravel(), [1, 2, 11, 3])
    # depthwise (group == in == out)
    y = _run(x[..., :2], np.array([3, 4], np.float32).reshape(2, 1, 1, 1), (1, 1, 1, 2), group=2)
    np.testing.assert_array_equal(y.ravel(), [3, 8])


def test_int8_requantization():
    """(x - 1) = [2, 4], w = [1, 2, 4], stride 2 -> acc [2, 4, 12, 8, 16] + bias 4; M = 0.5 * 0.25 / 1
    = 0.125 -> [0.75, 1, 2, 1.5, 2.5] rounded (ties away) -> [1, 1, 2, 2, 3], output zero point -1."""
    y = _run(_row([3, 5], np.int8), np.array([1, 2, 4], np.int8).reshape(1, 1, 3, 1), (1, 1, 5, 1),
             bias=np.array([4], np.int32), dtype=I8, qx=(0.5, 1), qw=(0.25, 0), qy=(1.0, -1), stride=(1, 2))
    np.testing.assert_array_equal(y.ravel(), [0, 0, 1, 1, 2])


def test_int8_per_channel_and_relu6():
    """Two output channels, weight scales 0.25 / 0.5; RELU6 clamps channel 1 at q(6) = 6 - 1 = 5."""
    x = np.array([3], np.int8).reshape(1, 1, 1, 1)              # x - zp = 2
    w = np.array([8, 16], np.int8).reshape(1, 1, 1, 2)          # acc 16, 32
    y = _run(x, w, (1, 1, 1, 2), dtype=I8, qx=(0.5, 1), qw=([0.25, 0.5], [0, 0]), qy=(1.0, -1),
             activation_type="RELU6")
    np.testing.assert_array_equal(y.ravel(), [1, 5])            # 16 * 0.125 = 2 -> 1; 32 * 0.25 = 8 -> 7 -> 5


@pytest.mark.parametrize("mode,pads,out_pad,want", [
    ("PAD", (1, 1, 2, 2), (0, 0), (7, 3, 1, 2)),        # ONNX convtranspose_pads: 3x3, k3, strides (3, 2)
    ("PAD", (0, 0, 0, 0), (1, 1), (10, 8, 0, 0)),       # convtranspose_kernel_shape
    ("SAME", None, (0, 0), (9, 6, 0, 0)),               # (2*3+3-9)/2 = 0, (2*2+3-6)/2 = 0
    ("VALID", None, (0, 1), (9, 8, 0, 0)),
])
def test_deconv_window(mode, pads, out_pad, want):
    win = numerics.deconv_window((3, 3), (3, 3), dict(stride=(3, 2), pad_mode=mode, pad_list=pads,
                                                      output_paddings=out_pad))
    assert (win.out_h, win.out_w, win.pad_top, win.pad_left) == want


def test_deconv_window_and_groups_refuse():
    with pytest.raises(UnsupportedOpError, match="output size"):
        numerics.deconv_window((2, 2), (2, 2), dict(pad_list=(3, 3, 0, 0)))
    with pytest.raises(UnsupportedOpError, match="output_paddings"):
        numerics.deconv_window((2, 2), (2, 2), dict(output_paddings=(-1, 0)))
    assert numerics.deconv_groups(4, (4, 3, 3, 1), 4, 0) == 4          # 0 = the input channels
    assert numerics.deconv_groups(4, (4, 3, 3, 3), 6, 2) == 2
    with pytest.raises(UnsupportedOpError, match="group 3"):
        numerics.deconv_groups(4, (4, 3, 3, 2), 6, 3)
