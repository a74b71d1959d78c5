"""LayerNormFusion (x[, gamma[, beta]]), float32 -> ``fp32/layer_norm_fp32.h``.

Normalised over the dims from ``begin_norm_axis`` (biased variance, ``epsilon`` as stored);
``gamma`` / ``beta`` cover ``x``'s dims from ``begin_params_axis`` and repeat over the dims
before, as in ``reference/layer_norm.py`` (which applies them whenever they are inputs,
whatever ``elementwise_affine`` says).
"""
from __future__ import annotations

import numpy as np

from ..compiled import NULL, PARAM, In, OpPlan, Out
from ..ir import Graph
from ._common import family, prod
from ._rules import inputs, one_output, same_as_input
from .batchnorm import float32_data


def _axis(g: Graph, i: int, name: str) -> int | str:
    x = g.tensors[g.nodes[i].inputs[0]]
    rank = len(x.shape)
    axis = int(g.nodes[i].attr(name, -1))
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < max(rank, 1):
        return f"{name} must be in [-{rank}, {rank}); got {axis}"
    return a


def norm_axes(g: Graph, i: int) -> str | None:
    """``begin_norm_axis`` and ``begin_params_axis`` are axes of x."""
    for name in ("begin_norm_axis", "begin_params_axis"):
        a = _axis(g, i, name)
        if isinstance(a, str):
            return a
    return None


def params_fit(g: Graph, i: int) -> str | None:
    """gamma and beta hold x's dims from ``begin_params_axis``."""
    node = g.nodes[i]
    x = g.tensors[node.inputs[0]]
    pshape = [int(d) for d in x.shape[_axis(g, i, "begin_params_axis"):]]
    for ti in node.inputs[1:]:
        t = g.tensors[ti]
        if t.size != prod(pshape):
            return f"gamma and beta must hold x's dims from begin_params_axis {pshape}; got {t.describe()} " \
                   f"(does not fit)"
    return None


RULES = (inputs("x[, gamma[, beta]]", 1, 3), one_output, float32_data, same_as_input, norm_axes, params_fit)


def _plan(g: Graph, i: int) -> OpPlan:
    node = g.nodes[i]
    shape = [int(d) for d in g.tensors[node.inputs[0]].shape]
    ax, pax = _axis(g, i, "begin_norm_axis"), _axis(g, i, "begin_params_axis")
    params = dict(outer=prod(shape[:ax]), norm_size=prod(shape[ax:]), params_size=prod(shape[pax:]),
                  epsilon=float(np.float32(node.attr("epsilon", 1e-5))))
    n_in = len(node.inputs)
    return OpPlan(kernel="layer_norm_fp32",
                  args=(PARAM, In(0), In(1) if n_in > 1 else NULL, In(2) if n_in > 2 else NULL, Out(0)),
                  kernel_sources=("fp32/layer_norm_fp32.c",), header="fp32/layer_norm_fp32.h",
                  param_type="layer_norm_param_t", params=params, inplace=0, libm=True)


family(("LayerNormFusion",), _plan, RULES)
