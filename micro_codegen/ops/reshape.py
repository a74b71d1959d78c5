"""Shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze, ExpandDims): the output IS the
input (``always_alias``), no code, no kernel."""
from __future__ import annotations

from ..ir import Graph
from ._common import family
from ..compiled import OpPlan
from ._rules import inputs, one_output, same_as_input, variable_input


def same_quant(g: Graph, i: int) -> str | None:
    """Input and output quantization parameters, when both have them, are equal (no requantizing)."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if x.quant and y.quant and [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in y.quant]:
        return "input and output quantization parameters must be equal (a reshape cannot requantize)"
    return None


RULES = (one_output, inputs("x[, shape or axes]", 1, 2), variable_input, same_as_input, same_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    return OpPlan(inplace=0, always_alias=True)


family(("Reshape", "Flatten", "Squeeze", "Unsqueeze", "ExpandDims"), _plan, RULES)
