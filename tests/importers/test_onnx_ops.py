"""ONNX elementwise and tensor operators (``from_onnx/elementwise.py``, ``tensor_ops.py``):
small models per op family, imported and run by our reference interpreter, against
onnx.reference; attribute defaults the official converter drops; the NHWC path between
convolutions; refusals; and the node-test benchmark on a few cases.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto
from onnx.reference import ReferenceEvaluator

from conftest import require_tool
from micro_codegen import api
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.reference import run
from onnx_build import check, import_model, model, node, ops, rand

REPO = Path(__file__).resolve().parents[2]

B, I64, I32, F = TensorProto.BOOL, TensorProto.INT64, TensorProto.INT32, TensorProto.FLOAT


def _feeds(m, **arrays):
    """Seeded float inputs for every graph input not given in ``arrays``."""
    out = {}
    for vi in m.graph.input:
        if vi.name in arrays:
            out[vi.name] = arrays[vi.name]
        else:
            out[vi.name] = rand(*[d.dim_value for d in vi.type.tensor_type.shape.dim])
    return out


# ---------------------------------------------------------------- unary and activations

UNARY = [("Abs", {}), ("Neg", {}), ("Exp", {}), ("Floor", {}), ("Ceil", {}), ("Round", {}), ("Sin", {}),
         ("Cos", {}), ("Erf", {}), ("Sigmoid", {}), ("Tanh", {}), ("Softplus", {}), ("Softsign", {}),
         ("HardSwish", {}), ("Sign", {}), ("Relu", {}), ("LeakyRelu", {}), ("LeakyRelu", {"alpha": 0.3}),
         ("Elu", {}), ("Elu", {"alpha": 0.5}), ("Selu", {}), ("Selu", {"alpha": 2.0, "gamma": 3.0}),
         ("Celu", {}), ("Celu", {"alpha": 2.0}), ("HardSigmoid", {}), ("HardSigmoid", {"alpha": 1 / 6, "beta": 0.5}),
         ("Mish", {}), ("ThresholdedRelu", {}), ("ThresholdedRelu", {"alpha": 0.2}), ("Not", {})]


@pytest.mark.parametrize("op, attrs", UNARY, ids=[f"{o}-{'-'.join(map(str, a.values())) or 'default'}"
                                                   for o, a in UNARY])
def test_unary(op, attrs):
    """Attribute defaults follow ONNX (LeakyRelu 0.01, Elu 1, HardSigmoid 0.2 / 0.5...)."""
    types = {"x": B} if op == "Not" else None
    m = model([node(op, ["x"], ["y"], **attrs)], {"x": (2, 3, 4)}, ["y"], in_types=types, opset=18)
    x = (rand(2, 3, 4) > 0) if op == "Not" else rand(2, 3, 4, lo=-3, hi=3)
    check(m, {"x": x})


@pytest.mark.parametrize("op", ["Sqrt", "Log", "Reciprocal"])
def test_unary_positive_domain(op):
    m = model([node(op, ["x"], ["y"])], {"x": (3, 5)}, ["y"])
    check(m, {"x": rand(3, 5, lo=0.1, hi=4)})


@pytest.mark.parametrize("op, lo, hi", [("Sinh", -3, 3), ("Cosh", -3, 3), ("Tan", -1.5, 1.5), ("Asinh", -5, 5),
                                       ("Acosh", 1, 6), ("Atanh", -0.95, 0.95)])
def test_composed_float_functions(op, lo, hi):
    m = model([node(op, ["x"], ["y"])], {"x": (4, 6)}, ["y"])
    check(m, {"x": rand(4, 6, lo=lo, hi=hi)}, rtol=1e-4)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_keeps_approximate(approximate):
    m = model([node("Gelu", ["x"], ["y"], approximate=approximate)], {"x": (4, 8)}, ["y"], opset=20)
    g = check(m, {"x": rand(4, 8, lo=-3, hi=3)})
    assert g.nodes[0].attrs["approximate"] is (approximate == "tanh")


@pytest.mark.parametrize("bounds, act", [((0.0, 6.0), "RELU6"), ((0.0, None), "RELU"), ((-0.5, 0.25), "HARD_TANH"),
                                         ((None, 0.3), "HARD_TANH"), ((None, None), "HARD_TANH")])
def test_clip_constant_bounds_become_activations(bounds, act):
    lo, hi = bounds
    inits = {k: np.array(v, np.float32) for k, v in (("lo", lo), ("hi", hi)) if v is not None}
    m = model([node("Clip", ["x", "lo" if lo is not None else "", "hi" if hi is not None else ""], ["y"])],
              {"x": (2, 8)}, ["y"], inits)
    g = check(m, {"x": rand(2, 8, lo=-8, hi=8)})
    assert ops(g) == ["Activation"] and g.nodes[0].attrs["activation_type"] == act


def test_clip_runtime_bound_keeps_positional_inputs():
    """A bound computed at run time: Clip(x, min, max) with the missing bound as a constant."""
    m = model([node("Clip", ["x", "", "hi"], ["y"])], {"x": (2, 8), "hi": ()}, ["y"])
    g = check(m, {"x": rand(2, 8, lo=-2, hi=2), "hi": np.array(0.5, np.float32)})
    assert ops(g) == ["Clip"] and len(g.nodes[0].inputs) == 3


# ---------------------------------------------------------------- binary, variadic, logic

@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "LessOrEqual",
                                "GreaterOrEqual"])
def test_binary_broadcast(op):
    m = model([node(op, ["a", "b"], ["y"])], {"a": (2, 3, 4), "b": (4,)}, ["y"])
    hi = 2.0 if op == "Pow" else 1.0
    check(m, {"a": rand(2, 3, 4, lo=0.1 if op == "Pow" else -1, hi=hi), "b": rand(4, lo=0.5, hi=hi)})


def test_binary_with_constant_operand():
    m = model([node("Mul", ["x", "c"], ["y"])], {"x": (2, 3, 4)}, ["y"], {"c": rand(3, 1)})
    check(m)


@pytest.mark.parametrize("op", ["Max", "Min", "Sum", "Mean"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_variadic(op, n):
    names = ["a", "b", "c"][:n]
    shapes = {"a": (2, 3, 4), "b": (3, 4), "c": (1, 4)}
    m = model([node(op, names, ["y"])], {k: shapes[k] for k in names}, ["y"])
    check(m)


@pytest.mark.parametrize("op", ["And", "Or", "Xor"])
def test_logic(op):
    m = model([node(op, ["a", "b"], ["y"])], {"a": (3, 4), "b": (4,)}, ["y"], in_types={"a": B, "b": B})
    check(m, {"a": rand(3, 4) > 0, "b": rand(4) > 0})


@pytest.mark.parametrize("fmod", [0, 1])
def test_mod_integers(fmod):
    m = model([node("Mod", ["a", "b"], ["y"], fmod=fmod)], {"a": (2, 6), "b": (6,)}, ["y"],
              in_types={"a": I32, "b": I32})
    check(m, {"a": np.arange(-6, 6, dtype=np.int32).reshape(2, 6), "b": np.array([4, -4, 3, -3, 5, 7], np.int32)})


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32])
def test_bit_shift_by_constant_amounts(direction, dtype):
    """Amounts 0 .. bits-1 and outside (0; RIGHT of a negative: -1); LEFT wraps -- the opset 28
    semantics (expected values from onnx.reference at opset 28; imported at 21, where the operator
    has the same inputs and attributes)."""
    bits = np.dtype(dtype).itemsize * 8
    info = np.iinfo(dtype)
    x = np.array([1, 3, info.max, info.min, 5, info.max // 3, 7, info.min + 1], dtype)
    b = np.array([0, 1, 1, bits - 1, bits, bits + 3 if info.min == 0 else -1, bits - 2, 2], dtype)
    ty = {np.uint8: TensorProto.UINT8, np.int8: TensorProto.INT8, np.int32: I32}[dtype]
    m = model([node("BitShift", ["x", "b"], ["y"], direction=direction)], {"x": (8,)}, ["y"], {"b": b},
              in_types={"x": ty}, opset=28)
    want = ReferenceEvaluator(m).run(None, {"x": x})[0]
    m.opset_import[0].version = 21
    np.testing.assert_array_equal(run(import_model(m), [x])[0], want)


def test_integer_pow_goes_through_float():
    m = model([node("Pow", ["a", "b"], ["y"])], {"a": (5,), "b": (5,)}, ["y"], in_types={"a": I32, "b": I32})
    g = check(m, {"a": np.array([2, -3, 4, 5, 1], np.int32), "b": np.array([3, 3, 2, 0, 7], np.int32)})
    assert ops(g) == ["Cast", "PowFusion", "Cast"]


def test_where():
    m = model([node("Where", ["c", "a", "b"], ["y"])], {"c": (3, 4), "a": (4,), "b": (3, 1)}, ["y"],
              in_types={"c": B})
    check(m, {"c": rand(3, 4) > 0, "a": rand(4), "b": rand(3, 1)})


@pytest.mark.parametrize("to", [TensorProto.INT32, TensorProto.INT64, TensorProto.FLOAT16, TensorProto.BOOL,
                                TensorProto.DOUBLE, TensorProto.UINT8])
def test_cast(to):
    m = model([node("Cast", ["x"], ["y"], to=to)], {"x": (3, 4)}, ["y"])
    g = check(m, {"x": rand(3, 4, lo=-4, hi=200)})
    assert ops(g) == ["Cast"]


def test_cast_like():
    m = model([node("CastLike", ["x", "t"], ["y"])], {"x": (3, 4), "t": (1,)}, ["y"], in_types={"t": I32})
    check(m, {"x": rand(3, 4, lo=-4, hi=4), "t": np.zeros(1, np.int32)})


# ---------------------------------------------------------------- tensor ops

REDUCE = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
          "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"]


@pytest.mark.parametrize("op", REDUCE)
@pytest.mark.parametrize("axes, keepdims", [([1], 1), ([0, -1], 0), (None, 1), (None, 0)])
def test_reduce_axes_input(op, axes, keepdims):
    """Opset 18: axes as input 1 (none: every axis)."""
    inputs = ["x"] + (["axes"] if axes is not None else [])
    inits = {"axes": np.array(axes, np.int64)} if axes is not None else {}
    m = model([node(op, inputs, ["y"], keepdims=keepdims)], {"x": (2, 3, 4)}, ["y"], inits, opset=18)
    check(m, {"x": rand(2, 3, 4, lo=0.2, hi=1.5)})


@pytest.mark.parametrize("op", ["ReduceMean", "ReduceMax"])
def test_reduce_axes_attribute(op):
    m = model([node(op, ["x"], ["y"], axes=[1, 2], keepdims=0)], {"x": (2, 3, 4)}, ["y"], opset=13)
    check(m)


@pytest.mark.parametrize("op", ["ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceLogSumExp"])
def test_reduce_of_an_empty_input_is_the_identity(op):
    m = model([node(op, ["x", "axes"], ["y"], keepdims=1)], {"x": (2, 0, 3)}, ["y"],
              {"axes": np.array([1], np.int64)}, opset=18)
    check(m, {"x": np.zeros((2, 0, 3), np.float32)})


def test_empty_reduction_to_a_scalar():
    m = model([node("ReduceMax", ["x"], ["y"], keepdims=0)], {"x": (0, 3)}, ["y"], opset=18)
    check(m, {"x": np.zeros((0, 3), np.float32)})


def test_reduce_noop_with_empty_axes():
    m = model([node("ReduceSum", ["x"], ["y"], noop_with_empty_axes=1)], {"x": (2, 3)}, ["y"], opset=13)
    check(m)


@pytest.mark.parametrize("op", ["ArgMax", "ArgMin"])
@pytest.mark.parametrize("keepdims, last", [(1, 0), (0, 0), (1, 1), (0, 1)])
def test_arg_max_min(op, keepdims, last):
    """select_last_index (dropped by the official converter) through a reversed view."""
    m = model([node(op, ["x"], ["y"], axis=1, keepdims=keepdims, select_last_index=last)], {"x": (3, 5)}, ["y"])
    x = np.array([[1, 3, 3, 0, 3], [2, 2, 1, 0, 0], [0, 0, 0, 0, 0]], np.float32)
    check(m, {"x": x})


@pytest.mark.parametrize("axis, idx", [(0, [2, 0, -1]), (1, [[1, 0], [2, 2]])])
def test_gather_constant_indices(axis, idx):
    m = model([node("Gather", ["x", "i"], ["y"], axis=axis)], {"x": (4, 3, 2)}, ["y"],
              {"i": np.array(idx, np.int64)})
    check(m)


def test_gather_runtime_indices():
    m = model([node("Gather", ["x", "i"], ["y"])], {"i": (4,)}, ["y"], {"x": rand(10, 3)}, in_types={"i": I64})
    check(m, {"i": np.array([9, 0, 3, 3], np.int64)})


def test_slice_negative_steps_and_huge_bounds():
    big = np.iinfo(np.int64).max
    m = model([node("Slice", ["x", "s", "e", "a", "st"], ["y"])], {"x": (6, 5, 4)}, ["y"],
              {"s": np.array([-1, 1], np.int64), "e": np.array([-big, big], np.int64),
               "a": np.array([0, -1], np.int64), "st": np.array([-2, 2], np.int64)})
    check(m)


@pytest.mark.parametrize("sizes", [None, [1, 4, 1]])
def test_split(sizes):
    inits = {"s": np.array(sizes, np.int64)} if sizes else {}
    m = model([node("Split", ["x"] + (["s"] if sizes else []), ["a", "b", "c"], axis=1)], {"x": (2, 6, 3)},
              ["a", "b", "c"], inits, opset=13)
    check(m)


def test_tile_expand_constant_of_shape():
    m = model([node("Tile", ["x", "r"], ["t"]), node("Expand", ["t", "s"], ["e"]),
               node("ConstantOfShape", ["shp"], ["z"], value=onnx.numpy_helper.from_array(
                   np.array([2.5], np.float32))), node("Add", ["e", "z"], ["y"])],
              {"x": (2, 1, 3)}, ["y"], {"r": np.array([1, 2, 1], np.int64), "s": np.array([4, 2, 2, 3], np.int64),
                                        "shp": np.array([2, 2, 3], np.int64)})
    check(m)


def test_size_folded_or_graph_output():
    m = model([node("Size", ["x"], ["n"]), node("Cast", ["n"], ["nf"], to=TensorProto.FLOAT),
               node("Mul", ["x", "nf"], ["y"])], {"x": (2, 3)}, ["y", "n"])
    check(m)


@pytest.mark.parametrize("attrs, want", [({"start": 1}, [3, 4]), ({"end": -1}, [2, 3]), ({"start": -5, "end": 9},
                                                                                       [2, 3, 4])])
def test_shape_start_end_as_graph_output(attrs, want):
    """Shape with start / end (clamped) whose result is a graph output: a constant-filled output."""
    m = model([node("Shape", ["x"], ["s"], **attrs), node("Relu", ["x"], ["y"])], {"x": (2, 3, 4)}, ["s", "y"],
              opset=17)
    g = check(m)
    np.testing.assert_array_equal(run(g, [rand(2, 3, 4)])[0], want)


@pytest.mark.parametrize("training, ratio", [(None, None), (False, 0.5), (True, 0.0)])
def test_dropout_mask_output_all_true(training, ratio):
    """Dropout in inference semantics (or training with ratio 0): the output is the input, the
    mask all true."""
    inits = {} if training is None else {"r": np.array(ratio, np.float32), "t": np.array(training)}
    ins = ["x"] if training is None else ["x", "r", "t"]
    g = check(model([node("Dropout", ins, ["y", "mask"])], {"x": (2, 3)}, ["y", "mask"], inits, opset=13))
    assert "BroadcastTo" in ops(g)


def test_training_dropout_that_drops_is_refused():
    m = model([node("Dropout", ["x", "r", "t"], ["y"])], {"x": (2, 3)}, ["y"],
              {"r": np.array(0.5, np.float32), "t": np.array(True)}, opset=13)
    with pytest.raises(UnsupportedOpError, match=r"Dropout 'Dropout_0' \(node 0\): training_mode Dropout with ratio"):
        import_model(m)


def test_constant_graph_output():
    m = model([node("Constant", [], ["c"], value=onnx.numpy_helper.from_array(np.arange(6, dtype=np.float32)
                                                                             .reshape(2, 3))),
               node("Relu", ["x"], ["y"])], {"x": (2, 3)}, ["c", "y"])
    check(m)


@pytest.mark.parametrize("largest", [1, 0])
def test_top_k(largest):
    """largest = 0 (written as 0 for every TopK by the official converter) as -TopK(-x)."""
    m = model([node("TopK", ["x", "k"], ["v", "i"], axis=1, largest=largest)], {"x": (3, 6)}, ["v", "i"],
              {"k": np.array([3], np.int64)})
    x = np.array([[1, 5, 5, 0, 2, 5], [3, 3, 3, 3, 3, 3], [6, 5, 4, 3, 2, 1]], np.float32)
    check(m, {"x": x})


@pytest.mark.parametrize("exclusive, reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_cumsum(exclusive, reverse):
    m = model([node("CumSum", ["x", "a"], ["y"], exclusive=exclusive, reverse=reverse)], {"x": (3, 4)}, ["y"],
              {"a": np.array(-1, np.int64)})
    check(m)


def test_range_graph_output():
    m = model([node("Range", ["s", "l", "d"], ["y"])], {}, ["y"],
              {"s": np.array(1.0, np.float32), "l": np.array(4.0, np.float32), "d": np.array(0.5, np.float32)})
    check(m, {})


@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("const", [True, False])
def test_gather_elements(axis, const):
    """Indices in -3..2 along an axis of 3 (x has the indices' shape elsewhere)."""
    idx = np.array([[[0, -1], [2, 1], [1, 0]], [[-2, 2], [0, 0], [1, -3]]], np.int64)
    xs = list(idx.shape)
    xs[axis] = 3
    inputs = {"x": tuple(xs)} if const else {"x": tuple(xs), "i": idx.shape}
    m = model([node("GatherElements", ["x", "i"], ["y"], axis=axis)], inputs, ["y"], {"i": idx} if const else {},
              in_types={"i": I64})
    check(m, {"x": rand(*xs)} if const else {"x": rand(*xs), "i": idx})


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_one_hot(axis):
    """Negative indices wrap; out-of-range ones and fractional float ones match nothing."""
    m = model([node("OneHot", ["i", "d", "v"], ["y"], axis=axis)], {"i": (2, 3)}, ["y"],
              {"d": np.array(5, np.float32), "v": np.array([-1.0, 2.0], np.float32)})
    check(m, {"i": np.array([[0, 4, -1], [5, -6, 2.5]], np.float32)})


@pytest.mark.parametrize("axis", [0, -1])
def test_hardmax_first_maximum(axis):
    m = model([node("Hardmax", ["x"], ["y"], axis=axis)], {"x": (3, 4)}, ["y"])
    check(m, {"x": np.array([[1, 3, 3, 0], [2, 2, 1, 0], [0, 0, 0, 0]], np.float32)})


@pytest.mark.parametrize("upper, k", [(1, 0), (0, 0), (1, -1), (0, 2)])
def test_trilu(upper, k):
    m = model([node("Trilu", ["x", "k"], ["y"], upper=upper)], {"x": (2, 4, 5)}, ["y"], {"k": np.array(k, np.int64)})
    check(m)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")      # onnx.reference divides 0 by 0
@pytest.mark.parametrize("p", [1, 2])
def test_lp_normalization_zero_norm_gives_zero(p):
    """(Non-negative data: onnx.reference's p = 1 sums ``x``, the ONNX spec -- and we -- ``|x|``.)"""
    m = model([node("LpNormalization", ["x"], ["y"], axis=1, p=p)], {"x": (3, 4)}, ["y"])
    x = rand(3, 4, lo=0.0)
    x[1] = 0
    check(m, {"x": x})


@pytest.mark.parametrize("pos, neg", [(1, 1), (1, 0), (0, 1), (0, 0)])
def test_is_inf_and_is_nan(pos, neg):
    x = np.array([1.0, np.inf, -np.inf, np.nan, 0.0, -2.5], np.float32)
    m = model([node("IsInf", ["x"], ["y"], detect_positive=pos, detect_negative=neg), node("IsNaN", ["x"], ["z"])],
              {"x": (6,)}, ["y", "z"])
    check(m, {"x": x})


# ---------------------------------------------------------------- layout (NHWC between convolutions)

def test_elementwise_and_tensor_ops_stay_nhwc_after_a_conv():
    """Conv -> Add of a [C,1,1] constant -> Sigmoid -> Slice on C -> ReduceMean over H, W keeping
    dims -> Tile -> Conv: one Transpose in, one out, none in between."""
    nodes = [node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]), node("Add", ["c", "b"], ["a"]),
             node("Sigmoid", ["a"], ["s"]), node("Slice", ["s", "st", "en", "ax"], ["sl"]),
             node("ReduceMean", ["sl", "rax"], ["r"], keepdims=1), node("Tile", ["r", "rep"], ["t"]),
             node("Mul", ["sl", "t"], ["m"]), node("Conv", ["m", "w2"], ["y"])]
    inits = {"w": rand(6, 3, 3, 3), "b": rand(6, 1, 1), "st": np.array([1], np.int64), "en": np.array([5], np.int64),
             "ax": np.array([1], np.int64), "rax": np.array([2, 3], np.int64), "rep": np.array([1, 1, 5, 5], np.int64),
             "w2": rand(2, 4, 1, 1)}
    m = model(nodes, {"x": (1, 3, 5, 5)}, ["y"], inits, opset=18)
    g = check(m)
    assert ops(g).count("Transpose") == 2, ops(g)


# ---------------------------------------------------------------- generated C

def test_composed_ops_generate_c_that_matches_the_reference(tmp_path):
    """The IR the converters compose (HardSigmoid chain, Clip, keepdims ReduceMean, Where, ArgMax of the
    last maximum, smallest TopK, reverse CumSum, negative-step Slice, Tile, Mish, Trilu, GatherElements)
    compiles (host gcc) and computes what the reference interpreter does."""
    require_tool("gcc")
    nodes = [node("HardSigmoid", ["x"], ["h"]), node("Clip", ["h", "lo", "hi"], ["c"]),
             node("ReduceMean", ["c", "ax"], ["r"], keepdims=1), node("Sub", ["c", "r"], ["d"]),
             node("Where", ["m", "d", "c"], ["w"]),
             node("ArgMax", ["w"], ["am"], axis=1, keepdims=0, select_last_index=1),
             node("TopK", ["w", "k"], ["tv", "ti"], axis=-1, largest=0),
             node("CumSum", ["tv", "cax"], ["cs"], reverse=1),
             node("Slice", ["cs", "st", "en", "sax", "ss"], ["sl"]), node("Tile", ["sl", "rep"], ["y"]),
             node("Mish", ["x"], ["mi"]), node("Trilu", ["mi"], ["tr"]),
             node("GatherElements", ["tr", "gi"], ["ge"], axis=1)]
    inits = {"lo": np.array(0.1, np.float32), "hi": np.array(0.8, np.float32), "ax": np.array([1], np.int64),
             "m": rand(3, 6) > 0, "k": np.array([4], np.int64), "cax": np.array(1, np.int64),
             "st": np.array([3], np.int64), "en": np.array([0], np.int64), "sax": np.array([1], np.int64),
             "ss": np.array([-1], np.int64), "rep": np.array([1, 2], np.int64),
             "gi": np.array([[0, 5, 2], [1, 1, 0], [4, 3, 2]], np.int64)}
    m = model(nodes, {"x": (3, 6)}, ["y", "am", "ge"], inits, opset=18)
    check(m, {"x": rand(3, 6, lo=-3, hi=3)})
    path = tmp_path / "composed.onnx"
    onnx.save(m, path)
    x = rand(3, 6, lo=-3, hi=3)
    outs = run(api.load(path), [x])
    np.savez(tmp_path / "cases.npz", input_0=x, **{f"output_0_{k}": o for k, o in enumerate(outs)})
    r = api.validate(path, "host", cases_path=tmp_path / "cases.npz", out_dir=tmp_path / "proj")
    assert r.report.failed == 0 and r.report.passed == 1, r.report.to_json()


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("nodes, inputs, rule", [
    ([node("Cast", ["x"], ["y"], to=TensorProto.BFLOAT16, name="c0")], {"x": (2,)}, r"Cast 'c0' \(node 0\): Cast to"),
    ([node("Gelu", ["x"], ["y"], approximate="erf", name="g0")], {"x": (2,)}, r"Gelu 'g0' \(node 0\): approximate"),
])
def test_refusals_name_node_and_rule(nodes, inputs, rule):
    m = model(nodes, inputs, ["y"], opset=20)
    with pytest.raises(UnsupportedOpError, match=rule):
        check(m)


def test_smallest_top_k_of_unsigned_is_refused():
    m = model([node("TopK", ["x", "k"], ["v", "i"], largest=0, name="t0")], {"x": (5,)}, ["v", "i"],
              {"k": np.array([2], np.int64)}, in_types={"x": TensorProto.UINT8})
    with pytest.raises(UnsupportedOpError, match=r"TopK 't0' \(node 0\): largest = 0 \(smallest\) is supported for"):
        check(m, {"x": np.arange(5, dtype=np.uint8)})


def test_float_mod_with_fmod_0_takes_the_divisor_sign():
    m = model([node("Mod", ["a", "b"], ["y"])], {"a": (6,), "b": (6,)}, ["y"])
    check(m, {"a": np.array([5.5, -5.5, 5.5, -5.5, 3, 0], np.float32),
              "b": np.array([2, 2, -2, -2, 1.5, 3], np.float32)})


def test_non_constant_slice_bounds_are_refused():
    m = model([node("Slice", ["x", "s", "e"], ["y"], name="sl")], {"x": (4,), "s": (1,), "e": (1,)}, ["y"],
              in_types={"s": I64, "e": I64})
    with pytest.raises(UnsupportedOpError, match=r"Slice 'sl' \(node 0\): starts \(input 1\) must be a constant"):
        check(m, {"x": rand(4), "s": np.array([1], np.int64), "e": np.array([3], np.int64)})


# ---------------------------------------------------------------- the node-test benchmark

def test_node_test_benchmark_on_a_few_cases():
    sys.path.insert(0, str(REPO / "benchmarks"))
    import onnx_node_tests as bench
    names = ["test_abs", "test_leakyrelu_default", "test_reduce_sum_keepdims_example", "test_argmax_keepdims_example",
             "test_slice_neg_steps", "test_top_k_smallest", "test_cumsum_1d_reverse_exclusive",
             "test_cast_FLOAT_to_BFLOAT16", "test_det_2d"]
    rows = {r.name: r for r in bench.run_all([c for c in bench.collect(names) if c.name in names])}
    assert rows["test_cast_FLOAT_to_BFLOAT16"].status == bench.UNSUPPORTED         # no IR dtype
    assert rows["test_det_2d"].status == bench.UNSUPPORTED                         # no converter
    others = [r for n, r in rows.items() if r.status != bench.UNSUPPORTED]
    assert len(others) == 7 and all(r.status == bench.PASS and not r.c_check for r in others), \
        [(r.name, r.reason, r.c_check) for r in others]
    s = bench.summary(list(rows.values()))
    assert bench.headline(s) == "7 of 7 supported tests pass (100.0 %)"
    assert "| Abs | 1 | 1 |" in bench.markdown(list(rows.values()), s)
