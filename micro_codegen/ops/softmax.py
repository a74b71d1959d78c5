"""Softmax over one axis (fp32, int8) -> ``fp32/softmax_fp32.h`` / ``int8/softmax_int8.h``.

int8 uses the reference's own scaling (``reference/softmax.softmax_params``) and its
rounding mode; the output must be quantized (1/256, -128) as TFLite requires.
"""
from __future__ import annotations

from ..ir import DType, Graph
from ..reference import softmax, quant
from ._common import Unsupported, family, io, prod, qparams, rounding_code
from .base import OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    axes = g.nodes[i].attr("axis", (-1,))
    axes = list(axes) if axes is not None else [-1]
    if len(axes) != 1:
        raise Unsupported(f"softmax over several axes {axes} is not supported")
    nd = len(x.shape)
    if nd == 0:
        raise Unsupported("softmax of a scalar")
    axis = int(axes[0]) + (nd if int(axes[0]) < 0 else 0)
    if not 0 <= axis < nd:
        raise Unsupported(f"axis {axes[0]} out of range for a {nd}-D input")
    if y.size != x.size or y.dtype != x.dtype:
        raise Unsupported(f"output {y.describe()} does not match input {x.describe()}")
    params = dict(outer=prod(x.shape[:axis]), axis_size=int(x.shape[axis]), inner=prod(x.shape[axis + 1:]),
                  beta=1.0, input_multiplier=0, input_left_shift=0, diff_min=0, rounding=0, output_zp=0)
    if x.dtype == DType.FLOAT32:
        return OpPlan(kernel_sources=("fp32/softmax_fp32.c",), header="fp32/softmax_fp32.h",
                      param_type="softmax_param_t", params=params, call="softmax_fp32({param}, {in0}, {out0});",
                      inplace=0, libm=True)
    if x.dtype == DType.INT8:
        in_scale, _ = qparams(x, "input")
        out_scale, out_zp = qparams(y, "output")
        if out_scale != 1.0 / 256 or out_zp != -128:
            raise Unsupported(f"int8 softmax output must be quantized (1/256, -128); got ({out_scale}, {out_zp})")
        try:
            mult, shift, diff_min = softmax.softmax_params(in_scale)
        except ValueError as e:
            raise Unsupported(str(e)) from None
        params.update(input_multiplier=int(mult), input_left_shift=int(shift), diff_min=int(diff_min),
                      rounding=rounding_code(quant.ROUNDING), output_zp=out_zp)
        return OpPlan(kernel_sources=("int8/softmax_int8.c",), header="int8/softmax_int8.h",
                      param_type="softmax_param_t", params=params, call="softmax_int8({param}, {in0}, {out0});",
                      inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} is not supported (float32, int8)")


family(("Softmax",), _plan)
