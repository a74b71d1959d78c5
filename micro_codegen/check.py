"""Support check: which nodes micro_codegen can compile, and why not.

Each rule is a function ``rule(graph, index) -> str | None`` returning ``None`` when
the node passes and otherwise the reason, phrased as the rule plus what was found
(``stride must be in [1, 4]; got 5x5``). A rule's docstring is the rule as shown in
the docs (``supported_ops_table()``). Graph-level rules take only the graph.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .ir import DType, Graph, Node

Rule = Callable[[Graph, int], "str | None"]

INT8_FLOAT = (DType.INT8, DType.FLOAT32)
FUSED_ACTIVATIONS = ("NO_ACTIVATION", "RELU", "RELU6")


@dataclass(frozen=True)
class Problem:
    node: str        # node name ("" for graph-level problems)
    op: str
    reason: str
    index: int = -1  # node index, -1 for graph-level

    def __str__(self) -> str:
        if self.index < 0:
            return self.reason
        return f"{self.op} '{self.node}' (node {self.index}): {self.reason}"

    def to_json(self) -> dict:
        return {"node": self.node, "op": self.op, "reason": self.reason, "index": self.index}


def _in(g: Graph, n: Node, k: int):
    return g.tensors[n.inputs[k]] if k < len(n.inputs) else None


# ---------------------------------------------------------------- node rules

def static_shapes(g: Graph, i: int) -> str | None:
    """All input and output tensors have static shapes (no -1 dimensions)."""
    n = g.nodes[i]
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        if any(d < 0 for d in t.shape):
            return f"tensor '{t.name}' has a dynamic shape {list(t.shape)}; shapes must be static"
    return None


def plain_weights(g: Graph, i: int) -> str | None:
    """Constant inputs are stored uncompressed inside the model file."""
    n = g.nodes[i]
    for ti in n.inputs:
        t = g.tensors[ti]
        if t.external_data:
            return f"tensor '{t.name}' keeps its data in an external file; weights must be inside the .ms"
        if t.compress_type != "NONE":
            return f"tensor '{t.name}' is {t.compress_type}-compressed; weights must be uncompressed"
    return None


_ZP_RANGE = {DType.INT8: (-128, 127), DType.UINT8: (0, 255), DType.INT16: (-32768, 32767)}


def valid_quant(g: Graph, i: int) -> str | None:
    """Quantization scales are finite and > 0; zero points fit the tensor's dtype."""
    n = g.nodes[i]
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        lo, hi = _ZP_RANGE.get(t.dtype, (-(1 << 31), (1 << 31) - 1))
        for q in t.quant:
            if not (math.isfinite(q.scale) and q.scale > 0) and (t.dtype != DType.INT32 or q.scale != 0):
                return f"tensor '{t.name}' has quantization scale {q.scale:g}; scales must be finite and > 0"
            if not lo <= q.zero_point <= hi:
                return f"tensor '{t.name}' has zero point {q.zero_point}; {t.dtype.short} needs [{lo}, {hi}]"
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


def fused_activation(g: Graph, i: int) -> str | None:
    """A fused activation is none, RELU or RELU6."""
    act = g.nodes[i].attrs.get("activation_type", "NO_ACTIVATION")
    if act not in FUSED_ACTIVATIONS:
        return f"fused activation must be one of {', '.join(FUSED_ACTIVATIONS)}; got {act}"
    return None


def conv_shapes(g: Graph, i: int) -> str | None:
    """Conv input is 4-D NHWC, weights are constant 4-D [out, kh, kw, in/group], bias constant [out]."""
    n = g.nodes[i]
    x, w, b = _in(g, n, 0), _in(g, n, 1), _in(g, n, 2)
    if x is None or w is None:
        return "needs an input and a weight tensor"
    if len(x.shape) != 4:
        return f"input must be 4-D NHWC; got shape {list(x.shape)}"
    if not w.is_const or len(w.shape) != 4:
        return f"weights must be a constant 4-D tensor; got {'constant' if w.is_const else 'activation'} " \
               f"shape {list(w.shape)}"
    group = int(n.attrs.get("group") or 1)
    cin = x.shape[3]
    if cin % group or w.shape[0] % group or w.shape[3] * group != cin:
        return f"group {group} does not divide input channels {cin} / weight shape {list(w.shape)}"
    if b is not None and (not b.is_const or b.size != w.shape[0]):
        return f"bias must be constant with {w.shape[0]} values; got shape {list(b.shape)}"
    return None


def stride_dilation_in_range(g: Graph, i: int) -> str | None:
    """Strides and dilations are >= 1."""
    a = g.nodes[i].attrs
    for key in ("stride", "strides", "dilation"):
        v = a.get(key)
        if v and any(int(s) < 1 for s in v):
            return f"{key} must be >= 1; got {'x'.join(map(str, v))}"
    return None


def pad_mode_known(g: Graph, i: int) -> str | None:
    """Padding is SAME, VALID or explicit (PAD) with non-negative pads."""
    a = g.nodes[i].attrs
    if a.get("pad_mode", "PAD") not in ("PAD", "SAME", "VALID"):
        return f"pad_mode must be PAD, SAME or VALID; got {a.get('pad_mode')}"
    pads = a.get("pad_list") or a.get("pad") or ()
    if any(p < 0 for p in pads):
        return f"pads must be >= 0; got {list(pads)}"
    return None


def fullconnection_shapes(g: Graph, i: int) -> str | None:
    """FullConnection weights are constant 2-D [out, in] and the input has in*batch elements."""
    n = g.nodes[i]
    x, w = _in(g, n, 0), _in(g, n, 1)
    if x is None or w is None:
        return "needs an input and a weight tensor"
    if not w.is_const or len(w.shape) != 2:
        return f"weights must be a constant 2-D tensor; got shape {list(w.shape)}"
    if w.shape[1] == 0 or x.size % w.shape[1]:
        return f"input {list(x.shape)} is not a whole number of rows of {w.shape[1]}"
    return None


def one_output(g: Graph, i: int) -> str | None:
    """The node has exactly one output tensor."""
    n = g.nodes[i]
    if len(n.outputs) != 1:
        return f"must have one output; has {len(n.outputs)}"
    return None


def same_dtype_io(g: Graph, i: int) -> str | None:
    """Activation inputs and outputs share one dtype."""
    n = g.nodes[i]
    dts = {g.tensors[t].dtype for t in n.inputs + n.outputs if not g.tensors[t].is_const}
    if len(dts) > 1:
        return f"mixed activation dtypes {sorted(d.short for d in dts)}"
    return None


_COMMON = (static_shapes, plain_weights, valid_quant)
_ONE_OUT = _COMMON + (one_output,)
OP_RULES: dict[str, tuple[Rule, ...]] = {
    "Conv2DFusion": _ONE_OUT + (int8_or_float32, int8_quantized, conv_shapes, stride_dilation_in_range,
                               pad_mode_known, fused_activation),
    "FullConnection": _ONE_OUT + (int8_or_float32, int8_quantized, fullconnection_shapes, fused_activation),
    "AvgPoolFusion": _ONE_OUT + (int8_or_float32, int8_quantized, stride_dilation_in_range, pad_mode_known,
                                fused_activation, same_dtype_io),
    "MaxPoolFusion": _ONE_OUT + (int8_or_float32, int8_quantized, stride_dilation_in_range, pad_mode_known,
                                fused_activation, same_dtype_io),
    "AddFusion": _ONE_OUT + (int8_or_float32, int8_quantized, fused_activation, same_dtype_io),
    "SubFusion": _ONE_OUT + (int8_or_float32, int8_quantized, fused_activation, same_dtype_io),
    "MulFusion": _ONE_OUT + (int8_or_float32, int8_quantized, fused_activation, same_dtype_io),
    "Reshape": _COMMON,
    "Softmax": _ONE_OUT + (int8_or_float32, int8_quantized),
}


# ---------------------------------------------------------------- graph rules

def single_subgraph(g: Graph) -> str | None:
    """The model has one subgraph (no control flow)."""
    if len(g.subgraphs) > 1:
        return f"model has {len(g.subgraphs)} subgraphs; control flow is not supported (one subgraph)"
    return None


def has_io(g: Graph) -> str | None:
    """The model has at least one input and one output, and no constant graph output."""
    if not g.inputs or not g.outputs:
        return f"model needs inputs and outputs; has {len(g.inputs)} inputs, {len(g.outputs)} outputs"
    for ti in g.outputs:
        if g.tensors[ti].is_const:
            return f"graph output '{g.tensors[ti].name}' is a constant"
    return None


def topological(g: Graph) -> str | None:
    """Nodes are in execution order: every activation is written before it is read."""
    ready = set(g.inputs)
    for i, n in enumerate(g.nodes):
        for ti in n.inputs:
            if ti not in ready and not g.tensors[ti].is_const:
                return f"{g.node_label(i)} reads tensor '{g.tensors[ti].name}' before any node writes it"
        ready.update(n.outputs)
    for ti in g.outputs:
        if ti not in ready:
            return f"graph output '{g.tensors[ti].name}' is never written"
    return None


GRAPH_RULES = (single_subgraph, has_io, topological)


def _rules_for(op: str) -> tuple[Rule, ...] | None:
    """The rules of ``op``: its own table entry, else the common rules if an op family
    implements it, else None (unsupported)."""
    from . import ops
    if op in OP_RULES:
        return OP_RULES[op]
    return _COMMON if op in ops.REGISTRY else None


def check_graph(g: Graph) -> list[Problem]:
    """Every problem of ``g``: graph-level ones first, then the first broken rule per node.

    A node passes when its op has a C implementation (``ops.REGISTRY``), every rule here
    holds, and the op family's own check (what its ``prepare`` accepts) holds."""
    from . import ops
    problems = [Problem("", "", r, -1) for r in (rule(g) for rule in GRAPH_RULES) if r]
    for i, n in enumerate(g.nodes):
        if not n.known:
            problems.append(Problem(n.name, n.op, "primitive type is not in the MindSpore Lite 2.x schema", i))
            continue
        rules = _rules_for(n.op)
        if rules is None or n.op not in ops.REGISTRY:
            problems.append(Problem(n.name, n.op, f"operator {n.op} is not supported", i))
            continue
        reason = next((r for r in (rule(g, i) for rule in rules) if r), None)
        if reason is None:
            reason = ops.REGISTRY[n.op].check(g, i)
        if reason:
            problems.append(Problem(n.name, n.op, reason, i))
    return problems


def supported_ops_table() -> str:
    """Markdown: the rules every node obeys, then a table of supported ops and their own rules."""
    from . import ops

    def doc(rule: Rule) -> str:
        return (rule.__doc__ or rule.__name__).strip()

    lines = ["Every node: " + " ".join(doc(r) for r in _COMMON), "", "| op | its own rules |", "|---|---|"]
    for op in sorted(ops.REGISTRY):
        own = [doc(r) for r in _rules_for(op) if r not in _COMMON]
        lines.append(f"| {op} | {'<br>'.join(own) or '-'} |")
    return "\n".join(lines)
