"""Element-wise binary ops with broadcasting: AddFusion, SubFusion, MulFusion (fp32, int8),
DivFusion, Maximum, Minimum (fp32) -> ``fp32/arithmetic_fp32.h`` / ``int8/arithmetic_int8.h``.

Broadcasting is resolved here: the output dims are coalesced (size-1 dims dropped,
neighbours every operand walks contiguously fused) and the kernel gets the output shape
plus one element stride per operand and dim (0 = broadcast), at most 6 dims. Same-shape
and one-scalar-operand cases get their own variants. int8 multipliers and rounding modes
are the reference's (``numerics.add_multipliers`` / ``mul_multiplier``, ``ROUNDING_ADD`` /
``ROUNDING_MUL``).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import (NNACL_MAX_DIMS, Unsupported, act_code, array_fields, broadcast_strides, coalesce,
                      cconst, family, io, qparams, rounding_code)
from ._rules import fused_activation, inputs, int8_quantized, one_output

#: arith_param_t.variant values (common/arithmetic_param.h)
SAME_SHAPE, SCALAR0, SCALAR1, BROADCAST = (cconst(f"ARITH_{v}") for v in ("SAME_SHAPE", "SCALAR0", "SCALAR1", "BROADCAST"))

_FP32_FN = {"AddFusion": "add_fp32", "SubFusion": "sub_fp32", "MulFusion": "mul_fp32", "DivFusion": "div_fp32",
            "Maximum": "maximum_fp32", "Minimum": "minimum_fp32"}
_INT8_FN = {"AddFusion": "add_int8", "SubFusion": "sub_int8", "MulFusion": "mul_int8"}


def broadcast(a_shape, b_shape):
    """(broadcast shape, merged shape, (a strides, b strides)) of two operands (numpy rules;
    ValueError if they do not broadcast): the dims every operand walks alike are merged."""
    shape = tuple(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    return (shape,) + tuple(coalesce(shape, [broadcast_strides(a_shape, shape), broadcast_strides(b_shape, shape)]))


def broadcast_params(a_shape, b_shape, out_shape) -> dict:
    """variant / ndim / out_shape / in0_strides / in1_strides of arith_param_t (needs
    :func:`arith_broadcast`)."""
    shape, shp, (sa, sb) = broadcast(a_shape, b_shape)
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    na = int(np.prod(a_shape, dtype=np.int64)) if len(a_shape) else 1
    nb = int(np.prod(b_shape, dtype=np.int64)) if len(b_shape) else 1
    p = dict(size=size, variant=SAME_SHAPE, ndim=1, **array_fields("out_shape", [size]),
             **array_fields("in0_strides", [1]), **array_fields("in1_strides", [1]))
    if na == size and nb == size:
        return p
    if na == 1 and nb == size:
        return dict(p, variant=SCALAR0)
    if nb == 1 and na == size:
        return dict(p, variant=SCALAR1)
    return dict(p, variant=BROADCAST, ndim=len(shp), **array_fields("out_shape", shp),
                **array_fields("in0_strides", sa), **array_fields("in1_strides", sb))


# ---------------------------------------------------------------- rules

def arith_broadcast(g: Graph, i: int) -> str | None:
    """The inputs broadcast (numpy rules) to the output's element count, over at most 6 dims
    once the dims both inputs walk alike are merged."""
    (a, b), (y,) = io(g, i)
    try:
        shape, merged, _ = broadcast(a.shape, b.shape)
    except ValueError:
        return f"shapes {list(a.shape)} and {list(b.shape)} do not broadcast"
    if int(np.prod(shape, dtype=np.int64)) != y.size:
        return f"output shape {list(y.shape)} must hold the broadcast shape {list(shape)}"
    if len(merged) > NNACL_MAX_DIMS:
        return f"broadcast over {len(merged)} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


def float32_or_int8_operands(g: Graph, i: int) -> str | None:
    """Both inputs and the output are float32, or all int8."""
    dts = [g.tensors[t].dtype for t in g.nodes[i].inputs + g.nodes[i].outputs]
    if dts not in ([DType.FLOAT32] * 3, [DType.INT8] * 3):
        return f"inputs and output must be all float32 or all int8; got {', '.join(d.short for d in dts)}"
    return None


def float32_operands(g: Graph, i: int) -> str | None:
    """Both inputs and the output are float32 (no int8 kernel)."""
    dts = [g.tensors[t].dtype for t in g.nodes[i].inputs + g.nodes[i].outputs]
    if dts != [DType.FLOAT32] * 3:
        return f"inputs and output must be float32 (the only kernel); got {', '.join(d.short for d in dts)}"
    return None


_INT8_OR_FP32 = (one_output, inputs("a, b", 2, 2), float32_or_int8_operands, int8_quantized, arith_broadcast,
                 fused_activation)
_FP32 = (one_output, inputs("a, b", 2, 2), float32_operands, arith_broadcast)
RULES = {"AddFusion": _INT8_OR_FP32, "SubFusion": _INT8_OR_FP32, "MulFusion": _INT8_OR_FP32,
         "DivFusion": _FP32 + (fused_activation,), "Maximum": _FP32, "Minimum": _FP32}


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    a, b, y = ins[0], ins[1], outs[0]
    params = broadcast_params(a.shape, b.shape, y.shape)
    act = node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    params.update(act_type=act_code(None), in0_offset=0, in1_offset=0, out_offset=0, left_shift=0, in0_multiplier=0,
                  in0_shift=0, in1_multiplier=0, in1_shift=0, out_multiplier=0, out_shift=0, rounding=rounding_code("single"),
                  act_min=-128, act_max=127)
    # in-place: the output may take the memory of a non-constant input of its own size and dtype
    inplace = next((k for k, t in enumerate((a, b)) if not t.is_const and t.size == y.size and t.dtype == y.dtype),
                   None)

    if a.dtype == DType.FLOAT32 and b.dtype == DType.FLOAT32:
        if node.op in ("Maximum", "Minimum"):
            act = "NO_ACTIVATION"
        params["act_type"] = act_code(act)
        fn = _FP32_FN[node.op]
        return OpPlan(kernel=fn, args=(PARAM, In(0), In(1), Out(0)),
                      kernel_sources=("fp32/arithmetic_fp32.c",), header="fp32/arithmetic_fp32.h",
                      param_type="arith_param_t", params=params, inplace=inplace)

    if a.dtype == DType.INT8 and b.dtype == DType.INT8:
        s1, z1 = qparams(a, "input 1")
        s2, z2 = qparams(b, "input 2")
        so, zo = qparams(y, "output")
        qmin, qmax = numerics.activation_range(act, so, zo, np.int8)
        params.update(in0_offset=-z1, in1_offset=-z2, out_offset=zo, act_min=int(qmin), act_max=int(qmax))
        if node.op in ("AddFusion", "SubFusion"):
            (m1, e1), (m2, e2), (mo, eo) = numerics.add_multipliers(s1, s2, so)
            params.update(left_shift=numerics.ADD_LEFT_SHIFT, in0_multiplier=m1, in0_shift=e1, in1_multiplier=m2,
                          in1_shift=e2, out_multiplier=mo, out_shift=eo,
                          rounding=rounding_code(numerics.ROUNDING_ADD))
        else:
            m, e = numerics.mul_multiplier(s1, s2, so)
            params.update(out_multiplier=m, out_shift=e, rounding=rounding_code(numerics.ROUNDING_MUL))
        fn = _INT8_FN[node.op]
        return OpPlan(kernel=fn, args=(PARAM, In(0), In(1), Out(0)),
                      kernel_sources=("int8/arithmetic_int8.c",), header="int8/arithmetic_int8.h",
                      param_type="arith_param_t", params=params, inplace=inplace)

    raise Unsupported(f"inputs {a.dtype.short} and {b.dtype.short} (see the operand rules)")


family(tuple(_FP32_FN), _plan, RULES)
