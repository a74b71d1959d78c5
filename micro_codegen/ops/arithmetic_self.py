"""Element-wise unary math (NNACL's "arithmetic self"): Abs, Neg, Sqrt, Rsqrt, Square, ExpFusion,
Log, Log1p, Erf, Sin, Cos, Floor, Ceil, Round, Reciprocal, LogicalNot ->
``fp32/arithmetic_self_fp32.h`` (float32), ``int8/arithmetic_self_int8.h`` (quantized Abs / Neg)
and ``base/arithmetic_self_base.h`` (plain integers; LogicalNot on bool).

Semantics as ``reference/arithmetic_self.py``: float in float math (within the fp32
tolerance of the float64 reference; Round half to even), integers wrap (Abs, Neg, Square) or
stay (Floor, Ceil, Round), quantized int8 Abs / Neg requantize with ``in_scale / out_scale``
(float32) only when the scales differ.
"""
from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, cconst, family, io, qparams, rounding_code
from ._rules import inputs, one_output, quantized_8bit, refusal, same_as_input

#: op -> ARITHMETIC_SELF_* name of common/arithmetic_self_param.h
TYPES = {"Abs": "ABS", "Neg": "NEG", "Sqrt": "SQRT", "Rsqrt": "RSQRT", "Square": "SQUARE", "ExpFusion": "EXP",
         "Log": "LOG", "Log1p": "LOG1P", "Erf": "ERF", "Sin": "SIN", "Cos": "COS", "Floor": "FLOOR",
         "Ceil": "CEIL", "Round": "ROUND", "Reciprocal": "RECIPROCAL", "LogicalNot": "LOGICAL_NOT"}
#: ops with integer semantics (plain integers) and with a quantized int8 kernel
INT_OPS = ("Abs", "Neg", "Square", "Floor", "Ceil", "Round")
INT8_OPS = ("Abs", "Neg")
#: plain integer dtypes -> C function suffix of base/arithmetic_self_base.h
_INT_SUFFIX = {DType.INT8: "i8", DType.INT16: "i16", DType.INT32: "i32", DType.INT64: "i64",
               DType.UINT8: "u8", DType.UINT16: "u16", DType.UINT32: "u32", DType.UINT64: "u64"}


def _quantized(g: Graph, i: int) -> bool:
    x = g.tensors[g.nodes[i].inputs[0]]
    return x.dtype == DType.INT8 and x.is_quantized


def _exp_args(g: Graph, i: int) -> tuple[float, float, float]:
    """(base, scale, shift) of an ExpFusion node (base -1 means e)."""
    n = g.nodes[i]
    return (float(n.attr("base", -1.0)), float(n.attr("scale", 1.0)), float(n.attr("shift", 0.0)))


def _requant(g: Graph, i: int):
    """(multiplier, shift) of quantized Abs / Neg, or None when the scales are equal (float32)."""
    (x,), (y,) = io(g, i)
    s_in, s_out = qparams(x, "input")[0], qparams(y, "output")[0]
    if np.float32(s_in) == np.float32(s_out):
        return None
    return numerics.quantize_multiplier(numerics.ratio_f32(s_in, s_out))


# ---------------------------------------------------------------- rules

def self_dtype(g: Graph, i: int) -> str | None:
    """LogicalNot: bool; Abs, Neg: float32, int8 (quantized or plain) or any integer type; Square,
    Floor, Ceil, Round: float32 or a plain integer type; the others: float32."""
    op = g.nodes[i].op
    x = g.tensors[g.nodes[i].inputs[0]]
    if op == "LogicalNot":
        ok = x.dtype == DType.BOOL
    elif x.dtype == DType.FLOAT32:
        ok = True
    elif _quantized(g, i):
        ok = op in INT8_OPS
    else:
        ok = x.dtype in _INT_SUFFIX and op in INT_OPS
    if not ok:
        kind = "quantized int8" if _quantized(g, i) else x.dtype.short
        return f"{op} on {kind} data has no kernel (see the dtypes of {op})"
    return None


def self_quant(g: Graph, i: int) -> str | None:
    """Quantized int8 data has one (scale, zero point) on both input and output and a finite
    scale ratio."""
    (x,), (y,) = io(g, i)
    if x.dtype != DType.INT8 or (not x.is_quantized and not y.is_quantized):
        return None
    if len(x.quant) != 1 or len(y.quant) != 1:
        return f"quantized {g.nodes[i].op} needs one (scale, zero point) on input and output; got " \
               f"{len(x.quant)} and {len(y.quant)}"
    return refusal(lambda: _requant(g, i))


def exp_base(g: Graph, i: int) -> str | None:
    """ExpFusion: base is -1 (e) or > 0."""
    base = _exp_args(g, i)[0]
    if base != -1.0 and not base > 0:
        return f"ExpFusion base must be -1 (e) or > 0; got {base:g}"
    return None


_COMMON = (one_output, inputs("x", 1, 1), same_as_input, quantized_8bit, self_dtype, self_quant)
RULES = {op: _COMMON + ((exp_base,) if op == "ExpFusion" else ()) for op in TYPES}


def _params(g: Graph, i: int) -> dict:
    return dict(size=g.tensors[g.nodes[i].inputs[0]].size, type=cconst(f"ARITHMETIC_SELF_{TYPES[g.nodes[i].op]}"),
                exp_plain=1, exp_ln_base=1.0, exp_scale=1.0, exp_shift=0.0, input_zp=0, output_zp=0,
                requantize=0, multiplier=0, shift=0, rounding=rounding_code("single"))


def _plan(g: Graph, i: int) -> OpPlan:
    (x,), (y,) = io(g, i)
    op = g.nodes[i].op
    params = _params(g, i)
    if op == "LogicalNot":
        return OpPlan(kernel_sources=("base/arithmetic_self_base.c",), header="base/arithmetic_self_base.h",
                      param_type="arithmetic_self_param_t", params=params, kernel="logical_not_base",
                      args=UNARY_ARGS, inplace=0)
    if x.dtype == DType.FLOAT32:
        if op == "ExpFusion":
            base, scale, shift = _exp_args(g, i)
            ln_base = 1.0 if base == -1.0 else math.log(base)
            params.update(exp_plain=int((ln_base, scale, shift) == (1.0, 1.0, 0.0)), exp_ln_base=ln_base,
                          exp_scale=scale, exp_shift=shift)
        return OpPlan(kernel_sources=("fp32/arithmetic_self_fp32.c",), header="fp32/arithmetic_self_fp32.h",
                      param_type="arithmetic_self_param_t", params=params, kernel="arithmetic_self_fp32",
                      args=UNARY_ARGS, returns_status=True, inplace=0, libm=True)
    if _quantized(g, i):
        requant = _requant(g, i)
        params.update(input_zp=qparams(x, "input")[1], output_zp=qparams(y, "output")[1],
                      rounding=rounding_code(numerics.ROUNDING))
        if requant is not None:
            params.update(requantize=1, multiplier=requant[0], shift=requant[1])
        return OpPlan(kernel_sources=("int8/arithmetic_self_int8.c",), header="int8/arithmetic_self_int8.h",
                      param_type="arithmetic_self_param_t", params=params, kernel="arithmetic_self_int8",
                      args=UNARY_ARGS, returns_status=True, inplace=0)
    if x.dtype in _INT_SUFFIX:
        return OpPlan(kernel_sources=("base/arithmetic_self_base.c",), header="base/arithmetic_self_base.h",
                      param_type="arithmetic_self_param_t", params=params,
                      kernel=f"arithmetic_self_{_INT_SUFFIX[x.dtype]}", args=UNARY_ARGS, returns_status=True,
                      inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} (see self_dtype)")


family(tuple(TYPES), _plan, RULES)
