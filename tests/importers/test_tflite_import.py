"""TFLite import (``micro_codegen.importers.from_tflite``).

* Every shared ``.tflite`` (MLPerf Tiny + seed_arch, 15 models) imports to exactly the graph
  the official MindSpore Lite 2.0 converter wrote beside it (full ``Graph`` equality: node
  order, names, attributes, tensor order/names/shapes/dtypes/quantization, constant bytes,
  subgraph), and round-trips through the ``.ms`` writer.
* The direct import validates on the host (KWS int8, ResNet fp32) and on QEMU (KWS int8).
* Small models written here (``tests/tflite_writer.py``) cover op families beyond MLPerf,
  checked against numpy; refusals: unknown/custom op, unfusable activation, unsupported
  dtypes, corrupt files (ModelFileError naming the file, also through the CLI).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import MLPERF, SEED_ARCH, needs_shared, require_tool
from micro_codegen import api, reference
from micro_codegen.cli import main
from micro_codegen.errors import ModelFileError, UnsupportedOpError
from micro_codegen.importers import load_bytes, load_model
from micro_codegen.ms_model import read_bytes, read_model, write_bytes
from micro_codegen.numerics import round_half_away
from tflite_writer import TfliteWriter

SHARED_TFLITE = sorted(MLPERF.glob("*.tflite")) + sorted(SEED_ARCH.glob("*.tflite"))


def shared_ids() -> list[str]:
    return [p.stem for p in SHARED_TFLITE] or ["none"]


# ---------------------------------------------------------------- the official graphs

@needs_shared
@pytest.mark.parametrize("path", SHARED_TFLITE or [None], ids=shared_ids())
def test_import_equals_official_ms(path):
    assert path is not None and len(SHARED_TFLITE) >= 15, "shared .tflite models missing"
    g = load_model(path)
    official = read_model(path.with_suffix(".ms"))
    assert g == official
    assert read_bytes(write_bytes(g)) == g


def _tree(folder) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


QUICK_C = {"kws_ref_model", "squeezenet_mini_int8"}


@needs_shared
@pytest.mark.parametrize("path", [pytest.param(p, marks=() if p.stem in QUICK_C else pytest.mark.slow)
                                  for p in SHARED_TFLITE] or [None], ids=shared_ids())
def test_generated_c_equals_the_official_models(path, tmp_path):
    """The C project of the direct import is byte-identical to the official .ms's once both name
    the same source file (banners, hello hash and manifest carry the source's name and sha256)."""
    assert path is not None, "shared .tflite models missing"
    g = load_model(path)
    official = dataclasses.replace(read_model(path.with_suffix(".ms")), source=g.source, sha256=g.sha256)
    api.generate(g, out_dir=tmp_path / "tflite", name=path.stem)
    api.generate(official, out_dir=tmp_path / "ms", name=path.stem)
    a, b = _tree(tmp_path / "tflite"), _tree(tmp_path / "ms")
    assert sorted(a) == sorted(b) and [k for k in a if a[k] != b[k]] == []


@needs_shared
@pytest.mark.host_cc
@pytest.mark.parametrize("name", ["kws_ref_model", "pretrainedResnet"])
def test_direct_import_validates_on_host(name, tmp_path):
    path = MLPERF / f"{name}.tflite"
    r = api.validate(path, "host", cases_path=MLPERF / f"{name}.ms.npz", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == len(r.report.cases) > 0


@needs_shared
@pytest.mark.qemu
def test_direct_import_validates_on_qemu(tmp_path):
    require_tool("arm-none-eabi-gcc")
    require_tool("qemu-system-arm")
    r = api.validate(MLPERF / "kws_ref_model.tflite", "qemu-mps2-an386", cases_path=MLPERF / "kws_ref_model.ms.npz",
                     out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 4
    assert max(c.max_abs_diff for c in r.report.cases) == 0


# ---------------------------------------------------------------- op families (written here)

def _run(data: bytes, *inputs):
    g = load_bytes(data, "test.tflite")
    assert read_bytes(write_bytes(g)) == g
    return g, reference.run(g, list(inputs))


RNG = np.random.default_rng(16)


def _x(*shape) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def test_concat_and_add_with_broadcast():
    w = TfliteWriter()
    a, b = w.input("a", "FLOAT32", (1, 2, 2, 3)), w.input("b", "FLOAT32", (1, 2, 2, 2))
    c = w.tensor("c", "FLOAT32", (1, 2, 2, 5))
    w.op("CONCATENATION", [a, b], [c], "ConcatenationOptions", Axis=-1)
    bias = w.const("bias", np.arange(5, dtype=np.float32) - 2)
    y = w.tensor("y", "FLOAT32", (1, 2, 2, 5))
    w.op("ADD", [c, bias], [y], "AddOptions", FusedActivationFunction=1)       # RELU
    xa, xb = _x(1, 2, 2, 3), _x(1, 2, 2, 2)
    g, (out,) = _run(w.build([y]), xa, xb)
    assert [n.op for n in g.nodes] == ["Concat", "AddFusion"]
    assert g.nodes[0].attrs == {"axis": -1} and g.nodes[1].attrs == {"activation_type": "RELU"}
    bias_v = np.arange(5, dtype=np.float32) - 2
    np.testing.assert_array_equal(out, np.maximum(np.concatenate([xa, xb], -1) + bias_v, 0))


def test_pad_padv2_mirror_pad():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 3, 3, 2))
    p = w.const("p", np.array([[0, 0], [1, 2], [0, 1], [0, 0]], np.int32))
    y1, y2, y3 = (w.tensor(n, "FLOAT32", (1, 6, 4, 2)) for n in ("y1", "y2", "y3"))
    w.op("PAD", [x, p], [y1])
    w.op("PADV2", [x, p, w.const("v", np.array([1.5], np.float32))], [y2])
    w.op("MIRROR_PAD", [x, p], [y3], "MirrorPadOptions", Mode=0)              # REFLECT
    xv = _x(1, 3, 3, 2)
    g, outs = _run(w.build([y1, y2, y3]), xv)
    pads = [(0, 0), (1, 2), (0, 1), (0, 0)]
    np.testing.assert_array_equal(outs[0], np.pad(xv, pads))
    np.testing.assert_array_equal(outs[1], np.pad(xv, pads, constant_values=1.5))
    np.testing.assert_array_equal(outs[2], np.pad(xv, pads, mode="reflect"))
    assert {n.attrs["padding_mode"] for n in g.nodes} == {"CONSTANT", "REFLECT"}


def test_reductions():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 4, 3, 2))
    axes = w.const("axes", np.array([1, 2], np.int32))
    ys = []
    for op, keep in (("MEAN", True), ("SUM", False), ("REDUCE_MAX", False)):
        ys.append(w.tensor(op, "FLOAT32", (1, 1, 1, 2) if keep else (1, 2)))
        w.op(op, [x, axes], [ys[-1]], "ReducerOptions", KeepDims=keep)
    xv = _x(1, 4, 3, 2)
    g, outs = _run(w.build(ys), xv)
    # the converter's order: depth-first from the last graph output
    assert [(n.name, n.attrs["mode"]) for n in g.nodes] == [("REDUCE_MAX-2", "ReduceMax"), ("SUM-1", "ReduceSum"),
                                                            ("MEAN-0", "ReduceMean")]
    np.testing.assert_allclose(outs[0], xv.mean((1, 2), keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(outs[1], xv.sum((1, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(outs[2], xv.max((1, 2)))


def _transpose_conv_numpy(x, w_ohwi, stride, out_hw):
    """Plain scatter-add transposed convolution, SAME (TFLite: output cropped from the full result)."""
    n, h, wd, _ = x.shape
    co, kh, kw, _ = w_ohwi.shape
    full = np.zeros((n, (h - 1) * stride + kh, (wd - 1) * stride + kw, co), np.float64)
    for iy in range(h):
        for ix in range(wd):
            full[:, iy * stride:iy * stride + kh, ix * stride:ix * stride + kw, :] += \
                np.einsum("nc,okjc->nkjo", x[:, iy, ix, :].astype(np.float64), w_ohwi.astype(np.float64))
    top = (full.shape[1] - out_hw[0]) // 2
    left = (full.shape[2] - out_hw[1]) // 2
    return full[:, top:top + out_hw[0], left:left + out_hw[1], :]


def test_transpose_conv_weight_layout():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 3, 3, 2))
    wv = _x(4, 3, 3, 2)                                                        # TFLite OHWI
    shape = w.const("out_shape", np.array([1, 6, 6, 4], np.int32))
    wt = w.const("w", wv)
    y = w.tensor("y", "FLOAT32", (1, 6, 6, 4))
    w.op("TRANSPOSE_CONV", [shape, wt, x], [y], "TransposeConvOptions", Padding=0, StrideW=2, StrideH=2)
    xv = _x(1, 3, 3, 2)
    g, (out,) = _run(w.build([y]), xv)
    node = g.nodes[0]
    assert node.op == "Conv2dTransposeFusion" and node.attrs["pad_list"] == (0, 1, 0, 1)
    assert g.tensors[node.inputs[1]].shape == (2, 3, 3, 4)                     # [Cin, kh, kw, Cout]
    np.testing.assert_allclose(out, _transpose_conv_numpy(xv, wv, 2, (6, 6)), rtol=1e-5, atol=1e-5)


def test_resize_strided_slice_transpose():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 2, 2, 3))
    up = w.tensor("up", "FLOAT32", (1, 4, 4, 3))
    w.op("RESIZE_NEAREST_NEIGHBOR", [x, w.const("size", np.array([4, 4], np.int32))], [up],
         "ResizeNearestNeighborOptions", AlignCorners=False, HalfPixelCenters=False)
    sl = w.tensor("sl", "FLOAT32", (1, 2, 4, 3))
    consts = [w.const(n, np.array(v, np.int32)) for n, v in
              (("begin", [0, 1, 0, 0]), ("end", [1, 4, 4, 3]), ("strides", [1, 2, 1, 1]))]
    w.op("STRIDED_SLICE", [up] + consts, [sl], "StridedSliceOptions", BeginMask=0, EndMask=0)
    tr = w.tensor("tr", "FLOAT32", (1, 3, 2, 4))
    w.op("TRANSPOSE", [sl, w.const("perm", np.array([0, 3, 1, 2], np.int32))], [tr])
    xv = _x(1, 2, 2, 3)
    g, (out,) = _run(w.build([tr]), xv)
    assert [n.op for n in g.nodes] == ["Resize", "StridedSlice", "Transpose"]
    assert g.nodes[0].attrs["method"] == "NEAREST" and g.nodes[0].attrs["coordinate_transform_mode"] == "ASYMMETRIC"
    expect = xv.repeat(2, 1).repeat(2, 2)[:, 1:4:2].transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(out, expect)


def test_quantize_dequantize_int8():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 8))
    q = w.tensor("q", "INT8", (1, 8), quant=(0.05, 3))
    y = w.tensor("y", "FLOAT32", (1, 8))
    w.op("QUANTIZE", [x], [q])
    w.op("DEQUANTIZE", [q], [y])
    xv = np.array([[-7.0, -0.075, -0.025, 0.0, 0.025, 1.0, 2.1, 9.0]], np.float32)
    g, (out,) = _run(w.build([y]), xv)
    assert [(n.op, n.attrs["src_t"], n.attrs["dst_t"], n.quant_type) for n in g.nodes] == \
        [("QuantDTypeCast", 43, 32, "QUANT_ALL"), ("QuantDTypeCast", 32, 43, "QUANT_ALL")]
    qv = np.clip(round_half_away(xv / np.float32(0.05)) + 3, -128, 127)
    np.testing.assert_allclose(out, ((qv - 3) * 0.05).astype(np.float32), rtol=1e-6)


def test_activations_and_shape_ops():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 2, 3))
    chain = [("RELU6", None, {}), ("LOGISTIC", None, {}), ("TANH", None, {}), ("HARD_SWISH", None, {}),
             ("LEAKY_RELU", "LeakyReluOptions", {"Alpha": 0.25})]
    prev = x
    for op, opts, fields in chain:
        t = w.tensor(op.lower(), "FLOAT32", (1, 2, 3))
        w.op(op, [prev], [t], opts, **fields)
        prev = t
    r = w.tensor("r", "FLOAT32", (1, 6))
    w.op("RESHAPE", [prev, w.const("shape", np.array([1, 6], np.int32))], [r])
    e = w.tensor("e", "FLOAT32", (1, 1, 6))
    w.op("EXPAND_DIMS", [r, w.const("axis", np.array([1], np.int32))], [e])
    s = w.tensor("s", "FLOAT32", (1, 6))
    w.op("SQUEEZE", [e], [s], "SqueezeOptions", SqueezeDims=[1])
    y = w.tensor("y", "FLOAT32", (1, 6))
    w.op("SOFTMAX", [s], [y], "SoftmaxOptions", Beta=1.0)
    xv = _x(1, 2, 3) * 3
    g, (out,) = _run(w.build([y]), xv)
    assert [n.op for n in g.nodes] == ["Activation"] * 5 + ["Reshape", "ExpandDims", "Squeeze", "Softmax"]
    assert g.nodes[4].attrs["activation_type"] == "LEAKY_RELU" and g.nodes[4].attrs["alpha"] == 0.25
    v = xv.astype(np.float64)
    v = 1 / (1 + np.exp(-np.clip(v, 0, 6)))
    v = np.tanh(v)
    v = v * np.clip(v + 3, 0, 6) / 6
    v = np.where(v >= 0, v, 0.25 * v).reshape(1, 6)
    expect = np.exp(v - v.max()) / np.exp(v - v.max()).sum()
    np.testing.assert_allclose(out, expect, rtol=1e-5)


def test_split_gather_argmax_batch_matmul():
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (2, 4, 6))
    parts = [w.tensor(f"p{i}", "FLOAT32", (2, 4, 3)) for i in range(2)]
    w.op("SPLIT", [w.const("axis", np.array(2, np.int32)), x], parts, "SplitOptions", NumSplits=2)
    mm = w.tensor("mm", "FLOAT32", (2, 4, 4))
    w.op("BATCH_MATMUL", parts, [mm], "BatchMatMulOptions", AdjX=False, AdjY=True)
    ga = w.tensor("ga", "FLOAT32", (2, 2, 4))
    w.op("GATHER", [mm, w.const("idx", np.array([3, 0], np.int32))], [ga], "GatherOptions", Axis=1)
    am = w.tensor("am", "INT32", (2, 2))
    w.op("ARG_MAX", [ga, w.const("dim", np.array([2], np.int32))], [am], "ArgMaxOptions", OutputType=2)
    xv = _x(2, 4, 6)
    g, (out,) = _run(w.build([am]), xv)
    assert [n.op for n in g.nodes] == ["Split", "MatMulFusion", "Gather", "ArgMaxFusion"]
    assert g.tensors[g.nodes[0].outputs[1]].name == "SPLIT-0_o:1"
    ref = np.matmul(xv[..., :3], xv[..., 3:].transpose(0, 2, 1))[:, [3, 0]]
    np.testing.assert_array_equal(out, ref.argmax(2))


def test_int8_depthwise_per_channel_matches_hand_built_graph():
    """TFLite depthwise [1, kh, kw, C] (per-channel on axis 3) -> [C, kh, kw, 1]: the import
    computes what the same layer built directly in the IR computes, bit for bit."""
    from micro_codegen.builder import GraphBuilder
    from micro_codegen.ir import DType
    rng = np.random.default_rng(5)
    wq = rng.integers(-127, 128, (1, 3, 3, 4), dtype=np.int8)
    bq = rng.integers(-400, 400, 4).astype(np.int32)
    ws = [0.01, 0.02, 0.015, 0.03]
    w = TfliteWriter()
    x = w.input("x", "INT8", (1, 5, 5, 4), quant=(0.05, -3))
    wt = w.const("w", wq, quant=(ws, [0] * 4, 3))
    bt = w.const("b", bq, quant=([0.05 * s for s in ws], [0] * 4))
    y = w.tensor("y", "INT8", (1, 3, 3, 4), quant=(0.07, 5))
    w.op("DEPTHWISE_CONV_2D", [x, wt, bt], [y], "DepthwiseConv2DOptions", Padding=0, StrideW=2, StrideH=2,
         DepthMultiplier=1, FusedActivationFunction=3)
    xv = rng.integers(-128, 128, (1, 5, 5, 4), dtype=np.int8)
    g, (out,) = _run(w.build([y]), xv)

    b = GraphBuilder("dw")
    xi = b.input("x", DType.INT8, (1, 5, 5, 4), quant=(0.05, -3))
    wi = b.const("w", np.ascontiguousarray(wq.transpose(3, 1, 2, 0)), quant=(ws, [0] * 4))
    bi = b.const("b", bq, quant=([0.05 * s for s in ws], [0] * 4))
    yi = b.node("Conv2DFusion", [xi, wi, bi], [("y", DType.INT8, (1, 3, 3, 4), (0.07, 5))], name="dw",
                kernel_size=(3, 3), stride=(2, 2), dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1),
                group=4, in_channel=4, out_channel=4, format="NHWC", activation_type="RELU6")
    (expect,) = reference.run(b.build(outputs=[yi]), [xv])
    assert g.nodes[0].attrs["pad_list"] == (1, 1, 1, 1) and g.nodes[0].quant_type == "QUANT_ALL"
    np.testing.assert_array_equal(out, expect)


# ---------------------------------------------------------------- refusals

def _one_op(builtin: str, dtype: str = "FLOAT32", options=None, custom=None, **fields) -> bytes:
    w = TfliteWriter()
    x = w.input("x", dtype, (1, 4))
    y = w.tensor("y", dtype, (1, 4))
    w.op(builtin, [x], [y], options, custom=custom, **fields)
    return w.build([y])


@pytest.mark.parametrize("data, message", [
    (_one_op("EMBEDDING_LOOKUP"), "EMBEDDING_LOOKUP 'EMBEDDING_LOOKUP-0' (node 0): TFLite operator EMBEDDING_LOOKUP "
                                  "has no MindSpore Lite equivalent"),
    (_one_op("CUSTOM", custom="TFLite_Detection_PostProcess"),
     "CUSTOM 'CUSTOM-0' (node 0): custom operator 'TFLite_Detection_PostProcess' is not supported"),
    (_one_op("SOFTMAX", options="SoftmaxOptions", Beta=0.5), "SOFTMAX 'SOFTMAX-0' (node 0): beta 0.5"),
    (_one_op("RELU", dtype="COMPLEX64"), "has type COMPLEX64"),
    (_one_op("RELU", dtype="STRING"), "has type STRING"),
])
def test_refusals(data, message):
    with pytest.raises(UnsupportedOpError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_bytes(data, "m.tflite")


def test_unfusable_activation_and_uint8_are_refused():
    w = TfliteWriter()
    a, b = w.input("a", "FLOAT32", (1, 4)), w.input("b", "FLOAT32", (1, 4))
    y = w.tensor("y", "FLOAT32", (1, 4))
    w.op("ADD", [a, b], [y], "AddOptions", FusedActivationFunction=4)          # TANH
    with pytest.raises(UnsupportedOpError, match=r"ADD 'ADD-0' \(node 0\): fused activation TANH is not supported"):
        load_bytes(w.build([y]), "m.tflite")
    w = TfliteWriter()
    x = w.input("x", "UINT8", (1, 4), quant=(0.1, 128))
    y = w.tensor("y", "UINT8", (1, 4), quant=(0.1, 128))
    w.op("RELU", [x], [y])
    with pytest.raises(UnsupportedOpError, match="uint8-quantized"):
        load_bytes(w.build([y]), "m.tflite")


def test_corrupt_file_is_model_file_error(tmp_path):
    data = _one_op("RELU") + b""
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=str(bad)):
        load_model(bad)
    r = CliRunner().invoke(main, ["inspect", str(bad)])
    assert r.exit_code == 1 and str(bad) in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) <= 2


# ---------------------------------------------------------------- one float op each, against numpy

def _avg_pool_same(x):
    """3x3 stride-2 SAME average pool counting only the real cells (TFLite)."""
    n, h, w, c = x.shape
    oh, ow = -(-h // 2), -(-w // 2)
    top, left = max((oh - 1) * 2 + 3 - h, 0) // 2, max((ow - 1) * 2 + 3 - w, 0) // 2
    out = np.zeros((n, oh, ow, c), np.float32)
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * 2 - top, j * 2 - left
            win = x[:, max(y0, 0):y0 + 3, max(x0, 0):x0 + 3, :]
            out[:, i, j, :] = win.mean((1, 2))
    return out


def _c(a, dtype=np.int32):
    return np.array(a, dtype)


# builtin, options table, option fields, inputs (shape = graph input, array = constant), output shape, numpy, op
SINGLE_OPS = [
    ("SUB", "SubOptions", {}, [(2, 3), (2, 3)], (2, 3), lambda a, b: a - b, "SubFusion"),
    ("MUL", "MulOptions", {"FusedActivationFunction": 3}, [(2, 3), _c([[2.0, -1.0, 0.5]], np.float32)], (2, 3),
     lambda a, b: np.clip(a * b, 0, 6), "MulFusion"),
    ("DIV", "DivOptions", {}, [(2, 3), _c([4.0], np.float32)], (2, 3), lambda a, b: a / b, "DivFusion"),
    ("MAXIMUM", None, {}, [(2, 3), (2, 3)], (2, 3), np.maximum, "Maximum"),
    ("SQUARED_DIFFERENCE", None, {}, [(2, 3), (2, 3)], (2, 3), lambda a, b: (a - b) ** 2, "SquaredDifference"),
    ("ABS", None, {}, [(2, 3)], (2, 3), np.abs, "Abs"),
    ("EXP", None, {}, [(2, 3)], (2, 3), np.exp, "ExpFusion"),
    ("NEG", None, {}, [(2, 3)], (2, 3), np.negative, "Neg"),
    ("SLICE", None, {}, [(3, 4, 5), _c([1, 0, 2]), _c([2, -1, 2])], (2, 4, 2), lambda a, b, s: a[1:3, :, 2:4],
     "SliceFusion"),
    ("SPLIT_V", "SplitVOptions", {"NumSplits": 2}, [(2, 7), _c([3, -1]), _c(1)], (2, 3), lambda a, s, x: a[:, :3],
     "Split"),
    ("PRELU", None, {}, [(1, 2, 2, 3), _c([0.1, 0.2, 0.3], np.float32)], (1, 2, 2, 3),
     lambda a, s: np.where(a >= 0, a, a * s), "PReLUFusion"),
    ("ARG_MIN", "ArgMinOptions", {"OutputType": 2}, [(3, 5), _c([1])], (3,), lambda a, d: a.argmin(1),
     "ArgMinFusion"),
    ("TILE", None, {}, [(2, 3), _c([2, 1])], (4, 3), lambda a, m: np.tile(a, (2, 1)), "TileFusion"),
    ("AVERAGE_POOL_2D", "Pool2DOptions", {"Padding": 0, "StrideW": 2, "StrideH": 2, "FilterWidth": 3,
                                          "FilterHeight": 3}, [(1, 5, 6, 2)], (1, 3, 3, 2), _avg_pool_same,
     "AvgPoolFusion"),
    ("FULLY_CONNECTED", "FullyConnectedOptions", {}, [(2, 4), _c(np.arange(12).reshape(3, 4) / 10, np.float32), -1],
     (2, 3), lambda a, w, b: a @ w.T, "FullConnection"),
    ("DEPTH_TO_SPACE", "DepthToSpaceOptions", {"BlockSize": 2}, [(1, 2, 3, 8)], (1, 4, 6, 2),
     lambda a: a.reshape(1, 2, 3, 2, 2, 2).transpose(0, 1, 3, 2, 4, 5).reshape(1, 4, 6, 2), "DepthToSpace"),
]


@pytest.mark.parametrize("builtin, options, fields, ins, out_shape, fn, op", SINGLE_OPS,
                         ids=[c[0] for c in SINGLE_OPS])
def test_single_float_op(builtin, options, fields, ins, out_shape, fn, op):
    w = TfliteWriter()
    idx, feeds, args = [], [], []
    for k, spec in enumerate(ins):
        if isinstance(spec, tuple):
            v = _x(*spec)
            idx.append(w.input(f"in{k}", "FLOAT32", spec))
            feeds.append(v)
            args.append(v)
        elif isinstance(spec, int):           # -1: optional input left out
            idx.append(spec)
            args.append(None)
        else:
            idx.append(w.const(f"c{k}", spec))
            args.append(spec)
    y = w.tensor("y", "INT32" if builtin.startswith("ARG_") else "FLOAT32", out_shape)
    outs = [y] + ([w.tensor("y1", "FLOAT32", (2, 4))] if builtin == "SPLIT_V" else [])
    w.op(builtin, idx, outs, options, **fields)
    g, res = _run(w.build(outs), *feeds)
    assert [n.op for n in g.nodes] == [op]
    np.testing.assert_allclose(res[0], fn(*args), rtol=1e-5, atol=1e-6)


def test_int16_activations_import_and_check_refuses():
    """16x8 models: imported faithfully (int16 activations, int64 bias); ``check`` names the
    nodes whose kernels take only int8/float32 activations."""
    from micro_codegen.check import check_graph
    w = TfliteWriter()
    x = w.input("x", "INT16", (1, 4), quant=(0.01, 0))
    wt = w.const("w", np.ones((3, 4), np.int8), quant=(0.02, 0))
    b = w.const("b", np.zeros(3, np.int64), quant=(0.0002, 0))
    y = w.tensor("y", "INT16", (1, 3), quant=(0.05, 0))
    w.op("FULLY_CONNECTED", [x, wt, b], [y], "FullyConnectedOptions")
    g = load_bytes(w.build([y]), "i16.tflite")
    assert [t.dtype.short for t in g.tensors] == ["int16", "int16", "int8", "int64"]
    assert g.tensors[0].quant[0].dst_dtype == 33 and g.nodes[0].quant_type == "QUANT_ALL"
    problems = check_graph(g)
    assert problems and "int16" in str(problems[0])


@pytest.mark.host_cc
def test_op_family_model_validates_on_host(tmp_path):
    """A .tflite beyond MLPerf (pad -> transpose conv -> concat -> mean) through generate, the
    host compiler and the validation protocol, against the reference interpreter."""
    w = TfliteWriter()
    x = w.input("x", "FLOAT32", (1, 3, 3, 2))
    p = w.tensor("p", "FLOAT32", (1, 4, 4, 2))
    w.op("PAD", [x, w.const("pads", np.array([[0, 0], [1, 0], [0, 1], [0, 0]], np.int32))], [p])
    d = w.tensor("d", "FLOAT32", (1, 8, 8, 3))
    w.op("TRANSPOSE_CONV", [w.const("shape", np.array([1, 8, 8, 3], np.int32)), w.const("w", _x(3, 3, 3, 2)), p], [d],
         "TransposeConvOptions", Padding=0, StrideW=2, StrideH=2)
    c = w.tensor("c", "FLOAT32", (1, 8, 8, 5))
    up = w.tensor("up", "FLOAT32", (1, 8, 8, 2))
    w.op("RESIZE_NEAREST_NEIGHBOR", [p, w.const("size", np.array([8, 8], np.int32))], [up],
         "ResizeNearestNeighborOptions")
    w.op("CONCATENATION", [d, up], [c], "ConcatenationOptions", Axis=3)
    y = w.tensor("y", "FLOAT32", (1, 5))
    w.op("MEAN", [c, w.const("axes", np.array([1, 2], np.int32))], [y], "ReducerOptions", KeepDims=False)
    model = tmp_path / "family.tflite"
    model.write_bytes(w.build([y]))
    g = load_model(model)
    inputs = [_x(1, 3, 3, 2) for _ in range(2)]
    cases = tmp_path / "cases.npz"
    np.savez(cases, **{f"input_{k}": v for k, v in enumerate(inputs)},
             **{f"output_{k}": reference.run(g, [v])[0] for k, v in enumerate(inputs)})
    r = api.validate(model, "host", cases_path=cases, out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 2
