"""QuantDTypeCast fp32 <-> int8 with per-tensor parameters -> ``int8/quant_dtype_cast_int8.h``
(``reference/quant_dtype_cast.py``: quantize with the output's parameters, dequantize with the
input's, falling back to the other tensor's when one has none)."""
from __future__ import annotations

from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, family, io
from ._rules import inputs, one_output


def _direction(g: Graph, i: int):
    """(the tensor whose parameters apply, kernel): the int8 side's, else the float side's."""
    (x,), (y,) = io(g, i)
    if x.dtype == DType.FLOAT32:
        return (y if y.is_quantized else x), "quantize_fp32_to_int8"
    return (x if x.is_quantized else y), "dequantize_int8_to_fp32"


# ---------------------------------------------------------------- rules

def float32_int8_cast(g: Graph, i: int) -> str | None:
    """float32 -> int8 or int8 -> float32, with the input's element count."""
    (x,), (y,) = io(g, i)
    if (x.dtype, y.dtype) not in ((DType.FLOAT32, DType.INT8), (DType.INT8, DType.FLOAT32)):
        return f"QuantDTypeCast {x.dtype.short} -> {y.dtype.short} has no kernel (float32 <-> int8)"
    if x.size != y.size:
        return f"output {y.describe()} must match the input {x.describe()}"
    return None


def per_tensor_cast(g: Graph, i: int) -> str | None:
    """The int8 tensor (else the float one) has one scale and zero point."""
    t = _direction(g, i)[0]
    if len(t.quant) != 1:
        return f"QuantDTypeCast needs per-tensor parameters; '{t.name}' has {len(t.quant)}"
    return None


RULES = (one_output, inputs("x", 1, 1), float32_int8_cast, per_tensor_cast)


def _plan(g: Graph, i: int) -> OpPlan:
    x = io(g, i)[0][0]
    t, fn = _direction(g, i)
    params = dict(size=x.size, scale=float(t.quant[0].scale), zero_point=int(t.quant[0].zero_point))
    return OpPlan(kernel_sources=("int8/quant_dtype_cast_int8.c",), header="int8/quant_dtype_cast_int8.h",
                  param_type="quant_dtype_cast_param_t", params=params, kernel=fn, args=UNARY_ARGS)


family(("QuantDTypeCast",), _plan, RULES)
