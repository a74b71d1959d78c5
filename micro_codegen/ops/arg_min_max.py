"""ArgMaxFusion / ArgMinFusion along one axis, any top_k, indices (int32 / int64) or values, for
bool, every integer dtype, float16 and float32 -> ``base/arg_min_max_base.h``. The order (ties
by the lower index, NaN last) is ``reference/arg_min_max.py``'s."""
from __future__ import annotations

from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, cconst, family, io, prod
from ._rules import inputs, one_output

#: input dtype -> the C function's suffix (bool is stored as uint8_t)
_SUFFIX = {DType.BOOL: "uint8", DType.INT8: "int8", DType.INT16: "int16", DType.INT32: "int32",
           DType.INT64: "int64", DType.UINT8: "uint8", DType.UINT16: "uint16", DType.UINT32: "uint32",
           DType.UINT64: "uint64", DType.FLOAT16: "fp16", DType.FLOAT32: "fp32"}


def _values(g: Graph, i: int) -> bool:
    return bool(g.nodes[i].attr("out_max_value", False))


def geometry(g: Graph, i: int) -> tuple[int, int, int, int]:
    """(outer, axis size, inner, k) of node ``i``: ``axis`` counted from the front, ``top_k``
    0 read as 1."""
    node = g.nodes[i]
    shape = [int(d) for d in g.tensors[node.inputs[0]].shape]
    axis = int(node.attr("axis", 0) or 0)
    axis = axis + len(shape) if axis < 0 else axis
    k = int(node.attr("top_k", 1) or 1)
    return prod(shape[:axis]), shape[axis], prod(shape[axis + 1:]), k


# ---------------------------------------------------------------- rules

def arg_dtypes(g: Graph, i: int) -> str | None:
    """The input is bool, an integer, float16 or float32; the output holds int32 / int64 indices,
    or with ``out_max_value`` the values in the input's dtype (int8: with its quantization)."""
    (x,), (y,) = io(g, i)
    if x.dtype not in _SUFFIX:
        return f"input dtype must be bool, an integer, float16 or float32; got {x.dtype.short}"
    if _values(g, i):
        if y.dtype != x.dtype:
            return f"out_max_value output must have the input's dtype {x.dtype.short}; got {y.dtype.short}"
        if [(q.scale, q.zero_point) for q in x.quant] != [(q.scale, q.zero_point) for q in y.quant]:
            return "out_max_value output must have the input's quantization; got other parameters"
    elif y.dtype not in (DType.INT32, DType.INT64):
        return f"index output must be int32 or int64; got {y.dtype.short}"
    return None


def arg_axis(g: Graph, i: int) -> str | None:
    """``axis`` lies in the input's rank (negative: from the end) and ``1 <= top_k <= axis size``
    (top_k 0: 1)."""
    node = g.nodes[i]
    rank = len(g.tensors[node.inputs[0]].shape)
    axis = int(node.attr("axis", 0) or 0)
    if rank == 0 or not -rank <= axis < rank:
        return f"axis must be in [{-rank}, {rank - 1}]; got {axis}"
    _, n, _, k = geometry(g, i)
    if not 1 <= k <= n:
        return f"top_k must be in 1..{n} (the axis size); got {k}"
    return None


def arg_output(g: Graph, i: int) -> str | None:
    """The output has outer x top_k x inner elements."""
    outer, _, inner, k = geometry(g, i)
    y = g.tensors[g.nodes[i].outputs[0]]
    if y.size != outer * k * inner:
        return f"output must have {outer * k * inner} elements; got {y.describe()}"
    return None


RULES = (one_output, inputs("x", 1, 1), arg_dtypes, arg_axis, arg_output)


def _plan(g: Graph, i: int) -> OpPlan:
    (x,), (y,) = io(g, i)
    outer, n, inner, k = geometry(g, i)
    kind = "ARG_MIN_MAX_OUT_VALUE" if _values(g, i) else \
        "ARG_MIN_MAX_OUT_INDEX64" if y.dtype == DType.INT64 else "ARG_MIN_MAX_OUT_INDEX32"
    params = dict(outer=outer, axis_size=n, inner=inner, top_k=k, is_min=int(g.nodes[i].op == "ArgMinFusion"),
                  out_kind=cconst(kind))
    return OpPlan(kernel=f"arg_min_max_{_SUFFIX[x.dtype]}", args=UNARY_ARGS,
                  kernel_sources=("base/arg_min_max_base.c",), header="base/arg_min_max_base.h",
                  param_type="arg_min_max_param_t", params=params)


family(("ArgMaxFusion", "ArgMinFusion"), _plan, RULES)
