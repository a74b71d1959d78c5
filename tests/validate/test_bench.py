"""``bench``: exact per-node instruction counts in QEMU (the plugin, the MC_BENCH markers, the
report) and its refusals."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import MLPERF, needs_shared, require_tool
from micro_codegen import api
from micro_codegen.bench import node_macs
from micro_codegen.cli import main
from micro_codegen.errors import BoardConfigError
from micro_codegen.ms_model import read_model
from micro_codegen.qemu_plugin import plugin_path
from tiny_models import tiny_graph, write_tiny_model

AN386 = "qemu-mps2-an386"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_model(tmp_path_factory.mktemp("bench"))


def _tools():
    require_tool("gcc")
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")


def test_plugin_builds_once(tmp_path, monkeypatch):
    require_tool("gcc")
    monkeypatch.setenv("MICRO_CODEGEN_CACHE", str(tmp_path))
    first = plugin_path()
    assert first.parent == tmp_path and first.suffix == ".so" and first.stat().st_size > 0
    mtime = first.stat().st_mtime_ns
    assert plugin_path() == first and first.stat().st_mtime_ns == mtime      # cached by source hash


def test_node_macs():
    g = tiny_graph()
    # conv 6x6x4 outputs x 3x3x2 taps; depthwise 3x3x4 outputs x 3x3x1; FC 3 units x 4 inputs
    assert [node_macs(g, i) for i in range(len(g.nodes))] == [6 * 6 * 4 * 18, 3 * 3 * 4 * 9, 0, 0, 12, 0]


@pytest.mark.qemu
def test_bench_counts_are_exact_and_repeat(tiny):
    """Two runs give identical counts; every node costs something (a zero-copy Reshape only the
    dispatch), the conv costs more than the pool; the outputs match case 0; and the total agrees
    with QEMU's own clock (-icount shift=0: SysTick ticks 40 instructions apart on mps2)."""
    _tools()
    a = api.bench(tiny, AN386)
    b = api.bench(tiny, AN386)
    assert [n.cost for n in a.nodes] == [n.cost for n in b.nodes]
    assert a.metric == "instructions" and a.outputs_match is True and a.case_source.startswith("case 0")
    assert [n.op for n in a.nodes] == [n.op for n in read_model(tiny).nodes]
    costs = {n.name: n.cost for n in a.nodes}
    assert 0 < costs["flat"] < 30                     # alias: the dispatch loop and the marker only
    assert costs["conv1"] > costs["pool"] > costs["flat"]
    assert a.total == sum(costs.values()) and a.kernel_text_bytes > 0 and a.arena_bytes > 0
    report = api.validate(tiny, AN386).report           # the profiling build: per-node SysTick ticks
    ticks = sum(report.node_ticks) * 40
    assert abs(ticks - a.total) <= 0.05 * a.total + 40 * len(a.nodes), (ticks, a.total)


@pytest.mark.qemu
def test_bench_cli_json_and_text(tiny):
    _tools()
    r = CliRunner().invoke(main, ["bench", str(tiny), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    for key in ("board", "total_instructions", "ops", "arena_bytes", "text_bytes", "rodata_bytes", "data_bytes",
                "bss_bytes", "kernel_text_bytes", "macs", "by_kind", "outputs_match"):
        assert key in doc, key
    assert doc["board"] == AN386 and doc["total_instructions"] == sum(o["instructions"] for o in doc["ops"])
    assert {"node", "op", "instructions", "macs", "kind"} <= set(doc["ops"][0])
    r = CliRunner().invoke(main, ["bench", str(tiny)])
    assert r.exit_code == 0, r.output
    assert "instructions per inference" in r.output and "by kind:" in r.output and "conv1" not in r.output.split("\n")[0]


def test_bench_without_cases_uses_seeded_inputs(tmp_path):
    """No MODEL.npz: seeded random inputs, the same every time (so counts repeat)."""
    from micro_codegen.bench import bench_case
    g = tiny_graph()
    c1, src = bench_case(g, None, ())
    c2, _ = bench_case(g, None, ())
    assert "random" in src and c1.expected is None
    assert all(np.array_equal(x, y) for x, y in zip(c1.inputs, c2.inputs))


@pytest.mark.parametrize("board, port, message", [
    ("host", None, "cannot be benchmarked: the host board's time is wall-clock"),
    (AN386, "/dev/ttyACM0", "--port is only for real boards"),
])
def test_bench_refusals(tiny, board, port, message):
    with pytest.raises(BoardConfigError, match=message.replace("(", r"\(")):
        api.bench(tiny, board, port=port)
    args = ["bench", str(tiny), "--board", board] + (["--port", port] if port else [])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and message in r.output and len(r.output.strip().splitlines()) <= 2


@needs_shared
@pytest.mark.qemu
def test_bench_kws_code_size_and_outputs():
    """KWS int8 on the M4: outputs still exact, kernels + model code within 16 KB of text."""
    _tools()
    r = api.bench(MLPERF / "kws_ref_model.ms", AN386)
    assert r.outputs_match is True
    assert r.kernel_text_bytes <= 16 * 1024, r.kernel_text_bytes
    kinds = r.by_kind()
    assert {"conv", "depthwise", "1x1", "fc"} <= set(kinds)


@needs_shared
@pytest.mark.qemu
@pytest.mark.slow
def test_bench_on_the_vendor_board_counts_what_the_mps2_m4_counts():
    """The plugin works on qemu-netduinoplus2 too, and as both boards build the same Cortex-M4F code,
    every node costs the same instructions there as on the AN386 (only the board glue differs)."""
    _tools()
    nd = api.bench(MLPERF / "kws_ref_model.ms", "qemu-netduinoplus2")
    m4 = api.bench(MLPERF / "kws_ref_model.ms", AN386)
    assert nd.outputs_match is True and nd.metric == "instructions"
    assert [n.cost for n in nd.nodes] == [n.cost for n in m4.nodes]
