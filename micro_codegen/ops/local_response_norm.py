"""LRN across channels, float32 -> ``fp32/local_response_norm_fp32.h``.

The channel axis is ``numerics.norm_channel_axis`` (1 for NCHW tensors, else the last) as in
``reference/local_response_norm.py``; the input is viewed as ``[outer, channels, inner]``.
``alpha`` is used as stored (MindSpore keeps ONNX's ``alpha / size``).
"""
from __future__ import annotations

from ..compiled import PARAM, In, OpPlan, Out
from ..ir import Graph
from ._common import family
from ._rules import inputs, one_output, same_as_input
from .batchnorm import channel_split, float32_data


def across_channels(g: Graph, i: int) -> str | None:
    """``norm_region`` is ACROSS_CHANNELS (or unset) and ``depth_radius`` >= 0."""
    node = g.nodes[i]
    region = node.attr("norm_region") or "ACROSS_CHANNELS"
    if region != "ACROSS_CHANNELS":
        return f"norm_region must be ACROSS_CHANNELS; got {region}"
    r = int(node.attr("depth_radius", 5))
    if r < 0:
        return f"depth_radius must be >= 0; got {r}"
    return None


RULES = (inputs("x", 1, 1), one_output, float32_data, same_as_input, across_channels)


def _plan(g: Graph, i: int) -> OpPlan:
    node = g.nodes[i]
    outer, channels, inner = channel_split(g, i)
    params = dict(outer=outer, channels=channels, inner=inner, depth_radius=int(node.attr("depth_radius", 5)),
                  bias=float(node.attr("bias", 1.0)), alpha=float(node.attr("alpha", 1e-4)),
                  beta=float(node.attr("beta", 0.75)))
    return OpPlan(kernel="local_response_norm_fp32", args=(PARAM, In(0), Out(0)),
                  kernel_sources=("fp32/local_response_norm_fp32.c",), header="fp32/local_response_norm_fp32.h",
                  param_type="local_response_norm_param_t", params=params, libm=True)


family(("LRN",), _plan, RULES)
