"""CLI: infer and plan (click CliRunner), plus the schedule's lifetimes and aliases."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import MLPERF, needs_shared
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.cli import main
from micro_codegen.ir import DType
from micro_codegen.schedule import NodeMemory, lifetimes, memory_plan, plain_lower_bound

# independent lower bounds from the issue (tensor bytes live at the worst step)
LOWER_BOUNDS = {"ad01_int8": 768, "ad01_fp32": 3072, "kws_ref_model": 16000, "str_ww_ref_model": 6656,
                "pretrainedResnet_quant": 49152, "pretrainedResnet": 196608, "vww_96_int8": 55296,
                "vww_96_float": 221184, "kws_ref_model_float32": 64000}


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@needs_shared
def test_infer_passes_and_writes_outputs(tmp_path):
    out = tmp_path / "out.npz"
    dump = tmp_path / "dump"
    r = _run("infer", MLPERF / "ad01_int8.ms", "--cases", MLPERF / "ad01_int8.ms.npz", "-o", out,
             "--dump-tensors", dump)
    assert r.exit_code == 0, r.output
    assert r.output.strip().splitlines()[-1] == "5 passed, 0 failed"
    ref = np.load(MLPERF / "ad01_int8.ms.npz")
    got = np.load(out)
    assert np.array_equal(got["output_3"], ref["output_3"])
    index = json.loads((dump / "tensors.json").read_text())
    case0 = np.load(dump / "case_0.npz")
    assert len(case0.files) == len(index) and index[0]["dtype"] == "int8"


@needs_shared
def test_infer_reports_mismatch(tmp_path):
    ref = dict(np.load(MLPERF / "ad01_int8.ms.npz"))
    ref["output_0"] = ref["output_0"].copy()
    ref["output_0"].flat[7] += 1
    bad = tmp_path / "bad.npz"
    np.savez(bad, **ref)
    r = _run("infer", MLPERF / "ad01_int8.ms", "--cases", bad)
    assert r.exit_code == 1
    assert "case 0: FAIL" in r.output and "4 passed, 1 failed" in r.output
    assert "       7 " in r.output                     # mismatch table names the element


@needs_shared
def test_infer_bad_cases_file(tmp_path):
    p = tmp_path / "c.npz"
    np.savez(p, input_0=np.zeros(3, np.int8))
    r = _run("infer", MLPERF / "ad01_int8.ms", "--cases", p)
    assert r.exit_code == 1 and "'input_0' has 3 elements" in r.output


@needs_shared
@pytest.mark.parametrize("model", sorted(LOWER_BOUNDS))
def test_plan_json_within_5_percent_of_lower_bound(model):
    r = _run("plan", MLPERF / f"{model}.ms", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["tensor_lower_bound_bytes"] == LOWER_BOUNDS[model]
    assert doc["arena_bytes"] <= 1.05 * LOWER_BOUNDS[model]
    assert set(doc["buffers"][0]) >= {"name", "offset", "size", "first", "last"}


@needs_shared
def test_plan_text_and_svg(tmp_path):
    svg = tmp_path / "p.svg"
    r = _run("plan", MLPERF / "kws_ref_model.ms", "--text", "--svg", svg)
    assert r.exit_code == 0
    first = r.output.splitlines()[0]
    assert first.startswith("arena 14,656 B (lower bound ") and "whole tensors: lower bound 16,000 B" in first
    assert " over " in r.output                      # in-place links in the table
    ET.parse(svg)
    r = _run("plan", MLPERF / "kws_ref_model.ms", "--whole-tensors", "--patch", "9:2", "--svg", svg)
    assert r.exit_code == 0 and r.output.startswith("arena 16,000 B (lower bound 16,000 B")
    assert "patch: first 9 nodes in 2 strips" in r.output and "patch: first 9 nodes" in svg.read_text()


def _chain():
    """x -> conv(1x1) -> reshape -> add(self) ; lifetimes by hand."""
    b = GraphBuilder("chain")
    x = b.input("x", DType.FLOAT32, (1, 4, 4, 8))
    w = b.const("w", np.ones((8, 1, 1, 8), np.float32))
    c = b.node("Conv2DFusion", [x, w], [("c", DType.FLOAT32, (1, 4, 4, 8))], kernel_size=(1, 1),
               stride=(1, 1), dilation=(1, 1), pad_mode="VALID", group=1)
    r = b.node("Reshape", [c], [("r", DType.FLOAT32, (1, 128))])
    a = b.node("AddFusion", [r, r], [("a", DType.FLOAT32, (1, 128))])
    s = b.node("Softmax", [a], [("s", DType.FLOAT32, (1, 128))], axis=(-1,))
    return roundtrip(b.build([s]))


def test_lifetimes_by_hand():
    g = _chain()
    life = lifetimes(g)
    names = {g.tensors[t].name: span for t, span in life.items()}
    assert names == {"x": (0, 0), "c": (0, 1), "r": (1, 2), "a": (2, 3), "s": (3, 3)}
    assert plain_lower_bound(g) == 512 + 512


def test_aliases_and_scratch_in_plan():
    g = _chain()

    def mem(graph, i):
        op = graph.nodes[i].op
        if op == "Reshape":
            return NodeMemory(always_alias=True, inplace=0)
        if op == "AddFusion":
            return NodeMemory(inplace=0)
        if op == "Conv2DFusion":
            return NodeMemory(scratch_bytes=100)
        return NodeMemory()

    mp = memory_plan(g, mem)
    off = {g.tensors[t].name: mp.tensor_offset(t) for t in mp.buffer_names}
    assert off["r"] == off["c"] and off["a"] == off["r"]      # reshape alias, then add in place
    idx = {t.name: i for i, t in enumerate(g.tensors)}
    assert mp.aliases == {idx["r"]: idx["c"], idx["a"]: idx["r"]}
    assert mp.scratch_offset(0) is not None and mp.scratch_bytes == 100
    # x (512) + c (512) + scratch (100 -> 112 aligned) live at step 0
    assert mp.arena_size == 512 + 512 + 112


def test_infer_refuses_an_extra_output_cleanly(tmp_path):
    """Regression: a node with more outputs than its reference kernel computes (MaxPoolFusion's
    argmax output was the case) is a one-line error with exit code 1, not a traceback."""
    from micro_codegen.ms_model import write_model
    b = GraphBuilder("two_out")
    x = b.input("x", DType.FLOAT32, (1, 4))
    ys = b.node("Softmax", [x], [("y", DType.FLOAT32, (1, 4)), ("extra", DType.FLOAT32, (1, 4))], name="sm",
                axis=(-1,))
    model = tmp_path / "two_out.ms"
    write_model(b.build(outputs=ys), model)
    cases = tmp_path / "c.npz"
    np.savez(cases, input_0=np.zeros((1, 4), np.float32))
    r = _run("infer", model, "--cases", cases)
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert r.output.strip() == "error: Softmax 'sm' (node 0): has 2 outputs; its reference kernel computes 1", r.output
