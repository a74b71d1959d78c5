"""AvgPoolFusion / MaxPoolFusion (NHWC, fp32 and int8) -> ``fp32/pooling_fp32.h`` /
``int8/pooling_int8.h``. Window, strides and padding come from
:func:`micro_codegen.numerics.pool_window`, as in the reference (``reference/pooling.py``);
int8 pools need equal input/output quantization."""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, act_code, family, io, qparams
from ._rules import (fused_activation, inputs, int8_or_float32, int8_quantized, nhwc_format, one_output,
                    pad_mode_known, refusal)


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
    lies entirely in the padding."""
    reason = refusal(lambda: window(g, i))
    if reason is None and numerics.has_empty_window(window(g, i), g.tensors[g.nodes[i].inputs[0]].shape[1:3]):
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
    """int8 input and output share one scale and zero point."""
    x, y = g.tensors[g.nodes[i].inputs[0]], g.tensors[g.nodes[i].outputs[0]]
    if x.dtype == DType.INT8 and qparams(x, "input") != qparams(y, "output"):
        return f"int8 pooling needs equal input/output quantization; got {qparams(x, 'input')} vs " \
               f"{qparams(y, 'output')}"
    return None


RULES = (one_output, int8_or_float32, int8_quantized, inputs("x", 1, 1), nhwc_format, pool_input, pad_mode_known,
         pool_window_fits, pool_output_shape, fused_activation, pool_int8_quant)


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
    if x.dtype == DType.FLOAT32:
        params["act_type"] = act_code(act)
        return OpPlan(kernel_sources=("fp32/pooling_fp32.c",), header="fp32/pooling_fp32.h",
                      param_type="pooling_param_t", params=params, kernel=f"{fn}_fp32", args=UNARY_ARGS)
    if x.dtype == DType.INT8:
        so, zo = qparams(y, "output")
        qmin, qmax = numerics.activation_range(act, so, zo, np.int8)
        params.update(act_min=int(qmin), act_max=int(qmax))
        return OpPlan(kernel_sources=("int8/pooling_int8.c",), header="int8/pooling_int8.h",
                      param_type="pooling_param_t", params=params, kernel=f"{fn}_int8", args=UNARY_ARGS)
    raise Unsupported(f"input dtype {x.dtype.short} (see int8_or_float32)")


family(("AvgPoolFusion", "MaxPoolFusion"), _plan, RULES)
