"""TopKFusion with a constant k: the k largest values along one axis, sorted, and their int32 /
int64 indices, for bool, every integer dtype (int8 quantized or not), float16 and float32 ->
``base/topk_base.h`` (the selection of ``base/arg_min_max_base.c``). The order (ties by the
lower index, NaN last) is ``reference/topk.py``'s; ``largest`` and ``sorted`` are not used
(MindSpore Lite always takes the largest, sorted)."""
from __future__ import annotations

import numpy as np

from ..compiled import PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import cconst, family, io, prod
from ._rules import inputs

_SUFFIX = {DType.BOOL: "uint8", DType.INT8: "int8", DType.INT16: "int16", DType.INT32: "int32",
           DType.INT64: "int64", DType.UINT8: "uint8", DType.UINT16: "uint16", DType.UINT32: "uint32",
           DType.UINT64: "uint64", DType.FLOAT16: "fp16", DType.FLOAT32: "fp32"}


def _axis(g: Graph, i: int) -> int:
    node = g.nodes[i]
    rank = len(g.tensors[node.inputs[0]].shape)
    axis = int(node.attr("axis", -1))
    return axis + rank if axis < 0 else axis


def _k(g: Graph, i: int) -> int:
    return int(np.asarray(g.tensors[g.nodes[i].inputs[1]].array).reshape(-1)[0])


def geometry(g: Graph, i: int) -> tuple[int, int, int, int]:
    """(outer, axis size, inner, k) of node ``i`` (needs :func:`topk_k`)."""
    shape = [int(d) for d in g.tensors[g.nodes[i].inputs[0]].shape]
    a = _axis(g, i)
    return prod(shape[:a]), shape[a], prod(shape[a + 1:]), _k(g, i)


# ---------------------------------------------------------------- rules

def two_outputs(g: Graph, i: int) -> str | None:
    """The node has two outputs: values and indices."""
    n = len(g.nodes[i].outputs)
    if n != 2:
        return f"outputs must be values and indices; got {n} outputs"
    return None


def topk_dtypes(g: Graph, i: int) -> str | None:
    """The input is bool, an integer, float16 or float32; the values output has its dtype and
    quantization; the indices output is int32 or int64."""
    (x, *_), (v, ix) = io(g, i)
    if x.dtype not in _SUFFIX:
        return f"input dtype must be bool, an integer, float16 or float32; got {x.dtype.short}"
    if v.dtype != x.dtype:
        return f"values output must have the input's dtype {x.dtype.short}; got {v.dtype.short}"
    if [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in v.quant]:
        return "values output must have the input's quantization; got other parameters"
    if ix.dtype not in (DType.INT32, DType.INT64):
        return f"indices output must be int32 or int64; got {ix.dtype.short}"
    return None


def topk_k(g: Graph, i: int) -> str | None:
    """``k`` (input 1) is a constant in 1..axis size (a k known only at run time gives outputs of
    unknown shape); ``axis`` lies in the input's rank."""
    node = g.nodes[i]
    x, kt = g.tensors[node.inputs[0]], g.tensors[node.inputs[1]]
    rank = len(x.shape)
    axis = int(node.attr("axis", -1))
    if rank == 0 or not -rank <= axis < rank:
        return f"axis must be in [{-rank}, {rank - 1}]; got {axis}"
    if not kt.is_const or kt.size != 1:
        what = "an activation (outputs of run-time shape)" if not kt.is_const else kt.describe()
        return f"k (input 1) must be a one-element constant; got {what}"
    n = int(x.shape[_axis(g, i)])
    if not 1 <= _k(g, i) <= n:
        return f"k must be in 1..{n} (the axis size); got {_k(g, i)}"
    return None


def topk_output(g: Graph, i: int) -> str | None:
    """Both outputs have outer x k x inner elements."""
    outer, _, inner, k = geometry(g, i)
    for t in io(g, i)[1]:
        if t.size != outer * k * inner:
            return f"outputs must have {outer * k * inner} elements; got {t.describe()}"
    return None


RULES = (two_outputs, inputs("x, k", 2, 2), topk_dtypes, topk_k, topk_output)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, _), (_, ix) = io(g, i)
    outer, n, inner, k = geometry(g, i)
    params = dict(outer=outer, axis_size=n, inner=inner, k=k,
                  index_kind=cconst("TOPK_INDEX64" if ix.dtype == DType.INT64 else "TOPK_INDEX32"))
    return OpPlan(kernel=f"topk_{_SUFFIX[x.dtype]}", args=(PARAM, In(0), Out(0), Out(1)),
                  kernel_sources=("base/topk_base.c", "base/arg_min_max_base.c"), header="base/topk_base.h",
                  param_type="topk_param_t", params=params)


family(("TopKFusion",), _plan, RULES)
