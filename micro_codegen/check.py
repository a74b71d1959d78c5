"""Support check: which nodes micro_codegen can compile, and why not.

A node passes when its op has a C implementation (``ops.REGISTRY``), it obeys the rules
every node obeys (:data:`COMMON_RULES`, here) and the rules of its op (declared by its op
family, ``ops/<family>.py``; shared ones in ``ops/_rules.py``). Each rule is a function
``rule(graph, index) -> str | None`` returning ``None`` when the node passes and otherwise
the reason, phrased as the rule plus what was found (``int8 weights must be symmetric (zero
point 0); got [1]``); its docstring is the rule as shown in the docs
(:func:`supported_ops_table`). Rules run in order and the first broken one is reported.
Graph-level rules take only the graph.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .ir import DType, Graph


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


# ---------------------------------------------------------------- node rules

def static_shapes(g: Graph, i: int) -> str | None:
    """All input and output tensors have static shapes (no -1 dimensions)."""
    n = g.nodes[i]
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        if any(d < 0 for d in t.shape):
            return f"tensor '{t.name}' has a dynamic shape {list(t.shape)}; shapes must be static"
    return None


def non_empty(g: Graph, i: int) -> str | None:
    """No activation (graph input or node output) is empty (a 0 dimension)."""
    n = g.nodes[i]
    written = set(g.inputs) | set(g.producers())
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        if ti in written and 0 in t.shape:
            return f"tensor '{t.name}' has no elements (shape {list(t.shape)}); activations must not be empty"
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


#: the rules every node obeys (before its op's own)
COMMON_RULES = (static_shapes, non_empty, plain_weights, valid_quant)


# ---------------------------------------------------------------- graph rules

def single_subgraph(g: Graph) -> str | None:
    """The model has one subgraph (no control flow)."""
    if len(g.subgraphs) > 1:
        return f"model has {len(g.subgraphs)} subgraphs; control flow is not supported (one subgraph)"
    return None


def has_io(g: Graph) -> str | None:
    """The model has at least one input and one output."""
    if not g.inputs or not g.outputs:
        return f"model needs inputs and outputs; has {len(g.inputs)} inputs, {len(g.outputs)} outputs"
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


def shape_inputs_bound(g: Graph) -> str | None:
    """Inputs that only set output shapes (slice bounds, paddings, multiples, k, target shapes)
    have their values given at generation time (``--bind NAME=VALUES``; ``validate`` takes them
    from the cases file)."""
    from .fold import shape_inputs
    names = [g.tensors[g.inputs[k]].name for k in shape_inputs(g)]
    if names:
        return (f"input(s) {', '.join(repr(n) for n in names)} only set output shapes; static code needs their "
                f"values: --bind {names[0]}=VALUES")
    return None


GRAPH_RULES = (single_subgraph, has_io, topological, shape_inputs_bound)


def check_node(g: Graph, i: int) -> str | None:
    """Why node ``i`` cannot be generated (the first broken rule), or None."""
    from . import ops
    n = g.nodes[i]
    if not n.known:
        return "primitive type is not in the MindSpore Lite 2.x schema"
    impl = ops.REGISTRY.get(n.op)
    if impl is None:
        from .fold import FOLD_ONLY
        return f"{n.op} {FOLD_ONLY[n.op]}" if n.op in FOLD_ONLY else f"operator {n.op} is not supported"
    return next((r for r in (rule(g, i) for rule in COMMON_RULES) if r), None) or impl.check(g, i)


def check_graph(g: Graph) -> list[Problem]:
    """Every problem of ``g``: graph-level ones first, then the first broken rule per node.

    Nodes that constant folding evaluates at generation time (``fold.py``) need no kernel and
    are not checked; the others are checked as they will be compiled (reading folded values
    as constants) and named by their index in ``g``."""
    from .fold import fold_constants
    f = fold_constants(g)
    problems = [Problem("", "", r, -1) for r in (rule(f.graph) for rule in GRAPH_RULES) if r]
    folding = dict(f.problems)
    for i, n in enumerate(f.graph.nodes):
        reason = folding.get(f.origin[i]) or check_node(f.graph, i)
        if reason:
            problems.append(Problem(n.name, n.op, reason, f.origin[i]))
    return problems


def _doc(rule) -> str:
    return " ".join((rule.__doc__ or rule.__name__).split())


def supported_ops_table() -> str:
    """Markdown: the rules every node obeys, then a table of the supported ops and their own rules."""
    from . import ops
    lines = ["Every node: " + " ".join(_doc(r) for r in COMMON_RULES), "", "| op | its own rules |", "|---|---|"]
    for op in sorted(ops.REGISTRY):
        lines.append(f"| {op} | {'<br>'.join(_doc(r) for r in ops.REGISTRY[op].rules)} |")
    return "\n".join(lines)
