"""Reference LSTM (reference/lstm.py) on hand-computed one-step and two-step cases, the gate
order i, o, f, c and the bias halves, zoneout, the backward direction, refusals, and the
converter's lstm_stream model against the official MindSpore Lite runtime's outputs."""
from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import OP_FAMILIES, skip_unless_shared
from micro_codegen import api
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from micro_codegen.reference import run

F32 = DType.FLOAT32
STREAM = OP_FAMILIES / "lstm_stream.ms"
TANH_HALF = math.atanh(0.5)          # tanh(TANH_HALF) = 0.5


def _lstm(w, r, b, seq, batch=1, **attrs):
    """One-op LSTM graph from W [D, 4H, I], R [D, 4H, H], B [D, 8H]."""
    w, r, b = (np.asarray(a, np.float32) for a in (w, r, b))
    d, rows, ins = w.shape
    hid = rows // 4
    g = GraphBuilder("lstm")
    ids = [g.input("x", F32, (seq, batch, ins)), g.const("w", w), g.const("r", r), g.const("b", b),
           g.input("h0", F32, (d, batch, hid)), g.input("c0", F32, (d, batch, hid))]
    ys = g.node("LSTM", ids, [("y", F32, (seq, d, batch, hid)), ("yh", F32, (d, batch, hid)),
                              ("yc", F32, (d, batch, hid))], name="n", hidden_size=hid, num_directions=d, **attrs)
    return roundtrip(g.build(outputs=ys))


def _bias(wb=(0, 0, 0, 0), rb=(0, 0, 0, 0)):
    """B [1, 8] for H = 1: input biases then recurrent biases, gates (i, o, f, c)."""
    return np.array([list(wb) + list(rb)], np.float32)


ZERO_W, ZERO_R = np.zeros((1, 4, 1)), np.zeros((1, 4, 1))


def test_zero_weights_halve_the_cell_each_step():
    # i = o = f = sigmoid(0) = 0.5, g = tanh(0) = 0: c_t = 0.5 c_{t-1}, y_t = 0.5 tanh(c_t)
    g = _lstm(ZERO_W, ZERO_R, _bias(), seq=2)
    y, yh, yc = run(g, [np.zeros((2, 1, 1)), np.zeros((1, 1, 1)), np.ones((1, 1, 1))])
    np.testing.assert_allclose(y.ravel(), [0.5 * math.tanh(0.5), 0.5 * math.tanh(0.25)], rtol=1e-6)
    np.testing.assert_allclose(yh.ravel(), [0.5 * math.tanh(0.25)], rtol=1e-6)
    np.testing.assert_allclose(yc.ravel(), [0.25], rtol=1e-6)


def test_gate_order_is_i_o_f_c():
    # output gate shut (bias -100): y = 0 while the cell still updates; forget gate open
    # (bias +100, f = 1) keeps c0; input weight on the cell gate: g = tanh(x)
    w = np.array([[[0.0], [0.0], [0.0], [1.0]]])
    g = _lstm(w, ZERO_R, _bias(wb=(0, -100, 100, 0)), seq=1)
    y, yh, yc = run(g, [np.full((1, 1, 1), TANH_HALF), np.zeros((1, 1, 1)), np.full((1, 1, 1), 2.0)])
    assert abs(y.item()) < 1e-40 and abs(yh.item()) < 1e-40
    np.testing.assert_allclose(yc.item(), 2.0 + 0.5 * 0.5, rtol=1e-6)     # f c0 + i g


def test_recurrent_bias_half_and_recurrent_weights():
    # the cell gate's recurrent bias (second half of B) and R acting on h0:
    # a_c = R_c h0 + rb_c = 2 * (0.25 TANH_HALF) + 0.5 TANH_HALF = TANH_HALF -> g = 0.5
    r = np.array([[[0.0], [0.0], [0.0], [2.0]]])
    g = _lstm(ZERO_W, r, _bias(rb=(0, 0, 0, 0.5 * TANH_HALF)), seq=1)
    y, yh, yc = run(g, [np.zeros((1, 1, 1)), np.full((1, 1, 1), 0.25 * TANH_HALF), np.zeros((1, 1, 1))])
    np.testing.assert_allclose(yc.item(), 0.25, rtol=1e-6)                 # i g = 0.5 * 0.5
    np.testing.assert_allclose(y.item(), 0.5 * math.tanh(0.25), rtol=1e-6)


def test_zoneout_mixes_old_and_new_state():
    g = _lstm(ZERO_W, ZERO_R, _bias(), seq=1, zoneout_cell=0.5, zoneout_hidden=0.25)
    y, yh, yc = run(g, [np.zeros((1, 1, 1)), np.ones((1, 1, 1)), np.ones((1, 1, 1))])
    y_new = 0.5 * math.tanh(0.5)                                          # from c_new = 0.5
    np.testing.assert_allclose(y.item(), y_new, rtol=1e-6)                # Y is before zoneout
    np.testing.assert_allclose(yc.item(), 0.5 * 1 + 0.5 * 0.5, rtol=1e-6)
    np.testing.assert_allclose(yh.item(), 0.25 * 1 + 0.75 * y_new, rtol=1e-6)


def test_backward_direction_runs_reversed_time():
    gen = np.random.default_rng(3)
    w, r, b = gen.uniform(-1, 1, (2, 12, 2)), gen.uniform(-1, 1, (2, 12, 3)), gen.uniform(-1, 1, (2, 24))
    x = gen.uniform(-1, 1, (4, 1, 2)).astype(np.float32)
    h0, c0 = gen.uniform(-1, 1, (2, 1, 3)), gen.uniform(-1, 1, (2, 1, 3))
    y, yh, yc = run(_lstm(w, r, b, seq=4, bidirectional=True), [x, h0, c0])
    fy, fh, fc = run(_lstm(w[:1], r[:1], b[:1], seq=4), [x, h0[:1], c0[:1]])
    by, bh, bc = run(_lstm(w[1:], r[1:], b[1:], seq=4), [x[::-1], h0[1:], c0[1:]])
    np.testing.assert_array_equal(y[:, 0], fy[:, 0])
    np.testing.assert_array_equal(y[:, 1], by[::-1, 0])
    np.testing.assert_array_equal(yh, np.concatenate([fh, bh]))
    np.testing.assert_array_equal(yc, np.concatenate([fc, bc]))


def test_projection_is_refused():
    g = _lstm(ZERO_W, ZERO_R, _bias(), seq=1, proj_size=1)
    with pytest.raises(UnsupportedOpError, match="proj_size"):
        run(g, [np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), np.zeros((1, 1, 1))])


def test_mismatched_bias_is_refused():
    g = _lstm(ZERO_W, ZERO_R, np.zeros((1, 4)), seq=1)
    with pytest.raises(UnsupportedOpError, match="bias must be"):
        run(g, [np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), np.zeros((1, 1, 1))])


def test_lstm_stream_matches_the_official_runtime():
    """All 9 cases (3 random + 6 streaming steps) within 1e-6 of MindSpore Lite 2.0.0's outputs."""
    skip_unless_shared(STREAM)
    g = api.load(STREAM)
    with np.load(STREAM.with_suffix(".ms.npz")) as z:
        for k in range(9):
            outs = run(g, [z[f"input_{k}_{t}"] for t in range(3)])
            for t, o in enumerate(outs):
                np.testing.assert_allclose(o.ravel(), z[f"ms_output_{k}_{t}"].ravel(), atol=1e-6)
