"""Reference MaxPoolFusion extensions, hand-checked: the argmax output (ONNX Indices over the
input flattened as NCHW, first maximum), windows CEIL rounding adds past the input (the
dtype's lowest value, as MindSpore Lite), other dtypes; and the regression of `infer` on a
two-output MaxPoolFusion (it ended in an uncaught AssertionError)."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from one_op import Q, run1

F32, F16, I8, I32, U8 = DType.FLOAT32, DType.FLOAT16, DType.INT8, DType.INT32, DType.UINT8


def pool_attrs(k, s, mode="VALID", pad=(0, 0, 0, 0), round_mode="FLOOR", act="NO_ACTIVATION"):
    return dict(kernel_size=tuple(k), strides=tuple(s), pad=tuple(pad), pad_mode=mode, round_mode=round_mode,
                format="NHWC", activation_type=act, **{"global": False})


def test_argmax_onnx_pads_example():
    # ONNX maxpool_with_argmax_2d_precomputed_pads: 5x5 of 1..25, 5x5 window, pads 2
    x = np.arange(1, 26, dtype=np.float32).reshape(1, 5, 5, 1)
    y, z = run1("MaxPoolFusion", [x], [(F32, (1, 5, 5, 1)), (F32, (1, 5, 5, 1))],
                **pool_attrs((5, 5), (1, 1), "PAD", (2, 2, 2, 2)))
    assert y[0, :, :, 0].tolist()[0] == [13, 14, 15, 15, 15]
    assert z[0, :, :, 0].tolist() == [[12, 13, 14, 14, 14], [17, 18, 19, 19, 19]] + [[22, 23, 24, 24, 24]] * 3


def test_argmax_index_is_nchw_with_batch_and_first_maximum():
    # N=2, H=W=2, C=2 (NHWC), one 2x2 window. Index ((n * C + c) * H + y) * W + x.
    x = np.zeros((2, 2, 2, 2), np.float32)
    x[1, 1, 0, 1] = 5.0            # n=1, y=1, x=0, c=1 -> ((1*2+1)*2+1)*2+0 = 14
    x[0, 0, 1, 0] = x[0, 1, 1, 0] = 3.0   # tie (n=0, c=0): the first in (y, x) order, (0, 1) -> 1
    y, z = run1("MaxPoolFusion", [x], [(F32, (2, 1, 1, 2)), (I32, (2, 1, 1, 2))], **pool_attrs((2, 2), (2, 2)))
    assert z.reshape(2, 2).tolist() == [[1, 4], [8, 14]]     # all-zero windows: their first tap
    assert y.reshape(2, 2).tolist() == [[3, 0], [0, 5]]


def test_ceil_window_past_the_input():
    # maxpool_2d_ceil_output_size_reduce_by_one: 2x2, 1x1 window, stride 2, CEIL -> 2x2 (MindSpore Lite's size);
    # the windows past the input give -FLT_MAX (MindSpore Lite's value) and index -1
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 2, 2, 1)
    lowest = float(np.finfo(np.float32).min)
    y, z = run1("MaxPoolFusion", [x], [(F32, (1, 2, 2, 1)), (I32, (1, 2, 2, 1))],
                **pool_attrs((1, 1), (2, 2), round_mode="CEIL"))
    assert y.reshape(-1).tolist() == [1, lowest, lowest, lowest]
    assert z.reshape(-1).tolist() == [0, -1, -1, -1]
    y, = run1("MaxPoolFusion", [x], [(F32, (1, 2, 2, 1))], **pool_attrs((1, 1), (2, 2), round_mode="CEIL", act="RELU"))
    assert y.reshape(-1).tolist() == [1, 0, 0, 0]
    yq, = run1("MaxPoolFusion", [Q(x.astype(np.int8), (0.5, -3))], [(I8, (1, 2, 2, 1), (0.5, -3))],
               **pool_attrs((1, 1), (2, 2), round_mode="CEIL", act="RELU"))
    assert yq.reshape(-1).tolist() == [1, -3, -3, -3]                  # -128 clamped to quantize(0) = -3
    with pytest.raises(UnsupportedOpError, match="entirely in the padding"):   # AvgPool: no empty window
        run1("AvgPoolFusion", [x], [(F32, (1, 2, 2, 1))], **pool_attrs((1, 1), (2, 2), round_mode="CEIL"))
    with pytest.raises(UnsupportedOpError, match="entirely in the padding"):   # explicit padding: refused
        run1("MaxPoolFusion", [x], [(F32, (1, 2, 1, 1))], **pool_attrs((1, 1), (1, 2), "PAD", (0, 0, 1, 0)))


def test_other_dtypes():
    x = np.array([[250, 3], [7, 255]], np.uint8).reshape(1, 2, 2, 1)
    y, = run1("MaxPoolFusion", [x], [(U8, (1, 1, 1, 1))], **pool_attrs((2, 2), (2, 2)))
    assert y.reshape(-1).tolist() == [255]
    h = np.array([-1.5, -0.25, -7, -65504], np.float16).reshape(1, 2, 2, 1)
    y, = run1("MaxPoolFusion", [h], [(F16, (1, 1, 1, 1))], **pool_attrs((2, 2), (2, 2), act="RELU"))
    assert y.reshape(-1).tolist() == [0.0]
    y, = run1("MaxPoolFusion", [h], [(F16, (1, 1, 1, 1))], **pool_attrs((2, 2), (2, 2)))
    assert y.reshape(-1).tolist() == [-0.25]
    with pytest.raises(UnsupportedOpError, match="RELU on non-quantized"):
        run1("MaxPoolFusion", [x.astype(np.int32)], [(I32, (1, 1, 1, 1))], **pool_attrs((2, 2), (2, 2), act="RELU"))


def test_infer_cli_on_two_output_maxpool(tmp_path):
    """Regression: `micro-codegen infer` on a MaxPoolFusion with values and argmax outputs."""
    from click.testing import CliRunner

    from micro_codegen.cli import main
    from micro_codegen.ms_model import write_model
    b = GraphBuilder("argmax")
    x = b.input("x", F32, (1, 4, 4, 2))
    y, z = b.node("MaxPoolFusion", [x], [("y", F32, (1, 2, 2, 2)), ("z", F32, (1, 2, 2, 2))],
                  **pool_attrs((2, 2), (2, 2)))
    g = b.build([y, z])
    write_model(g, tmp_path / "m.ms")
    xv = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)[:, ::-1].copy()   # maxima: top right of each window
    want_y = xv.reshape(1, 2, 2, 2, 2, 2).max(axis=(2, 4))
    # window (oy, ox): maximum at y = 2 oy, x = 2 ox + 1; index (c * 4 + y) * 4 + x
    want_z = np.array([[[[1, 17], [3, 19]], [[9, 25], [11, 27]]]], np.float32)
    np.savez(tmp_path / "c.npz", input_0=xv, output_0_0=want_y, output_0_1=want_z)
    r = CliRunner().invoke(main, ["infer", str(tmp_path / "m.ms"), "--cases", str(tmp_path / "c.npz")])
    assert r.exit_code == 0, r.output
    assert "1 passed, 0 failed" in r.output
