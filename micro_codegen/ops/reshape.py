"""Shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze, ExpandDims): the output IS the
input (``always_alias``), no code, no kernel. And the internal ConstantOutput of constant
folding (``fold.py``): a graph output computed at generation time, copied from flash into its
buffer by ``reshape_copy`` (``base/reshape_base.h``)."""
from __future__ import annotations

from ..compiled import PARAM, In, OpPlan, Out
from ..fold import CONSTANT_OUTPUT, RESHAPES
from ..ir import Graph
from ._common import family
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


family(RESHAPES, _plan, RULES)


def constant_input(g: Graph, i: int) -> str | None:
    """The value was computed at generation time (constant folding): input 0 is a constant."""
    t = g.tensors[g.nodes[i].inputs[0]]
    if not t.is_const:
        return f"input '{t.name}' must be a constant"
    return None


def _copy_plan(g: Graph, i: int) -> OpPlan:
    y = g.tensors[g.nodes[i].outputs[0]]
    return OpPlan(kernel="reshape_copy", args=(PARAM, In(0), Out(0)), kernel_sources=("base/reshape_base.c",),
                  header="base/reshape_base.h", param_type="reshape_param_t", params=dict(nbytes=y.nbytes))


family((CONSTANT_OUTPUT,), _copy_plan, (one_output, inputs("value", 1, 1), constant_input, same_as_input))
