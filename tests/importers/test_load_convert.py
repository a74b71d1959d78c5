"""Loading any supported format by content, and `convert` (writes only a complete, verified .ms)."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from conftest import MLPERF, needs_shared
from micro_codegen import api
from micro_codegen.cli import main
from micro_codegen.errors import ModelFileError
from micro_codegen.importers import load_bytes, sniff
from micro_codegen.ms_model import read_model, write_bytes
from tiny_models import tiny_graph as tiny_conv


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _onnx_bytes() -> bytes:
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def test_sniff_by_content_not_suffix():
    assert sniff(write_bytes(tiny_conv())) == "ms"
    assert sniff(b"\x1c\x00\x00\x00TFL3" + bytes(24)) == "tflite"
    assert sniff(_onnx_bytes()) == "onnx"
    for junk in (b"", b"\x08", b"hello world, not a model", bytes(64), b"\x08\x07" + bytes(30)):
        assert sniff(junk) is None


@pytest.mark.parametrize("data, name", [(b"", "empty.onnx"), (b"not a model at all", "x.tflite"),
                                        (bytes(100), "zeros.bin")])
def test_unknown_content_is_one_error_naming_the_file(data, name):
    with pytest.raises(ModelFileError, match=f"^{name}: not a model micro_codegen reads"):
        load_bytes(data, name)


def test_damaged_ms_keeps_the_ms_message():
    with pytest.raises(ModelFileError, match="^m.ms: not a MindSpore Lite model"):
        load_bytes(b"\x00" * 16, "m.ms")


def test_ms_content_under_any_suffix(tmp_path):
    p = tmp_path / "model.bin"
    p.write_bytes(write_bytes(tiny_conv()))
    loaded = api.load(p)
    assert loaded == read_model(p) and loaded.source_format == "ms" and loaded.source == str(p)


def test_convert_writes_a_model_that_reads_back_identically(tmp_path):
    src, out = tmp_path / "in.ms", tmp_path / "out.ms"
    src.write_bytes(write_bytes(tiny_conv()))
    r = _run("convert", src, "-o", out, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["output"] == str(out) and doc["bytes"] == out.stat().st_size and doc["supported"]
    assert read_model(out) == api.load(src)
    data = out.read_bytes()
    assert data[4:8] == b"MSL2" and read_model(out).version == "MindSpore Lite 2.0.0"
    assert sorted(os.listdir(tmp_path)) == ["in.ms", "out.ms"]          # no temporary file left


def test_convert_refuses_without_writing(tmp_path):
    bad, out = tmp_path / "bad.onnx", tmp_path / "out.ms"
    bad.write_bytes(b"garbage")
    r = _run("convert", bad, "-o", out)
    assert r.exit_code == 1 and r.output.startswith(f"error: {bad}: not a model")
    assert r.output.count("\n") == 1 and not out.exists()
    src = tmp_path / "in.ms"
    src.write_bytes(write_bytes(tiny_conv()))
    r = _run("convert", src, "-o", src)
    assert r.exit_code != 0 and "is the input model" in r.output
    r = _run("convert", src, "-o", tmp_path / "no" / "such" / "dir.ms")
    assert r.exit_code == 1 and "cannot write" in r.output
    assert sorted(os.listdir(tmp_path)) == ["bad.onnx", "in.ms"]


@needs_shared
def test_convert_text_summary_of_an_official_model(tmp_path):
    out = tmp_path / "kws.ms"
    r = _run("convert", MLPERF / "kws_ref_model.ms", "-o", out)
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"wrote {out} (") and "13 nodes (" in r.output


def _conv_onnx(tmp_path, batch="N"):
    """x [batch,2,8,8] -> Conv 3x3 (4 channels) -> Relu -> y: an image model with a dynamic batch."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    w = numpy_helper.from_array(np.linspace(-1, 1, 4 * 2 * 9, dtype=np.float32).reshape(4, 2, 3, 3), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 2, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 4, 8, 8])
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["y"])]
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y], [w]),
                              opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "conv.onnx"
    path.write_bytes(model.SerializeToString())
    return path


def test_onnx_import_options_on_the_command_line(tmp_path):
    src, out = _conv_onnx(tmp_path), tmp_path / "out.ms"
    r = _run("inspect", src)
    assert r.exit_code == 1 and "'x'" in r.output and "--input-shape x:" in r.output     # dynamic batch: refused
    r = _run("convert", src, "-o", out, "--input-shape", "x:1,2,8,8")
    assert r.exit_code == 0, r.output
    g = read_model(out)
    assert [g.tensors[i].shape for i in g.inputs + g.outputs] == [(1, 2, 8, 8), (1, 4, 8, 8)]
    assert [n.op for n in g.nodes].count("Transpose") == 2                             # only at the edges
    r = _run("convert", src, "-o", out, "--input-shape", "x:1,2,8,8", "--input-layout", "nhwc")
    g = read_model(out)
    assert r.exit_code == 0 and [g.tensors[i].shape for i in g.inputs + g.outputs] == [(1, 8, 8, 2), (1, 8, 8, 4)]
    assert [n.op for n in g.nodes] == ["Conv2DFusion"]
    for bad in ("x", "x:1,2,a", "x:0,2,8,8", ":1"):
        r = _run("inspect", src, "--input-shape", bad)
        assert r.exit_code == 2 and "NAME:D1,D2" in r.output
