"""Support rules of the op families (ops/<family>.py, ops/_rules.py) as `check` applies them.

Every supported op declares its own rules with a docstring; for every family, one valid
one-op model passes and a variant breaking each rule is refused with exactly that rule's
reason, in the `check` message shape; `ops.prepare` refuses it the same way. Every own rule
of every op is exercised by some refused variant here. RELU1 (a fused activation the C
kernels implement) is accepted wherever fused activations are, and the C kernels agree
with the reference on it.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from micro_codegen import numerics, ops, reference
from micro_codegen.check import COMMON_RULES, check_graph, check_node, supported_ops_table
from micro_codegen.errors import UnsupportedOpError
from micro_codegen.ir import DType
from micro_codegen.ops import activation, arithmetic, concat, conv, fullconnection, pad, pooling
from micro_codegen.ops import _rules as rules
from micro_codegen.ops import quant_dtype_cast, reduce, reshape, softmax, transpose
from micro_codegen.ops._common import qparams

from rule_kit import F32, I8, I16, I32, IQ, OQ, U8, A, K, graph  # noqa: E402,F401
from rule_kit import arity as _arity  # noqa: E402

#: a valid one-op model per op: (inputs, outputs, attributes)
VALID = {
    "Conv2DFusion": ([A(I8, (1, 5, 5, 3), IQ), K(np.ones((4, 3, 3, 3), np.int8), ([0.01] * 4, [0] * 4)),
                      K(np.zeros(4, np.int32), ([0.0005] * 4, [0] * 4))], [A(I8, (1, 5, 5, 4), OQ)],
                     dict(kernel_size=(3, 3), stride=(1, 1), dilation=(1, 1), pad_mode="SAME", pad_list=(1, 1, 1, 1),
                          group=1, format="NHWC", activation_type="RELU1")),
    "FullConnection": ([A(I8, (2, 8), IQ), K(np.ones((3, 8), np.int8), (0.02, 0)), K(np.zeros(3, np.int32), (1e-3, 0))],
                       [A(I8, (2, 3), OQ)], dict(has_bias=True, activation_type="RELU1")),
    "AvgPoolFusion": ([A(I8, (1, 4, 4, 3), IQ)], [A(I8, (1, 2, 2, 3), IQ)],
                      dict(kernel_size=(2, 2), strides=(2, 2), pad_mode="VALID", format="NHWC",
                           activation_type="RELU1")),
    "MaxPoolFusion": ([A(F32, (1, 4, 4, 3))], [A(F32, (1, 2, 2, 3))],
                      dict(kernel_size=(2, 2), strides=(2, 2), pad_mode="VALID", format="NHWC")),
    "AddFusion": ([A(I8, (1, 4), IQ), A(I8, (1, 4), (0.02, 1))], [A(I8, (1, 4), OQ)], dict(activation_type="RELU1")),
    "SubFusion": ([A(F32, (2, 3)), K(np.ones(3, np.float32))], [A(F32, (2, 3))], {}),
    "MulFusion": ([A(I8, (2, 3), IQ), A(I8, (1, 3), IQ)], [A(I8, (2, 3), OQ)], {}),
    "DivFusion": ([A(F32, (2, 3)), K(np.ones(3, np.float32))], [A(F32, (2, 3))], dict(activation_type="RELU1")),
    "Maximum": ([A(F32, (2, 3)), A(F32, (2, 1))], [A(F32, (2, 3))], {}),
    "Minimum": ([A(F32, (2, 3)), A(F32, (2, 3))], [A(F32, (2, 3))], {}),
    "Activation": ([A(F32, (1, 8))], [A(F32, (1, 8))], dict(activation_type="HSWISH")),
    "LeakyRelu": ([A(I8, (1, 8), IQ)], [A(I8, (1, 8), OQ)], dict(negative_slope=0.1)),
    "Concat": ([A(F32, (1, 2)), A(F32, (1, 3))], [A(F32, (1, 5))], dict(axis=1)),
    "PadFusion": ([A(F32, (1, 3)), K(np.array([[0, 0], [1, 2]], np.int32))], [A(F32, (1, 6))],
                  dict(padding_mode="CONSTANT")),
    "QuantDTypeCast": ([A(F32, (1, 4))], [A(I8, (1, 4), IQ)], {}),
    "ReduceFusion": ([A(F32, (2, 3, 4)), K(np.array([1], np.int32))], [A(F32, (2, 4))], dict(mode="ReduceMean")),
    "Reshape": ([A(F32, (2, 3)), K(np.array([6], np.int32))], [A(F32, (6,))], {}),
    "Flatten": ([A(I8, (2, 3, 2), IQ)], [A(I8, (2, 6), IQ)], {}),
    "Squeeze": ([A(F32, (2, 1, 3))], [A(F32, (2, 3))], dict(axis=(1,))),
    "Unsqueeze": ([A(F32, (2, 3))], [A(F32, (2, 1, 3))], dict(axis=(1,))),
    "ExpandDims": ([A(F32, (2, 3)), K(np.array([0], np.int32))], [A(F32, (1, 2, 3))], {}),
    "Softmax": ([A(I8, (1, 10), IQ)], [A(I8, (1, 10), (1 / 256, -128))], dict(axis=(-1,))),
    "Transpose": ([A(F32, (2, 3)), K(np.array([1, 0], np.int32))], [A(F32, (3, 2))], {}),
}


def variant(op, ins=None, outs=None, n_ins=None, **attrs):
    """VALID[op] with inputs / outputs replaced ({index: tensor}; index == len appends), the
    inputs cut to ``n_ins`` and attributes overridden."""
    vins, vouts, vattrs = VALID[op]
    vins, vouts = list(vins), list(vouts)
    for k, t in (ins or {}).items():
        vins[k:k + 1] = [t]
    for k, t in (outs or {}).items():
        vouts[k:k + 1] = [t]
    return graph(op, vins[:n_ins], vouts, {**vattrs, **attrs})


#: (case id, op, variant arguments, the rule that must refuse it)
REFUSED = [
    ("conv two outputs", "Conv2DFusion", dict(outs={1: A(I8, (1, 5, 5, 4), OQ)}), rules.one_output),
    ("conv uint8 input", "Conv2DFusion", dict(ins={0: A(U8, (1, 5, 5, 3), IQ)}), rules.int8_or_float32),
    ("conv int8 without quant", "Conv2DFusion", dict(ins={0: A(I8, (1, 5, 5, 3))}), rules.int8_quantized),
    ("conv one input", "Conv2DFusion", dict(n_ins=1), _arity("Conv2DFusion")),
    ("conv NCHW", "Conv2DFusion", dict(format="NCHW"), rules.nhwc_format),
    ("conv activation weights", "Conv2DFusion", dict(ins={1: A(I8, (4, 3, 3, 3), IQ)}), conv.conv_tensors),
    ("conv 3-D input", "Conv2DFusion", dict(ins={0: A(I8, (5, 5, 3), IQ)}), conv.conv_tensors),
    ("conv group", "Conv2DFusion", dict(group=3), conv.conv_groups),
    ("conv kernel_size", "Conv2DFusion", dict(kernel_size=(3, 2)), conv.conv_kernel_size),
    ("conv negative pad", "Conv2DFusion", dict(pad_mode="PAD", pad_list=(-1, 1, 1, 1)), rules.pad_mode_known),
    ("conv zero stride", "Conv2DFusion", dict(stride=(0, 1)), conv.conv_window_fits),
    ("conv kernel > input", "Conv2DFusion", dict(pad_mode="VALID", ins={0: A(I8, (1, 2, 5, 3), IQ)},
                                                 outs={0: A(I8, (1, 1, 3, 4), OQ)}), conv.conv_window_fits),
    ("conv output shape", "Conv2DFusion", dict(outs={0: A(I8, (1, 4, 4, 4), OQ)}), conv.conv_output_shape),
    ("conv sigmoid", "Conv2DFusion", dict(activation_type="SIGMOID"), rules.fused_activation),
    ("conv hybrid int8 output", "Conv2DFusion", dict(ins={0: A(F32, (1, 5, 5, 3))}), rules.weighted_dtypes),
    ("conv fp32 bias", "Conv2DFusion", dict(ins={2: K(np.zeros(4, np.float32))}), rules.weighted_dtypes),
    ("conv weight zero point", "Conv2DFusion", dict(ins={1: K(np.ones((4, 3, 3, 3), np.int8), ([0.01] * 4, [1] * 4))}),
     conv.conv_weight_quant),
    ("fc has_bias without bias", "FullConnection", dict(n_ins=2), fullconnection.fc_tensors),
    ("fc one input", "FullConnection", dict(n_ins=1), _arity("FullConnection")),
    ("fc rows", "FullConnection", dict(ins={0: A(I8, (2, 7), IQ)}), fullconnection.fc_shapes),
    ("fc output", "FullConnection", dict(outs={0: A(I8, (2, 4), OQ)}), fullconnection.fc_shapes),
    ("fc weight zero points", "FullConnection", dict(ins={1: K(np.ones((3, 8), np.int8), ([0.02] * 3, [0, 1, 2]))}),
     fullconnection.fc_weight_quant),
    ("fc gelu", "FullConnection", dict(activation_type="GELU"), rules.fused_activation),
    ("pool 3-D", "AvgPoolFusion", dict(ins={0: A(I8, (1, 4, 12), IQ)}), pooling.pool_input),
    ("pool dtypes", "MaxPoolFusion", dict(outs={0: A(I8, (1, 2, 2, 3), IQ)}), pooling.pool_input),
    ("pool two inputs", "AvgPoolFusion", dict(ins={1: A(I8, (1, 4, 4, 3), IQ)}), _arity("AvgPoolFusion")),
    ("pool NCHW", "MaxPoolFusion", dict(format="NCHW"), rules.nhwc_format),
    ("pool window > input", "AvgPoolFusion", dict(kernel_size=(5, 5)), pooling.pool_window_fits),
    ("pool window in padding", "MaxPoolFusion", dict(pad_mode="PAD", pad=(2, 0, 0, 0), outs={0: A(F32, (1, 3, 2, 3))}),
     pooling.pool_window_fits),
    ("pool output shape", "AvgPoolFusion", dict(outs={0: A(I8, (1, 1, 1, 3), IQ)}), pooling.pool_output_shape),
    ("pool requantizing", "AvgPoolFusion", dict(outs={0: A(I8, (1, 2, 2, 3), OQ)}), pooling.pool_int8_quant),
    ("pool tanh", "MaxPoolFusion", dict(activation_type="TANH"), rules.fused_activation),
    ("add one input", "AddFusion", dict(n_ins=1), _arity("AddFusion")),
    ("add mixed dtypes", "AddFusion", dict(ins={1: A(F32, (1, 4))}), arithmetic.float32_or_int8_operands),
    ("mul uint8", "MulFusion", dict(ins={0: A(U8, (2, 3), IQ), 1: A(U8, (1, 3), IQ)}, outs={0: A(U8, (2, 3), OQ)}),
     arithmetic.float32_or_int8_operands),
    ("add int8 without quant", "AddFusion", dict(ins={1: A(I8, (1, 4))}), rules.int8_quantized),
    ("sub no broadcast", "SubFusion", dict(ins={1: K(np.ones(2, np.float32))}), arithmetic.arith_broadcast),
    ("add elu", "AddFusion", dict(activation_type="ELU"), rules.fused_activation),
    ("div int8", "DivFusion", dict(ins={0: A(I8, (2, 3), IQ), 1: A(I8, (2, 3), IQ)}, outs={0: A(I8, (2, 3), OQ)}),
     arithmetic.float32_operands),
    ("div sigmoid", "DivFusion", dict(activation_type="SIGMOID"), rules.fused_activation),
    ("max 7 dims", "Maximum", dict(ins={0: A(F32, (2, 1, 2, 1, 2, 1, 2)), 1: A(F32, (1, 2, 1, 2, 1, 2, 1))},
                                  outs={0: A(F32, (2, 2, 2, 2, 2, 2, 2))}), arithmetic.arith_broadcast),
    ("min requantizing", "Minimum", dict(ins={0: A(I8, (2, 3), IQ), 1: A(I8, (2, 3), IQ)}, outs={0: A(I8, (2, 3), OQ)}),
     arithmetic.float32_operands),
    ("max three inputs", "Maximum", dict(ins={2: A(F32, (2, 3))}), _arity("Maximum")),
    ("activation size", "Activation", dict(outs={0: A(F32, (1, 7))}), rules.same_as_input),
    ("activation int8 scale ratio", "Activation", dict(ins={0: A(I8, (1, 8), (3e38, 0))},
                                                      outs={0: A(I8, (1, 8), (1e-30, 0))}, activation_type="RELU"),
     activation.int8_multipliers),
    ("activation two inputs", "Activation", dict(ins={1: A(F32, (1, 8))}), _arity("Activation")),
    ("leaky relu negative slope", "LeakyRelu", dict(negative_slope=-0.1), activation.int8_multipliers),
    ("leaky relu int8 without quant", "LeakyRelu", dict(outs={0: A(I8, (1, 8))}), rules.int8_quantized),
    ("leaky relu two inputs", "LeakyRelu", dict(ins={1: A(I8, (1, 8), IQ)}), _arity("LeakyRelu")),
    ("concat axis", "Concat", dict(axis=2), concat.concat_axis),
    ("concat sizes", "Concat", dict(outs={0: A(F32, (1, 6))}), concat.concat_shapes),
    ("concat no inputs", "Concat", dict(n_ins=0), _arity("Concat")),
    ("pad constant data", "PadFusion", dict(ins={0: K(np.ones((1, 3), np.float32)), 1: A(I32, (2, 2))}),
     rules.variable_input),  # (with all inputs constant the node would fold instead)
    ("pad activation paddings", "PadFusion", dict(ins={1: A(I32, (2, 2))}), pad.pad_constant_inputs),
    ("pad output shape", "PadFusion", dict(outs={0: A(F32, (1, 7))}), pad.pad_shapes),
    ("pad five inputs", "PadFusion", dict(ins={2: K(np.zeros(1, np.float32)), 3: K(np.array([1], np.int32)),
                                               4: K(np.array([1], np.int32))}), _arity("PadFusion")),
    ("pad negative", "PadFusion", dict(ins={1: K(np.array([[0, 0], [-1, 2]], np.int32))}, outs={0: A(F32, (1, 4))}),
     pad.pad_shapes),
    ("pad requantizing", "PadFusion", dict(ins={0: A(I8, (1, 3), IQ)}, outs={0: A(I8, (1, 6), OQ)}), pad.pad_quant),
    ("cast int16", "QuantDTypeCast", dict(outs={0: A(I16, (1, 4), IQ)}), quant_dtype_cast.float32_int8_cast),
    ("cast per channel", "QuantDTypeCast", dict(outs={0: A(I8, (1, 4), ([0.1, 0.2], [0, 0]))}),
     quant_dtype_cast.per_tensor_cast),
    ("cast two inputs", "QuantDTypeCast", dict(ins={1: A(F32, (1, 4))}), _arity("QuantDTypeCast")),
    ("reduce activation axes", "ReduceFusion", dict(ins={1: A(I32, (1,))}), reduce.constant_axes),
    ("reduce output", "ReduceFusion", dict(outs={0: A(F32, (2, 3))}), reduce.reduce_output),
    ("reduce int8 max requantizing", "ReduceFusion", dict(ins={0: A(I8, (2, 3, 4), IQ)}, outs={0: A(I8, (2, 4), OQ)},
                                                         mode="ReduceMax"), reduce.minmax_quant),
    ("reduce bool mean", "ReduceFusion", dict(ins={0: A(DType.BOOL, (2, 3, 4))}, outs={0: A(DType.BOOL, (2, 4))}),
     reduce.reduce_mode),
    ("reduce three inputs", "ReduceFusion", dict(ins={2: K(np.array([1], np.int32))}), _arity("ReduceFusion")),
    ("reshape constant", "Reshape", dict(ins={0: K(np.ones((2, 3), np.float32)), 1: A(I32, (1,))}),
     rules.variable_input),
    ("reshape size", "Reshape", dict(outs={0: A(F32, (5,))}), rules.same_as_input),
    ("flatten requantizing", "Flatten", dict(outs={0: A(I8, (2, 6), OQ)}), reshape.same_quant),
    ("squeeze two outputs", "Squeeze", dict(outs={1: A(F32, (2, 3))}), rules.one_output),
    ("reshape three inputs", "Reshape", dict(ins={2: K(np.array([6], np.int32))}), _arity("Reshape")),
    ("softmax two axes", "Softmax", dict(axis=(0, 1)), softmax.one_axis),
    ("softmax axis", "Softmax", dict(axis=(2,)), softmax.one_axis),
    ("softmax output quant", "Softmax", dict(outs={0: A(I8, (1, 10), OQ)}), softmax.int8_softmax_quant),
    ("softmax tiny input scale", "Softmax", dict(ins={0: A(I8, (1, 10), (1e-12, 0))}), softmax.int8_softmax_quant),
    ("softmax int8 without quant", "Softmax", dict(ins={0: A(I8, (1, 10))}), rules.int8_quantized),
    ("softmax size", "Softmax", dict(outs={0: A(I8, (1, 9), (1 / 256, -128))}), rules.same_as_input),
    ("softmax two inputs", "Softmax", dict(ins={1: A(I8, (1, 10), IQ)}), _arity("Softmax")),
    ("transpose perm", "Transpose", dict(ins={1: K(np.array([0, 0], np.int32))}), transpose.permutation),
    ("transpose activation perm", "Transpose", dict(ins={1: A(I32, (2,))}), transpose.permutation),
    ("transpose output", "Transpose", dict(outs={0: A(F32, (2, 3))}), transpose.transposed_output),
    ("transpose constant", "Transpose", dict(ins={0: K(np.ones((2, 3), np.float32)), 1: A(I32, (2,))}),
     rules.variable_input),
    ("transpose three inputs", "Transpose", dict(ins={2: K(np.array([1], np.int32))}), _arity("Transpose")),
]

# families added since keep their cases in tests/ops/cases_<family>.py (VALID, REFUSED)
for _path in sorted(Path(__file__).parent.glob("cases_*.py")):
    _cases = importlib.import_module(_path.stem)
    VALID.update(_cases.VALID)
    REFUSED.extend(_cases.REFUSED)


def test_every_op_has_documented_rules():
    assert set(VALID) == set(ops.REGISTRY)
    for op, impl in ops.REGISTRY.items():
        assert impl.rules, op
        for rule in impl.rules:
            assert (rule.__doc__ or "").strip(), f"{op}: rule {rule.__name__} has no docstring"
    table = supported_ops_table()
    assert "| - |" not in table and all(f"| {op} |" in table for op in ops.REGISTRY)


@pytest.mark.parametrize("op", sorted(VALID))
def test_valid_node_passes(op):
    g = variant(op)
    assert check_node(g, 0) is None
    ops.prepare(g, 0)


@pytest.mark.parametrize("case,op,change,rule", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused(case, op, change, rule):
    g = variant(op, **change)
    reason = rule(g, 0)
    assert reason, f"{rule.__name__} does not refuse the variant"
    assert check_node(g, 0) == reason
    problem = next(p for p in check_graph(g) if p.index == 0)
    assert str(problem) == f"{op} 'n' (node 0): {reason}"
    assert problem.to_json() == {"node": "n", "op": op, "reason": reason, "index": 0}
    with pytest.raises(UnsupportedOpError) as e:
        ops.prepare(g, 0)
    assert str(e.value) == f"{op} 'n' (node 0): {reason}"


def test_every_rule_has_a_refused_case():
    """(A rule object several ops list, from ops/_rules.py or one family's tuple, needs one case.)"""
    exercised = {id(rule) for *_, rule in REFUSED}
    missing = sorted({f"{op}: {r.__name__}" for op, impl in ops.REGISTRY.items() for r in impl.rules
                      if id(r) not in exercised})
    assert not missing, missing


# ---------------------------------------------------------------- RELU1: accepted and computed right

RELU1_CASES = [(op, dt) for op in ("Conv2DFusion", "FullConnection", "AvgPoolFusion", "AddFusion", "DivFusion")
               for dt in ("int8", "float32") if (op, dt) != ("DivFusion", "int8")]


@pytest.fixture(scope="module")
def klib(tmp_path_factory):
    from c_harness import KernelLib
    from conftest import require_tool
    require_tool("gcc")
    return KernelLib(tmp_path_factory.mktemp("kernels"))


@pytest.mark.host_cc
@pytest.mark.parametrize("op,dtype", RELU1_CASES)
def test_relu1_fused_activation_is_supported(klib, op, dtype):
    """RELU1 is a fused activation of every kernel that fuses one (fp32: nnacl_act_fp32;
    int8: the clamp range of numerics.activation_range): check accepts it and the C kernel
    agrees with the reference."""
    from c_harness import assert_close
    g = _graph_with(op, dtype, "RELU1")
    assert check_graph(g) == []
    rng = np.random.default_rng(1)
    inputs = [(rng.integers(-128, 128, g.tensors[t].shape).astype(np.int8) if dtype == "int8" else
               (rng.standard_normal(g.tensors[t].shape) * 4).astype(np.float32)) for t in g.inputs]
    expected = reference.run(g, inputs)[0]
    assert_close(expected, klib.run_node(g, 0, ops.prepare(g, 0), inputs)[0])
    y = g.tensors[g.outputs[0]]
    lo, hi = (-1, 1) if dtype == "float32" else numerics.activation_range("RELU1", *qparams(y, "output"))
    plain = reference.run(_graph_with(op, dtype, "NO_ACTIVATION"), inputs)[0]
    np.testing.assert_array_equal(expected, np.clip(plain, lo, hi))
    assert ((plain < lo) | (plain > hi)).any(), "the case does not exercise the clamp"


def _graph_with(op, dtype, act):
    """VALID[op] with fused activation ``act``: in float32, or int8 with 20x the weight scales
    (so that outputs reach the RELU1 bounds)."""
    vins, vouts, attrs = VALID[op]
    if dtype == "float32":
        vins = [A(F32, t.shape) if isinstance(t, A) else K(t.array.astype(np.float32) * np.float32(0.5)) for t in vins]
        vouts = [A(F32, t.shape) for t in vouts]
    else:
        vins = [K(t.array, (np.multiply(t.quant[0], 20).tolist(), t.quant[1])) if isinstance(t, K) else t for t in vins]
    return graph(op, vins, vouts, {**attrs, "activation_type": act})


# ---------------------------------------------------------------- real models: check agrees with prepare

def _shared_graphs():
    from conftest import SHARED
    from micro_codegen import api
    from micro_codegen.errors import CodegenError
    for path in sorted((SHARED / "models").glob("*/*.ms")):
        try:
            yield path.name, api.load(path)
        except CodegenError:
            continue


def test_check_agrees_with_prepare_on_the_shared_models():
    """Every node of the shared models (MLPerf, seed_arch, op families, ONNX zoo): a node
    `check` accepts prepares; a node breaking its op's own rules is refused by prepare with
    the reason `check` gives (prepare runs the op's rules, check.py the rules of every node too)."""
    from conftest import SHARED_SETS, skip_unless_shared
    for folder in SHARED_SETS.values():
        skip_unless_shared(folder)
    accepted = refused = 0
    for name, g in _shared_graphs():
        for i, n in enumerate(g.nodes):
            reason = check_node(g, i)
            if reason is None:
                ops.prepare(g, i)
                accepted += 1
            elif n.op in ops.REGISTRY and ops.REGISTRY[n.op].check(g, i):
                own = ops.REGISTRY[n.op].check(g, i)
                assert reason == own or any(rule(g, i) for rule in COMMON_RULES), name
                with pytest.raises(UnsupportedOpError) as e:
                    ops.prepare(g, i)
                assert str(e.value) == f"{g.node_label(i)}: {own}", name
                refused += 1
    assert accepted > 500 and refused > 30, (accepted, refused)
