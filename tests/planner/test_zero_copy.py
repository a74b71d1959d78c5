"""Concat / Split / slice without copies, and in-place links, end to end: the planner links
the tensors (views, parts), the nodes emit no code, and the generated C still matches the
reference on host."""
from __future__ import annotations

import numpy as np
import pytest

from micro_codegen import api
from micro_codegen.builder import GraphBuilder
from micro_codegen.ir import DType
from micro_codegen.pipeline import compile_model
from micro_codegen.planner import verify
from big_models import write_case

F32 = DType.FLOAT32


def _conv(b, rng, x, shape, cout, name):
    w = b.const(f"{name}_w", (rng.standard_normal((cout, 3, 3, shape[3])) * 0.3).astype(np.float32))
    return b.node("Conv2DFusion", [x, w], [(name, F32, (1, shape[1], shape[2], cout))], name=name,
                  kernel_size=[3, 3], stride=[1, 1], dilation=[1, 1], pad_mode="SAME", pad_list=[1, 1, 1, 1],
                  group=1, in_channel=shape[3], out_channel=cout, format="NHWC")


def _slice(b, x, begin, end, name):
    consts = [b.const(f"{name}_{k}", np.array(v, np.int32)) for k, v in
              (("begin", begin), ("end", end), ("strides", [1, 1, 1, 1]))]
    shape = tuple(e - s for s, e in zip(begin, end))
    return b.node("StridedSlice", [x] + consts, [(name, F32, shape)], name=name)


def strips_graph():
    """conv -> two overlapping H slices -> conv each -> Concat on H -> Split on H."""
    rng = np.random.default_rng(7)
    b = GraphBuilder("strips")
    x = b.input("x", F32, (1, 8, 6, 4))
    a = _conv(b, rng, x, (1, 8, 6, 4), 4, "a")
    top = _slice(b, a, [0, 0, 0, 0], [1, 5, 6, 4], "top")
    bot = _slice(b, a, [0, 3, 0, 0], [1, 8, 6, 4], "bot")
    ct = _conv(b, rng, top, (1, 5, 6, 4), 8, "ct")
    cb = _conv(b, rng, bot, (1, 5, 6, 4), 8, "cb")
    cat = b.node("Concat", [ct, cb], [("cat", F32, (1, 10, 6, 8))], name="cat", axis=1)
    s1, s2 = b.node("Split", [cat], [("s1", F32, (1, 4, 6, 8)), ("s2", F32, (1, 6, 6, 8))], name="split",
                    axis=1, size_splits=[4, 6], output_num=2)
    out = b.node("Activation", [s2], [("out", F32, (1, 6, 6, 8))], name="relu", activation_type="RELU")
    g = b.build([s1, out])
    return g, [rng.standard_normal((1, 8, 6, 4)).astype(np.float32)]


def test_views_and_parts_are_linked_and_verified():
    g, _ = strips_graph()
    cm = compile_model(g)
    names = {cm.graph.nodes[i].name: kind for i, kind in cm.arena.zero_copy.items()}
    assert names == {"top": "views", "bot": "views", "cat": "parts", "split": "views"}
    t = {cm.graph.tensors[i].name: off for i, off in cm.arena.tensors.items()}
    row = 6 * 4 * 4
    assert t["top"] == t["a"] and t["bot"] == t["a"] + 3 * row
    assert t["cb"] == t["cat"] + 5 * 6 * 8 * 4 and t["ct"] == t["cat"]
    assert t["s2"] == t["cat"] + 4 * 6 * 8 * 4
    mp = api.memory_plan(g)
    verify(mp.plan)


@pytest.mark.host_cc
def test_zero_copy_graph_matches_reference_on_host(tmp_path):
    g, inputs = strips_graph()
    path = write_case(tmp_path, "strips", g, inputs)
    r = api.validate(path, "host", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 1, r.report.to_json()
    src = (tmp_path / "proj" / "strips.c").read_text()
    assert src.count("nothing to do") == 4
    assert "concat_base(" not in src and "strided_slice_base(" not in src and "split_base(" not in src
