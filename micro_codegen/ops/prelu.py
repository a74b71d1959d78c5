"""PReLUFusion (fp32, int8) -> ``fp32/prelu_fp32.h`` / ``int8/prelu_int8.h``.

The slope follows its tensor's shape (:func:`micro_codegen.numerics.prelu_slope_shape`, as
``reference/prelu.py``): one value, a numpy-broadcastable shape, or one value per channel of
the last axis. The C kernels walk the input in order and the slope through per-dim strides
(0 on broadcast dims), with adjacent dims merged where both walk contiguously. int8 follows
TFLite's reference (two multipliers from :func:`micro_codegen.numerics.prelu_multipliers`).
"""
from __future__ import annotations

from .. import numerics
from ..compiled import PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import (NNACL_MAX_DIMS, Unsupported, array_fields, broadcast_strides, coalesce, family, io,
                      qparams, rounding_code)
from ._rules import inputs, int8_or_float32, int8_quantized, one_output, refusal, same_as_input


def _walk(g: Graph, i: int):
    """(merged shape, slope strides) of the C walk."""
    (x, a), _ = io(g, i)
    view = numerics.prelu_slope_shape(x.shape, a.shape)
    shape = [int(d) for d in x.shape] or [1]
    merged, (_, slope_strides) = coalesce(shape, [broadcast_strides(shape, shape), broadcast_strides(view, shape)])
    return merged, slope_strides


# ---------------------------------------------------------------- rules

def prelu_slope(g: Graph, i: int) -> str | None:
    """The slope has the data's dtype (int8: quantized per tensor) and holds one value, a shape
    that broadcasts to the input, or one value per channel of the last axis; at most 6 dims
    remain once adjacent dims are merged."""
    (x, a), _ = io(g, i)
    if a.dtype != x.dtype:
        return f"slope '{a.name}' must be {x.dtype.short} like the input; got {a.dtype.short}"
    if a.dtype == DType.INT8 and len(a.quant) != 1:
        return f"int8 slope '{a.name}' needs one (scale, zero point); has {len(a.quant)}"
    reason = refusal(lambda: numerics.prelu_slope_shape(x.shape, a.shape))
    if reason:
        return reason
    ndim = len(_walk(g, i)[0])
    if ndim > NNACL_MAX_DIMS:
        return f"the slope walk needs {ndim} dims; the kernel supports at most {NNACL_MAX_DIMS}"
    return None


def prelu_multipliers(g: Graph, i: int) -> str | None:
    """int8: the input/output scale ratio and input * slope / output scale are finite multipliers."""
    (x, a), (y,) = io(g, i)
    if x.dtype != DType.INT8:
        return None
    return refusal(lambda: numerics.prelu_multipliers(qparams(x, "input")[0], qparams(a, "slope")[0],
                                                      qparams(y, "output")[0]))


RULES = (one_output, int8_or_float32, int8_quantized, inputs("x, slope", 2, 2), same_as_input, prelu_slope,
         prelu_multipliers)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, a), (y,) = io(g, i)
    shape, strides = _walk(g, i)
    params = dict(size=x.size, ndim=len(shape), **array_fields("shape", shape),
                  **array_fields("slope_strides", strides), input_zp=0, slope_zp=0, output_zp=0, multiplier=0,
                  shift=0, alpha_multiplier=0, alpha_shift=0, rounding=rounding_code("single"))
    args = (PARAM, In(0), In(1), Out(0))
    if x.dtype == DType.FLOAT32:
        return OpPlan(kernel_sources=("fp32/prelu_fp32.c",), header="fp32/prelu_fp32.h", param_type="prelu_param_t",
                      params=params, kernel="prelu_fp32", args=args, inplace=0)
    if x.dtype == DType.INT8:
        s_in, zp_in = qparams(x, "input")
        s_a, zp_a = qparams(a, "slope")
        s_out, zp_out = qparams(y, "output")
        (m1, e1), (m2, e2) = numerics.prelu_multipliers(s_in, s_a, s_out)
        params.update(input_zp=zp_in, slope_zp=zp_a, output_zp=zp_out, multiplier=m1, shift=e1,
                      alpha_multiplier=m2, alpha_shift=e2, rounding=rounding_code(numerics.ROUNDING))
        return OpPlan(kernel_sources=("int8/prelu_int8.c",), header="int8/prelu_int8.h", param_type="prelu_param_t",
                      params=params, kernel="prelu_int8", args=args, inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} (see int8_or_float32)")


family(("PReLUFusion",), _plan, RULES)
