"""Stand-alone activations: Activation (fp32: relu, relu6, relu1, hard tanh, sigmoid, tanh,
leaky relu, hswish, hsigmoid, swish, linear; int8: the relu family and leaky relu) and
LeakyRelu -> ``fp32/activation_fp32.h`` / ``int8/activation_int8.h``.

int8 follows ``reference/activation.py`` (TFLite QuantizedReluX / QuantizeLeakyRelu):
the multipliers and clamp bounds are derived with the reference's own helpers.
"""
from __future__ import annotations

import numpy as np

from ..ir import DType, Graph
from ..reference import activation, quant
from ._common import Unsupported, family, io, qparams, rounding_code
from .base import OpPlan

#: ActivationType name -> ACTIVATION_* of common/activation_param.h (fp32)
FP32_TYPES = {"RELU": 1, "RELU6": 2, "RELU1": 3, "HARD_TANH": 4, "SIGMOID": 5, "TANH": 6, "LEAKY_RELU": 7,
              "HSWISH": 8, "HSIGMOID": 9, "SWISH": 10, "LINEAR": 11, "NO_ACTIVATION": 11}
_INT8_BOUNDS = {"RELU": (0.0, None), "RELU6": (0.0, 6.0), "RELU1": (-1.0, 1.0), "NO_ACTIVATION": (None, None),
                "LINEAR": (None, None)}


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    if node.op == "LeakyRelu":
        act, alpha = "LEAKY_RELU", float(node.attr("negative_slope", 0.0) or 0.0)
    else:
        act, alpha = node.attr("activation_type") or "NO_ACTIVATION", float(node.attr("alpha", 0.0) or 0.0)
    min_val = float(node.attr("min_val", 0.0) or 0.0)
    max_val = float(node.attr("max_val", 0.0) or 0.0)
    if x.size != y.size or x.dtype != y.dtype:
        raise Unsupported(f"output {y.describe()} does not match input {x.describe()}")
    params = dict(size=x.size, type=0, alpha=alpha, min_val=min_val, max_val=max_val, input_zp=0, output_zp=0,
                  multiplier=0, shift=0, alpha_multiplier=0, alpha_shift=0, rounding=0, act_min=-128, act_max=127)
    if x.dtype == DType.FLOAT32:
        if act not in FP32_TYPES:
            raise Unsupported(f"fp32 activation {act} has no kernel ({', '.join(sorted(FP32_TYPES))})")
        params["type"] = FP32_TYPES[act]
        return OpPlan(kernel_sources=("fp32/activation_fp32.c",), header="fp32/activation_fp32.h",
                      param_type="activation_param_t", params=params,
                      call="activation_fp32({param}, {in0}, {out0});", inplace=0,
                      libm=True)  # one kernel for every type: it references expf/tanhf
    if x.dtype == DType.INT8:
        s_in, zp_in = qparams(x, "input")
        s_out, zp_out = qparams(y, "output")
        m, sh = quant.quantize_multiplier(float(np.float64(s_in) / np.float64(s_out)))
        params.update(input_zp=zp_in, output_zp=zp_out, multiplier=m, shift=sh,
                      rounding=rounding_code(quant.ROUNDING))
        if act == "LEAKY_RELU":
            alpha_mult = float(np.float32(s_in) * np.float32(alpha) / np.float32(s_out))
            if alpha_mult < 0:
                raise Unsupported(f"int8 LeakyRelu with a negative slope ({alpha}) is not supported")
            ma, sa = quant.quantize_multiplier(alpha_mult)
            params.update(alpha_multiplier=ma, alpha_shift=sa)
            fn = "leaky_relu_int8"
        elif act in _INT8_BOUNDS or act == "HARD_TANH":
            lo_f, hi_f = (min_val, max_val) if act == "HARD_TANH" else _INT8_BOUNDS[act]
            lo = -128 if lo_f is None else max(-128, activation._quantize_bound(lo_f, s_out, zp_out, -128, 127))
            hi = 127 if hi_f is None else min(127, activation._quantize_bound(hi_f, s_out, zp_out, -128, 127))
            params.update(act_min=lo, act_max=hi)
            fn = "relu_x_int8"
        else:
            raise Unsupported(f"int8 activation {act} has no kernel (RELU, RELU6, RELU1, HARD_TANH, LEAKY_RELU)")
        return OpPlan(kernel_sources=("int8/activation_int8.c",), header="int8/activation_int8.h",
                      param_type="activation_param_t", params=params, call=f"{fn}({{param}}, {{in0}}, {{out0}});",
                      inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} is not supported (float32, int8)")


family(("Activation", "LeakyRelu"), _plan)
