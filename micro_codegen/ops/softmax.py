"""Softmax over one axis (fp32, int8) and LogSoftmax (fp32) -> ``fp32/softmax_fp32.h`` /
``int8/softmax_int8.h``.

int8 uses the reference's scaling (``numerics.softmax_params``, as ``reference/softmax.py``)
and its rounding mode; the output must be quantized (1/256, -128) as TFLite requires.
"""
from __future__ import annotations

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, family, io, prod, qparams, rounding_code
from ._rules import inputs, int8_or_float32, int8_quantized, one_output, refusal, same_as_input


def _axes(g: Graph, i: int) -> list[int]:
    """The ``axis`` attribute as a list (Softmax: a list; LogSoftmax: one int)."""
    axes = g.nodes[i].attr("axis", (-1,))
    if axes is None:
        return [-1]
    return [int(axes)] if isinstance(axes, (int, float)) else list(axes)


def _axis(g: Graph, i: int) -> int:
    """The softmax axis counted from the front (needs :func:`one_axis`)."""
    a, nd = int(_axes(g, i)[0]), len(g.tensors[g.nodes[i].inputs[0]].shape)
    return a + nd if a < 0 else a


# ---------------------------------------------------------------- rules

def one_axis(g: Graph, i: int) -> str | None:
    """``axis`` is one axis (negative: from the end) of an input with at least one dim."""
    axes, nd = _axes(g, i), len(g.tensors[g.nodes[i].inputs[0]].shape)
    if len(axes) != 1:
        return f"softmax must be over one axis; got {axes}"
    if not 0 <= _axis(g, i) < nd:
        return f"axis {axes[0]} out of range for a {nd}-D input"
    return None


def int8_softmax_quant(g: Graph, i: int) -> str | None:
    """int8: the output is quantized (1/256, -128) and the input scale is large enough for the
    fixed-point kernel."""
    (x,), (y,) = io(g, i)
    if x.dtype != DType.INT8:
        return None
    out_scale, out_zp = qparams(y, "output")
    if out_scale != 1.0 / 256 or out_zp != -128:
        return f"int8 softmax output must be quantized (1/256, -128); got ({out_scale}, {out_zp})"
    return refusal(lambda: numerics.softmax_params(qparams(x, "input")[0]))


def float32_data(g: Graph, i: int) -> str | None:
    """The input and output are float32."""
    (x,), (y,) = io(g, i)
    if x.dtype != DType.FLOAT32 or y.dtype != DType.FLOAT32:
        return f"LogSoftmax needs float32 data; got {x.dtype.short} -> {y.dtype.short}"
    return None


RULES = {"Softmax": (one_output, int8_or_float32, int8_quantized, inputs("x", 1, 1), one_axis, same_as_input,
                     int8_softmax_quant),
         "LogSoftmax": (one_output, inputs("x", 1, 1), float32_data, one_axis, same_as_input)}


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    axis = _axis(g, i)
    params = dict(outer=prod(x.shape[:axis]), axis_size=int(x.shape[axis]), inner=prod(x.shape[axis + 1:]),
                  beta=1.0, input_multiplier=0, input_left_shift=0, diff_min=0, rounding=rounding_code("single"), output_zp=0)
    if x.dtype == DType.FLOAT32:
        fn = "log_softmax_fp32" if g.nodes[i].op == "LogSoftmax" else "softmax_fp32"
        return OpPlan(kernel_sources=("fp32/softmax_fp32.c",), header="fp32/softmax_fp32.h",
                      param_type="softmax_param_t", params=params, kernel=fn, args=UNARY_ARGS,
                      inplace=0, libm=True)
    if x.dtype == DType.INT8:
        in_scale, _ = qparams(x, "input")
        out_zp = qparams(y, "output")[1]
        mult, shift, diff_min = numerics.softmax_params(in_scale)
        params.update(input_multiplier=int(mult), input_left_shift=int(shift), diff_min=int(diff_min),
                      rounding=rounding_code(numerics.ROUNDING), output_zp=out_zp)
        return OpPlan(kernel_sources=("int8/softmax_int8.c",), header="int8/softmax_int8.h",
                      param_type="softmax_param_t", params=params, kernel="softmax_int8", args=UNARY_ARGS,
                      inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} (see int8_or_float32)")


family(("Softmax", "LogSoftmax"), _plan, RULES)
