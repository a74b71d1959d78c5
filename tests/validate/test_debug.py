"""`debug`: the model runs node by node on the target and every node's outputs are compared
with the reference interpreter's.

A clean model: every node OK, exit 0. A project whose generated C is broken at one node (the
test wraps that node's function so it adds 1 to one element of its output before the project
is built) must be named as the first diverging node, with that element and both values. On the
host (the tiny model: an in-place softmax and a zero-copy reshape) and in QEMU (KWS int8, whose
depthwise convs run in place); ``-m slow`` also debugs patched models (zero-copy strips) in QEMU.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from micro_codegen import api, toolchain
from micro_codegen.cli import main

from conftest import MLPERF, SEED_ARCH, needs_shared
from tiny_models import write_tiny_model


def break_node(project: Path, prefix: str, node: int, element: int) -> None:
    """Wrap ``<prefix>_node_<node>`` in the generated C so that after it runs, flat element
    ``element`` of its (first) output is one more than the kernel wrote."""
    path = project / f"{prefix}.c"
    c = path.read_text()
    comment = re.search(rf"^/\* node {node} .*?(int8|float32) +out @arena\[(\d+),", c, re.M | re.S)
    assert comment, f"no comment for node {node}"
    ctype, one = ("int8_t", "1") if comment.group(1) == "int8" else ("float", "1.0f")
    func = f"{prefix}_node_{node}"
    body = re.search(rf"static int {func}\(void\)\n\{{\n.*?\n\}}\n", c, re.S)
    assert body, f"no function {func}"
    wrapper = (f"\nstatic int {func}(void)\n{{\n    const int status = {func}_unbroken();\n"
               f"    (({ctype} *)&{prefix}_arena[{comment.group(2)}])[{element}] += {one};\n    return status;\n}}\n")
    broken = body.group(0).replace(f"static int {func}(void)", f"static int {func}_unbroken(void)") + wrapper
    path.write_text(c[:body.start()] + broken + c[body.end():])


@pytest.fixture
def broken_build(monkeypatch):
    """Make ``debug`` build a project broken at one node: call with (prefix, node, element)."""
    real_make = toolchain.make

    def arm(prefix: str, node: int, element: int):
        def make(project_dir, *args, **kwargs):
            break_node(Path(project_dir), prefix, node, element)
            return real_make(project_dir, *args, **kwargs)
        monkeypatch.setattr(toolchain, "make", make)
    return arm


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_model(tmp_path_factory.mktemp("tiny"))


@pytest.mark.host_cc
def test_clean_model_on_host_all_ok(tiny):
    r = CliRunner().invoke(main, ["debug", str(tiny), "--board", "host", "--case", "2", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["passed"] and doc["first_divergence"] is None and doc["inputs"] == "case 2 of tiny.ms.npz"
    assert [n["op"] for n in doc["nodes"]] == ["Conv2DFusion", "Conv2DFusion", "AvgPoolFusion", "Reshape",
                                               "FullConnection", "Softmax"]
    assert all(n["ok"] and n["max_abs_diff"] == 0 and n["mismatches"] == 0 for n in doc["nodes"])
    assert doc["nodes"][0]["tensors"][0]["shape"] == [1, 6, 6, 4]
    text = CliRunner().invoke(main, ["debug", str(tiny), "--board", "host"])
    assert text.exit_code == 0
    assert text.output.splitlines()[-1].startswith("all 6 nodes match the reference")
    assert re.search(r"^\s+5  Softmax\s+softmax\s+0\s+0/3  OK$", text.output, re.M)


@pytest.mark.host_cc
def test_broken_node_named_on_host(tiny, broken_build):
    broken_build("tiny", 1, element=17)          # the depthwise conv, output 1x3x3x4: element 17 = [0, 1, 1, 1]
    report = api.debug(tiny, "host")
    assert not report.passed
    assert [n.ok for n in report.nodes[:1]] == [True]
    node, tensor = report.first_divergence
    assert (node.index, node.op, node.name, tensor.name) == (1, "Conv2DFusion", "dw", "dw")
    element, expected, got = tensor.worst
    assert element == (0, 1, 1, 1) and tensor.mismatches == 1 and tensor.max_abs_diff == 1
    assert got == (expected + 1 if expected < 127 else -128)
    r = CliRunner().invoke(main, ["debug", str(tiny), "--board", "host"])
    assert r.exit_code == 1
    assert ("first divergence: node 1 Conv2DFusion 'dw', output 'dw' (int8 1x3x3x4): max |diff| 1, largest "
            "mismatch at [0, 1, 1, 1]") in r.output
    assert re.search(r"^\s+1  Conv2DFusion\s+dw\s+1\s+1/36  DIFF$", r.output, re.M)


@pytest.mark.host_cc
def test_debug_keeps_the_project_and_refuses_a_bad_case(tiny, tmp_path):
    r = CliRunner().invoke(main, ["debug", str(tiny), "--board", "host", "--case", "7"])
    assert r.exit_code == 1 and "no case 7" in r.output
    out = tmp_path / "proj"
    report = api.debug(tiny, "host", out_dir=out)
    assert report.passed and report.project_dir == out
    assert (out / "manifest.json").is_file() and (out / "build-debug" / "tiny").is_file()


@needs_shared
@pytest.mark.qemu
def test_broken_in_place_node_named_in_qemu(broken_build):
    """KWS int8 on the default QEMU board; node 5 is a depthwise conv written over its input."""
    model = MLPERF / "kws_ref_model.ms"
    plan = api.plan_json(api.load(model), api.memory_plan(api.load(model)))
    assert any(link["output"] == "DEPTHWISE_CONV_2D-5" for link in plan["in_place"])
    broken_build("kws_ref_model", 5, element=1234)
    report = api.debug(model, "qemu-mps2-an386")
    assert all(n.ok for n in report.nodes[:5])
    node, tensor = report.first_divergence
    assert (node.index, node.name, tensor.mismatches) == (5, "DEPTHWISE_CONV_2D-5", 1)
    assert tensor.worst[0] == (0, 1234 // (5 * 64), 1234 // 64 % 5, 1234 % 64)


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("model, patch", [(MLPERF / "kws_ref_model.ms", "off"),
                                          (MLPERF / "vww_96_int8.ms", "auto"),
                                          (SEED_ARCH / "squeezenet_mini_float.ms", "off")])
def test_clean_models_in_qemu(model, patch):
    report = api.debug(model, "qemu-mps2-an386", patch=patch)
    assert report.passed, "\n".join(report.lines())


def test_worst_element_is_a_mismatch_even_when_a_larger_difference_is_within_tolerance():
    from micro_codegen.debug import tensor_diff
    from tiny_models import fp32_conv_graph
    g = fp32_conv_graph()
    ti = g.nodes[0].outputs[0]
    expected = np.zeros((1, 5, 5, 4), np.float32)
    expected[0, 0, 0, 0] = 1000.0
    got = expected.copy()
    got[0, 0, 0, 0] += 0.005                   # within 1e-5 + 1e-5 * 1000
    got[0, 2, 3, 1] = 0.001                     # outside 1e-5
    d = tensor_diff(g, ti, got, expected, 1e-5, 1e-5)
    assert d.mismatches == 1 and d.max_abs_diff == pytest.approx(0.005, rel=1e-3)
    assert d.worst[0] == (0, 2, 3, 1) and d.worst[2] == pytest.approx(0.001)
