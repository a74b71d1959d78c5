"""LSTM as the MindSpore Lite converter writes an ONNX LSTM (inputs x, W, R, B, h0, c0;
outputs Y, Y_h, Y_c), float32 only.

Layout (ONNX, kept byte for byte by the converter): x ``[T, B, I]``; W ``[D, 4H, I]``,
R ``[D, 4H, H]`` with the gate blocks in the order i, o, f, c; B ``[D, 8H]`` = the 4H input
biases then the 4H recurrent biases; h0, c0 ``[D, B, H]``. Direction 0 walks time forward,
direction 1 (bidirectional) backward. Per direction and step, with ``a = W x_t + Wb + R h + Rb``::

    i, o, f = sigmoid(a_i), sigmoid(a_o), sigmoid(a_f);  g = tanh(a_c)
    c_new = f * c + i * g;   y_t = o * tanh(c_new)
    c = zc * c + (1 - zc) * c_new   (zoneout_cell zc; c = c_new when |zc| <= FLT_EPSILON)
    h = zh * h + (1 - zh) * y_t     (zoneout_hidden zh, likewise)

as MindSpore Lite's CPU kernel does (the Y output gets ``y_t``, before zoneout). Outputs:
Y ``[T, D, B, H]`` (any shape of that size), Y_h = final h, Y_c = final c, ``[D, B, H]``.
Computed in float64, rounded to float32 at the outputs. ``has_bias`` / ``input_size`` are
ignored (the converter leaves them unset although B is present); ``dropout`` is a training
attribute. A projection (``proj_size``), several layers or other input layouts are refused.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from ._util import float_in
from .activation import sigmoid
from .registry import OpContext, kernel


def lstm_forward(x, w, r, b, h0, c0, zoneout_cell: float = 0.0, zoneout_hidden: float = 0.0):
    """(Y [T, D, B, H], Y_h [D, B, H], Y_c [D, B, H]) in float64 from arrays in the layout above
    (``zoneout_*`` already effective: 0 means none)."""
    x = np.asarray(x, np.float64)
    seq, batch, _ = x.shape
    dirs, rows, _ = np.shape(w)
    hid = rows // 4
    y = np.zeros((seq, dirs, batch, hid))
    h_out = np.asarray(h0, np.float64).reshape(dirs, batch, hid).copy()
    c_out = np.asarray(c0, np.float64).reshape(dirs, batch, hid).copy()
    for d in range(dirs):
        wd, rd = np.asarray(w[d], np.float64), np.asarray(r[d], np.float64)
        bias = np.asarray(b[d], np.float64)
        bias = bias[:rows] + bias[rows:]
        h, c = h_out[d], c_out[d]
        for s in range(seq):
            t = s if d == 0 else seq - 1 - s
            a = x[t] @ wd.T + h @ rd.T + bias                     # [B, 4H], gates i, o, f, c
            i, o, f = sigmoid(a[:, :hid]), sigmoid(a[:, hid:2 * hid]), sigmoid(a[:, 2 * hid:3 * hid])
            g = np.tanh(a[:, 3 * hid:])
            c_new = f * c + i * g
            y_t = o * np.tanh(c_new)
            y[t, d] = y_t
            c = zoneout_cell * c + (1.0 - zoneout_cell) * c_new if zoneout_cell else c_new
            h = zoneout_hidden * h + (1.0 - zoneout_hidden) * y_t if zoneout_hidden else y_t
        h_out[d], c_out[d] = h, c
    return y, h_out, c_out


@kernel("LSTM")
def lstm(ctx: OpContext):
    if len(ctx.inputs) != 6 or len(ctx.out_tensors) != 3:
        raise ctx.unsupported(f"LSTM needs inputs x, W, R, B, h0, c0 and outputs Y, Y_h, Y_c; got "
                              f"{len(ctx.inputs)} inputs, {len(ctx.out_tensors)} outputs")
    if int(ctx.attr("proj_size", 0) or 0) or int(ctx.attr("num_layers", 0) or 0) > 1:
        raise ctx.unsupported(f"LSTM with proj_size {ctx.attr('proj_size')} / num_layers {ctx.attr('num_layers')} "
                              f"is not supported (no projection, one layer)")
    x, w, r, b, h0, c0 = ctx.inputs
    try:
        geo = numerics.lstm_geometry(x.shape, w.shape, r.shape, b.shape, int(ctx.attr("hidden_size", 0) or 0),
                                     bool(ctx.attr("bidirectional", False)),
                                     int(ctx.attr("num_directions", 0) or 0))
    except UnsupportedOpError as e:
        raise ctx.unsupported(str(e)) from None
    state = geo.num_directions * geo.batch * geo.hidden_size
    if np.size(h0) != state or np.size(c0) != state:
        raise ctx.unsupported(f"LSTM h0 and c0 must hold {state} values [directions, batch, hidden]; "
                              f"got {np.size(h0)} and {np.size(c0)}")
    arrays = [float_in(ctx, np.asarray(v)) for v in ctx.inputs]
    y, h, c = lstm_forward(*arrays, zoneout_cell=numerics.lstm_zoneout(ctx.attr("zoneout_cell", 0.0)),
                           zoneout_hidden=numerics.lstm_zoneout(ctx.attr("zoneout_hidden", 0.0)))
    return [v.astype(t.dtype.np) for v, t in zip((y, h, c), ctx.out_tensors)]
