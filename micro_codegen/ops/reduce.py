"""ReduceFusion over one run of adjacent axes: fp32 mean / sum / max / min, int8 mean /
max / min -> ``fp32/reduce_fp32.h`` / ``int8/reduce_int8.h``. Axes and the int8 mean
multiplier follow ``reference/reduce.py`` (``mean_multiplier``, ``ROUNDING_MEAN``)."""
from __future__ import annotations

from ..ir import DType, Graph
from ..reference import reduce
from ._common import Unsupported, family, io, prod, qparams, ref_context, rounding_code
from .base import OpPlan

_FP32 = {"ReduceMean": "reduce_mean_fp32", "ReduceSum": "reduce_sum_fp32", "ReduceMax": "reduce_max_fp32",
         "ReduceMin": "reduce_min_fp32"}
_INT8 = {"ReduceMean": "reduce_mean_int8", "ReduceMax": "reduce_max_int8", "ReduceMin": "reduce_min_int8"}


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    mode = node.attr("mode", "ReduceMean") or "ReduceMean"
    nd = len(x.shape)
    axes = reduce._axes(ref_context(g, i), nd)
    if axes != list(range(axes[0], axes[-1] + 1)):
        raise Unsupported(f"reduction axes {axes} are not adjacent (the kernel reduces one run of axes)")
    if node.attr("reduce_to_end", False) and float(node.attr("coeff", 1.0)) != 1.0:
        raise Unsupported("reduce_to_end with coeff != 1 is not supported")
    n = prod(x.shape[a] for a in axes)
    if n == 0:
        raise Unsupported("reducing over an empty axis")
    if y.size != x.size // n or y.dtype != x.dtype:
        raise Unsupported(f"output {y.describe()} does not match the reduction of {x.describe()}")
    params = dict(outer=prod(x.shape[:axes[0]]), axis_size=n, inner=prod(x.shape[axes[-1] + 1:]), input_zp=0,
                  output_zp=0, multiplier=0, shift=0, rounding=0, act_min=-128, act_max=127)
    if x.dtype == DType.FLOAT32:
        if mode not in _FP32:
            raise Unsupported(f"fp32 {mode} has no kernel ({', '.join(_FP32)})")
        return OpPlan(kernel_sources=("fp32/reduce_fp32.c",), header="fp32/reduce_fp32.h",
                      param_type="reduce_param_t", params=params, call=f"{_FP32[mode]}({{param}}, {{in0}}, {{out0}});")
    if x.dtype == DType.INT8:
        if mode not in _INT8:
            raise Unsupported(f"int8 {mode} has no kernel ({', '.join(_INT8)})")
        s_in, z_in = qparams(x, "input")
        s_out, z_out = qparams(y, "output")
        if mode == "ReduceMean":
            m, e = reduce.mean_multiplier(s_in, s_out, n)
            params.update(input_zp=z_in, output_zp=z_out, multiplier=int(m), shift=int(e),
                          rounding=rounding_code(reduce.ROUNDING_MEAN))
        elif (s_in, z_in) != (s_out, z_out):
            raise Unsupported("int8 ReduceMax/ReduceMin need identical input and output quantization")
        return OpPlan(kernel_sources=("int8/reduce_int8.c",), header="int8/reduce_int8.h",
                      param_type="reduce_param_t", params=params, call=f"{_INT8[mode]}({{param}}, {{in0}}, {{out0}});")
    raise Unsupported(f"input dtype {x.dtype.short} is not supported (float32, int8)")


family(("ReduceFusion",), _plan)
