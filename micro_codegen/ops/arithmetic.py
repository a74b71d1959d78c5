"""Element-wise binary ops with broadcasting: AddFusion, SubFusion, MulFusion (fp32, int8),
DivFusion, Maximum, Minimum (fp32) -> ``fp32/arithmetic_fp32.h`` / ``int8/arithmetic_int8.h``.

Broadcasting is resolved here: the output dims are coalesced (size-1 dims dropped,
neighbours every operand walks contiguously fused) and the kernel gets the output shape
plus one element stride per operand and dim (0 = broadcast), at most 6 dims. Same-shape
and one-scalar-operand cases get their own variants. int8 multipliers follow
``reference/arithmetic.py`` exactly (left shift 20, ``twice_max`` scaling; rounding modes
``ROUNDING_ADD`` / ``ROUNDING_MUL``).
"""
from __future__ import annotations

import numpy as np

from ..ir import DType, Graph
from ..reference import arithmetic, quant
from ._common import (NNACL_MAX_DIMS, Unsupported, act_code, array_fields, broadcast_strides, coalesce,
                      const_inputs, family, in_ref, io, qparams, rounding_code)
from .base import OpPlan

SAME_SHAPE, SCALAR0, SCALAR1, BROADCAST = 0, 1, 2, 3

_FP32_FN = {"AddFusion": "add_fp32", "SubFusion": "sub_fp32", "MulFusion": "mul_fp32", "DivFusion": "div_fp32",
            "Maximum": "maximum_fp32", "Minimum": "minimum_fp32"}
_INT8_FN = {"AddFusion": "add_int8", "SubFusion": "sub_int8", "MulFusion": "mul_int8"}


def broadcast_params(a_shape, b_shape, out_shape) -> dict:
    """variant / ndim / out_shape / in0_strides / in1_strides of arith_param_t."""
    try:
        shape = tuple(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    except ValueError:
        raise Unsupported(f"shapes {list(a_shape)} and {list(b_shape)} do not broadcast") from None
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if size != int(np.prod(out_shape, dtype=np.int64) if len(out_shape) else 1):
        raise Unsupported(f"output shape {list(out_shape)} differs from the broadcast shape {list(shape)}")
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
    shp, (sa, sb) = coalesce(shape, [broadcast_strides(a_shape, shape), broadcast_strides(b_shape, shape)])
    if len(shp) > NNACL_MAX_DIMS:
        raise Unsupported(f"broadcast over {len(shp)} dims; the kernel supports at most {NNACL_MAX_DIMS}")
    return dict(p, variant=BROADCAST, ndim=len(shp), **array_fields("out_shape", shp),
                **array_fields("in0_strides", sa), **array_fields("in1_strides", sb))


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    if len(ins) != 2:
        raise Unsupported(f"needs 2 inputs; got {len(ins)}")
    a, b, y = ins[0], ins[1], outs[0]
    params = broadcast_params(a.shape, b.shape, y.shape)
    act = node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    params.update(act_type=0, in0_offset=0, in1_offset=0, out_offset=0, left_shift=0, in0_multiplier=0,
                  in0_shift=0, in1_multiplier=0, in1_shift=0, out_multiplier=0, out_shift=0, rounding=0,
                  act_min=-128, act_max=127)
    # in-place: the output may take the memory of a non-constant input of its own size and dtype
    inplace = next((k for k, t in enumerate((a, b)) if not t.is_const and t.size == y.size and t.dtype == y.dtype),
                   None)
    refs = (in_ref(g, i, 0), in_ref(g, i, 1))
    consts = const_inputs(g, i, (0, 1))

    if a.dtype == DType.FLOAT32 and b.dtype == DType.FLOAT32:
        if y.dtype != DType.FLOAT32:
            raise Unsupported(f"fp32 inputs with {y.dtype.short} output")
        if node.op not in _FP32_FN:
            raise Unsupported(f"{node.op} has no fp32 kernel")
        if node.op in ("Maximum", "Minimum"):
            act = "NO_ACTIVATION"
        params["act_type"] = act_code(act)
        fn = _FP32_FN[node.op]
        return OpPlan(kernel_sources=("fp32/arithmetic_fp32.c",), header="fp32/arithmetic_fp32.h",
                      param_type="arith_param_t", params=params, consts=consts,
                      call=f"{fn}({{param}}, {refs[0]}, {refs[1]}, {{out0}});", inplace=inplace)

    if a.dtype == DType.INT8 and b.dtype == DType.INT8:
        if y.dtype != DType.INT8:
            raise Unsupported(f"int8 inputs with {y.dtype.short} output")
        if node.op not in _INT8_FN:
            raise Unsupported(f"{node.op} has no int8 kernel (int8 Add, Sub, Mul)")
        s1, z1 = qparams(a, "input 1")
        s2, z2 = qparams(b, "input 2")
        so, zo = qparams(y, "output")
        try:
            qmin, qmax = quant.activation_range(act, so, zo, np.int8)
        except ValueError as e:
            raise Unsupported(str(e)) from None
        params.update(in0_offset=-z1, in1_offset=-z2, out_offset=zo, act_min=int(qmin), act_max=int(qmax))
        if node.op in ("AddFusion", "SubFusion"):
            # exactly the reference's derivation (reference/arithmetic.py)
            twice_max = 2.0 * max(s1, s2)
            m1, e1 = quant.quantize_multiplier(s1 / twice_max)
            m2, e2 = quant.quantize_multiplier(s2 / twice_max)
            mo, eo = quant.quantize_multiplier(twice_max / ((1 << arithmetic.LEFT_SHIFT) * so))
            params.update(left_shift=arithmetic.LEFT_SHIFT, in0_multiplier=m1, in0_shift=e1, in1_multiplier=m2,
                          in1_shift=e2, out_multiplier=mo, out_shift=eo,
                          rounding=rounding_code(arithmetic.ROUNDING_ADD))
        else:
            m, e = quant.quantize_multiplier(s1 * s2 / so)
            params.update(out_multiplier=m, out_shift=e, rounding=rounding_code(arithmetic.ROUNDING_MUL))
        fn = _INT8_FN[node.op]
        return OpPlan(kernel_sources=("int8/arithmetic_int8.c",), header="int8/arithmetic_int8.h",
                      param_type="arith_param_t", params=params, consts=consts,
                      call=f"{fn}({{param}}, {refs[0]}, {refs[1]}, {{out0}});", inplace=inplace)

    raise Unsupported(f"inputs {a.dtype.short} and {b.dtype.short} are not supported (both float32 or both int8)")


family(tuple(_FP32_FN), _plan)
