"""FullConnection: fp32, int8 (per-tensor or per-channel weights) and hybrid (fp32 input,
int8 weights) -> ``fp32/fullconnection_fp32.h`` / ``int8/fullconnection_int8.h``.

The input is flattened to ``[rows, depth]`` as in ``reference/fullconnection.py``;
weights stay ``[units, depth]``. Multipliers use the reference's expression and its
rounding mode (``ROUNDING_FC``).
"""
from __future__ import annotations

import numpy as np

from ..ir import DType, Graph
from ..reference import fullconnection, quant
from ._common import Unsupported, act_code, family, io, prod, qparams, rounding_code
from .base import ConstArray, OpPlan


def hybrid_scratch_bytes(params: dict) -> int:
    """Mirror of ``fullconnection_hybrid_fp32_scratch_size``: one quantized input row."""
    return params["depth"]


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    if len(ins) not in (2, 3):
        raise Unsupported(f"needs 2 or 3 inputs (x, weight[, bias]); got {len(ins)}")
    x, w, y = ins[0], ins[1], outs[0]
    has_bias = bool(node.attr("has_bias", len(ins) > 2))
    if has_bias and len(ins) != 3:
        raise Unsupported("has_bias is set but there is no bias input")
    bias = ins[2] if len(ins) == 3 else None
    if not w.is_const or len(w.shape) != 2:
        raise Unsupported(f"weights must be a constant 2-D [out, in] tensor; got {w.describe()}")
    if bias is not None and not bias.is_const:
        raise Unsupported("bias must be constant")
    units, depth = w.shape
    if node.attr("use_axis", False):
        axis = int(node.attr("axis", 1))
        if axis < 0:
            axis += len(x.shape)
        if prod(x.shape[axis:]) != depth:
            raise Unsupported(f"input dims from axis {axis} ({list(x.shape[axis:])}) do not give {depth} columns")
    if depth == 0 or x.size % depth:
        raise Unsupported(f"input of {x.size} elements cannot be flattened to [rows, {depth}]")
    if bias is not None and bias.size != units:
        raise Unsupported(f"bias has {bias.size} elements; need {units}")
    rows = x.size // depth
    if y.size != rows * units:
        raise Unsupported(f"output {list(y.shape)} does not hold {rows}x{units} values")
    act = node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    base = dict(rows=rows, depth=depth, units=units, act_type=0, input_zp=0, weight_zp=0, output_zp=0,
                per_channel=0, rounding=0, act_min=-128, act_max=127)
    bias_ref = "{const_bias}" if bias is not None else "NULL"

    if x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32:
        if y.dtype != DType.FLOAT32:
            raise Unsupported(f"fp32 FullConnection with {y.dtype.short} output")
        if bias is not None and bias.dtype != DType.FLOAT32:
            raise Unsupported(f"fp32 FullConnection needs an fp32 bias; got {bias.dtype.short}")
        consts = [ConstArray("weight", "float", np.ascontiguousarray(w.array))]
        if bias is not None:
            consts.append(ConstArray("bias", "float", np.ascontiguousarray(bias.array)))
        return OpPlan(kernel_sources=("fp32/fullconnection_fp32.c",), header="fp32/fullconnection_fp32.h", param_type="fullconnection_param_t",
                      params=dict(base, act_type=act_code(act)), consts=tuple(consts),
                      call=f"fullconnection_fp32({{param}}, {{in0}}, {{const_weight}}, {bias_ref}, {{out0}});")

    if x.dtype == DType.FLOAT32 and w.dtype == DType.INT8:
        if y.dtype != DType.FLOAT32:
            raise Unsupported(f"hybrid FullConnection with {y.dtype.short} output")
        if len(w.quant) not in (1, units) or np.any(w.zero_points != 0):
            raise Unsupported("hybrid FullConnection needs symmetric per-tensor or per-channel weights")
        if bias is not None and bias.dtype != DType.FLOAT32:
            raise Unsupported(f"hybrid FullConnection needs an fp32 bias; got {bias.dtype.short}")
        per_channel = int(len(w.quant) > 1)
        params = dict(base, act_type=act_code(act), per_channel=per_channel)
        consts = [ConstArray("weight", "int8_t", np.ascontiguousarray(w.array)),
                  ConstArray("weight_scale", "float", w.scales.astype(np.float32))]
        if bias is not None:
            consts.append(ConstArray("bias", "float", np.ascontiguousarray(bias.array)))
        return OpPlan(kernel_sources=("fp32/fullconnection_hybrid_fp32.c",), header="fp32/fullconnection_fp32.h",
                      param_type="fullconnection_param_t", params=params, consts=tuple(consts),
                      call=f"fullconnection_hybrid_fp32({{param}}, {{in0}}, {{const_weight}}, {{const_weight_scale}}, {bias_ref}, "
                           "{scratch}, {scratch_size}, {out0});",
                      scratch_bytes=hybrid_scratch_bytes(params))

    if x.dtype == DType.INT8 and w.dtype == DType.INT8:
        if y.dtype != DType.INT8:
            raise Unsupported(f"int8 FullConnection with {y.dtype.short} output")
        in_scale, in_zp = qparams(x, "input")
        out_scale, out_zp = qparams(y, "output")
        if len(w.quant) not in (1, units):
            raise Unsupported(f"weights have {len(w.quant)} quant params; need 1 or {units}")
        w_zps = set(int(z) for z in w.zero_points)
        if len(w_zps) != 1:
            raise Unsupported("per-channel weight zero points must all be equal")
        if bias is not None and bias.dtype != DType.INT32:
            raise Unsupported(f"int8 FullConnection needs an int32 bias; got {bias.dtype.short}")
        # exactly the reference's expression (reference/fullconnection.py)
        mult, shift = quant.quantize_multipliers([in_scale * float(s) / out_scale for s in w.scales])
        try:
            qmin, qmax = quant.activation_range(act, out_scale, out_zp, np.int8)
        except ValueError as e:
            raise Unsupported(str(e)) from None
        params = dict(base, input_zp=in_zp, weight_zp=w_zps.pop(), output_zp=out_zp,
                      per_channel=int(len(w.quant) > 1),
                      rounding=rounding_code(fullconnection.ROUNDING_FC), act_min=int(qmin), act_max=int(qmax))
        consts = [ConstArray("weight", "int8_t", np.ascontiguousarray(w.array))]
        if bias is not None:
            consts.append(ConstArray("bias", "int32_t", np.ascontiguousarray(bias.array)))
        consts += [ConstArray("multiplier", "int32_t", mult.astype(np.int32)),
                   ConstArray("shift", "int32_t", shift.astype(np.int32))]
        return OpPlan(kernel_sources=("int8/fullconnection_int8.c",), header="int8/fullconnection_int8.h", param_type="fullconnection_param_t",
                      params=params, consts=tuple(consts),
                      call=f"fullconnection_int8({{param}}, {{in0}}, {{const_weight}}, {bias_ref}, {{const_multiplier}}, "
                           "{const_shift}, {out0});")

    raise Unsupported(f"input {x.dtype.short} with weights {w.dtype.short} is not supported "
                      "(fp32/fp32, int8/int8, hybrid fp32/int8)")


family(("FullConnection",), _plan)
