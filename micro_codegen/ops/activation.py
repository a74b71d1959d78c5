"""Stand-alone activations: Activation (fp32: relu, relu6, relu1, hard tanh, sigmoid, tanh,
leaky relu, hswish, hsigmoid, swish, linear; int8: the relu family and leaky relu) and
LeakyRelu -> ``fp32/activation_fp32.h`` / ``int8/activation_int8.h``.

int8 follows ``reference/activation.py`` (TFLite QuantizedReluX / QuantizeLeakyRelu):
the multipliers and clamp bounds come from :mod:`micro_codegen.numerics`, as there.
"""
from __future__ import annotations

from .. import numerics
from ..compiled import OpPlan
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, cconst, family, io, qparams, rounding_code
from ._rules import inputs, int8_or_float32, int8_quantized, one_output, refusal, same_as_input

#: ActivationType name -> ACTIVATION_* of common/activation_param.h (fp32)
FP32_TYPES = {act: cconst(f"ACTIVATION_{'LINEAR' if act == 'NO_ACTIVATION' else act}")
              for act in ("RELU", "RELU6", "RELU1", "HARD_TANH", "SIGMOID", "TANH", "LEAKY_RELU", "HSWISH",
                          "HSIGMOID", "SWISH", "LINEAR", "NO_ACTIVATION")}
#: int8 activations clamping with QuantizedReluX (real bounds; HARD_TANH takes min_val / max_val)
_INT8_BOUNDS = dict(numerics.RELU_X_BOUNDS, LINEAR=(None, None))


def _activation(node) -> tuple[str, float]:
    """(ActivationType name, alpha) of an Activation or LeakyRelu node."""
    if node.op == "LeakyRelu":
        return "LEAKY_RELU", float(node.attr("negative_slope", 0.0) or 0.0)
    return node.attr("activation_type") or "NO_ACTIVATION", float(node.attr("alpha", 0.0) or 0.0)


def _int8_multipliers(g: Graph, i: int):
    """((multiplier, shift), alpha (multiplier, shift) or None) of an int8 node, as the reference."""
    act, alpha = _activation(g.nodes[i])
    (x,), (y,) = io(g, i)
    s_in, s_out = qparams(x, "input")[0], qparams(y, "output")[0]
    if act == "LEAKY_RELU":
        return numerics.leaky_relu_multipliers(s_in, alpha, s_out)
    return numerics.quantize_multiplier(numerics.ratio_f32(s_in, s_out)), None


# ---------------------------------------------------------------- rules

def kernel_for_type(g: Graph, i: int) -> str | None:
    """float32: RELU, RELU6, RELU1, HARD_TANH, SIGMOID, TANH, LEAKY_RELU, HSWISH, HSIGMOID, SWISH,
    LINEAR; int8: RELU, RELU6, RELU1, HARD_TANH, LINEAR, LEAKY_RELU."""
    act = _activation(g.nodes[i])[0]
    if g.tensors[g.nodes[i].inputs[0]].dtype == DType.FLOAT32:
        if act not in FP32_TYPES:
            return f"float32 activation {act} has no kernel ({', '.join(sorted(FP32_TYPES))})"
    elif act not in _INT8_BOUNDS and act not in ("HARD_TANH", "LEAKY_RELU"):
        return f"int8 activation {act} has no kernel (RELU, RELU6, RELU1, HARD_TANH, LINEAR, LEAKY_RELU)"
    return None


def int8_multipliers(g: Graph, i: int) -> str | None:
    """int8: the input/output scale ratio (and the LEAKY_RELU slope times it) is a finite
    multiplier; the slope is >= 0."""
    if g.tensors[g.nodes[i].inputs[0]].dtype == DType.INT8:
        return refusal(lambda: _int8_multipliers(g, i))
    return None


_COMMON = (one_output, int8_or_float32, int8_quantized, inputs("x", 1, 1), same_as_input)
RULES = {"Activation": _COMMON + (kernel_for_type, int8_multipliers), "LeakyRelu": _COMMON + (int8_multipliers,)}


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    act, alpha = _activation(node)
    min_val = float(node.attr("min_val", 0.0) or 0.0)
    max_val = float(node.attr("max_val", 0.0) or 0.0)
    params = dict(size=x.size, type=FP32_TYPES.get(act, FP32_TYPES["LINEAR"]), alpha=alpha, min_val=min_val,
                  max_val=max_val, input_zp=0, output_zp=0, multiplier=0, shift=0, alpha_multiplier=0,
                  alpha_shift=0, rounding=rounding_code("single"), act_min=-128, act_max=127)
    if x.dtype == DType.FLOAT32:
        params["type"] = FP32_TYPES[act]
        return OpPlan(kernel_sources=("fp32/activation_fp32.c",), header="fp32/activation_fp32.h",
                      param_type="activation_param_t", params=params,
                      kernel="activation_fp32", args=UNARY_ARGS, returns_status=True, inplace=0,
                      libm=True)  # one kernel for every type: it references expf/tanhf
    if x.dtype == DType.INT8:
        s_in, zp_in = qparams(x, "input")
        s_out, zp_out = qparams(y, "output")
        (m, sh), alpha_ms = _int8_multipliers(g, i)
        params.update(input_zp=zp_in, output_zp=zp_out, multiplier=m, shift=sh,
                      rounding=rounding_code(numerics.ROUNDING))
        if alpha_ms is not None:
            ma, sa = alpha_ms
            params.update(alpha_multiplier=ma, alpha_shift=sa)
            fn = "leaky_relu_int8"
        else:
            lo, hi = numerics.relu_x_range(*((min_val, max_val) if act == "HARD_TANH" else _INT8_BOUNDS[act]),
                                           s_out, zp_out, -128, 127)
            params.update(act_min=lo, act_max=hi)
            fn = "relu_x_int8"
        return OpPlan(kernel_sources=("int8/activation_int8.c",), header="int8/activation_int8.h",
                      param_type="activation_param_t", params=params, kernel=fn, args=UNARY_ARGS,
                      inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} (see int8_or_float32)")


family(("Activation", "LeakyRelu"), _plan, RULES)
