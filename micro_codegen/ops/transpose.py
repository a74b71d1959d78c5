"""Transpose (any dtype, up to 6 dims after merging dims that stay adjacent) ->
``base/transpose_base.h``."""
from __future__ import annotations

import numpy as np

from ..compiled import OpPlan
from ..ir import Graph
from ._common import NNACL_MAX_DIMS, UNARY_ARGS, array_fields, coalesce, family, io
from ._rules import inputs, one_output, variable_input


def perm(g: Graph, i: int) -> list[int]:
    """The permutation (constant input 1, else the reversed axes), counted from the front."""
    ins = io(g, i)[0]
    nd = len(ins[0].shape)
    p = [int(v) for v in np.asarray(ins[1].array).reshape(-1)] if len(ins) > 1 else list(range(nd))[::-1]
    return [v + nd if v < 0 else v for v in p]


def geometry(g: Graph, i: int):
    """(output shape, merged output shape, input element strides of the merged dims): output
    dims the input walks contiguously are merged (needs :func:`permutation`)."""
    x = g.tensors[g.nodes[i].inputs[0]]
    p, nd = perm(g, i), len(x.shape)
    in_strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        in_strides[d] = in_strides[d + 1] * int(x.shape[d + 1])
    out_shape = [x.shape[d] for d in p]
    shp, (st,) = coalesce(out_shape, [[in_strides[d] for d in p]])
    return out_shape, shp, st


# ---------------------------------------------------------------- rules

def permutation(g: Graph, i: int) -> str | None:
    """The perm input is constant and holds a permutation of the input's axes (no perm: reverse them)."""
    ins = io(g, i)[0]
    if len(ins) > 1 and not ins[1].is_const:
        return "perm must be a constant input"
    if sorted(perm(g, i)) != list(range(len(ins[0].shape))):
        return f"perm {perm(g, i)} is not a permutation of {len(ins[0].shape)} axes"
    return None


def transposed_output(g: Graph, i: int) -> str | None:
    """The output has the input's dtype and the permuted shape; at most 6 dims remain once the
    dims that stay adjacent are merged."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    out_shape, shp, _ = geometry(g, i)
    if x.dtype != y.dtype:
        return f"input {x.dtype.short} and output {y.dtype.short} must share a dtype"
    if list(y.shape) != out_shape:
        return f"output shape must be the transposed {out_shape}; got {list(y.shape)}"
    if len(shp) > NNACL_MAX_DIMS:
        return f"transpose over {len(shp)} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


RULES = (one_output, inputs("x[, perm]", 1, 2), variable_input, permutation, transposed_output)


def _plan(g: Graph, i: int) -> OpPlan:
    x = g.tensors[g.nodes[i].inputs[0]]
    _, shp, st = geometry(g, i)
    params = dict(ndim=len(shp), elem_size=x.dtype.itemsize, **array_fields("out_shape", shp),
                  **array_fields("in_strides", st))
    return OpPlan(kernel_sources=("base/transpose_base.c",), header="base/transpose_base.h",
                  param_type="transpose_param_t", params=params, kernel="transpose_base", args=UNARY_ARGS)


family(("Transpose",), _plan, RULES)
