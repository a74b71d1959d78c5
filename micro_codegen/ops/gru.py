"""GRU (fp32) -> ``fp32/gru_fp32.h``: the whole sequence in one call, as ``reference/gru.py``.

MindSpore Lite's layout (W [D, 3H, I], R [D, 3H, H], B [D, 6H], gates update, reset, hidden)
is packed at generation time into one weight matrix [D][3H][I + H] (each row: input weights
then recurrent weights of one gate unit) and one bias [D][3H] (input + recurrent bias, summed
in float32: the hidden gate adds both outside the reset product too). h0 is a node input
(a model input for a streaming model: feed Y_h back); Y and Y_h are two outputs. The optional
int32 seq_len input goes to the kernel as it is (it may be a model input); without it the
kernel gets NULL. Scratch: gates and r * h of one step (``gru_fp32_scratch_size``).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, SCRATCH, SCRATCH_SIZE, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import cconst, family, io
from ._rules import inputs, recurrent_weights, refusal


def scratch_bytes(params: dict) -> int:
    """Mirror of ``gru_fp32_scratch_size``: 3 gates + r * h for every batch row, float32."""
    return (cconst("GRU_GATES").value + 1) * params["batch"] * params["hidden_size"] * 4


def _geometry(g: Graph, i: int) -> numerics.LstmGeometry:
    (x, w, r, b, *_), node = io(g, i)[0], g.nodes[i]
    return numerics.gru_geometry(x.shape, w.shape, r.shape, b.shape, bool(node.attr("bidirectional", False)))


# ---------------------------------------------------------------- rules

def two_outputs(g: Graph, i: int) -> str | None:
    """Outputs: Y, Y_h."""
    n = len(g.nodes[i].outputs)
    if n != 2:
        return f"outputs must be Y, Y_h; got {n} outputs"
    return None


def gru_dtypes(g: Graph, i: int) -> str | None:
    """x, W, R, B, h0 and the outputs are float32; seq_len is int32."""
    ins, outs = io(g, i)
    for t in ins[:5] + outs:
        if t.dtype != DType.FLOAT32:
            return f"x, W, R, B, h0 and the outputs must be float32; got '{t.name}' {t.dtype.short}"
    if len(ins) == 6 and ins[5].dtype != DType.INT32:
        return f"seq_len must be int32; got '{ins[5].name}' {ins[5].dtype.short}"
    return None


def gru_layout(g: Graph, i: int) -> str | None:
    """x is [T, B, I]; W [D, 3H, I], R [D, 3H, H], B [D, 6H] with D = 1 or 2 directions (2 when
    ``bidirectional``)."""
    return refusal(lambda: _geometry(g, i))


def gru_state_shapes(g: Graph, i: int) -> str | None:
    """h0 and Y_h hold D x B x H values, Y holds T x D x B x H, seq_len B values (a constant
    seq_len: all equal)."""
    ins, outs = io(g, i)
    geo = _geometry(g, i)
    state = geo.num_directions * geo.batch * geo.hidden_size
    for t, n in ((ins[4], state), (outs[0], geo.seq_len * state), (outs[1], state)):
        if t.size != n:
            return f"'{t.name}' must hold {n} values; got {t.describe()}"
    if len(ins) == 6:
        lens = ins[5]
        if lens.size != geo.batch:
            return f"seq_len must hold {geo.batch} values (one per batch row); got {lens.describe()}"
        if lens.is_const and len(set(lens.array.reshape(-1).tolist())) > 1:
            return f"seq_len values must all be equal; got {lens.array.reshape(-1).tolist()}"
    return None


RULES = (inputs("x, W, R, B, h0[, seq_len]", 5, 6), two_outputs, gru_dtypes, recurrent_weights, gru_layout,
         gru_state_shapes)


def pack(w: np.ndarray, r: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weight [D, 3H, I + H], bias [D, 3H]) of the C kernel from MindSpore Lite's W, R, B."""
    rows = w.shape[1]
    weight = np.concatenate([w.astype(np.float32), r.astype(np.float32)], axis=2)
    b = b.astype(np.float32)
    return np.ascontiguousarray(weight), np.ascontiguousarray(b[:, :rows] + b[:, rows:])


def _plan(g: Graph, i: int) -> OpPlan:
    (_, w, r, b, *rest) = io(g, i)[0]
    geo = _geometry(g, i)
    weight, bias = pack(w.array, r.array, b.array)
    params = dict(seq_len=geo.seq_len, batch=geo.batch, input_size=geo.input_size, hidden_size=geo.hidden_size,
                  num_directions=geo.num_directions)
    seq_lens = In(5) if len(rest) == 2 else NULL
    return OpPlan(kernel="gru_fp32", returns_status=True,
                  args=(PARAM, In(0), Const("weight"), Const("bias"), In(4), seq_lens, SCRATCH, SCRATCH_SIZE,
                        Out(0), Out(1)),
                  kernel_sources=("fp32/gru_fp32.c",), header="fp32/gru_fp32.h", param_type="gru_param_t",
                  params=params, consts=(ConstArray("weight", DType.FLOAT32, weight),
                                         ConstArray("bias", DType.FLOAT32, bias)),
                  scratch_bytes=scratch_bytes(params), libm=True)


family(("GRU",), _plan, RULES)
