"""Comparisons (Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual), LogicalAnd/Or and Where:
numpy definitions with broadcasting (see each kernel's docstring)."""
from __future__ import annotations

import numpy as np

from ._util import no_quant
from .registry import OpContext, kernel


_CMP = {"Equal": np.equal, "NotEqual": np.not_equal, "Less": np.less, "LessEqual": np.less_equal,
        "Greater": np.greater, "GreaterEqual": np.greater_equal,
        "LogicalAnd": np.logical_and, "LogicalOr": np.logical_or}


@kernel(*_CMP)
def compare_op(ctx: OpContext):
    """Element-wise comparison / logic with numpy broadcasting; bool output."""
    no_quant(ctx)
    return [_CMP[ctx.node.op](ctx.inputs[0], ctx.inputs[1]).astype(ctx.out_tensors[0].dtype.np)]


@kernel("Where")
def where(ctx: OpContext):
    """``where(cond, x, y)`` with broadcasting (three inputs only)."""
    if len(ctx.inputs) != 3:
        raise ctx.unsupported("Where with other than 3 inputs is not supported")
    c, a, b = ctx.inputs
    return [np.where(c.astype(bool), a, b).astype(ctx.out_tensors[0].dtype.np)]
