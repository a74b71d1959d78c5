"""DepthToSpace (DCR / CRD) and SpaceToDepth, NHWC or NCHW, any dtype ->
``base/transpose_base.h``: both are a permutation of the input viewed as 6-D
(:func:`micro_codegen.numerics.depth_to_space_geometry`, as ``reference/depth_to_space.py``)."""
from __future__ import annotations

from .. import numerics
from ..compiled import OpPlan
from ..ir import Graph
from ._common import family, io
from ._rules import inputs, one_output, refusal
from .transpose import kept_quant, movable_dtype, transpose_plan


def geometry(g: Graph, i: int):
    """(6-D view of the input, permutation, output shape)."""
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    return numerics.depth_to_space_geometry(node.op, x.shape, int(node.attr("block_size", 0) or 0),
                                            node.attr("mode") or "DCR", node.attr("format") == "NCHW")


# ---------------------------------------------------------------- rules

def block_fits(g: Graph, i: int) -> str | None:
    """The input is 4-D; ``block_size`` > 0 divides the spatial dims (SpaceToDepth) or its square
    divides the channels (DepthToSpace, mode DCR or CRD)."""
    return refusal(lambda: geometry(g, i))


def rearranged_output(g: Graph, i: int) -> str | None:
    """The output has the rearranged shape."""
    y = g.tensors[g.nodes[i].outputs[0]]
    want = list(geometry(g, i)[2])
    if list(y.shape) != want:
        return f"output shape must be {want}; got {list(y.shape)}"
    return None


RULES = (one_output, inputs("x", 1, 1), movable_dtype, block_fits, rearranged_output, kept_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    (x,), _ = io(g, i)
    view, perm, _ = geometry(g, i)
    return transpose_plan(view, perm, x.dtype.itemsize)


family(("DepthToSpace", "SpaceToDepth"), _plan, RULES)
