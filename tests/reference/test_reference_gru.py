"""Reference GRU (reference/gru.py) on hand-computed cases: the gate order update, reset,
hidden, the reset gate applied before the recurrent product of the hidden gate, both bias
halves, the backward direction, seq_len zeroing (state still runs over every step), refusals."""
from __future__ import annotations

import math

import numpy as np
import pytest

from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from micro_codegen.reference import run

F32, I32 = DType.FLOAT32, DType.INT32
TANH_HALF = math.atanh(0.5)          # tanh(TANH_HALF) = 0.5


def _gru(w, r, b, seq, batch=1, seq_len=None, **attrs):
    """One-op GRU graph from W [D, 3H, I], R [D, 3H, H], B [D, 6H]; seq_len: constant values."""
    w, r, b = (np.asarray(a, np.float32) for a in (w, r, b))
    d, rows, ins = w.shape
    hid = rows // 3
    g = GraphBuilder("gru")
    ids = [g.input("x", F32, (seq, batch, ins)), g.const("w", w), g.const("r", r), g.const("b", b),
           g.input("h0", F32, (d, batch, hid))]
    if seq_len is not None:
        ids.append(g.const("len", np.asarray(seq_len, np.int32)))
    ys = g.node("GRU", ids, [("y", F32, (seq, d, batch, hid)), ("yh", F32, (d, batch, hid))], name="n",
                bidirectional=d == 2, **attrs)
    return roundtrip(g.build(outputs=ys))


def _bias(wb=(0, 0, 0), rb=(0, 0, 0)):
    """B [1, 6] for H = 1: input biases then recurrent biases, gates (z, r, n)."""
    return np.array([list(wb) + list(rb)], np.float32)


ZERO_W, ZERO_R = np.zeros((1, 3, 1)), np.zeros((1, 3, 1))


def test_zero_weights_halve_the_state_each_step():
    # z = 0.5, n = tanh(0) = 0: h_t = 0.5 h_{t-1}
    y, yh = run(_gru(ZERO_W, ZERO_R, _bias(), seq=2), [np.zeros((2, 1, 1)), np.ones((1, 1, 1))])
    np.testing.assert_allclose(y.ravel(), [0.5, 0.25], rtol=1e-7)
    np.testing.assert_allclose(yh.ravel(), [0.25], rtol=1e-7)


def test_gate_order_is_update_reset_hidden():
    # update gate shut (input bias -100, z = 0): h = n = tanh(W_n x) = 0.5 for x = TANH_HALF
    w = np.array([[[0.0], [0.0], [1.0]]])
    y, yh = run(_gru(w, ZERO_R, _bias(wb=(-100, 0, 0)), seq=1), [np.full((1, 1, 1), TANH_HALF), np.ones((1, 1, 1))])
    np.testing.assert_allclose(yh.item(), 0.5, rtol=1e-6)
    # update gate open (recurrent bias +100, z = 1): h stays h0 whatever n is
    y, yh = run(_gru(w, ZERO_R, _bias(rb=(100, 0, 0)), seq=1), [np.full((1, 1, 1), 3.0), np.full((1, 1, 1), 0.7)])
    np.testing.assert_allclose(yh.item(), 0.7, rtol=1e-6)


def test_reset_applies_before_the_recurrent_product():
    # z = 0 (bias -100), reset r = sigmoid(0) = 0.5, R_n = 2, h0 = TANH_HALF, rb_n = 0.2:
    # reset before: n = tanh(R_n (r h0) + rb_n) = tanh(TANH_HALF + 0.2); reset after the
    # product (ONNX linear_before_reset) would give tanh(r (R_n h0 + rb_n)) = tanh(TANH_HALF + 0.1)
    r = np.array([[[0.0], [0.0], [2.0]]])
    g = _gru(ZERO_W, r, _bias(wb=(-100, 0, 0), rb=(0, 0, 0.2)), seq=1)
    y, yh = run(g, [np.zeros((1, 1, 1)), np.full((1, 1, 1), TANH_HALF)])
    np.testing.assert_allclose(yh.item(), math.tanh(TANH_HALF + 0.2), rtol=1e-6)


def test_backward_direction_runs_reversed_time():
    gen = np.random.default_rng(5)
    w, r, b = gen.uniform(-1, 1, (2, 9, 2)), gen.uniform(-1, 1, (2, 9, 3)), gen.uniform(-1, 1, (2, 18))
    x = gen.uniform(-1, 1, (5, 1, 2)).astype(np.float32)
    h0 = gen.uniform(-1, 1, (2, 1, 3))
    y, yh = run(_gru(w, r, b, seq=5), [x, h0])
    fy, fh = run(_gru(w[:1], r[:1], b[:1], seq=5), [x, h0[:1]])
    by, bh = run(_gru(w[1:], r[1:], b[1:], seq=5), [x[::-1], h0[1:]])
    np.testing.assert_array_equal(y[:, 0], fy[:, 0])
    np.testing.assert_array_equal(y[:, 1], by[::-1, 0])
    np.testing.assert_array_equal(yh, np.concatenate([fh, bh]))


def test_seq_len_zeroes_late_outputs_but_not_the_state():
    g = _gru(ZERO_W, ZERO_R, _bias(), seq=3, seq_len=[1])
    y, yh = run(g, [np.zeros((3, 1, 1)), np.ones((1, 1, 1))])
    np.testing.assert_array_equal(y.ravel(), [0.5, 0.0, 0.0])
    np.testing.assert_allclose(yh.item(), 0.125, rtol=1e-7)
    y, _ = run(_gru(ZERO_W, ZERO_R, _bias(), seq=2, seq_len=[7]), [np.zeros((2, 1, 1)), np.ones((1, 1, 1))])
    np.testing.assert_allclose(y.ravel(), [0.5, 0.25], rtol=1e-7)


def test_unequal_seq_len_is_refused():
    g = _gru(ZERO_W, ZERO_R, _bias(), seq=2, batch=2, seq_len=[1, 2])
    with pytest.raises(UnsupportedOpError, match="all be equal"):
        run(g, [np.zeros((2, 2, 1)), np.zeros((1, 2, 1))])


def test_mismatched_recurrent_weights_are_refused():
    g = _gru(ZERO_W, np.zeros((1, 3, 2)), _bias(), seq=1)
    with pytest.raises(UnsupportedOpError, match="recurrent weights must be"):
        run(g, [np.zeros((1, 1, 1)), np.zeros((1, 1, 1))])
