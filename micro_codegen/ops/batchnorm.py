"""BatchNorm (x, mean, var) and FusedBatchNorm (x, scale, bias, mean, var), inference form
with the stored statistics, float32 -> ``fp32/batchnorm_fp32.h``.

The channel axis is ``numerics.norm_channel_axis`` (1 for NCHW tensors, else the last), as in
``reference/batchnorm.py``; the input is viewed as ``[outer, channels, inner]``. The
statistics are passed as they are (from flash when constant), so training-mode attributes
(``momentum``, ``mode``) do not matter: the stored mean and variance are used.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import family, prod
from ._rules import inputs, one_output, same_as_input


def float32_data(g: Graph, i: int) -> str | None:
    """Every input and the output are float32."""
    n = g.nodes[i]
    for ti in n.inputs + n.outputs:
        t = g.tensors[ti]
        if t.dtype != DType.FLOAT32:
            return f"tensors must be float32; got {t.dtype.short} '{t.name}'"
    return None


def channel_split(g: Graph, i: int) -> tuple[int, int, int]:
    """(outer, channels, inner) of the node's input around its channel axis."""
    x = g.tensors[g.nodes[i].inputs[0]]
    shape = [int(d) for d in x.shape] or [1]
    c = numerics.norm_channel_axis(x.format, len(shape))
    return prod(shape[:c]), shape[c], prod(shape[c + 1:])


def per_channel_params(first: int):
    """A rule: inputs ``first`` on hold one value per channel."""

    def rule(g: Graph, i: int) -> str | None:
        channels = channel_split(g, i)[1]
        for ti in g.nodes[i].inputs[first:]:
            t = g.tensors[ti]
            if t.size != channels:
                return f"per-channel inputs must hold {channels} values (channel axis: 1 for NCHW, else last); " \
                       f"got {t.describe()}"
        return None

    rule.__doc__ = "The statistics (and scale, bias) hold one value per channel (axis 1 of an NCHW input, " \
                   "else the last axis)."
    rule.__name__ = rule.__qualname__ = "per_channel_params"
    return rule


statistics_per_channel = per_channel_params(1)

_COMMON = (one_output, float32_data, same_as_input, statistics_per_channel)
RULES = {"BatchNorm": (inputs("x, mean, var", 3, 3),) + _COMMON,
         "FusedBatchNorm": (inputs("x, scale, bias, mean, var", 5, 5),) + _COMMON}


def _plan(g: Graph, i: int) -> OpPlan:
    node = g.nodes[i]
    outer, channels, inner = channel_split(g, i)
    params = dict(outer=outer, channels=channels, inner=inner, epsilon=float(np.float32(node.attr("epsilon", 1e-5))))
    if node.op == "BatchNorm":
        args = (PARAM, In(0), NULL, NULL, In(1), In(2), Out(0))
    else:
        args = (PARAM, In(0), In(1), In(2), In(3), In(4), Out(0))
    return OpPlan(kernel="batchnorm_fp32", args=args, kernel_sources=("fp32/batchnorm_fp32.c",),
                  header="fp32/batchnorm_fp32.h", param_type="batchnorm_param_t", params=params, inplace=0,
                  libm=True)


family(("BatchNorm", "FusedBatchNorm"), _plan, RULES)
