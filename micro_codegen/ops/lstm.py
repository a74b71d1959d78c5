"""LSTM (fp32) -> ``fp32/lstm_fp32.h``: the whole sequence in one call, as ``reference/lstm.py``.

The converter's ONNX layout (W [D, 4H, I], R [D, 4H, H], B [D, 8H], gates i, o, f, c) is
packed at generation time into one weight matrix [D][4H][I + H] (each row: the input weights
then the recurrent weights of one gate unit, so one dot product per unit and step) and one
bias [D][4H] (input + recurrent bias, summed in float32). The initial state h0 / c0 are
node inputs (model inputs for a streaming model: feed Y_h / Y_c back) and Y, Y_h, Y_c are
three outputs, each its own tensor. Scratch holds the gates of one step
(``lstm_fp32_scratch_size``).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, SCRATCH, SCRATCH_SIZE, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import cconst, family, io
from ._rules import inputs, recurrent_weights, refusal


def scratch_bytes(params: dict) -> int:
    """Mirror of ``lstm_fp32_scratch_size``: the 4 gates of every batch row, float32."""
    return cconst("LSTM_GATES").value * params["batch"] * params["hidden_size"] * 4


def _geometry(g: Graph, i: int) -> numerics.LstmGeometry:
    (x, w, r, b, *_), node = io(g, i)[0], g.nodes[i]
    return numerics.lstm_geometry(x.shape, w.shape, r.shape, b.shape, int(node.attr("hidden_size", 0) or 0),
                                  bool(node.attr("bidirectional", False)),
                                  int(node.attr("num_directions", 0) or 0))


# ---------------------------------------------------------------- rules

def three_outputs(g: Graph, i: int) -> str | None:
    """Outputs: Y, Y_h, Y_c (the converter needs all three)."""
    n = len(g.nodes[i].outputs)
    if n != 3:
        return f"outputs must be Y, Y_h, Y_c; got {n} outputs"
    return None


def lstm_float32(g: Graph, i: int) -> str | None:
    """Every input and output is float32."""
    ins, outs = io(g, i)
    for t in ins + outs:
        if t.dtype != DType.FLOAT32:
            return f"every tensor must be float32; got '{t.name}' {t.dtype.short}"
    return None


def lstm_layout(g: Graph, i: int) -> str | None:
    """x is [T, B, I]; W [D, 4H, I], R [D, 4H, H], B [D, 8H] with D = 1 or 2 directions (2 when
    ``bidirectional``), matching ``hidden_size`` / ``num_directions`` where written."""
    return refusal(lambda: _geometry(g, i))


def lstm_state_shapes(g: Graph, i: int) -> str | None:
    """h0, c0, Y_h and Y_c hold D x B x H values, Y holds T x D x B x H."""
    ins, outs = io(g, i)
    geo = _geometry(g, i)
    state = geo.num_directions * geo.batch * geo.hidden_size
    for t, n in ((ins[4], state), (ins[5], state), (outs[0], geo.seq_len * state), (outs[1], state),
                 (outs[2], state)):
        if t.size != n:
            return f"'{t.name}' must hold {n} values; got {t.describe()}"
    return None


def lstm_single_layer(g: Graph, i: int) -> str | None:
    """One layer without projection (``num_layers`` <= 1, ``proj_size`` 0)."""
    node = g.nodes[i]
    layers, proj = int(node.attr("num_layers", 0) or 0), int(node.attr("proj_size", 0) or 0)
    if layers > 1 or proj:
        return f"must be one layer without projection; got num_layers {layers}, proj_size {proj}"
    return None


RULES = (inputs("x, W, R, B, h0, c0", 6, 6), three_outputs, lstm_float32, recurrent_weights, lstm_layout,
         lstm_state_shapes, lstm_single_layer)


def pack(w: np.ndarray, r: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weight [D, 4H, I + H], bias [D, 4H]) of the C kernel from the converter's W, R, B."""
    rows = w.shape[1]
    weight = np.concatenate([w.astype(np.float32), r.astype(np.float32)], axis=2)
    b = b.astype(np.float32)
    return np.ascontiguousarray(weight), np.ascontiguousarray(b[:, :rows] + b[:, rows:])


def _plan(g: Graph, i: int) -> OpPlan:
    (_, w, r, b, _, _), node = io(g, i)[0], g.nodes[i]
    geo = _geometry(g, i)
    weight, bias = pack(w.array, r.array, b.array)
    params = dict(seq_len=geo.seq_len, batch=geo.batch, input_size=geo.input_size, hidden_size=geo.hidden_size,
                  num_directions=geo.num_directions,
                  zoneout_cell=numerics.lstm_zoneout(node.attr("zoneout_cell", 0.0)),
                  zoneout_hidden=numerics.lstm_zoneout(node.attr("zoneout_hidden", 0.0)))
    return OpPlan(kernel="lstm_fp32", returns_status=True,
                  args=(PARAM, In(0), Const("weight"), Const("bias"), In(4), In(5), SCRATCH, SCRATCH_SIZE,
                        Out(0), Out(1), Out(2)),
                  kernel_sources=("fp32/lstm_fp32.c",), header="fp32/lstm_fp32.h", param_type="lstm_param_t",
                  params=params, consts=(ConstArray("weight", DType.FLOAT32, weight),
                                         ConstArray("bias", DType.FLOAT32, bias)),
                  scratch_bytes=scratch_bytes(params), libm=True)


family(("LSTM",), _plan, RULES)
