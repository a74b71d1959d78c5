"""LSTM: the C kernel (nnacl_subset/fp32/lstm_fp32.c) against the reference (reference/lstm.py).

One-op models in the converter's ONNX layout (W [D, 4H, I], R [D, 4H, H], B [D, 8H], gates
i, o, f, c; h0 / c0 inputs; Y, Y_h, Y_c outputs) over odd sizes, several sequence lengths,
batch > 1, both directions, zoneout, and a constant initial state; then two small models
end to end on the host (generated project vs reference): a keyword-spotting-like
LSTM -> FullConnection -> Softmax run as a stream (the state fed back step by step) and a
bidirectional LSTM whose Y goes through Reshape -> FullConnection. Randomized weights.
"""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import reference
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType

from c_harness import assert_close, check_node, klib, rand_f32, rng  # noqa: F401 (klib fixture)
from tiny_models import validate_on_host

pytestmark = pytest.mark.host_cc

F32 = DType.FLOAT32


def _weights(gen, dirs, hid, ins):
    lim = 1.0 / np.sqrt(hid)
    w = gen.uniform(-lim, lim, (dirs, 4 * hid, ins)).astype(np.float32)
    r = gen.uniform(-lim, lim, (dirs, 4 * hid, hid)).astype(np.float32)
    b = gen.uniform(-lim, lim, (dirs, 8 * hid)).astype(np.float32)
    return w, r, b


def add_lstm(b: GraphBuilder, gen, x, seq, batch, ins, hid, dirs=1, h0=None, c0=None, name="lstm", **attrs):
    """An LSTM node on tensor ``x`` [seq, batch, ins] as the converter writes it; h0 / c0 are
    new model inputs unless given (tensor ids). Returns (Y, Y_h, Y_c) tensor ids."""
    w, r, bias = _weights(gen, dirs, hid, ins)
    ids = [x, b.const(f"{name}_w", w), b.const(f"{name}_r", r), b.const(f"{name}_b", bias)]
    ids.append(b.input(f"{name}_h0", F32, (dirs, batch, hid)) if h0 is None else h0)
    ids.append(b.input(f"{name}_c0", F32, (dirs, batch, hid)) if c0 is None else c0)
    attrs = {"hidden_size": hid, "num_directions": dirs, "bidirectional": dirs == 2, **attrs}
    return b.node("LSTM", ids, [(f"{name}_y", F32, (seq, dirs, batch, hid)), (f"{name}_yh", F32, (dirs, batch, hid)),
                                (f"{name}_yc", F32, (dirs, batch, hid))], name=name, **attrs)


def lstm_graph(case, seq, batch, ins, hid, dirs=1, const_state=False, **attrs):
    gen = rng(case)
    b = GraphBuilder("lstm")
    x = b.input("x", F32, (seq, batch, ins))
    h0 = c0 = None
    if const_state:
        h0 = b.const("h0", rand_f32(gen, (dirs, batch, hid), 0.5))
        c0 = b.const("c0", rand_f32(gen, (dirs, batch, hid), 0.5))
    ys = add_lstm(b, gen, x, seq, batch, ins, hid, dirs, h0, c0, **attrs)
    g = b.build(outputs=ys)
    inputs = [rand_f32(gen, (seq, batch, ins))]
    if not const_state:
        inputs += [rand_f32(gen, (dirs, batch, hid), 0.5), rand_f32(gen, (dirs, batch, hid), 0.5)]
    return g, inputs


#        id                 T   B  I   H  D  extra
CASES = [
    ("t1_tiny",            1,  1, 1,  1, 1, {}),
    ("t4_kws",             4,  1, 10, 16, 1, {}),
    ("t7_odd",             7,  1, 13, 9,  1, {}),
    ("t25_long",           25, 1, 10, 16, 1, {}),
    ("batch3",             5,  3, 6,  7,  1, {}),
    ("bidir",              6,  1, 5,  8,  2, {}),
    ("bidir_batch2",       3,  2, 4,  5,  2, {}),
    ("zoneout",            6,  2, 5,  6,  1, dict(zoneout_cell=0.3, zoneout_hidden=0.2)),
    ("zoneout_bidir",      4,  1, 3,  4,  2, dict(zoneout_cell=0.5)),
    ("const_state",        3,  1, 4,  6,  1, dict(const_state=True)),
    ("attrs_unwritten",    4,  1, 4,  3,  1, dict(hidden_size=0, num_directions=0)),
    ("large_inputs",       5,  1, 8,  8,  1, dict(scale=6.0)),
]


@pytest.mark.parametrize("case,seq,batch,ins,hid,dirs,extra", CASES, ids=[c[0] for c in CASES])
def test_lstm_kernel(klib, case, seq, batch, ins, hid, dirs, extra):  # noqa: F811
    extra = dict(extra)
    scale = extra.pop("scale", 1.0)
    g, inputs = lstm_graph(case, seq, batch, ins, hid, dirs, **extra)
    inputs = [inputs[0] * np.float32(scale)] + inputs[1:]
    plan = check_node(klib, g, inputs)
    assert plan.kernel == "lstm_fp32" and plan.params["num_directions"] == dirs


# ---------------------------------------------------------------- models end to end (host)

def kws_model(seq=8, features=10, hidden=16, labels=12, seed="kws"):
    """Keyword-spotting-like streaming model: x [seq, 1, features] + state -> LSTM ->
    FullConnection on the last hidden state -> Softmax; outputs prob, Y_h, Y_c."""
    gen = rng(seed)
    b = GraphBuilder("kws_lstm")
    x = b.input("x", F32, (seq, 1, features))
    _, yh, yc = add_lstm(b, gen, x, seq, 1, features, hidden)
    w = (gen.standard_normal((labels, hidden)) / np.sqrt(hidden)).astype(np.float32)
    logits = b.node("FullConnection", [yh, b.const("fc_w", w), b.const("fc_b", rand_f32(gen, (labels,), 0.1))],
                    [("logits", F32, (1, labels))], has_bias=True)
    prob = b.node("Softmax", [logits], [("prob", F32, (1, labels))], axis=(-1,))
    return b.build(outputs=[prob, yh, yc])


def bidir_model(seq=5, features=6, hidden=8, classes=4, seed="bidir"):
    """Bidirectional LSTM tagging every frame: Y [seq, 2, 1, H] -> Reshape [seq, 2H] ->
    FullConnection -> Softmax; outputs the per-frame probabilities and the final states."""
    gen = rng(seed)
    b = GraphBuilder("bidir_lstm")
    x = b.input("x", F32, (seq, 1, features))
    y, yh, yc = add_lstm(b, gen, x, seq, 1, features, hidden, dirs=2)
    flat = b.node("Reshape", [y, b.const("shape", np.array([seq, 2 * hidden], np.int32))],
                  [("flat", F32, (seq, 2 * hidden))])
    w = (gen.standard_normal((classes, 2 * hidden)) / np.sqrt(2 * hidden)).astype(np.float32)
    logits = b.node("FullConnection", [flat, b.const("fc_w", w), b.const("fc_b", rand_f32(gen, (classes,), 0.1))],
                    [("logits", F32, (seq, classes))], has_bias=True)
    prob = b.node("Softmax", [logits], [("prob", F32, (seq, classes))], axis=(-1,))
    return b.build(outputs=[prob, yh, yc])


def _random_inputs(g, gen):
    return [rand_f32(gen, g.tensors[t].shape, 0.5 if "h0" in g.tensors[t].name or "c0" in g.tensors[t].name
                     else 1.0) for t in g.inputs]


def family_models():
    """Small models that together use every C kernel of the family: (name, graph, inputs)."""
    out = []
    for name, g in (("kws_lstm", kws_model()), ("bidir_lstm", bidir_model())):
        out.append((name, g, _random_inputs(g, rng(name + "_inputs"))))
    return out


def test_kws_lstm_streams_on_host(tmp_path):
    """Six chunks of a stream, each case starting from the state the previous one ended in."""
    g = kws_model()
    gen = rng("kws_stream")
    h = np.zeros((1, 1, 16), np.float32)
    c = np.zeros((1, 1, 16), np.float32)
    cases = []
    for _ in range(6):
        ins = [rand_f32(gen, (8, 1, 10)), h, c]
        cases.append(ins)
        _, h, c = reference.run(g, ins)
    validate_on_host(g, cases, tmp_path)


def test_bidirectional_lstm_model_on_host(tmp_path):
    g = bidir_model()
    validate_on_host(g, [_random_inputs(g, rng(f"bidir_case{k}")) for k in range(3)], tmp_path)


def test_stream_state_carries_over():
    """Running T steps at once equals running them in two chunks with the state fed back."""
    g1, (x, h0, c0) = lstm_graph("split", 6, 1, 5, 7)
    y, yh, yc = reference.run(g1, [x, h0, c0])
    g2, _ = lstm_graph("split", 3, 1, 5, 7)      # same seed: same weights
    ya, ha, ca = reference.run(g2, [x[:3], h0, c0])
    yb, hb, cb = reference.run(g2, [x[3:], ha, ca])
    assert_close(y, np.concatenate([ya, yb]))
    assert_close(yh, hb)
    assert_close(yc, cb)
