"""QuantDTypeCast fp32 <-> int8 with per-tensor parameters -> ``int8/quant_dtype_cast_int8.h``
(``reference/quant_dtype_cast.py``: quantize with the output's parameters, dequantize with the
input's, falling back to the other tensor's when one has none)."""
from __future__ import annotations

from ..ir import DType, Graph
from ._common import Unsupported, family, io
from .base import OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    if x.size != y.size:
        raise Unsupported(f"output {y.describe()} does not match input {x.describe()}")
    if x.dtype == DType.FLOAT32 and y.dtype == DType.INT8:
        t, fn = (y if y.is_quantized else x), "quantize_fp32_to_int8"
    elif x.dtype == DType.INT8 and y.dtype == DType.FLOAT32:
        t, fn = (x if x.is_quantized else y), "dequantize_int8_to_fp32"
    else:
        raise Unsupported(f"QuantDTypeCast {x.dtype.short} -> {y.dtype.short} has no kernel (float32 <-> int8)")
    if len(t.quant) != 1:
        raise Unsupported(f"QuantDTypeCast needs per-tensor parameters; '{t.name}' has {len(t.quant)}")
    params = dict(size=x.size, scale=float(t.quant[0].scale), zero_point=int(t.quant[0].zero_point))
    return OpPlan(kernel_sources=("int8/quant_dtype_cast_int8.c",), header="int8/quant_dtype_cast_int8.h",
                  param_type="quant_dtype_cast_param_t", params=params, call=f"{fn}({{param}}, {{in0}}, {{out0}});")


family(("QuantDTypeCast",), _plan)
