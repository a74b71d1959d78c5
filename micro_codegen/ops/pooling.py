"""AvgPoolFusion / MaxPoolFusion (NHWC) -> ``fp32/pooling_fp32.h`` / ``int8/pooling_int8.h``
(float32 / int8 values), ``base/pooling_base.h`` (MaxPoolFusion of every other dtype, and
with a second, argmax output). Window, strides and padding come from
:func:`micro_codegen.numerics.pool_window`, as in the reference (``reference/pooling.py``,
which also defines the argmax index and the value of a window past the input); quantized
pools need equal input/output quantization."""
from __future__ import annotations

from .. import numerics
from ..compiled import NULL, PARAM, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, act_code, cconst, family, io, qparams, window_shift
from ._rules import (fused_activation, inputs, int8_or_float32, int8_quantized, nhwc_format, one_output,
                     pad_mode_known, refusal)

#: MaxPoolFusion value dtypes -> suffix of the base/pooling_base.h kernel
_BASE_SUFFIX = {DType.INT8: "i8", DType.UINT8: "u8", DType.INT16: "i16", DType.UINT16: "u16", DType.INT32: "i32",
                DType.UINT32: "u32", DType.INT64: "i64", DType.UINT64: "u64", DType.FLOAT16: "f16",
                DType.FLOAT32: "f32"}
#: argmax output dtypes -> POOLING_INDEX_* of common/pooling_param.h
_INDEX_TYPES = {DType.FLOAT32: "POOLING_INDEX_FLOAT32", DType.INT32: "POOLING_INDEX_INT32",
                DType.INT64: "POOLING_INDEX_INT64"}


def window(g: Graph, i: int) -> numerics.Window:
    """The pooling window of node ``i`` (:func:`micro_codegen.numerics.pool_window`)."""
    return numerics.pool_window(g.tensors[g.nodes[i].inputs[0]].shape[1:3], g.nodes[i].attrs)


# ---------------------------------------------------------------- rules

def pool_input(g: Graph, i: int) -> str | None:
    """The input is 4-D NHWC with the output's dtype."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if len(x.shape) != 4:
        return f"input must be 4-D NHWC; got shape {list(x.shape)}"
    if x.dtype != y.dtype:
        return f"input {x.dtype.short} and output {y.dtype.short} must share a dtype"
    return None


def pool_window_fits(g: Graph, i: int) -> str | None:
    """``kernel_size`` and ``strides`` have one or two values >= 1 (not needed by a ``global``
    pool), ``round_mode`` is FLOOR or CEIL, the window fits the (padded) input and no window
    lies entirely in the padding; only MaxPoolFusion's windows that CEIL rounding adds past
    the input may (they give the dtype's lowest value, as in MindSpore Lite)."""
    reason = refusal(lambda: window(g, i))
    hw = g.tensors[g.nodes[i].inputs[0]].shape[1:3]
    if reason is None and numerics.has_empty_window(window(g, i), hw):
        floor = numerics.pool_window(hw, {**g.nodes[i].attrs, "round_mode": "FLOOR"})
        if g.nodes[i].op != "MaxPoolFusion" or numerics.has_empty_window(floor, hw):
            reason = "a pooling window lies entirely in the padding"
    return reason


def pool_output_shape(g: Graph, i: int) -> str | None:
    """The output shape is [batch, out_h, out_w, channels] as the window computes it."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    win = window(g, i)
    want = [x.shape[0], win.out_h, win.out_w, x.shape[3]]
    if list(y.shape) != want:
        return f"output shape must be {want} (from the input, window, strides and padding); got {list(y.shape)}"
    return None


def pool_int8_quant(g: Graph, i: int) -> str | None:
    """Quantized (int8, or quantized integer) input and output share one scale and zero point."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    qx, qy = ([(float(q.scale), int(q.zero_point)) for q in t.quant] for t in (x, y))
    if (x.dtype == DType.INT8 or qx or qy) and (len(qx) != 1 or qx != qy):
        return f"quantized pooling needs equal input/output quantization; got {qx} vs {qy}"
    return None


def max_pool_outputs(g: Graph, i: int) -> str | None:
    """Outputs: the values[, the argmax index: float32, int32 or int64, of the values' shape,
    exact (a float32 index needs an input of at most 2**24 elements)]."""
    n = g.nodes[i]
    if len(n.outputs) not in (1, 2):
        return f"must have one or two outputs (values[, argmax index]); has {len(n.outputs)}"
    if len(n.outputs) == 2:
        x, y, z = g.tensors[n.inputs[0]], g.tensors[n.outputs[0]], g.tensors[n.outputs[1]]
        if z.dtype not in _INDEX_TYPES or z.shape != y.shape:
            return f"argmax output must be float32, int32 or int64 shaped like the values {list(y.shape)}; " \
                   f"got {z.describe()}"
        if z.dtype == DType.FLOAT32 and x.size > (1 << 24):
            return f"a float32 argmax index needs an input of at most 2**24 elements; got {x.size}"
    return None


def max_pool_dtype(g: Graph, i: int) -> str | None:
    """The input is float32, float16 or an integer type (int8..int64, uint8..uint64)."""
    x = g.tensors[g.nodes[i].inputs[0]]
    if x.dtype not in _BASE_SUFFIX:
        return f"input '{x.name}' is {x.dtype.short}; max pooling takes float32, float16 or integer data"
    return None


def pool_activation_input(g: Graph, i: int) -> str | None:
    """A fused activation needs float or quantized input."""
    x = g.tensors[g.nodes[i].inputs[0]]
    act = g.nodes[i].attr("activation_type") or "NO_ACTIVATION"
    if act != "NO_ACTIVATION" and x.dtype not in (DType.FLOAT32, DType.FLOAT16) and not x.is_quantized:
        return f"fused activation {act} needs float or quantized input; got non-quantized {x.dtype.short}"
    return None


_ONE_INPUT = inputs("x", 1, 1)
RULES = {"AvgPoolFusion": (one_output, int8_or_float32, int8_quantized, _ONE_INPUT, nhwc_format, pool_input,
                           pad_mode_known, pool_window_fits, pool_output_shape, fused_activation, pool_int8_quant),
         "MaxPoolFusion": (max_pool_outputs, max_pool_dtype, int8_quantized, _ONE_INPUT, nhwc_format,
                           pool_input, pad_mode_known, pool_window_fits, pool_output_shape, fused_activation,
                           pool_activation_input, pool_int8_quant)}


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    n, h, w, c = x.shape
    kh, kw, sh, sw, _, _, out_h, out_w, pt, pl = window(g, i)
    act = node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    avg = node.op == "AvgPoolFusion"
    params = dict(batch=n, in_h=h, in_w=w, channels=c, out_h=out_h, out_w=out_w, kernel_h=kh, kernel_w=kw,
                  stride_h=sh, stride_w=sw, pad_top=pt, pad_left=pl, count_include_pad=0, act_type=act_code(None),
                  act_min=-128, act_max=127)
    fn = "avgpool" if avg else "maxpool"
    # every pooling kernel (fp32, int8 on every core, base) walks output pixels in raster order, one
    # at a time, all channels (the argmax output is another tensor): it streams in groups of 1
    shift = window_shift(window(g, i), x.shape, c, x.dtype.itemsize, y.dtype.itemsize)
    if x.dtype in (DType.FLOAT32, DType.FLOAT16):
        params["act_type"] = act_code(act)
    elif x.is_quantized:
        so, zo = qparams(y, "output")
        qmin, qmax = numerics.activation_range(act, so, zo, x.dtype.np)
        params.update(act_min=int(qmin), act_max=int(qmax))
    if not avg and (len(outs) == 2 or x.dtype not in (DType.FLOAT32, DType.INT8)):
        params.update(clamp=int(x.is_quantized),
                      index_type=cconst(_INDEX_TYPES[outs[1].dtype] if len(outs) == 2 else "POOLING_INDEX_FLOAT32"))
        return OpPlan(kernel_sources=("base/pooling_base.c",), header="base/pooling_base.h",
                      param_type="pooling_param_t", params=params, kernel=f"maxpool_base_{_BASE_SUFFIX[x.dtype]}",
                      args=(PARAM, In(0), Out(0), Out(1) if len(outs) == 2 else NULL), overlap_shift=shift)
    if x.dtype == DType.FLOAT32:
        return OpPlan(kernel_sources=("fp32/pooling_fp32.c",), header="fp32/pooling_fp32.h",
                      param_type="pooling_param_t", params=params, kernel=f"{fn}_fp32", args=UNARY_ARGS,
                      overlap_shift=shift)
    if x.dtype == DType.INT8:
        return OpPlan(kernel_sources=("int8/pooling_int8.c",), header="int8/pooling_int8.h",
                      param_type="pooling_param_t", params=params, kernel=f"{fn}_int8", args=UNARY_ARGS,
                      overlap_shift=shift)
    raise Unsupported(f"input dtype {x.dtype.short} (see int8_or_float32)")


family(("AvgPoolFusion", "MaxPoolFusion"), _plan, RULES)
