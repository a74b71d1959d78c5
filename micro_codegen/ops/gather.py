"""Gather along one axis (any dtype; int32 or int64 indices, constant or computed, of any
shape; negative indices count from the end) -> ``base/gather_base.h``: per outer index,
the inner slice of each index in turn. Follows ``reference/gather.py``."""
from __future__ import annotations

import numpy as np

from ..compiled import PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import family, io, prod
from ._rules import inputs, one_output
from .transpose import kept_quant, movable_dtype


def axis(g: Graph, i: int) -> int:
    """The gather axis counted from the front (constant input 2, default 0; needs :func:`gather_axis`)."""
    ins = io(g, i)[0]
    a = int(np.asarray(ins[2].array).reshape(-1)[0]) if len(ins) > 2 else 0
    return a + len(ins[0].shape) if a < 0 else a


# ---------------------------------------------------------------- rules

def gather_axis(g: Graph, i: int) -> str | None:
    """The axis (input 2, default 0) is a constant single value naming a dim of the data input."""
    ins = io(g, i)[0]
    if len(ins) > 2 and not ins[2].is_const:
        return "axis must be a constant input; got an activation"
    if len(ins) > 2 and ins[2].size != 1:
        return f"axis must hold one value; got shape {list(ins[2].shape)}"
    rank = len(ins[0].shape)
    if not 0 <= axis(g, i) < rank:
        raw = int(np.asarray(ins[2].array).reshape(-1)[0]) if len(ins) > 2 else 0
        return f"axis must name one of the {rank} data dims; got {raw}"
    return None


def gather_indices(g: Graph, i: int) -> str | None:
    """Indices are int32 or int64; constant indices lie in [-dim, dim) of the axis."""
    ins = io(g, i)[0]
    x, idx = ins[0], ins[1]
    if idx.dtype not in (DType.INT32, DType.INT64):
        return f"indices must be int32 or int64; got {idx.dtype.short}"
    if idx.is_const and idx.size:
        dim = x.shape[axis(g, i)]
        v = np.asarray(idx.array).astype(np.int64)
        if v.min() < -dim or v.max() >= dim:
            return f"indices must lie in [-{dim}, {dim}); got {int(v.min())}..{int(v.max())}"
    return None


def gather_output(g: Graph, i: int) -> str | None:
    """The output shape is the data shape with the axis replaced by the indices' shape."""
    (x, idx, *_), (y,) = io(g, i)
    a = axis(g, i)
    want = list(x.shape[:a]) + list(idx.shape) + list(x.shape[a + 1:])
    if list(y.shape) != want:
        return f"output shape must be {want}; got {list(y.shape)}"
    return None


RULES = (one_output, inputs("x, indices[, axis]", 2, 3), movable_dtype, gather_axis, gather_indices, gather_output,
         kept_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, idx, *_), _ = io(g, i)
    a = axis(g, i)
    params = dict(outer=prod(x.shape[:a]), axis_dim=int(x.shape[a]),
                  inner_bytes=prod(x.shape[a + 1:]) * x.dtype.itemsize, num_indices=idx.size,
                  index_bytes=idx.dtype.itemsize)
    return OpPlan(kernel="gather_base", args=(PARAM, In(0), In(1), Out(0)), returns_status=True,
                  kernel_sources=("base/gather_base.c",), header="base/gather_base.h", param_type="gather_param_t",
                  params=params)


family(("Gather",), _plan, RULES)
