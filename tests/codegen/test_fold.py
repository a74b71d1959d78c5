"""Constant folding (micro_codegen/fold.py): constant subgraphs are evaluated at generation
time by the reference kernels and never reach the target; what remains validates on the host."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import require_tool
from micro_codegen import api
from micro_codegen.builder import GraphBuilder
from micro_codegen.check import check_graph
from micro_codegen.cli import main
from micro_codegen.fold import CONSTANT_OUTPUT, fold_constants
from micro_codegen.ir import DType
from micro_codegen.pipeline import compile_model
from tiny_models import write_tiny_model

F32, I32 = DType.FLOAT32, DType.INT32


def shape_chain_graph():
    """x (1x4x6) -> Shape -> Gather([0]) ; const [-1] ; Concat -> Reshape(x, shape) -> Sigmoid,
    plus a constant-only branch (Mul of two constants) added to the result."""
    b = GraphBuilder("shape_chain")
    x = b.input("x", F32, (1, 4, 6))
    s = b.node("Shape", [x], [("s", I32, (3,))], name="shape")
    idx = b.const("idx", np.array([0], np.int32))
    axis = b.const("axis", np.array([0], np.int32))
    batch = b.node("Gather", [s, idx, axis], [("batch", I32, (1,))], name="gather")
    rest = b.const("rest", np.array([-1], np.int32))
    shape = b.node("Concat", [batch, rest], [("shape2", I32, (2,))], name="concat", axis=0)
    flat = b.node("Reshape", [x, shape], [("flat", F32, (1, 24))], name="reshape")
    c1 = b.const("c1", np.linspace(-1, 1, 24, dtype=np.float32).reshape(1, 24))
    c2 = b.const("c2", np.full((1, 24), 0.5, np.float32))
    c = b.node("MulFusion", [c1, c2], [("c", F32, (1, 24))], name="const_mul")
    y = b.node("AddFusion", [flat, c], [("y", F32, (1, 24))], name="add")
    return b.build(outputs=[y])


def test_constant_subgraphs_are_folded():
    g = shape_chain_graph()
    f = fold_constants(g)
    assert [g.nodes[i].name for i in f.folded] == ["shape", "gather", "concat", "const_mul"]
    assert [n.name for n in f.graph.nodes] == ["reshape", "add"]
    assert [f.origin[i] for i in range(2)] == [3, 5]
    shape = f.graph.tensors[f.graph.nodes[0].inputs[1]]
    assert shape.is_const and shape.array.tolist() == [1, -1]
    assert check_graph(g) == []
    assert api.folded_nodes(g) == [0, 1, 2, 4]
    cm = compile_model(g)
    assert [n.op for n in cm.graph.nodes] == ["Reshape", "AddFusion"] and cm.plans[0].kernel == ""


@pytest.mark.host_cc
def test_folded_model_validates_on_host(tmp_path):
    require_tool("gcc")
    model = write_tiny_model(tmp_path, shape_chain_graph(), "chain")
    r = api.validate(model, "host", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 3, r.report.to_json()


def shape_output_graph():
    """A graph output that folds (the shape of the input) beside a computed one."""
    b = GraphBuilder("shape_out")
    x = b.input("x", F32, (2, 3))
    s = b.node("Shape", [x], [("s", I32, (2,))], name="shape")
    y = b.node("Activation", [x], [("y", F32, (2, 3))], name="relu", activation_type="RELU")
    return b.build(outputs=[s, y])


@pytest.mark.host_cc
def test_folded_graph_output_is_copied_from_flash(tmp_path):
    require_tool("gcc")
    g = shape_output_graph()
    f = fold_constants(g)
    assert [n.op for n in f.graph.nodes] == ["Activation", CONSTANT_OUTPUT]
    assert f.origin == (1, 0)
    model = write_tiny_model(tmp_path, g, "shape_out")
    r = api.validate(model, "host", out_dir=tmp_path / "proj")
    assert r.report.failed == 0, r.report.to_json()
    assert r.report.cases[0].outputs[0].reshape(-1).tolist() == [2, 3]


def test_generation_time_only_ops_are_refused_clearly_when_they_do_not_fold():
    b = GraphBuilder("range")
    x = b.input("x", F32, (5,))
    start = b.node("Cast", [x], [("start", I32, (5,))], name="cast")
    limit, delta = b.const("limit", np.array([5], np.int32)), b.const("delta", np.array([1], np.int32))
    y = b.node("Range", [start, limit, delta], [("y", I32, (5,))], name="range")
    problems = check_graph(b.build(outputs=[y]))
    assert [str(p) for p in problems] == [
        "Range 'range' (node 1): Range runs at generation time only: start, limit and delta must be constants "
        "(else the output length depends on the input values)"]


def test_check_names_original_node_indices():
    """A refused node after folded ones is named by its index in the file, as `inspect` shows it."""
    b = GraphBuilder("idx")
    x = b.input("x", F32, (2, 3))
    s = b.node("Shape", [x], [("s", I32, (2,))], name="shape")
    y = b.node("Reshape", [x, s], [("r", F32, (2, 3))], name="reshape")
    z = b.node("Custom", [y], [("z", F32, (2, 3))], name="custom")
    problems = check_graph(b.build(outputs=[z]))
    assert [(p.index, p.node) for p in problems] == [(2, "custom")]


def runtime_shape_graph():
    """Reshape to a shape given as a model input, then Tile by multiples given as one."""
    b = GraphBuilder("rt_shape")
    x = b.input("x", F32, (2, 3, 4))
    shape = b.input("shape", I32, (2,))
    reps = b.input("reps", I32, (2,))
    y = b.node("Reshape", [x, shape], [("y", F32, ())], name="reshape")
    z = b.node("TileFusion", [y, reps], [("z", F32, ())], name="tile")
    return b.build(outputs=[z])


def test_inputs_that_set_shapes_must_be_bound(tmp_path):
    from micro_codegen.fold import shape_inputs
    g = runtime_shape_graph()
    assert shape_inputs(g) == [1, 2]
    problems = check_graph(g)
    assert str(problems[0]) == ("input(s) 'shape', 'reps' only set output shapes; static code needs their "
                                "values: --bind shape=VALUES")
    model = tmp_path / "rt.ms"
    from micro_codegen.ms_model import write_model
    write_model(g, model)
    r = CliRunner().invoke(main, ["generate", str(model), "--board", "host", "-o", str(tmp_path / "p")])
    assert r.exit_code == 1 and "--bind shape=VALUES" in r.output and not (tmp_path / "p").exists()
    r = CliRunner().invoke(main, ["check", str(model), "--bind", "shape=4,6", "--bind", "reps=1,2"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["check", str(model), "--bind", "nope=1"])
    assert r.exit_code == 1 and "--bind nope: the model has no input 'nope' (inputs: x, shape, reps)" in r.output
    r = CliRunner().invoke(main, ["check", str(model), "--bind", "shape=4,6,1"])
    assert r.exit_code == 1 and "input 'shape' is int32 2; got 3 values" in r.output
    r = CliRunner().invoke(main, ["check", str(model), "--bind", "shape"])
    assert r.exit_code == 2 and "expected NAME=V1,V2,..." in r.output


@pytest.mark.host_cc
def test_bound_inputs_end_to_end(tmp_path):
    """validate binds the shape inputs from the cases; `run` then checks each case's values
    against the bound ones (recorded in the manifest) and sends only the remaining input."""
    require_tool("gcc")
    from micro_codegen.ms_model import write_model
    model = tmp_path / "rt.ms"
    write_model(runtime_shape_graph(), model)
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    cases = tmp_path / "c.npz"
    np.savez(cases, input_0_0=data, input_0_1=np.array([4, 6], np.int32), input_0_2=np.array([1, 2], np.int32),
             output_0=np.tile(data.reshape(4, 6), (1, 2)))
    r = api.validate(model, "host", cases_path=cases, out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 1, r.report.to_json()
    manifest = json.loads((tmp_path / "proj" / "manifest.json").read_text())
    assert manifest["bound_inputs"] == [{"position": 1, "name": "shape", "values": [4, 6]},
                                        {"position": 2, "name": "reps", "values": [1, 2]}]
    assert [t["name"] for t in manifest["inputs"]] == ["x"]
    other = tmp_path / "other.npz"
    np.savez(other, input_0_0=data, input_0_1=np.array([6, 4], np.int32), input_0_2=np.array([1, 2], np.int32))
    r = CliRunner().invoke(main, ["run", str(tmp_path / "proj"), "--cases", str(other)])
    assert r.exit_code == 1 and "input 'shape' is [6, 4], but the project was generated with shape = [4, 6]" \
        in r.output, r.output


def test_check_json_lists_folded_nodes(tmp_path):
    model = write_tiny_model(tmp_path, shape_chain_graph(), "chain")
    r = CliRunner().invoke(main, ["check", str(model), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["supported"] and [n["op"] for n in doc["folded"]] == ["Shape", "Gather", "Concat", "MulFusion"]
    r = CliRunner().invoke(main, ["check", str(model)])
    assert "all 6 nodes supported (4 computed at generation time: constant folding)" in r.output


def test_validate_refuses_cases_that_disagree_on_a_shape_input(tmp_path):
    from micro_codegen.errors import CasesFileError
    from micro_codegen.ms_model import write_model
    model = tmp_path / "rt.ms"
    write_model(runtime_shape_graph(), model)
    data = np.zeros((2, 3, 4), np.float32)
    cases = tmp_path / "c.npz"
    np.savez(cases, input_0_0=data, input_0_1=np.array([4, 6], np.int32), input_0_2=np.array([1, 1], np.int32),
             input_1_0=data, input_1_1=np.array([6, 4], np.int32), input_1_2=np.array([1, 1], np.int32))
    with pytest.raises(CasesFileError, match="input 'shape' sets output shapes and differs between case 0 and case 1"):
        api.validate(model, "host", cases_path=cases, out_dir=tmp_path / "proj")
    assert not (tmp_path / "proj").exists()


def test_folded_value_must_fit_the_declared_shape():
    """A constant-input node whose computed value does not fit the file's static shape is
    refused, naming that node (not folded into a silently different output)."""
    b = GraphBuilder("bad_fold")
    x = b.input("x", F32, (3, 3))
    c = b.const("c", np.ones(4, np.float32))
    s = b.node("AddFusion", [c, c], [("s", F32, (3, 3))], name="cadd")
    y = b.node("AddFusion", [x, s], [("y", F32, (3, 3))], name="add")
    problems = check_graph(b.build(outputs=[y]))
    assert [str(p) for p in problems] == [
        "AddFusion 'cadd' (node 0): computed at generation time (constant inputs), its output 's' has shape [4]; "
        "the file declares [3, 3]"]


def test_shape_of_an_inferred_shape_folds():
    """Folding and shape inference alternate: Shape of a tensor whose shape the file leaves
    unknown folds once inference knows it."""
    b = GraphBuilder("chain2")
    x = b.input("x", F32, (2, 6))
    y = b.node("Activation", [x], [("y", F32, ())], name="relu", activation_type="RELU")
    s = b.node("Shape", [y], [("s", I32, ())], name="shape")
    z = b.node("Reshape", [y, s], [("z", F32, ())], name="reshape")
    g = b.build(outputs=[z])
    f = fold_constants(g)
    assert f.folded == (1,) and [n.op for n in f.graph.nodes] == ["Activation", "Reshape"]
    assert f.graph.tensors[z].shape == (2, 6) and check_graph(g) == []


def test_empty_activations_are_refused():
    b = GraphBuilder("empty")
    x = b.input("x", F32, (0, 3))
    y = b.node("Activation", [x], [("y", F32, (0, 3))], name="relu", activation_type="RELU")
    assert [str(p) for p in check_graph(b.build(outputs=[y]))] == [
        "Activation 'relu' (node 0): tensor 'x' has no elements (shape [0, 3]); activations must not be empty"]
