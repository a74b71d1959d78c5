"""Comparisons (Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual), LogicalAnd /
LogicalOr and Where, with broadcasting (semantics in ``reference/arithmetic_compare.py``).

* comparisons of non-quantized inputs (float32, float16, bool, int8 .. uint64) and the
  logical ops -> ``base/arithmetic_compare_base.h`` (``<cmp>_<tag>``, ``logical_and_bool``);
* comparisons of quantized int8 inputs -> ``int8/arithmetic_compare_int8.h`` (TFLite's
  rescaling: ``numerics.comparison_multiplier``, left shift ``COMPARE_LEFT_SHIFT``, double
  rounding);
* Where -> ``where_base`` (elements copied by size, any dtype; its own three-operand walk).

The binary ones take ``arith_param_t`` (broadcast fields as ``ops/arithmetic.py`` fills them)
and run on ``base/arithmetic_base.c``'s driver.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import NNACL_MAX_DIMS, array_fields, broadcast_strides, coalesce, family, io, rounding_code
from ._rules import inputs, one_output, quantized_8bit, refusal
from .arithmetic import INTEGER_TAGS, arith_broadcast, broadcast_params, same_broadcast_shape

#: comparison op -> C name stem
C_NAMES = {"Equal": "equal", "NotEqual": "not_equal", "Less": "less", "LessEqual": "less_equal",
           "Greater": "greater", "GreaterEqual": "greater_equal"}
_LOGIC = {"LogicalAnd": "logical_and", "LogicalOr": "logical_or"}
#: input dtype -> tag of the base comparison kernels
COMPARE_TAGS = {DType.FLOAT32: "fp32", DType.FLOAT16: "fp16", DType.BOOL: "u8", **INTEGER_TAGS}

_BASE = "base/arithmetic_base.c"


def _quantized(t) -> bool:
    return t.dtype in (DType.INT8, DType.UINT8) and bool(t.quant)


# ---------------------------------------------------------------- rules

def compare_dtypes(g: Graph, i: int) -> str | None:
    """Both inputs share one dtype (float32, float16, bool, int8 .. int64, uint8 .. uint64; only
    int8 may be quantized, both inputs then) and the output is bool."""
    n = g.nodes[i]
    a, b = (g.tensors[t] for t in n.inputs)
    y = g.tensors[n.outputs[0]]
    if a.dtype != b.dtype or a.dtype not in COMPARE_TAGS:
        return (f"inputs must share one dtype of {', '.join(d.short for d in COMPARE_TAGS)}; "
                f"got {a.dtype.short}, {b.dtype.short}")
    if y.dtype != DType.BOOL:
        return f"the output must be bool; got {y.dtype.short}"
    qa, qb = _quantized(a), _quantized(b)
    if (qa or qb) and not (qa and qb and a.dtype == DType.INT8):
        return (f"quantized inputs must be two int8 tensors; got {a.dtype.short} ({'' if qa else 'not '}quantized), "
                f"{b.dtype.short} ({'' if qb else 'not '}quantized)")
    return None


def compare_scales(g: Graph, i: int) -> str | None:
    """Quantized int8 inputs have one (scale, zero point) each, scales in (0, 1) (TFLite
    rescales each by ``QuantizeMultiplierSmallerThanOneExp``)."""
    for ti in g.nodes[i].inputs:
        t = g.tensors[ti]
        if _quantized(t):
            if len(t.quant) != 1:
                return f"int8 tensor '{t.name}' needs exactly one (scale, zero point); has {len(t.quant)}"
            reason = refusal(lambda: numerics.comparison_multiplier(t.quant[0].scale))
            if reason:
                return reason
    return None


def bool_operands(g: Graph, i: int) -> str | None:
    """Both inputs and the output are bool."""
    ts = [g.tensors[t] for t in g.nodes[i].inputs + g.nodes[i].outputs]
    if any(t.dtype != DType.BOOL for t in ts):
        return f"inputs and output must be bool; got {', '.join(t.dtype.short for t in ts)}"
    return None


def _where_shape(g: Graph, i: int):
    c, x, y = (g.tensors[t] for t in g.nodes[i].inputs)
    shape = tuple(np.broadcast_shapes(c.shape, x.shape, y.shape))
    merged, strides = coalesce(shape, [broadcast_strides(t.shape, shape) for t in (c, x, y)])
    return shape, merged, strides


def where_operands(g: Graph, i: int) -> str | None:
    """The condition is bool; x, y and the output share one dtype, and quantized x / y share
    the output's quantization (elements are copied, not requantized)."""
    c, x, y = (g.tensors[t] for t in g.nodes[i].inputs)
    out = g.tensors[g.nodes[i].outputs[0]]
    if c.dtype != DType.BOOL:
        return f"the condition must be bool; got {c.dtype.short}"
    if not x.dtype == y.dtype == out.dtype or out.dtype.itemsize not in (1, 2, 4, 8):
        return f"x, y and the output must share one dtype; got {x.dtype.short}, {y.dtype.short}, {out.dtype.short}"
    qs = {tuple((q.scale, q.zero_point) for q in t.quant) for t in (x, y, out)}
    if any(t.quant for t in (x, y, out)) and len(qs) > 1:
        return f"x, y and the output must share one quantization; got {sorted(qs)}"
    return None


def where_broadcast(g: Graph, i: int) -> str | None:
    """The three inputs broadcast (numpy rules) to the output's shape (give or take leading
    1s), over at most 6 dims once the dims all of them walk alike are merged."""
    out = g.tensors[g.nodes[i].outputs[0]]
    try:
        shape, merged, _ = _where_shape(g, i)
    except ValueError:
        shapes = [list(g.tensors[t].shape) for t in g.nodes[i].inputs]
        return f"shapes {shapes} do not broadcast"
    if not same_broadcast_shape(out.shape, shape):
        return f"output shape {list(out.shape)} must be the broadcast shape {list(shape)}"
    if len(merged) > NNACL_MAX_DIMS:
        return f"broadcast over {len(merged)} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


_CMP_RULES = (one_output, inputs("a, b", 2, 2), compare_dtypes, quantized_8bit, compare_scales, arith_broadcast)
_LOGIC_RULES = (one_output, inputs("a, b", 2, 2), bool_operands, arith_broadcast)
RULES = dict({op: _CMP_RULES for op in C_NAMES}, **{op: _LOGIC_RULES for op in _LOGIC})
RULES["Where"] = (one_output, inputs("condition, x, y", 3, 3), where_operands, where_broadcast)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    if node.op == "Where":
        shape, merged, (sc, sx, sy) = _where_shape(g, i)
        params = dict(size=outs[0].size, ndim=len(merged), elem_size=outs[0].dtype.itemsize,
                      **array_fields("out_shape", merged), **array_fields("cond_strides", sc),
                      **array_fields("x_strides", sx), **array_fields("y_strides", sy))
        inplace = next((k for k in (1, 2) if not ins[k].is_const and ins[k].size == outs[0].size), None)
        return OpPlan(kernel="where_base", args=(PARAM, In(0), In(1), In(2), Out(0)),
                      kernel_sources=("base/arithmetic_compare_base.c", _BASE), header="base/arithmetic_compare_base.h",
                      param_type="where_param_t", params=params, inplace=inplace)

    a, b, y = ins[0], ins[1], outs[0]
    params = broadcast_params(a.shape, b.shape, y.shape)
    inplace = next((k for k, t in enumerate((a, b)) if not t.is_const and t.size == y.size and t.dtype == y.dtype),
                   None)
    common = dict(args=(PARAM, In(0), In(1), Out(0)), param_type="arith_param_t", inplace=inplace)
    if node.op in _LOGIC:
        return OpPlan(kernel=f"{_LOGIC[node.op]}_bool", kernel_sources=("base/arithmetic_compare_base.c", _BASE),
                      header="base/arithmetic_compare_base.h", params=params, **common)
    name = C_NAMES[node.op]
    if _quantized(a):
        (m1, e1), (m2, e2) = (numerics.comparison_multiplier(t.quant[0].scale) for t in (a, b))
        params.update(in0_offset=-int(a.quant[0].zero_point), in1_offset=-int(b.quant[0].zero_point),
                      left_shift=numerics.COMPARE_LEFT_SHIFT, in0_multiplier=m1, in0_shift=e1, in1_multiplier=m2,
                      in1_shift=e2, rounding=rounding_code("double"))
        return OpPlan(kernel=f"{name}_int8", kernel_sources=("int8/arithmetic_compare_int8.c", _BASE),
                      header="int8/arithmetic_compare_int8.h", params=params, **common)
    return OpPlan(kernel=f"{name}_{COMPARE_TAGS[a.dtype]}", kernel_sources=("base/arithmetic_compare_base.c", _BASE),
                  header="base/arithmetic_compare_base.h", params=params, **common)


family(tuple(RULES), _plan, RULES)
