"""ReduceFusion over one run of adjacent axes: fp32 mean / sum / max / min, int8 mean /
max / min -> ``fp32/reduce_fp32.h`` / ``int8/reduce_int8.h``. Axes and the int8 mean
multiplier follow ``reference/reduce.py`` (``numerics.reduce_axes``, ``mean_multiplier``,
``ROUNDING_MEAN``)."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, family, io, prod, qparams, rounding_code
from ._rules import inputs, int8_or_float32, int8_quantized, one_output, refusal

_FP32 = {"ReduceMean": "reduce_mean_fp32", "ReduceSum": "reduce_sum_fp32", "ReduceMax": "reduce_max_fp32",
         "ReduceMin": "reduce_min_fp32"}
_INT8 = {"ReduceMean": "reduce_mean_int8", "ReduceMax": "reduce_max_int8", "ReduceMin": "reduce_min_int8"}


def axes(g: Graph, i: int) -> list[int]:
    """The reduced axes of node ``i`` (:func:`micro_codegen.numerics.reduce_axes`) from its
    constant axes input (none: all axes)."""
    node = g.nodes[i]
    given = np.asarray(g.tensors[node.inputs[1]].array).reshape(-1).tolist() if len(node.inputs) > 1 else None
    return numerics.reduce_axes(len(g.tensors[node.inputs[0]].shape), given, bool(node.attr("reduce_to_end", False)))


def _mode(g: Graph, i: int) -> str:
    return g.nodes[i].attr("mode", "ReduceMean") or "ReduceMean"


# ---------------------------------------------------------------- rules

def adjacent_axes(g: Graph, i: int) -> str | None:
    """The axes input is constant (no input: all axes; negative: from the end) and the axes
    form one run of adjacent axes."""
    node = g.nodes[i]
    if len(node.inputs) > 1 and not g.tensors[node.inputs[1]].is_const:
        return "axes (second input) must be a constant"
    reason = refusal(lambda: axes(g, i))
    if reason:
        return reason
    a = axes(g, i)
    if not a or a != list(range(a[0], a[-1] + 1)):
        return f"reduction axes {a} must be one run of adjacent axes (the kernel reduces one run)"
    return None


def coeff_one(g: Graph, i: int) -> str | None:
    """With ``reduce_to_end``, ``coeff`` is 1."""
    node = g.nodes[i]
    coeff = node.attr("coeff")
    if node.attr("reduce_to_end", False) and coeff is not None and float(coeff) != 1.0:
        return f"reduce_to_end needs coeff 1; got {coeff}"
    return None


def reduce_output(g: Graph, i: int) -> str | None:
    """No reduced axis is empty; the output has the input's dtype and its element count
    divided by the reduced count."""
    (x, *_), (y,) = io(g, i)
    n = prod(x.shape[a] for a in axes(g, i))
    if n == 0:
        return "reducing over an empty axis"
    if y.size != x.size // n or y.dtype != x.dtype:
        return f"output {y.describe()} does not match the reduction of {x.describe()}"
    return None


def reduce_mode(g: Graph, i: int) -> str | None:
    """float32: ReduceMean, ReduceSum, ReduceMax, ReduceMin; int8: ReduceMean, ReduceMax, ReduceMin."""
    kernels = _FP32 if g.tensors[g.nodes[i].inputs[0]].dtype == DType.FLOAT32 else _INT8
    if _mode(g, i) not in kernels:
        return f"{g.tensors[g.nodes[i].inputs[0]].dtype.short} {_mode(g, i)} has no kernel ({', '.join(kernels)})"
    return None


def minmax_quant(g: Graph, i: int) -> str | None:
    """int8 ReduceMax / ReduceMin: input and output share one scale and zero point."""
    (x, *_), (y,) = io(g, i)
    if x.dtype == DType.INT8 and _mode(g, i) != "ReduceMean" and qparams(x, "input") != qparams(y, "output"):
        return "int8 ReduceMax/ReduceMin need identical input and output quantization"
    return None


RULES = (one_output, int8_or_float32, int8_quantized, inputs("x[, axes]", 1, 2), adjacent_axes, coeff_one,
         reduce_output, reduce_mode, minmax_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    mode = _mode(g, i)
    reduced = axes(g, i)
    n = prod(x.shape[a] for a in reduced)
    params = dict(outer=prod(x.shape[:reduced[0]]), axis_size=n, inner=prod(x.shape[reduced[-1] + 1:]), input_zp=0,
                  output_zp=0, multiplier=0, shift=0, rounding=rounding_code("single"), act_min=-128, act_max=127)
    if x.dtype == DType.FLOAT32:
        return OpPlan(kernel_sources=("fp32/reduce_fp32.c",), header="fp32/reduce_fp32.h",
                      param_type="reduce_param_t", params=params, kernel=_FP32[mode], args=UNARY_ARGS)
    if x.dtype == DType.INT8:
        s_in, z_in = qparams(x, "input")
        s_out, z_out = qparams(y, "output")
        if mode == "ReduceMean":
            m, e = numerics.mean_multiplier(s_in, s_out, n)
            params.update(input_zp=z_in, output_zp=z_out, multiplier=int(m), shift=int(e),
                          rounding=rounding_code(numerics.ROUNDING_MEAN))
        return OpPlan(kernel_sources=("int8/reduce_int8.c",), header="int8/reduce_int8.h",
                      param_type="reduce_param_t", params=params, kernel=_INT8[mode], args=UNARY_ARGS)
    raise Unsupported(f"input dtype {x.dtype.short} (see int8_or_float32)")


family(("ReduceFusion",), _plan, RULES)
