"""micro_codegen.numerics geometry and multiplier helpers against the rules their docstrings
state (the fixed-point arithmetic itself is pinned in test_reference_core.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen import numerics
from micro_codegen.errors import UnsupportedOpError


@pytest.mark.parametrize("mode,pads,rmode,expected", [
    ("SAME", None, "FLOOR", (3, 4, 1, 0)),          # ceil(5/2), ceil(7/2); total pad 2 -> 1 before; 1 -> 0
    ("VALID", None, "FLOOR", (2, 3, 0, 0)),         # (5-3)//2+1, (7-2)//2+1
    ("VALID", None, "CEIL", (2, 4, 0, 0)),
    ("PAD", (1, 0, 2, 1), "FLOOR", (2, 5, 1, 2)),   # (5+1-3)//2+1, (7+3-2)//2+1
    ("PAD", (1, 0, 2, 1), "CEIL", (3, 5, 1, 2)),
])
def test_resolve_padding(mode, pads, rmode, expected):
    assert numerics.resolve_padding(mode, (5, 7), (3, 2), (2, 2), pads, rmode) == expected


@pytest.mark.parametrize("mode,pads,match", [
    ("VALID", None, "larger than input"), ("PAD", (1, 1, 1), "needs pad_list"), ("PAD", (0, -1, 0, 0), "negative"),
    ("PAD", (0, 0, 0, 0), "larger than padded"), ("CALCULATED", None, "not supported"),
])
def test_resolve_padding_refuses(mode, pads, match):
    with pytest.raises(UnsupportedOpError, match=match):
        numerics.resolve_padding(mode, (2, 2), (3, 3), (1, 1), pads)


def test_pair():
    assert numerics.pair((2,), "stride") == (2, 2) and numerics.pair([3, 1], "stride") == (3, 1)
    for bad, match in ((None, "missing"), ((0, 1), r"in \[1, 2147483647\]"), ((1, 1, 1), "two values"),
                       ((1, 2**31), r"in \[1, 2147483647\]")):
        with pytest.raises(UnsupportedOpError, match=match):
            numerics.pair(bad, "stride")


def test_conv_and_pool_windows():
    w = numerics.conv_window((9, 9), (3, 3), {"stride": (2, 2), "dilation": (2, 1), "pad_mode": "VALID"})
    assert (w.out_h, w.out_w, w.pad_top, w.pad_left) == (3, 4, 0, 0)     # effective kernel 5 x 3
    assert w.dilation_h == 2 and w.stride_w == 2
    assert numerics.pool_window((4, 6), {"global": True}) == numerics.Window(4, 6, 1, 1, 1, 1, 1, 1, 0, 0)
    p = numerics.pool_window((5, 5), {"kernel_size": (2, 2), "strides": (2, 2), "round_mode": "CEIL"})
    assert (p.out_h, p.out_w) == (3, 3)
    assert not numerics.has_empty_window(p, (5, 5))
    padded = numerics.pool_window((4, 4), {"kernel_size": (2, 2), "strides": (2, 2), "pad_mode": "PAD",
                                           "pad": (2, 0, 0, 0)})
    assert numerics.has_empty_window(padded, (4, 4))
    with pytest.raises(UnsupportedOpError, match="round_mode"):
        numerics.pool_window((4, 4), {"kernel_size": (2, 2), "round_mode": "HALF"})


def test_reduce_axes_and_pad_pairs():
    assert numerics.reduce_axes(3, None) == [0, 1, 2]
    assert numerics.reduce_axes(4, [-1, 1, 1]) == [1, 3]
    assert numerics.reduce_axes(4, [1], reduce_to_end=True) == [1, 2, 3]
    assert numerics.reduce_axes(0, None, reduce_to_end=True) == []
    for axes, match in (([], "empty"), ([3], "out of range")):
        with pytest.raises(UnsupportedOpError, match=match):
            numerics.reduce_axes(3, axes)
    assert numerics.pad_pairs(3, [1, 2, 0, 3]) == [(0, 0), (1, 2), (0, 3)]
    for flat, match in ((None, "without paddings"), ([1, 2, 3], "do not fit"), ([0, -1], "negative")):
        with pytest.raises(UnsupportedOpError, match=match):
            numerics.pad_pairs(2, flat)


def _real(m_e) -> float:
    m, e = m_e
    return m * 2.0 ** (e - 31)


def test_multipliers_follow_their_formulas():
    (m1, m2, mo) = numerics.add_multipliers(0.02, 0.05, 0.1)
    assert _real(m1) == pytest.approx(0.2) and _real(m2) == pytest.approx(0.5)
    assert _real(mo) == pytest.approx(0.1 / (2 ** 20 * 0.1))
    assert _real(numerics.mul_multiplier(0.02, 0.05, 0.1)) == pytest.approx(0.01)
    m, s = numerics.output_multipliers(0.5, [0.01, 0.02], 0.25)
    assert [_real(p) for p in zip(m, s)] == pytest.approx([0.02, 0.04])
    m, e = numerics.mean_multiplier(0.1, 0.2, 6)
    assert _real((m, e)) == pytest.approx(0.5 / 6, rel=1e-8)
    ident, alpha = numerics.leaky_relu_multipliers(0.1, 0.2, 0.1)
    assert _real(ident) == pytest.approx(1.0) and _real(alpha) == pytest.approx(0.2)
    with pytest.raises(UnsupportedOpError, match="negative slope"):
        numerics.leaky_relu_multipliers(0.1, -0.2, 0.1)
    assert numerics.ratio_f32(1.0, 3.0) == float(np.float32(1) / np.float32(3)) != 1 / 3


def test_softmax_params():
    mult, shift, diff_min = numerics.softmax_params(0.1)
    assert _real((mult, shift)) == pytest.approx(0.1 * 2 ** 26)
    assert diff_min == -math.floor(31 * 2 ** 26 / 2 ** shift)
    with pytest.raises(UnsupportedOpError, match="too small"):
        numerics.softmax_params(1e-12)


def test_relu_x_range_and_bounds():
    assert numerics.quantize_bound(0.26, 0.1, 3, -128, 127) == 6                 # 3 + round(2.6)
    assert numerics.quantize_bound(math.inf, 0.1, 3, -128, 127) == 127
    assert numerics.quantize_bound(-100.0, 0.1, 3, -128, 127) == -128
    assert numerics.relu_x_range(*numerics.RELU_X_BOUNDS["RELU1"], 0.02, 0, -128, 127) == (-50, 50)
    assert numerics.relu_x_range(None, None, 0.02, 0, -128, 127) == (-128, 127)
    assert numerics.activation_range("RELU1", 0.02, 0) == (-50, 50)
