"""CLI: inspect and check (click CliRunner), against the shared MLPerf models."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import MLPERF, MLPERF_MODELS, needs_shared
from micro_codegen.cli import main

EXPECTED_OPS = {
    "vww_96_int8": {"Conv2DFusion": 27, "AvgPoolFusion": 1, "Reshape": 1, "FullConnection": 1, "Softmax": 1},
    "vww_96_float": {"Conv2DFusion": 27, "AvgPoolFusion": 1, "Reshape": 1, "FullConnection": 1, "Softmax": 1},
    "kws_ref_model": {"Conv2DFusion": 9, "AvgPoolFusion": 1, "Reshape": 1, "FullConnection": 1, "Softmax": 1},
    "kws_ref_model_float32": {"Conv2DFusion": 9, "AvgPoolFusion": 1, "Reshape": 1, "FullConnection": 1,
                              "Softmax": 1},
    "pretrainedResnet_quant": {"Conv2DFusion": 9, "AddFusion": 3, "AvgPoolFusion": 1, "Reshape": 1,
                               "FullConnection": 1, "Softmax": 1},
    "pretrainedResnet": {"Conv2DFusion": 9, "AddFusion": 3, "AvgPoolFusion": 1, "Reshape": 1,
                         "FullConnection": 1, "Softmax": 1},
    "ad01_int8": {"FullConnection": 10},
    "ad01_fp32": {"FullConnection": 10},
    "str_ww_ref_model": {"Conv2DFusion": 8, "Reshape": 1, "FullConnection": 1, "Softmax": 1},
}


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@needs_shared
@pytest.mark.parametrize("model", MLPERF_MODELS)
def test_inspect_json_matches_reference_data(model):
    r = _run("inspect", MLPERF / f"{model}.ms", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    ref = np.load(MLPERF / f"{model}.ms.npz")
    (inp,), (out,) = doc["inputs"], doc["outputs"]
    assert (inp["dtype"], tuple(inp["shape"])) == (ref["input_0"].dtype.name, ref["input_0"].shape)
    assert (out["dtype"], tuple(out["shape"])) == (ref["output_0"].dtype.name, ref["output_0"].shape)
    assert doc["op_counts"] == EXPECTED_OPS[model]
    assert sum(1 for n in doc["nodes"] if n["op"] == "Conv2DFusion") == EXPECTED_OPS[model].get("Conv2DFusion", 0)
    assert doc["weight_bytes"] > 0 and set(doc["nodes"][0]) >= {"name", "op", "inputs", "outputs"}


@needs_shared
def test_inspect_table():
    r = _run("inspect", MLPERF / "kws_ref_model.ms")
    assert r.exit_code == 0
    assert "CONV_2D-0" in r.output and "Conv2DFusion" in r.output and "1x25x5x64" in r.output
    assert r.output.rstrip().splitlines()[-1].startswith("13 nodes (")


@needs_shared
def test_check_json_lists_problems_and_exit_code():
    r = _run("check", MLPERF / "kws_ref_model.ms", "--json")
    doc = json.loads(r.output)
    assert doc["supported"] is (r.exit_code == 0)
    assert all(set(p) >= {"node", "op", "reason"} for p in doc["problems"])


def test_corrupt_file_one_line_exit_1(tmp_path):
    bad = tmp_path / "bad.ms"
    bad.write_bytes(b"\x10\x00\x00\x00MSL2" + b"\xff" * 40)
    r = _run("inspect", bad)
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ")


def test_debug_shows_traceback(tmp_path):
    bad = tmp_path / "bad.ms"
    bad.write_bytes(b"nope")
    r = CliRunner().invoke(main, ["--debug", "inspect", str(bad)])
    assert r.exit_code == 1 and r.exception is not None and type(r.exception).__name__ == "ModelFileError"


def test_help_lists_commands():
    r = _run("--help")
    assert r.exit_code == 0 and "inspect" in r.output and "check" in r.output


def test_readme_supported_ops_table_is_current(update_golden):
    """The README table is generated from the rules; ``pytest --update-golden`` rewrites it."""
    from conftest import REPO
    from micro_codegen.check import supported_ops_table
    readme = REPO / "README.md"
    text, table = readme.read_text(), supported_ops_table()
    if update_golden and table not in text:
        start = text.index("Every node: ", text.index("## Supported operators"))
        end = text.index("\n\n", text.index("| op | its own rules |", start))
        readme.write_text(text[:start] + table + text[end:])
        text = readme.read_text()
    assert table in text, "README 'Supported operators' is stale: run pytest --update-golden (or paste " \
                          "micro_codegen.check.supported_ops_table())"
