"""Reader / writer: round trips over every shared model, the builder, and error cases."""
from __future__ import annotations

import struct

import numpy as np
import pytest

from conftest import MLPERF, ONNX_OPS, SEED_ARCH, needs_shared, shared_models, skip_unless_shared
from micro_codegen.builder import GraphBuilder, roundtrip
from micro_codegen.check import check_graph
from micro_codegen.errors import ModelFileError
from micro_codegen.ir import DType, Node
from micro_codegen.ms_model import read_bytes, read_model, write_bytes
from micro_codegen.ms_model import primitives as prim

ALL_SHARED = shared_models(MLPERF) + shared_models(SEED_ARCH) + shared_models(ONNX_OPS)


def _roundtrip(paths):
    for path in paths:
        g = read_model(path)
        again = read_bytes(write_bytes(g), str(path))
        assert again == g, path
        # writing is deterministic
        assert write_bytes(again) == write_bytes(g)


@needs_shared
def test_roundtrip_mlperf_and_seed_models():
    skip_unless_shared(SEED_ARCH)
    _roundtrip(sorted(MLPERF.glob("*.ms")) + shared_models(SEED_ARCH))


@needs_shared
@pytest.mark.slow          # ~8 s: every shared model, the ONNX zoo included
def test_roundtrip_every_shared_model():
    for folder in (SEED_ARCH, ONNX_OPS):
        skip_unless_shared(folder)
    assert len(ALL_SHARED) > 100
    _roundtrip(ALL_SHARED)


@needs_shared
def test_kws_contents():
    g = read_model(MLPERF / "kws_ref_model.ms")
    conv = g.nodes[0]
    assert conv.op == "Conv2DFusion"
    assert conv.attrs["kernel_size"] == (10, 4) and conv.attrs["stride"] == (2, 2)
    assert conv.attrs["pad_mode"] == "SAME" and conv.attrs["pad_list"] == (4, 5, 1, 1)
    assert conv.attrs["activation_type"] == "RELU"
    w = g.tensors[conv.inputs[1]]
    assert w.dtype == DType.INT8 and w.shape == (64, 10, 4, 1) and w.per_channel and len(w.quant) == 64
    assert w.array.shape == (64, 10, 4, 1)
    assert g.nodes[1].attrs["group"] == 64                       # depthwise
    x = g.tensors[g.inputs[0]]
    assert (x.quant[0].zero_point, round(x.quant[0].scale, 6)) == (83, 0.584703)


def test_every_schema_table_maps_to_object_api_attributes():
    for op in prim.TABLES:
        obj = prim.table_class(op)()
        for field, _ in prim.TABLES[op]:
            assert hasattr(obj, prim.camel(field)), (op, field)


def _tiny():
    b = GraphBuilder("tiny")
    x = b.input("x", DType.FLOAT32, (1, 4, 4, 2))
    w = b.const("w", np.arange(2 * 3 * 3 * 2, dtype=np.float32).reshape(2, 3, 3, 2))
    y = b.node("Conv2DFusion", [x, w], [("y", DType.FLOAT32, (1, 4, 4, 2))], kernel_size=(3, 3), stride=(1, 1),
               dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1), group=1, activation_type="RELU6",
               format="NHWC")
    r = b.node("Reshape", [y], [("r", DType.FLOAT32, (1, 32))])
    return b.build([r])


def test_builder_roundtrip_and_defaults():
    g = roundtrip(_tiny())
    assert g.nodes[0].attrs["activation_type"] == "RELU6"
    assert g.nodes[0].attrs["mode"] == 0                # schema default filled in
    assert roundtrip(g) == g
    assert g.tensors[1].array[1, 2, 2, 1] == 35


def _corrupt(data: bytes, off: int, value: bytes) -> bytes:
    return data[:off] + value + data[off + len(value):]


@pytest.mark.parametrize("mutate, match", [
    (lambda d: d[:6], "file is 6 bytes"),
    (lambda d: d[: len(d) // 2], "truncated or corrupt"),
    (lambda d: _corrupt(d, 4, b"TFL3"), "file identifier is b'TFL3'"),
    (lambda d: _corrupt(d, 0, struct.pack("<I", 0x7FFFFFF0)), "truncated or corrupt"),
    (lambda d: b"\x00" * 64, "file identifier"),
])
def test_corrupt_bytes_raise_model_file_error(mutate, match):
    data = write_bytes(_tiny())
    with pytest.raises(ModelFileError, match=match):
        read_bytes(mutate(data), "bad.ms")


def _replace(g, **kw):
    from dataclasses import replace
    return replace(g, **kw)


def test_inconsistent_graphs_raise():
    g = roundtrip(_tiny())
    n0 = g.nodes[0]
    bad_index = _replace(g, nodes=(Node(n0.name, n0.op, (0, 99), n0.outputs, n0.attrs),) + g.nodes[1:])
    with pytest.raises(ModelFileError, match="refers to tensor 99, but the model has 4 tensors"):
        read_bytes(write_bytes(bad_index), "x.ms")
    w = g.tensors[1]
    bad_data = _replace(g, tensors=(g.tensors[0], _replace_t(w, data=w.data[:-4])) + g.tensors[2:])
    with pytest.raises(ModelFileError, match="data is 140 bytes but float32 shape"):
        read_bytes(write_bytes(bad_data), "x.ms")
    bad_dims = _replace(g, tensors=(_replace_t(g.tensors[0], shape=(1, -4, 4, 2)),) + g.tensors[1:])
    with pytest.raises(ModelFileError, match="negative dimension"):
        read_bytes(write_bytes(bad_dims), "x.ms")
    with pytest.raises(ModelFileError, match="graph output refers to tensor 7"):
        read_bytes(write_bytes(_replace(g, outputs=(7,))), "x.ms")
    with pytest.raises(ModelFileError, match="version string"):
        read_bytes(write_bytes(_replace(g, version="TensorFlow 2")), "x.ms")


def _replace_t(t, **kw):
    from dataclasses import replace
    return replace(t, **kw)


def test_unknown_primitive_is_opaque_and_reported_by_check():
    g = roundtrip(_tiny())
    n1 = g.nodes[1]
    opaque = Node(n1.name, "PrimitiveType#250", n1.inputs, n1.outputs, {}, known=False)
    g2 = read_bytes(write_bytes(_replace(g, nodes=(g.nodes[0], opaque))), "x.ms")
    assert g2.nodes[1].op == "PrimitiveType#250" and not g2.nodes[1].known
    problems = check_graph(g2)
    assert [p.index for p in problems] == [1]
    assert "not in the MindSpore Lite 2.x schema" in problems[0].reason


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read"):
        read_model(tmp_path / "nope.ms")
