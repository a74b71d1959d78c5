"""Transpose (any dtype, up to 6 dims after merging dims that stay adjacent) ->
``base/transpose_base.h``.

Also the rules every data-movement family shares (:func:`movable_dtype`,
:func:`kept_quant`) and :func:`transpose_plan`, the plan of any permutation of a
(reshaped) tensor, which DepthToSpace / SpaceToDepth use too.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import NNACL_MAX_DIMS, UNARY_ARGS, array_fields, coalesce, family, io
from ._rules import QUANTIZED_DTYPES, inputs, one_output, variable_input


# ---------------------------------------------------------------- shared by the data-movement families

def movable_dtype(g: Graph, i: int) -> str | None:
    """The data input and every output share one dtype that has a C type (any but float64)."""
    n = g.nodes[i]
    x = g.tensors[n.inputs[0]]
    for ti in n.outputs:
        y = g.tensors[ti]
        if y.dtype != x.dtype:
            return f"output '{y.name}' is {y.dtype.short}; it must have the input's dtype {x.dtype.short}"
    if x.dtype == DType.FLOAT64:
        return "dtype float64 has no C type (any other dtype is moved as it is)"
    return None


def _qkey(t) -> list:
    return [(float(np.float32(q.scale)), int(q.zero_point)) for q in t.quant]


def kept_quant(g: Graph, i: int) -> str | None:
    """Quantized data moves unchanged: an output with quantization parameters has the data
    input's (when that has them), and a quantized int8/uint8 input gives quantized outputs
    (no dequantizing)."""
    n = g.nodes[i]
    x = g.tensors[n.inputs[0]]
    for ti in n.outputs:
        y = g.tensors[ti]
        if x.quant and y.quant and _qkey(x) != _qkey(y):
            return f"output '{y.name}' must be quantized like the input '{x.name}' (no requantizing)"
        if x.quant and not y.quant and x.dtype in QUANTIZED_DTYPES:
            return f"quantized input '{x.name}', unquantized output '{y.name}': the output must be quantized " \
                   f"like the input (no dequantizing)"
    return None


def permuted(shape: Sequence[int], p: Sequence[int]):
    """(output shape, merged output shape, input element strides of the merged dims) of the
    permutation ``p`` of a C-contiguous tensor of ``shape``: output dims the input walks
    contiguously are merged."""
    nd = len(shape)
    in_strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        in_strides[d] = in_strides[d + 1] * int(shape[d + 1])
    out_shape = [int(shape[d]) for d in p]
    shp, (st,) = coalesce(out_shape, [[in_strides[d] for d in p]])
    return out_shape, shp, st


def transpose_plan(shape: Sequence[int], p: Sequence[int], elem_size: int) -> OpPlan:
    """The transpose_base call of permutation ``p`` of a tensor of ``shape`` (at most
    NNACL_MAX_DIMS dims once merged)."""
    _, shp, st = permuted(shape, p)
    params = dict(ndim=len(shp), elem_size=elem_size, **array_fields("out_shape", shp),
                  **array_fields("in_strides", st))
    return OpPlan(kernel_sources=("base/transpose_base.c",), header="base/transpose_base.h",
                  param_type="transpose_param_t", params=params, kernel="transpose_base", args=UNARY_ARGS)


# ---------------------------------------------------------------- Transpose

def perm(g: Graph, i: int) -> list[int]:
    """The permutation (constant input 1, else the reversed axes), counted from the front."""
    ins = io(g, i)[0]
    nd = len(ins[0].shape)
    p = [int(v) for v in np.asarray(ins[1].array).reshape(-1)] if len(ins) > 1 else list(range(nd))[::-1]
    return [v + nd if v < 0 else v for v in p]


def geometry(g: Graph, i: int):
    """(output shape, merged output shape, input element strides of the merged dims) of the
    node (needs :func:`permutation`)."""
    return permuted(g.tensors[g.nodes[i].inputs[0]].shape, perm(g, i))


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


RULES = (one_output, inputs("x[, perm]", 1, 2), variable_input, permutation, transposed_output, kept_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    x = g.tensors[g.nodes[i].inputs[0]]
    return transpose_plan(x.shape, perm(g, i), x.dtype.itemsize)


family(("Transpose",), _plan, RULES)
