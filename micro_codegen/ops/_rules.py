"""Support rules shared by several op families (not an op family itself).

A rule is ``rule(graph, index) -> str | None``: ``None`` when node ``index`` obeys it, else
the reason, phrased as the rule plus what was found (``int8 weights must be symmetric (zero
point 0); got [1]``). Its docstring is the rule as the docs show it
(``check.supported_ops_table()``). A family lists
its op's rules in order when it registers (``family(ops, plan, rules=(...))``); a rule may
assume that the rules before it hold, and so may assume check.py's rules for every node
(static shapes, weights inside the file, valid quantization parameters). The family's plan
function may assume all of them.
"""
from __future__ import annotations

from typing import Callable

from .. import numerics
from ..errors import UnsupportedOpError
from ..ir import DType, Graph
from .base import Rule

INT8_FLOAT = (DType.INT8, DType.FLOAT32)


def refusal(derive: Callable[[], object]) -> str | None:
    """The reason a :mod:`~micro_codegen.numerics` derivation refuses with (its
    UnsupportedOpError), or None when ``derive()`` succeeds."""
    try:
        derive()
    except UnsupportedOpError as e:
        return str(e)
    return None


def inputs(names: str, lo: int, hi: int | None = None) -> Rule:
    """A rule: the node has ``lo`` to ``hi`` inputs (``hi`` None: no limit), shown as ``names``."""

    def rule(g: Graph, i: int) -> str | None:
        n = len(g.nodes[i].inputs)
        if n < lo or (hi is not None and n > hi):
            return f"inputs must be {names}; got {n} inputs"
        return None

    rule.__doc__ = f"Inputs: {names}."
    rule.__name__ = rule.__qualname__ = "inputs"
    return rule


def one_output(g: Graph, i: int) -> str | None:
    """The node has exactly one output tensor."""
    n = g.nodes[i]
    if len(n.outputs) != 1:
        return f"must have one output; has {len(n.outputs)}"
    return None


def int8_or_float32(g: Graph, i: int) -> str | None:
    """The activations (first input and outputs) are int8 or float32."""
    n = g.nodes[i]
    for ti in n.inputs[:1] + n.outputs:
        t = g.tensors[ti]
        if t.dtype not in INT8_FLOAT:
            return f"tensor '{t.name}' is {t.dtype.short}; activations must be int8 or float32"
    return None


def int8_quantized(g: Graph, i: int) -> str | None:
    """int8 activations carry per-tensor quantization parameters (scale, zero point)."""
    n = g.nodes[i]
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        if t.dtype == DType.INT8 and not t.is_const and len(t.quant) != 1:
            return f"int8 tensor '{t.name}' needs exactly one (scale, zero point); has {len(t.quant)}"
    return None


#: the integer dtypes a quantized tensor may have (uint8 only where a family says so)
QUANTIZED_DTYPES = (DType.INT8, DType.UINT8)


def quantized_8bit(g: Graph, i: int) -> str | None:
    """Quantized data is int8 (uint8 where the family says so); other quantized integer types
    (int16, int32, int64, uint16, uint32, uint64 with quantization parameters) are refused,
    not computed as plain integers."""
    n = g.nodes[i]
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        if t.quant and t.dtype not in QUANTIZED_DTYPES and t.dtype.np.kind in "iu":
            return f"quantized tensors must be int8 or uint8; got {t.dtype.short} '{t.name}' with quantization " \
                   f"parameters"
    return None


def same_as_input(g: Graph, i: int) -> str | None:
    """The output has the input's element count and dtype."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if x.size != y.size or x.dtype != y.dtype:
        return f"output {y.describe()} must match the input {x.describe()}"
    return None


def variable_input(g: Graph, i: int) -> str | None:
    """The data input (input 0) is an activation, not a constant (fold constants in the model)."""
    t = g.tensors[g.nodes[i].inputs[0]]
    if t.is_const:
        return f"input '{t.name}' is a constant; the data input must be an activation"
    return None


def fused_activation(g: Graph, i: int) -> str | None:
    """A fused activation is none, RELU, RELU6 or RELU1."""
    act = g.nodes[i].attr("activation_type") or "NO_ACTIVATION"
    if act not in numerics.FUSED_ACTIVATIONS:
        return f"fused activation must be one of {', '.join(numerics.FUSED_ACTIVATIONS)}; got {act}"
    return None


def nhwc_format(g: Graph, i: int) -> str | None:
    """Activations are NHWC (``format`` attribute)."""
    fmt = g.nodes[i].attr("format") or "NHWC"
    if fmt != "NHWC":
        return f"format must be NHWC; got {fmt}"
    return None


def pad_mode_known(g: Graph, i: int) -> str | None:
    """Padding is SAME, VALID or explicit (PAD) with non-negative pads."""
    a = g.nodes[i].attrs
    mode = a.get("pad_mode") or "PAD"
    if mode not in ("PAD", "SAME", "VALID"):
        return f"pad_mode must be PAD, SAME or VALID; got {mode}"
    pads = a.get("pad_list") or a.get("pad") or ()
    if any(p < 0 for p in pads):
        return f"pads must be >= 0; got {list(pads)}"
    return None


#: (input, weights) dtypes -> (output, bias) dtypes of Conv2DFusion and FullConnection
_WEIGHTED = {(DType.FLOAT32, DType.FLOAT32): (DType.FLOAT32, DType.FLOAT32),
             (DType.FLOAT32, DType.INT8): (DType.FLOAT32, DType.FLOAT32),
             (DType.INT8, DType.INT8): (DType.INT8, DType.INT32)}


def weighted_dtypes(g: Graph, i: int) -> str | None:
    """(input, weights) -> (output, bias) dtypes: (float32, float32) -> (float32, float32); hybrid
    (float32, int8) -> (float32, float32); (int8, int8) -> (int8, int32)."""
    n = g.nodes[i]
    x, w, y = g.tensors[n.inputs[0]], g.tensors[n.inputs[1]], g.tensors[n.outputs[0]]
    kind = f"input {x.dtype.short} with weights {w.dtype.short}"
    want = _WEIGHTED.get((x.dtype, w.dtype))
    if want is None:
        return f"{kind} is not supported (float32/float32, int8/int8, hybrid float32/int8)"
    if y.dtype != want[0]:
        return f"{kind} needs a {want[0].short} output; got {y.dtype.short}"
    bias = g.tensors[n.inputs[2]] if len(n.inputs) > 2 else None
    if bias is not None and bias.dtype != want[1]:
        return f"{kind} needs a {want[1].short} bias; got {bias.dtype.short}"
    return None


def recurrent_weights(g: Graph, i: int) -> str | None:
    """The weights W, R and the bias B (inputs 1-3 of LSTM / GRU) are constants."""
    for ti in g.nodes[i].inputs[1:4]:
        t = g.tensors[ti]
        if not t.is_const:
            return f"W, R and B must be constants; got the activation '{t.name}'"
    return None
