"""FullConnection: fp32, int8 (per-tensor or per-channel weights) and hybrid (fp32 input,
int8 weights) -> ``fp32/fullconnection_fp32.h`` / ``int8/fullconnection_int8.h``.

The input is flattened to ``[rows, depth]`` as in ``reference/fullconnection.py``;
weights stay ``[units, depth]``: from flash when constant, else the activation as it is
(likewise the bias). Multipliers and rounding mode are the reference's
(``numerics.output_multipliers``, ``numerics.ROUNDING_FC``).

int8 variants (``fullconnection_param_t.variant``, layouts in ``int8/fullconnection_int8.h``):
``FC_VARIANT_PACKED`` when the weights (and the bias, if any) are constants with weight zero
point 0 and every requantization shift is <= -1 (single rounding) -- the input offset is
folded into the bias (:func:`conv.folded_bias`) and the weights are packed four rows by 16
depth values (:func:`packed_weights`); ``FC_VARIANT_GENERIC`` (the
weights as they are, offsets applied by the kernel) otherwise.
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, SCRATCH, SCRATCH_SIZE, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import (Unsupported, act_code, cconst, family, io, pack_row_blocks, prod, qparams, round_up,
                      rounding_code)
from .conv import folded_bias
from ._rules import fused_activation, inputs, int8_or_float32, int8_quantized, one_output, weighted_dtypes


#: fullconnection_param_t.variant values (FC_VARIANT_* of common/fullconnection_param.h)
GENERIC, PACKED = cconst("FC_VARIANT_GENERIC"), cconst("FC_VARIANT_PACKED")
PACK_UNITS, PACK_DEPTH = cconst("FC_PACK_UNITS").value, cconst("FC_PACK_DEPTH").value


def packed_weights(w: np.ndarray) -> np.ndarray:
    """[units, depth] weights in the FC_VARIANT_PACKED layout: zero-padded to multiples of 4 units
    and 16 depth values, blocks of 4 rows x 16 values ``[u // 4][d // 16][u % 4][d % 16]``."""
    return pack_row_blocks(w, PACK_UNITS, PACK_DEPTH)


def hybrid_scratch_bytes(params: dict) -> int:
    """Mirror of ``fullconnection_hybrid_fp32_scratch_size``: one quantized input row."""
    return params["depth"]


# ---------------------------------------------------------------- rules

def fc_tensors(g: Graph, i: int) -> str | None:
    """The weights are a 2-D [units, depth] tensor (a constant or an activation); a bias
    (present exactly when ``has_bias`` is set) holds [units] values."""
    ins = io(g, i)[0]
    w = ins[1]
    if g.nodes[i].attr("has_bias", len(ins) > 2) and len(ins) != 3:
        return "has_bias is set but there is no bias input"
    if len(w.shape) != 2:
        return f"weights must be a 2-D [units, depth] tensor; got {w.describe()}"
    if len(ins) == 3 and ins[2].size != w.shape[0]:
        return f"bias must hold {w.shape[0]} values; got {ins[2].describe()}"
    return None


def fc_shapes(g: Graph, i: int) -> str | None:
    """The input flattens to [rows, depth] (with ``use_axis``: its dims from ``axis`` on hold
    depth values) and the output holds rows x units values."""
    (x, w), y = io(g, i)[0][:2], g.tensors[g.nodes[i].outputs[0]]
    units, depth = w.shape
    node = g.nodes[i]
    if node.attr("use_axis", False):
        axis = int(node.attr("axis", 1))
        axis += len(x.shape) if axis < 0 else 0
        if prod(x.shape[axis:]) != depth:
            return f"input dims from axis {axis} ({list(x.shape[axis:])}) must hold {depth} values"
    if depth == 0 or x.size % depth:
        return f"input of {x.size} elements cannot be flattened to [rows, {depth}]"
    if y.size != x.size // depth * units:
        return f"output must hold {x.size // depth}x{units} values; got shape {list(y.shape)}"
    return None


def fc_weight_quant(g: Graph, i: int) -> str | None:
    """int8 weights have one scale or one per unit and a single zero point (0 for hybrid)."""
    x, w = io(g, i)[0][:2]
    if w.dtype != DType.INT8:
        return None
    if len(w.quant) not in (1, w.shape[0]):
        return f"int8 weights need 1 or {w.shape[0]} quant params; have {len(w.quant)}"
    zps = sorted(set(w.zero_points.tolist()))
    if zps != [0] and (x.dtype == DType.FLOAT32 or len(zps) != 1):
        return f"weight zero points must be {'0' if x.dtype == DType.FLOAT32 else 'one value'}; got {zps}"
    return None


RULES = (one_output, int8_or_float32, int8_quantized, inputs("x, weights[, bias]", 2, 3), fc_tensors, fc_shapes,
         fused_activation, weighted_dtypes, fc_weight_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, w, y = ins[0], ins[1], outs[0]
    bias = ins[2] if len(ins) == 3 else None
    units, depth = w.shape
    rows = x.size // depth
    act = node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    base = dict(rows=rows, depth=depth, units=units, act_type=act_code(None), input_zp=0, weight_zp=0,
                output_zp=0, per_channel=0, rounding=rounding_code("single"), act_min=-128, act_max=127,
                variant=GENERIC)
    w_arg = Const("weight") if w.is_const else In(1)
    bias_arg = NULL if bias is None else (Const("bias") if bias.is_const else In(2))

    def tensor_consts(w_dtype: DType, bias_dtype: DType) -> list[ConstArray]:
        """The constant weights and bias as they are (activations are passed as inputs)."""
        out = []
        if w.is_const:
            out.append(ConstArray("weight", w_dtype, np.ascontiguousarray(w.array)))
        if bias is not None and bias.is_const:
            out.append(ConstArray("bias", bias_dtype, np.ascontiguousarray(bias.array)))
        return out

    if x.dtype == DType.FLOAT32 and w.dtype == DType.FLOAT32:
        return OpPlan(kernel="fullconnection_fp32", args=(PARAM, In(0), w_arg, bias_arg, Out(0)),
                      kernel_sources=("fp32/fullconnection_fp32.c",), header="fp32/fullconnection_fp32.h",
                      param_type="fullconnection_param_t", params=dict(base, act_type=act_code(act)),
                      consts=tuple(tensor_consts(DType.FLOAT32, DType.FLOAT32)))

    if x.dtype == DType.FLOAT32 and w.dtype == DType.INT8:
        per_channel = int(len(w.quant) > 1)
        params = dict(base, act_type=act_code(act), per_channel=per_channel)
        consts = tensor_consts(DType.INT8, DType.FLOAT32)
        consts.append(ConstArray("weight_scale", DType.FLOAT32, w.scales.astype(np.float32)))
        return OpPlan(kernel="fullconnection_hybrid_fp32", returns_status=True,
                      args=(PARAM, In(0), w_arg, Const("weight_scale"), bias_arg, SCRATCH, SCRATCH_SIZE, Out(0)),
                      kernel_sources=("fp32/fullconnection_hybrid_fp32.c",), header="fp32/fullconnection_fp32.h",
                      param_type="fullconnection_param_t", params=params, consts=tuple(consts),
                      scratch_bytes=hybrid_scratch_bytes(params))

    if x.dtype == DType.INT8 and w.dtype == DType.INT8:
        in_scale, in_zp = qparams(x, "input")
        out_scale, out_zp = qparams(y, "output")
        mult, shift = numerics.output_multipliers(in_scale, w.scales, out_scale)
        qmin, qmax = numerics.activation_range(act, out_scale, out_zp, np.int8)
        params = dict(base, input_zp=in_zp, weight_zp=int(w.zero_points[0]), output_zp=out_zp,
                      per_channel=int(len(w.quant) > 1),
                      rounding=rounding_code(numerics.ROUNDING_FC), act_min=int(qmin), act_max=int(qmax))
        w_zp = int(w.zero_points[0])
        packed = (w.is_const and w_zp == 0 and (bias is None or bias.is_const) and bool(np.all(shift <= -1))
                  and numerics.ROUNDING_FC == "single")
        if packed:
            b0 = np.zeros(units, np.int32) if bias is None else bias.array.reshape(-1)
            b4 = np.zeros(round_up(units, PACK_UNITS), np.int32)
            b4[:units] = folded_bias(b0, w.array, in_zp)
            params["variant"] = PACKED
            consts = [ConstArray("weight", DType.INT8, packed_weights(w.array)),
                      ConstArray("bias", DType.INT32, b4)]
            w_arg, bias_arg = Const("weight"), Const("bias")
        else:
            consts = tensor_consts(DType.INT8, DType.INT32)
        consts += [ConstArray("multiplier", DType.INT32, mult.astype(np.int32)),
                   ConstArray("shift", DType.INT32, shift.astype(np.int32))]
        return OpPlan(kernel="fullconnection_int8",
                      args=(PARAM, In(0), w_arg, bias_arg, Const("multiplier"), Const("shift"), Out(0)),
                      kernel_sources=("int8/fullconnection_int8.c",), header="int8/fullconnection_int8.h",
                      param_type="fullconnection_param_t", params=params, consts=tuple(consts))

    raise Unsupported(f"input {x.dtype.short} with weights {w.dtype.short} (see weighted_dtypes)")


family(("FullConnection",), _plan, RULES)
