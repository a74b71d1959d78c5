"""AvgPoolFusion / MaxPoolFusion (NHWC, fp32 and int8) -> ``fp32/pooling_fp32.h`` /
``int8/pooling_int8.h``. Window, strides and padding come from the reference's own
helper (``reference/pooling.py``); int8 pools need equal input/output quantization."""
from __future__ import annotations

import numpy as np

from ..ir import DType, Graph
from ..reference import pooling, quant
from ._common import Unsupported, act_code, family, io, qparams, ref_context
from .base import OpPlan


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    if len(x.shape) != 4:
        raise Unsupported(f"input must be 4-D NHWC; got {list(x.shape)}")
    if x.dtype != y.dtype:
        raise Unsupported(f"input {x.dtype.short} and output {y.dtype.short} differ")
    ctx = ref_context(g, i)
    (kh, kw), (sh, sw), (out_h, out_w, pt, pl) = pooling._window(ctx, np.empty(x.shape, np.int8))
    n, h, w, c = x.shape
    if (n, out_h, out_w, c) != tuple(y.shape):
        raise Unsupported(f"output shape {list(y.shape)} differs from the computed {[n, out_h, out_w, c]}")
    for o, s, p, k, size in ((out_h, sh, pt, kh, h), (out_w, sw, pl, kw, w)):
        for j in range(o):
            start = j * s - p
            if min(start + k, size) - max(start, 0) <= 0:
                raise Unsupported("a pooling window lies entirely in the padding")
    act = node.attr("activation_type", "NO_ACTIVATION") or "NO_ACTIVATION"
    avg = node.op == "AvgPoolFusion"
    params = dict(batch=n, in_h=h, in_w=w, channels=c, out_h=out_h, out_w=out_w, kernel_h=kh, kernel_w=kw,
                  stride_h=sh, stride_w=sw, pad_top=pt, pad_left=pl, count_include_pad=0, act_type=0,
                  act_min=-128, act_max=127)
    fn = "avgpool" if avg else "maxpool"
    if x.dtype == DType.FLOAT32:
        params["act_type"] = act_code(act)
        return OpPlan(kernel_sources=("fp32/pooling_fp32.c",), header="fp32/pooling_fp32.h",
                      param_type="pooling_param_t", params=params, call=f"{fn}_fp32({{param}}, {{in0}}, {{out0}});")
    if x.dtype == DType.INT8:
        si, zi = qparams(x, "input")
        so, zo = qparams(y, "output")
        if (si, zi) != (so, zo):
            raise Unsupported(f"int8 pooling needs equal input/output quantization; got ({si}, {zi}) vs ({so}, {zo})")
        try:
            qmin, qmax = quant.activation_range(act, so, zo, np.int8)
        except ValueError as e:
            raise Unsupported(str(e)) from None
        params.update(act_min=int(qmin), act_max=int(qmax))
        return OpPlan(kernel_sources=("int8/pooling_int8.c",), header="int8/pooling_int8.h",
                      param_type="pooling_param_t", params=params, call=f"{fn}_int8({{param}}, {{in0}}, {{out0}});")
    raise Unsupported(f"input dtype {x.dtype.short} is not supported (float32, int8)")


family(("AvgPoolFusion", "MaxPoolFusion"), _plan)
