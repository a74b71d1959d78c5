"""Fuzzing every model command (``tests/fuzzing.py``): seeded mutations of the shared model
files and random valid (and mutated) graphs through ``inspect``, ``check``, ``plan``, ``infer``
and ``generate``; graphs that pass ``check`` are also built and run on the host. Every case
ends in success, a refusal or a one-line typed error -- never a traceback, a hang, a crash
or an allocation driven by a size read from the file. Plus the regressions the fuzzer found.

A failure names the seed and case: ``python benchmarks/fuzz.py --seed S --case K --keep DIR``
replays it in the foreground.
"""
from __future__ import annotations

import dataclasses
import re
import struct

import numpy as np
import pytest
from click.testing import CliRunner

import fuzzing
from conftest import MLPERF, SHARED, needs_shared, require_tool
from micro_codegen.builder import GraphBuilder
from micro_codegen.check import check_graph, check_node
from micro_codegen.cli import main
from micro_codegen.errors import ModelFileError, UnsupportedOpError
from micro_codegen.importers.from_tflite import parse
from micro_codegen.ir import DType
from micro_codegen.ms_model import read_bytes, read_model, reader, write_bytes
from micro_codegen.reference import run

F32 = DType.FLOAT32


def _fuzz(seed: int, cases: int, build_every: int) -> dict:
    require_tool("gcc")
    require_tool("make")
    results = fuzzing.run_cases(seed, range(cases), SHARED, jobs=2, build_every=build_every)
    assert not any(r["failure"] for r in results), "\n" + fuzzing.failure_report(seed, results)
    h = fuzzing.histogram(results)
    assert set(fuzzing.COMMANDS) <= set(h) and h["validate"]["ok"] >= 1, h
    assert sum(h["inspect"].values()) == cases
    return h


def test_fuzz_fast():
    """300 cases; 5 of them (random graphs, valid or mutated) also built and run on the host
    when check passes them."""
    _fuzz(seed=17, cases=300, build_every=120)


@pytest.mark.slow
def test_fuzz_slow():
    """10,000 cases in 2 worker processes; 100 graph cases also built and run on the host."""
    _fuzz(seed=1017, cases=10_000, build_every=200)


def test_cases_are_a_function_of_seed_and_index(tmp_path):
    for k in (1, 2, 3, 120):
        a, b = tmp_path / f"a{k}", tmp_path / f"b{k}"
        a.mkdir()
        b.mkdir()
        ca, cb = (fuzzing.make_case(5, k, SHARED, d, build_every=120) for d in (a, b))
        assert ca.label == cb.label and ca.model.read_bytes() == cb.model.read_bytes()


@needs_shared
@pytest.mark.parametrize("suffix", [".ms", ".tflite"])
def test_layout_finds_every_tensor_shape(suffix):
    """The structure-aware mutations (dims, counts, indices, vtables) aim where the walk says."""
    path = MLPERF / f"kws_ref_model{suffix}"
    data = path.read_bytes()
    lay = fuzzing.layout(data, suffix[1:])
    shapes = sorted(struct.unpack_from(f"<{n}i", data, vec + 4) for kind, vec, n in lay.vectors if kind == "dims")
    if suffix == ".ms":
        assert shapes == sorted(t.shape for t in read_model(path).tensors if t.shape)
    else:
        assert shapes == sorted(t.shape for t in parse(data, str(path)).tensors if t.shape)
    assert len(lay.tables) > len(shapes)


# ---------------------------------------------------------------- what the fuzzer found

def _relu_graph(shape=(1, 4, 4, 2)):
    b = GraphBuilder("g")
    x = b.input("x", F32, shape)
    y = b.node("Activation", [x], [("y", F32, shape)], activation_type="RELU")
    return b, x, y


def test_sizes_read_from_a_file_are_bounded(tmp_path):
    """A shape from the file is bounded before anything allocates by it; the message states the limit."""
    b, x, y = _relu_graph((1, 4096, 4096, 3))
    with pytest.raises(ModelFileError, match=r"has 50,331,648 elements .*at most 16,777,216 per tensor"):
        read_bytes(write_bytes(b.build([y])), "big.ms")
    b, x, y = _relu_graph((1,) * 33)
    with pytest.raises(ModelFileError, match="has 33 dims; at most 32"):
        read_bytes(write_bytes(b.build([y])), "deep.ms")
    b = GraphBuilder("g")
    ys = [b.input(f"x{k}", F32, (1, 4096, 4096)) for k in range(5)]
    with pytest.raises(ModelFileError, match=r"hold 83,886,080 elements; at most 67,108,864 in all"):
        read_bytes(write_bytes(b.build(ys)), "many.ms")


def test_file_size_is_bounded_before_reading(tmp_path, monkeypatch):
    b, x, y = _relu_graph()
    path = tmp_path / "m.ms"
    path.write_bytes(write_bytes(b.build([y])))
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    res = CliRunner().invoke(main, ["inspect", str(path)])
    assert res.exit_code == 1 and f"{path}: file is {path.stat().st_size:,} bytes; model files are at most 100 " \
                                  f"bytes" in res.output
    with pytest.raises(ModelFileError, match="at most 100 bytes"):
        read_model(path)


def test_input_count_rule_runs_before_the_rules_that_read_inputs():
    """A pooling node without inputs is refused by its input-count rule (its dtype rule read input 0)."""
    b, x, y = _relu_graph()
    b.node("MaxPoolFusion", [], [("z", F32, (1, 2, 2, 2))], kernel_size=(2, 2), strides=(2, 2), pad_mode="VALID",
           pad=(0, 0, 0, 0), round_mode="FLOOR", format="NHWC", activation_type="NO_ACTIVATION")
    problems = check_graph(b.build([y, len(b.tensors) - 1]))
    assert [p.reason for p in problems if p.index == 1] == ["inputs must be x; got 0 inputs"]


def test_reference_refuses_a_node_check_refuses_with_its_rule():
    """A reference kernel failing on a malformed node gives the rule the node breaks (as
    ``check`` explains it), typed."""
    b = GraphBuilder("g")
    x = b.input("x", F32, (2, 3))
    idx = b.const("i", np.array([0], np.int32))
    y = b.node("Gather", [x, idx], [], name="gather")
    g = b.build([x])
    with pytest.raises(UnsupportedOpError, match=r"Gather 'gather' \(node 0\): must have one output; has 0"):
        run(g, [np.zeros((2, 3), np.float32)], explain=check_node)
    del y


def test_reference_returns_a_constant_graph_output():
    b, x, y = _relu_graph((1, 2))
    k = b.const("k", np.arange(3, dtype=np.float32))
    outs = run(b.build([y, k]), [np.array([[-1.0, 2.0]], np.float32)])
    assert outs[0].tolist() == [[0.0, 2.0]] and outs[1].tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("op,operands", [
    ("TileFusion", [np.array([100000, 100000], np.int32)]),
    ("BroadcastTo", [np.array([100000, 100000], np.int32)]),
    ("Range", [np.array([0], np.float32), np.array([1e12], np.float32), np.array([1], np.float32)]),
])
def test_folding_does_not_allocate_by_operand_values(op, operands):
    """A node folded at generation time whose output size comes from operand values (multiples,
    a target shape, a range) is refused before the kernel allocates it (it was a MemoryError)."""
    b = GraphBuilder("g")
    x = b.input("x", F32, (2, 3))
    ins = ([] if op == "Range" else [b.const("c", np.ones((2, 3), np.float32))])
    ins += [b.const(f"k{i}", a) for i, a in enumerate(operands)]
    y = b.node(op, ins, [("y", F32, (4, 6))], name="big")
    z = b.node("AddFusion", [x, x], [("z", F32, (2, 3))])
    g = read_bytes(write_bytes(b.build([y, z])), "g.ms")
    assert [p.index for p in check_graph(g)] == [0]
    with pytest.raises(UnsupportedOpError, match=r"'big' \(node 0\): the output would have [\d,]+ elements .*at most "
                                                 r"16,777,216 per tensor"):
        run(g, [np.zeros((2, 3), np.float32)])


def test_window_attributes_are_bounded():
    """A 1x1 conv ignores its dilation, but a dilation past int32 was accepted by check and
    overflowed the reference's strides (seed 1017 case 4876); a pooling window from the
    attributes is bounded before its patches are gathered."""
    b = GraphBuilder("g")
    x = b.input("x", F32, (1, 4, 4, 2))
    w = b.const("w", np.ones((3, 1, 1, 2), np.float32))
    y = b.node("Conv2DFusion", [x, w], [("y", F32, (1, 4, 4, 3))], name="conv", kernel_size=(1, 1), stride=(1, 1),
               dilation=(1, 2**61), pad_mode="VALID", pad_list=(0, 0, 0, 0), group=1, in_channel=2, out_channel=3,
               format="NHWC")
    g = read_bytes(write_bytes(b.build([y])), "g.ms")
    reason = r"dilation=\[1, 2305843009213693952\]: need two values \(h, w\) in \[1, 2147483647\]"
    assert re.search(reason, str(check_graph(g)[0]))
    with pytest.raises(UnsupportedOpError, match=reason):
        run(g, [np.zeros((1, 4, 4, 2), np.float32)])
    b = GraphBuilder("g")
    x = b.input("x", F32, (1, 4, 4, 2))
    y = b.node("MaxPoolFusion", [x], [("y", F32, (1, 1, 1, 2))], name="pool", kernel_size=(100000, 100000),
               strides=(1, 1), pad_mode="SAME", pad=(0, 0, 0, 0), round_mode="FLOOR", format="NHWC",
               activation_type="NO_ACTIVATION")
    g = read_bytes(write_bytes(b.build([y])), "g.ms")
    assert check_graph(g)
    with pytest.raises(UnsupportedOpError, match="at most 16,777,216 per tensor"):
        run(g, [np.zeros((1, 4, 4, 2), np.float32)])


def test_names_with_control_characters_are_refused():
    """A name spliced over another string kept a newline: a message naming it took two lines
    (seed 32 case 57, a .tflite)."""
    b, x, y = _relu_graph()
    g = b.build([y])
    g = dataclasses.replace(g, tensors=(dataclasses.replace(g.tensors[0], name="x\nrm"),) + g.tensors[1:])
    with pytest.raises(ModelFileError, match=r"n.ms: tensor 0 name 'x\\nrm' contains control characters"):
        read_bytes(write_bytes(g), "n.ms")
