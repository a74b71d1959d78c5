"""GRU as MindSpore Lite defines it (the converter emits it from TensorFlow bidirectional
GRU loops; the 2.0 ONNX parser has no GRU), float32 only.

Inputs x ``[T, B, I]``, W ``[D, 3H, I]``, R ``[D, 3H, H]`` with the gate blocks in the order
update z, reset r, hidden n; B ``[D, 6H]`` = the 3H input biases then the 3H recurrent biases;
h0 ``[D, B, H]``; optionally seq_len (int32, B equal values L). Direction 0 walks time
forward, direction 1 backward. Per direction and step::

    z = sigmoid(W_z x_t + b_z + R_z h + rb_z);   r = sigmoid(W_r x_t + b_r + R_r h + rb_r)
    n = tanh(W_n x_t + b_n + R_n (r * h) + rb_n)          (reset applied before R_n)
    h = z * h + (1 - z) * n;   Y[t, d] = h

as MindSpore Lite's CPU kernel does. With seq_len, ``Y[t]`` is zero for
``t >= min(T, max(L, 0))`` in both directions while the state still runs over all T steps
(MindSpore Lite's behaviour; unequal lengths are an error there and refused here).
Outputs: Y ``[T, D, B, H]`` (any shape of that size) and Y_h = final h ``[D, B, H]``.
Computed in float64, rounded to float32 at the outputs.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from ._util import float_in
from .activation import sigmoid
from .registry import OpContext, kernel


def gru_forward(x, w, r, b, h0, valid_steps: int | None = None):
    """(Y [T, D, B, H], Y_h [D, B, H]) in float64 from arrays in the layout above;
    ``valid_steps`` (None: all) = the steps whose Y is kept."""
    x = np.asarray(x, np.float64)
    seq, batch, _ = x.shape
    dirs, rows, _ = np.shape(w)
    hid = rows // 3
    y = np.zeros((seq, dirs, batch, hid))
    h_out = np.asarray(h0, np.float64).reshape(dirs, batch, hid).copy()
    for d in range(dirs):
        wd, rd = np.asarray(w[d], np.float64), np.asarray(r[d], np.float64)
        bias = np.asarray(b[d], np.float64)
        bw, br = bias[:rows], bias[rows:]
        h = h_out[d]
        for s in range(seq):
            t = s if d == 0 else seq - 1 - s
            ax = x[t] @ wd.T + bw                                          # [B, 3H], gates z, r, n
            z = sigmoid(ax[:, :hid] + h @ rd[:hid].T + br[:hid])
            rg = sigmoid(ax[:, hid:2 * hid] + h @ rd[hid:2 * hid].T + br[hid:2 * hid])
            n = np.tanh(ax[:, 2 * hid:] + (rg * h) @ rd[2 * hid:].T + br[2 * hid:])
            h = z * h + (1.0 - z) * n
            y[t, d] = h
        h_out[d] = h
    if valid_steps is not None:
        y[valid_steps:] = 0.0
    return y, h_out


def valid_steps(seq_lens, seq: int) -> int:
    """``min(T, max(L, 0))`` of B equal sequence lengths; UnsupportedOpError when they differ."""
    lens = np.asarray(seq_lens).astype(np.int64).reshape(-1)
    if lens.size == 0 or np.any(lens != lens[0]):
        raise UnsupportedOpError(f"GRU seq_len values must all be equal; got {lens.tolist()}")
    return int(min(seq, max(int(lens[0]), 0)))


@kernel("GRU")
def gru(ctx: OpContext):
    if len(ctx.inputs) not in (5, 6) or len(ctx.out_tensors) != 2:
        raise ctx.unsupported(f"GRU needs inputs x, W, R, B, h0[, seq_len] and outputs Y, Y_h; got "
                              f"{len(ctx.inputs)} inputs, {len(ctx.out_tensors)} outputs")
    x, w, r, b, h0 = ctx.inputs[:5]
    try:
        geo = numerics.gru_geometry(x.shape, w.shape, r.shape, b.shape, bool(ctx.attr("bidirectional", False)))
        steps = valid_steps(ctx.inputs[5], geo.seq_len) if len(ctx.inputs) == 6 else None
    except UnsupportedOpError as e:
        raise ctx.unsupported(str(e)) from None
    state = geo.num_directions * geo.batch * geo.hidden_size
    if np.size(h0) != state:
        raise ctx.unsupported(f"GRU h0 must hold {state} values [directions, batch, hidden]; got {np.size(h0)}")
    arrays = [float_in(ctx, np.asarray(v)) for v in ctx.inputs[:5]]
    y, h = gru_forward(*arrays, valid_steps=steps)
    return [v.astype(t.dtype.np) for v, t in zip((y, h), ctx.out_tensors)]
