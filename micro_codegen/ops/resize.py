"""Resize (NHWC) -> ``base/resize_base.h`` (NEAREST, any dtype: pixel copies),
``fp32/resize_fp32.h`` (LINEAR / CUBIC, float32, MindSpore Lite) and ``int8/resize_int8.h``
(LINEAR, quantized int8, TFLite's 10-bit fixed point).

The per-axis source indices and weights are the tables of :mod:`micro_codegen.numerics`
(``resize_nearest_index``, ``resize_linear_taps``, ``resize_cubic_taps``,
``resize_bilinear_int_taps``) that the reference (``reference/resize.py``) uses too, emitted
as constants; the output size is the output tensor's shape (sizes / scales inputs and
``new_height`` / ``new_width`` only led to it). ``nearest_mode`` and ``exclude_outside`` are
not used, as in MindSpore Lite.
"""
from __future__ import annotations

from .. import numerics
from ..compiled import PARAM, Const, ConstArray, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import cconst, family, io
from ._rules import inputs, int8_quantized, nhwc_format, one_output

_METHODS = ("NEAREST", "LINEAR", "CUBIC")


def _method(g: Graph, i: int) -> str:
    return g.nodes[i].attr("method") or "NEAREST"


def _mode(g: Graph, i: int) -> str:
    return g.nodes[i].attr("coordinate_transform_mode") or "ASYMMETRIC"


def _quantized(g: Graph, i: int) -> bool:
    """Quantized int8 / uint8 data (TFLite semantics), as ``reference/resize.py`` decides."""
    (x, *_), (y,) = io(g, i)
    return any(t.dtype in (DType.INT8, DType.UINT8) and t.is_quantized for t in (x, y))


def _qpairs(t) -> list[tuple[float, int]]:
    return [(float(q.scale), int(q.zero_point)) for q in t.quant]


# ---------------------------------------------------------------- rules

def resize_shapes(g: Graph, i: int) -> str | None:
    """The input and output are 4-D with one dtype, the same batch and channels and a
    non-empty output."""
    (x, *_), (y,) = io(g, i)
    if len(x.shape) != 4 or len(y.shape) != 4:
        return f"input and output must be 4-D NHWC; got {list(x.shape)} -> {list(y.shape)}"
    if x.dtype != y.dtype:
        return f"input {x.dtype.short} and output {y.dtype.short} must share a dtype"
    if x.shape[0] != y.shape[0] or x.shape[3] != y.shape[3] or min(y.shape) < 1:
        return f"output must keep the input's batch and channels; got {list(x.shape)} -> {list(y.shape)}"
    return None


def resize_method(g: Graph, i: int) -> str | None:
    """``method`` NEAREST (any dtype), LINEAR (float32, quantized int8) or CUBIC (float32)."""
    method, dt = _method(g, i), g.tensors[g.nodes[i].inputs[0]].dtype
    if method not in _METHODS:
        return f"method must be one of {', '.join(_METHODS)}; got {method}"
    if method == "LINEAR" and not (dt == DType.FLOAT32 or (dt == DType.INT8 and _quantized(g, i))):
        return f"LINEAR needs float32 or quantized int8 data; got {dt.short}"
    if method == "CUBIC" and dt != DType.FLOAT32:
        return f"CUBIC needs float32 data; got {dt.short}"
    return None


def resize_mode(g: Graph, i: int) -> str | None:
    """``coordinate_transform_mode`` is ASYMMETRIC, ALIGN_CORNERS or HALF_PIXEL."""
    mode = _mode(g, i)
    if mode not in numerics.RESIZE_MODES:
        return f"coordinate_transform_mode must be one of {', '.join(numerics.RESIZE_MODES)}; got {mode}"
    return None


def resize_quant(g: Graph, i: int) -> str | None:
    """Quantized input and output (int8, uint8 or any other quantized integer, whose values
    are copied) share one scale and zero point."""
    (x, *_), (y,) = io(g, i)
    qx, qy = _qpairs(x), _qpairs(y)
    if (_quantized(g, i) or (x.dtype.np.kind in "iu" and (qx or qy))) and (len(qx) != 1 or qx != qy):
        return f"quantized Resize needs equal input/output quantization; got {qx} vs {qy}"
    return None


RULES = (one_output, inputs("x[, sizes or scales]", 1, 2), int8_quantized, nhwc_format, resize_shapes,
         resize_method, resize_mode, resize_quant)


def _plan(g: Graph, i: int) -> OpPlan:
    (x, *_), (y,) = io(g, i)
    n, h, w, c = x.shape
    oh, ow = y.shape[1:3]
    method, mode = _method(g, i), _mode(g, i)
    params = dict(batch=n, in_h=h, in_w=w, channels=c, out_h=oh, out_w=ow, taps=0, elem_size=x.dtype.itemsize)
    common = dict(param_type="resize_param_t")
    if method == "NEAREST":
        quant = _quantized(g, i)
        yi = numerics.resize_nearest_index(h, oh, mode, tflite=quant)
        xi = numerics.resize_nearest_index(w, ow, mode, tflite=quant)
        return OpPlan(kernel="resize_nearest_base", args=(PARAM, In(0), Const("y_index"), Const("x_index"), Out(0)),
                      kernel_sources=("base/resize_base.c",), header="base/resize_base.h", params=params,
                      consts=(ConstArray("y_index", DType.INT32, yi), ConstArray("x_index", DType.INT32, xi)),
                      **common)
    if x.dtype == DType.INT8:
        (yi, fy), (xi, fx) = (numerics.resize_bilinear_int_taps(h, oh, mode),
                              numerics.resize_bilinear_int_taps(w, ow, mode))
        params["taps"] = cconst("RESIZE_LINEAR_TAPS")
        return OpPlan(kernel="resize_bilinear_int8",
                      args=(PARAM, In(0), Const("y_index"), Const("y_frac"), Const("x_index"), Const("x_frac"), Out(0)),
                      kernel_sources=("int8/resize_int8.c",), header="int8/resize_int8.h", params=params,
                      consts=(ConstArray("y_index", DType.INT32, yi), ConstArray("y_frac", DType.INT32, fy),
                              ConstArray("x_index", DType.INT32, xi), ConstArray("x_frac", DType.INT32, fx)),
                      **common)
    if method == "LINEAR":
        (yi, yw), (xi, xw) = numerics.resize_linear_taps(h, oh, mode), numerics.resize_linear_taps(w, ow, mode)
        params["taps"] = cconst("RESIZE_LINEAR_TAPS")
    else:
        a = float(g.nodes[i].attr("cubic_coeff") or 0.0)
        (yi, yw), (xi, xw) = numerics.resize_cubic_taps(h, oh, mode, a), numerics.resize_cubic_taps(w, ow, mode, a)
        params["taps"] = cconst("RESIZE_CUBIC_TAPS")
    return OpPlan(kernel="resize_fp32",
                  args=(PARAM, In(0), Const("y_index"), Const("y_weight"), Const("x_index"), Const("x_weight"), Out(0)),
                  kernel_sources=("fp32/resize_fp32.c",), header="fp32/resize_fp32.h", params=params,
                  consts=(ConstArray("y_index", DType.INT32, yi), ConstArray("y_weight", DType.FLOAT32, yw),
                          ConstArray("x_index", DType.INT32, xi), ConstArray("x_weight", DType.FLOAT32, xw)),
                  **common)


family(("Resize",), _plan, RULES)
