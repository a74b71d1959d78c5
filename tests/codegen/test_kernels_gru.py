"""GRU: the C kernel (nnacl_subset/fp32/gru_fp32.c) against the reference (reference/gru.py).

One-op models in MindSpore Lite's layout (W [D, 3H, I], R [D, 3H, H], B [D, 6H], gates update,
reset, hidden; h0 input; optional int32 seq_len; Y, Y_h outputs) over odd sizes, several
sequence lengths, batch > 1, both directions, seq_len as a constant and as a model input
(shorter than, equal to and beyond T, negative); then two small models end to end on the host:
a keyword-spotting-like GRU -> FullConnection -> Softmax streamed with the state fed back,
and a bidirectional GRU with a seq_len model input. Randomized weights.
"""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import ops, reference
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType

from c_harness import check_node, klib, rand_f32, rng  # noqa: F401 (klib fixture)
from tiny_models import validate_on_host

pytestmark = pytest.mark.host_cc

F32, I32 = DType.FLOAT32, DType.INT32


def add_gru(b: GraphBuilder, gen, x, seq, batch, ins, hid, dirs=1, h0=None, seq_len=None, name="gru"):
    """A GRU node on tensor ``x`` [seq, batch, ins]; h0 is a new model input unless given;
    ``seq_len``: None, a tensor id, or values for a constant. Returns (Y, Y_h) tensor ids."""
    lim = 1.0 / np.sqrt(hid)
    w = gen.uniform(-lim, lim, (dirs, 3 * hid, ins)).astype(np.float32)
    r = gen.uniform(-lim, lim, (dirs, 3 * hid, hid)).astype(np.float32)
    bias = gen.uniform(-lim, lim, (dirs, 6 * hid)).astype(np.float32)
    ids = [x, b.const(f"{name}_w", w), b.const(f"{name}_r", r), b.const(f"{name}_b", bias),
           b.input(f"{name}_h0", F32, (dirs, batch, hid)) if h0 is None else h0]
    if seq_len is not None:
        ids.append(seq_len if isinstance(seq_len, int) else b.const(f"{name}_len", np.asarray(seq_len, np.int32)))
    return b.node("GRU", ids, [(f"{name}_y", F32, (seq, dirs, batch, hid)), (f"{name}_yh", F32, (dirs, batch, hid))],
                  name=name, bidirectional=dirs == 2)


#        id                T   B  I   H  D  seq_len (None; list = constant; "input" = model input)
CASES = [
    ("t1_tiny",           1,  1, 1,  1, 1, None),
    ("t4_kws",            4,  1, 10, 16, 1, None),
    ("t9_odd",            9,  1, 7,  5,  1, None),
    ("t30_long",          30, 1, 4,  6,  1, None),
    ("batch3",            5,  3, 6,  7,  1, None),
    ("bidir",             6,  1, 5,  8,  2, None),
    ("bidir_batch2",      3,  2, 4,  5,  2, None),
    ("len_const_short",   6,  2, 3,  4,  2, [4, 4]),
    ("len_const_beyond",  4,  1, 3,  4,  1, [9]),
    ("len_const_neg",     4,  1, 3,  4,  1, [-1]),
    ("len_input",         5,  2, 3,  4,  2, "input"),
]


def gru_graph(case, seq, batch, ins, hid, dirs, seq_len):
    gen = rng(case)
    b = GraphBuilder("gru")
    x = b.input("x", F32, (seq, batch, ins))
    h0 = b.input("h0", F32, (dirs, batch, hid))
    lens = b.input("len", I32, (batch,)) if seq_len == "input" else seq_len
    g = b.build(outputs=add_gru(b, gen, x, seq, batch, ins, hid, dirs, h0, lens))
    inputs = [rand_f32(gen, (seq, batch, ins)), rand_f32(gen, (dirs, batch, hid), 0.5)]
    if seq_len == "input":
        inputs.append(np.full(batch, seq - 2, np.int32))
    return g, inputs


@pytest.mark.parametrize("case,seq,batch,ins,hid,dirs,seq_len", CASES, ids=[c[0] for c in CASES])
def test_gru_kernel(klib, case, seq, batch, ins, hid, dirs, seq_len):  # noqa: F811
    g, inputs = gru_graph(case, seq, batch, ins, hid, dirs, seq_len)
    plan = check_node(klib, g, inputs)
    assert plan.kernel == "gru_fp32" and plan.params["num_directions"] == dirs


def test_gru_kernel_refuses_unequal_runtime_seq_len(klib):  # noqa: F811
    """seq_len as a model input: with unequal values the C kernel stops before writing anything
    (it returns NNACL_ERR_PARAM) and the reference refuses, as MindSpore Lite errors out."""
    g, (x, h0, _) = gru_graph("len_unequal", 4, 2, 3, 4, 1, "input")
    g = roundtrip(g)
    inputs = [x, h0, np.array([3, 2], np.int32)]
    with pytest.raises(RuntimeError, match=r"kernel returned 2"):     # NNACL_ERR_PARAM
        klib.run_node(g, 0, ops.prepare(g, 0), inputs)
    with pytest.raises(UnsupportedOpError, match="seq_len values must all be equal"):
        reference.run(g, inputs)


# ---------------------------------------------------------------- models end to end (host)

def kws_gru_model(seq=8, features=10, hidden=16, labels=12, seed="kws_gru"):
    """x [seq, 1, features] + h0 -> GRU -> FullConnection(Y_h) -> Softmax; outputs prob, Y_h."""
    gen = rng(seed)
    b = GraphBuilder("kws_gru")
    x = b.input("x", F32, (seq, 1, features))
    _, yh = add_gru(b, gen, x, seq, 1, features, hidden)
    w = (gen.standard_normal((labels, hidden)) / np.sqrt(hidden)).astype(np.float32)
    logits = b.node("FullConnection", [yh, b.const("fc_w", w), b.const("fc_b", rand_f32(gen, (labels,), 0.1))],
                    [("logits", F32, (1, labels))], has_bias=True)
    prob = b.node("Softmax", [logits], [("prob", F32, (1, labels))], axis=(-1,))
    return b.build(outputs=[prob, yh])


def bidir_gru_model(seq=6, features=5, hidden=7, seed="bidir_gru"):
    """Bidirectional GRU with a seq_len model input (int32 [1]); outputs Y and Y_h."""
    gen = rng(seed)
    b = GraphBuilder("bidir_gru")
    x = b.input("x", F32, (seq, 1, features))
    lens = b.input("len", I32, (1,))
    y, yh = add_gru(b, gen, x, seq, 1, features, hidden, dirs=2, seq_len=lens)
    return b.build(outputs=[y, yh])


def _inputs(g, gen):
    out = []
    for t in g.inputs:
        tensor = g.tensors[t]
        if tensor.dtype == I32:
            out.append(np.full(tensor.shape, 4, np.int32))
        else:
            out.append(rand_f32(gen, tensor.shape, 0.5 if "h0" in tensor.name else 1.0))
    return out


def family_models():
    """Small models that together use every C kernel of the family: (name, graph, inputs)."""
    return [(name, g, _inputs(g, rng(name + "_inputs")))
            for name, g in (("kws_gru", kws_gru_model()), ("bidir_gru", bidir_gru_model()))]


def test_kws_gru_streams_on_host(tmp_path):
    """Five chunks of a stream, each case starting from the state the previous one ended in."""
    g = kws_gru_model()
    gen = rng("kws_gru_stream")
    h = np.zeros((1, 1, 16), np.float32)
    cases = []
    for _ in range(5):
        ins = [rand_f32(gen, (8, 1, 10)), h]
        cases.append(ins)
        _, h = reference.run(g, ins)
    validate_on_host(g, cases, tmp_path)


def test_bidirectional_gru_with_seq_len_input_on_host(tmp_path):
    g = bidir_gru_model()
    gen = rng("bidir_gru_cases")
    cases = [[rand_f32(gen, (6, 1, 5)), np.array([n], np.int32), rand_f32(gen, (2, 1, 7), 0.5)] for n in (6, 3, 0)]
    validate_on_host(g, cases, tmp_path)
