"""ReduceFusion over any set of axes -> ``fp32/reduce_fp32.h`` (mean, sum, max, min, prod,
sum of squares, sum of |x|, L2), ``int8/reduce_int8.h`` (mean, sum, max, min, prod; TFLite
reference) and ``base/reduce_base.h`` (bool all / any; non-quantized integers sum, prod, max,
min). Axes, the int8 multipliers and the element order follow ``reference/reduce.py``
(``numerics.reduce_axes``, ``mean_multiplier``, ``prod_multiplier``, ``ROUNDING_MEAN``)."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import (NNACL_MAX_DIMS, UNARY_ARGS, Unsupported, array_fields, cconst, coalesce, family, io, prod,
                      qparams, rounding_code)
from ._rules import inputs, int8_quantized, one_output, refusal

#: modes each dtype family has (the reference's)
_FP32_MODES = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare", "ReduceASum",
               "ReduceL2")
_INT8_MODES = ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd")
_BOOL_MODES = ("ReduceAll", "ReduceMax", "ReduceMin", "ReduceProd")
_INT_MODES = ("ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin")
_INTS = (DType.INT16, DType.INT32, DType.INT64, DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64)

_C_MODE = {"ReduceSum": "REDUCE_MODE_SUM", "ReduceMean": "REDUCE_MODE_MEAN", "ReduceMax": "REDUCE_MODE_MAX",
           "ReduceMin": "REDUCE_MODE_MIN", "ReduceProd": "REDUCE_MODE_PROD",
           "ReduceSumSquare": "REDUCE_MODE_SUM_SQUARE",
           "ReduceASum": "REDUCE_MODE_ASUM", "ReduceL2": "REDUCE_MODE_L2"}
_C_BOOL_MODE = {"ReduceMax": "REDUCE_MODE_ANY", "ReduceAll": "REDUCE_MODE_ALL", "ReduceMin": "REDUCE_MODE_ALL",
                "ReduceProd": "REDUCE_MODE_ALL"}


def axes(g: Graph, i: int) -> list[int]:
    """The reduced axes of node ``i`` (:func:`micro_codegen.numerics.reduce_axes`) from its
    constant axes input (none: all axes)."""
    node = g.nodes[i]
    given = np.asarray(g.tensors[node.inputs[1]].array).reshape(-1).tolist() if len(node.inputs) > 1 else None
    return numerics.reduce_axes(len(g.tensors[node.inputs[0]].shape), given, bool(node.attr("reduce_to_end", False)))


def _mode(g: Graph, i: int) -> str:
    return g.nodes[i].attr("mode", "ReduceMean") or "ReduceMean"


def _modes(dtype: DType) -> tuple[str, ...]:
    if dtype == DType.FLOAT32:
        return _FP32_MODES
    if dtype == DType.INT8:
        return _INT8_MODES
    return _BOOL_MODES if dtype == DType.BOOL else _INT_MODES


def _coeff(g: Graph, i: int) -> float:
    """The coefficient MindSpore Lite applies: ``coeff`` with ``reduce_to_end`` when
    ``|coeff| > 1e-5``, else 1."""
    node = g.nodes[i]
    c = float(node.attr("coeff", 0.0) or 0.0) if node.attr("reduce_to_end", False) else 0.0
    return c if abs(c) > 1e-5 else 1.0


def geometry(g: Graph, i: int):
    """((kept shape, kept input strides), (reduced shape, reduced input strides)), each merged
    where the input walks neighbouring dims contiguously (needs :func:`constant_axes`)."""
    shape = [int(d) for d in g.tensors[g.nodes[i].inputs[0]].shape]
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    red = axes(g, i)
    kept = [d for d in range(len(shape)) if d not in red]
    out = coalesce([shape[d] for d in kept], [[strides[d] for d in kept]])
    rdc = coalesce([shape[d] for d in red], [[strides[d] for d in red]])
    return (out[0], out[1][0]), (rdc[0], rdc[1][0])


# ---------------------------------------------------------------- rules

def reduce_dtype(g: Graph, i: int) -> str | None:
    """Input and output share one dtype: float32, int8, bool, int16/32/64 or uint8/16/32/64;
    integers other than int8 carry no quantization."""
    (x, *_), (y,) = io(g, i)
    if x.dtype not in (DType.FLOAT32, DType.INT8, DType.BOOL) + _INTS:
        return f"input dtype must be float32, int8, bool or a 16/32/64-bit or uint8 integer; got {x.dtype.short}"
    if y.dtype != x.dtype:
        return f"output dtype must be the input's {x.dtype.short}; got {y.dtype.short}"
    if x.dtype in _INTS and (x.quant or y.quant):
        return f"{x.dtype.short} tensors must not be quantized; got quantization parameters"
    return None


def constant_axes(g: Graph, i: int) -> str | None:
    """The axes input is constant (no input: all axes; negative: from the end), in range and
    not empty."""
    node = g.nodes[i]
    if len(node.inputs) > 1 and not g.tensors[node.inputs[1]].is_const:
        return "axes (second input) must be a constant; got an activation"
    return refusal(lambda: axes(g, i))


#: the former name of :func:`constant_axes` (the axes no longer need to be adjacent)
def coeff_one(g: Graph, i: int) -> str | None:
    """``reduce_to_end`` with ``|coeff| > 1e-5`` (the result is scaled by ``coeff``) only for float32."""
    x = g.tensors[g.nodes[i].inputs[0]]
    if x.dtype != DType.FLOAT32 and _coeff(g, i) != 1.0:
        return f"reduce_to_end coeff scaling is float32 only; got coeff {_coeff(g, i):g} on {x.dtype.short}"
    return None


def reduce_output(g: Graph, i: int) -> str | None:
    """The output has the input's element count divided by the reduced count."""
    (x, *_), (y,) = io(g, i)
    n = prod(x.shape[a] for a in axes(g, i))       # >= 1: check.non_empty refuses empty activations
    if y.size != x.size // n:
        return f"output must have {x.size // n} elements (the reduction of {x.describe()}); got {y.describe()}"
    return None


def reduce_mode(g: Graph, i: int) -> str | None:
    """float32: ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceSumSquare, ReduceASum, ReduceL2;
    int8: ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd; bool: ReduceAll, ReduceMax (any),
    ReduceMin, ReduceProd (all); other integers: ReduceSum, ReduceProd, ReduceMax, ReduceMin."""
    dtype = g.tensors[g.nodes[i].inputs[0]].dtype
    if _mode(g, i) not in _modes(dtype):
        return f"{dtype.short} mode must be one of {', '.join(_modes(dtype))}; got {_mode(g, i)}"
    return None


def minmax_quant(g: Graph, i: int) -> str | None:
    """int8 ReduceMax / ReduceMin: input and output share one scale and zero point."""
    (x, *_), (y,) = io(g, i)
    if x.dtype == DType.INT8 and _mode(g, i) in ("ReduceMax", "ReduceMin") and \
            qparams(x, "input") != qparams(y, "output"):
        return "int8 ReduceMax/ReduceMin need identical input and output quantization"
    return None


def prod_scale(g: Graph, i: int) -> str | None:
    """int8 ReduceProd: the rescale of each product, ``in_scale / out_scale^(1/n)``, has a shift
    below 8 (TFLite's int64 multiplier)."""
    (x, *_), (y,) = io(g, i)
    if x.dtype != DType.INT8 or _mode(g, i) != "ReduceProd":
        return None
    n = prod(x.shape[a] for a in axes(g, i))
    return refusal(lambda: numerics.prod_multiplier(qparams(x, "input")[0], qparams(y, "output")[0], n))


def reduce_dims(g: Graph, i: int) -> str | None:
    """At most 6 kept and 6 reduced dims remain once the dims the input walks contiguously are merged."""
    (out_shape, _), (red_shape, _) = geometry(g, i)
    if max(len(out_shape), len(red_shape)) > NNACL_MAX_DIMS:
        return (f"kept and reduced dims must merge to at most {NNACL_MAX_DIMS} each; got {len(out_shape)} kept, "
                f"{len(red_shape)} reduced")
    return None


RULES = (one_output, inputs("x[, axes]", 1, 2), reduce_dtype, int8_quantized, constant_axes, coeff_one,
         reduce_output, reduce_mode, minmax_quant, prod_scale, reduce_dims)


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    x, y = ins[0], outs[0]
    mode = _mode(g, i)
    (out_shape, out_st), (red_shape, red_st) = geometry(g, i)
    n = prod(red_shape)
    c_mode = _C_BOOL_MODE[mode] if x.dtype == DType.BOOL else _C_MODE[mode]
    params = dict(mode=cconst(c_mode), out_ndim=len(out_shape), **array_fields("out_shape", out_shape),
                  **array_fields("out_strides", out_st), red_ndim=len(red_shape),
                  **array_fields("red_shape", red_shape), **array_fields("red_strides", red_st), axis_size=n,
                  coeff=float(_coeff(g, i)), input_zp=0, output_zp=0, multiplier=0, shift=0,
                  rounding=rounding_code("single"), act_min=-128, act_max=127)
    common = dict(header="", param_type="reduce_param_t", args=UNARY_ARGS, returns_status=True)
    if x.dtype == DType.FLOAT32:
        return OpPlan(kernel="reduce_fp32", kernel_sources=("fp32/reduce_fp32.c",),
                      **{**common, "header": "fp32/reduce_fp32.h"}, params=params, libm=True)  # sqrtf (L2)
    if x.dtype == DType.INT8:
        s_in, z_in = qparams(x, "input")
        s_out, z_out = qparams(y, "output")
        params.update(input_zp=z_in, output_zp=z_out)
        if mode in ("ReduceMean", "ReduceSum"):
            m, e = (numerics.mean_multiplier(s_in, s_out, n) if mode == "ReduceMean" else
                    numerics.quantize_multiplier(s_in / s_out))
            params.update(multiplier=int(m), shift=int(e), rounding=rounding_code(numerics.ROUNDING_MEAN))
        elif mode == "ReduceProd":
            m, e = numerics.prod_multiplier(s_in, s_out, n)
            params.update(multiplier=int(m), shift=int(e))
        return OpPlan(kernel="reduce_int8", kernel_sources=("int8/reduce_int8.c",),
                      **{**common, "header": "int8/reduce_int8.h"}, params=params)
    if x.dtype == DType.BOOL or x.dtype in _INTS:
        return OpPlan(kernel=f"reduce_{x.dtype.short}", kernel_sources=("base/reduce_base.c",),
                      **{**common, "header": "base/reduce_base.h"}, params=params)
    raise Unsupported(f"input dtype {x.dtype.short} (see reduce_dtype)")


family(("ReduceFusion",), _plan, RULES)
