"""Cast between bool, int8-64, uint8-64, float16 and float32 -> ``base/cast_base.h`` (one kernel,
element by element, the source and destination types as parameters; semantics as
``reference/cast.py``). The destination is the output tensor's dtype (MindSpore's second input,
the destination type id, is not read). The kernel could run in place whenever the element sizes
match; the plan offers it only for equal dtypes (the one-op harness compares an aliased output
in the input's dtype).
"""
from __future__ import annotations

from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, cconst, family, io
from ._rules import inputs, one_output, quantized_8bit

#: dtype -> CAST_* of common/cast_param.h
CODES = {d: f"CAST_{d.name}" for d in (DType.BOOL, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.UINT8,
                                       DType.UINT16, DType.UINT32, DType.UINT64, DType.FLOAT16, DType.FLOAT32)}


# ---------------------------------------------------------------- rules

def cast_dtypes(g: Graph, i: int) -> str | None:
    """Input and output are bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16
    or float32, with the same element count."""
    (x, *_), (y,) = io(g, i)
    for t in (x, y):
        if t.dtype not in CODES:
            return f"tensor '{t.name}' is {t.dtype.short}; Cast needs bool, int8-64, uint8-64, float16 or float32"
    if x.size != y.size:
        return f"output {y.describe()} must have the input's element count ({x.describe()})"
    return None


def cast_not_quantized(g: Graph, i: int) -> str | None:
    """The data tensors carry no quantization parameters (a quantizing cast is QuantDTypeCast)."""
    (x, *_), (y,) = io(g, i)
    for t in (x, y):
        if t.dtype in (DType.INT8, DType.UINT8) and t.is_quantized:
            return f"tensor '{t.name}' is quantized; Cast converts plain values only"
    return None


RULES = (one_output, inputs("x, to", 1, 2), cast_dtypes, quantized_8bit, cast_not_quantized)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, *_), (y,) = io(g, i)
    params = dict(size=x.size, src=cconst(CODES[x.dtype]), dst=cconst(CODES[y.dtype]))
    return OpPlan(kernel_sources=("base/cast_base.c",), header="base/cast_base.h", param_type="cast_param_t",
                  params=params, kernel="cast_base", args=UNARY_ARGS, returns_status=True,
                  inplace=0 if x.dtype == y.dtype else None)


family(("Cast",), _plan, RULES)
