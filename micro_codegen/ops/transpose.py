"""Transpose (any dtype, up to 6 dims after merging dims that stay adjacent) ->
``base/transpose_base.h``."""
from __future__ import annotations

import numpy as np

from ..ir import Graph
from ._common import NNACL_MAX_DIMS, Unsupported, array_fields, coalesce, family, io
from .base import OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    if x.is_const:
        raise Unsupported("transposing a constant tensor is not supported")
    nd = len(x.shape)
    if len(ins) > 1:
        if not ins[1].is_const:
            raise Unsupported("perm must be a constant input")
        perm = [int(p) for p in np.asarray(ins[1].array).reshape(-1)]
    else:
        perm = list(range(nd))[::-1]
    perm = [p + nd if p < 0 else p for p in perm]
    if sorted(perm) != list(range(nd)):
        raise Unsupported(f"perm {perm} is not a permutation of {nd} axes")
    if x.dtype != y.dtype:
        raise Unsupported(f"input {x.dtype.short} and output {y.dtype.short} differ")
    out_shape = [x.shape[p] for p in perm]
    if list(y.shape) != out_shape:
        raise Unsupported(f"output shape {list(y.shape)} differs from the transposed {out_shape}")
    in_strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        in_strides[d] = in_strides[d + 1] * int(x.shape[d + 1])
    shp, (st,) = coalesce(out_shape, [[in_strides[p] for p in perm]])
    if len(shp) > NNACL_MAX_DIMS:
        raise Unsupported(f"transpose over {len(shp)} dims; the kernel supports at most {NNACL_MAX_DIMS}")
    params = dict(ndim=len(shp), elem_size=x.dtype.itemsize, **array_fields("out_shape", shp),
                  **array_fields("in_strides", st))
    return OpPlan(kernel_sources=("base/transpose_base.c",), header="base/transpose_base.h",
                  param_type="transpose_param_t", params=params, call="transpose_base({param}, {in0}, {out0});")


family(("Transpose",), _plan)
