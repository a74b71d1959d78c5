"""InstanceNorm (x, scale, bias), float32 -> ``fp32/instance_norm_fp32.h``.

Per sample (dim 0) and channel (``numerics.norm_channel_axis``: 1 for NCHW tensors, else the
last), over all other dims, as ``reference/instance_norm.py``; the input is viewed as
``[batch, outer, channels, inner]``.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, In, OpPlan, Out
from ..ir import Graph
from ._common import family, prod
from ._rules import inputs, one_output, same_as_input
from .batchnorm import float32_data, per_channel_params


def rank_3_or_more(g: Graph, i: int) -> str | None:
    """The input has at least 3 dims (batch, channel and at least one spatial dim)."""
    x = g.tensors[g.nodes[i].inputs[0]]
    if len(x.shape) < 3:
        return f"input must have at least 3 dims; got {x.describe()}"
    return None


scale_bias_per_channel = per_channel_params(1)

RULES = (inputs("x, scale, bias", 3, 3), one_output, float32_data, same_as_input, rank_3_or_more,
         scale_bias_per_channel)


def _plan(g: Graph, i: int) -> OpPlan:
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    shape = [int(d) for d in x.shape]
    c = numerics.norm_channel_axis(x.format, len(shape))
    params = dict(batch=shape[0], outer=prod(shape[1:c]), channels=shape[c], inner=prod(shape[c + 1:]),
                  epsilon=float(np.float32(node.attr("epsilon", 1e-5))))
    return OpPlan(kernel="instance_norm_fp32", args=(PARAM, In(0), In(1), In(2), Out(0)),
                  kernel_sources=("fp32/instance_norm_fp32.c",), header="fp32/instance_norm_fp32.h",
                  param_type="instance_norm_param_t", params=params, inplace=0, libm=True)


family(("InstanceNorm",), _plan, RULES)
