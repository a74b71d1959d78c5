"""Stand-alone activations and Clip: Activation, LeakyRelu, Clip -> ``fp32/activation_fp32.h``,
``int8/activation_int8.h`` (quantized int8) and ``base/activation_base.h`` (plain integers).

* float32: every activation type of :data:`FP32_TYPES` (one switch in C) and Clip.
* quantized int8 follows ``reference/activation.py``: the relu family, HARD_TANH, LINEAR and
  Clip with constant bounds (TFLite QuantizedReluX: requantize + clamp), LEAKY_RELU
  (QuantizeLeakyRelu), and SIGMOID / TANH / ELU / GELU / HSWISH as a 256-entry table the
  generator computes with :mod:`micro_codegen.numerics` exactly as the reference does
  (LUTPopulate, or TFLite's fixed-point HardSwish evaluated for every input value).
* plain integers (no quantization parameters; int8/16/32/64, uint8/16/32): the
  piecewise-linear activations and ABS, and Clip (bounds from attributes or from inputs).
"""
from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..compiled import NULL, PARAM, ConstArray, Const, In, OpPlan, Out
from ..ir import DType, Graph
from ._common import UNARY_ARGS, Unsupported, cconst, family, io, qparams, rounding_code
from ._rules import inputs, int8_or_float32, int8_quantized, one_output, quantized_8bit, refusal, same_as_input

#: ActivationType name -> ACTIVATION_* of common/activation_param.h (fp32)
FP32_TYPES = {act: cconst(f"ACTIVATION_{'LINEAR' if act == 'NO_ACTIVATION' else act}")
              for act in ("RELU", "RELU6", "RELU1", "HARD_TANH", "SIGMOID", "TANH", "LEAKY_RELU", "HSWISH",
                          "HSIGMOID", "SWISH", "LINEAR", "NO_ACTIVATION", "ELU", "ABS", "SOFTSIGN", "SOFTPLUS",
                          "SELU", "SIGN", "GELU")}
#: int8 activations clamping with QuantizedReluX (real bounds; HARD_TANH takes min_val / max_val)
_INT8_BOUNDS = dict(numerics.RELU_X_BOUNDS, LINEAR=(None, None))
#: int8 activations computed as a table of the 256 input values
_INT8_TABLE = ("SIGMOID", "TANH", "ELU", "GELU", "HSWISH")
#: plain integer activations: real clamp bounds (ABS is separate)
_INT_BOUNDS = dict(_INT8_BOUNDS, HARD_TANH=None)
#: plain integer dtypes -> C function suffix of base/activation_base.h
_INT_SUFFIX = {DType.INT8: "i8", DType.INT16: "i16", DType.INT32: "i32", DType.INT64: "i64",
               DType.UINT8: "u8", DType.UINT16: "u16", DType.UINT32: "u32"}
_DTYPES = (DType.FLOAT32, *_INT_SUFFIX)


def _activation(node) -> tuple[str, float]:
    """(ActivationType name, alpha) of an Activation or LeakyRelu node (Clip: HARD_TANH)."""
    if node.op == "LeakyRelu":
        return "LEAKY_RELU", float(node.attr("negative_slope", 0.0) or 0.0)
    if node.op == "Clip":
        return "HARD_TANH", 0.0
    return node.attr("activation_type") or "NO_ACTIVATION", float(node.attr("alpha", 0.0) or 0.0)


def _quantized(g: Graph, i: int) -> bool:
    """The data input is int8 with quantization parameters (the reference's quantized path)."""
    x = g.tensors[g.nodes[i].inputs[0]]
    return x.dtype == DType.INT8 and x.is_quantized


def _clip_bound(g: Graph, i: int, k: int, attr: str) -> float | int | None:
    """A constant Clip bound: input ``k`` (one value) when present, else the attribute."""
    n = g.nodes[i]
    if len(n.inputs) > k:
        return np.asarray(g.tensors[n.inputs[k]].array).reshape(()).item()
    v = n.attr(attr)
    return None if v is None else float(v)


def _real_bounds(g: Graph, i: int) -> tuple[float | None, float | None]:
    """(lower, upper) real clamp bounds of a bounded activation / Clip with constant bounds."""
    node = g.nodes[i]
    if node.op == "Clip":
        return _clip_bound(g, i, 1, "min"), _clip_bound(g, i, 2, "max")
    act = _activation(node)[0]
    if act == "HARD_TANH":
        return float(node.attr("min_val", 0.0) or 0.0), float(node.attr("max_val", 0.0) or 0.0)
    return _INT8_BOUNDS[act]


def int_bounds(dtype: DType, lo, hi) -> dict:
    """Parameter fields of a plain-integer clamp to real bounds ``lo`` / ``hi`` (None: unbounded),
    as the reference: ``ceil(lo)`` / ``floor(hi)`` inside the dtype's range, no bound past it."""
    info = np.iinfo(dtype.np)
    out = dict(has_min=0, int_lo=0, has_max=0, int_hi=0)
    if lo is not None and lo > info.min:
        out.update(has_min=1, int_lo=min(int(math.ceil(lo)), int(info.max)))
    if hi is not None and hi < info.max:
        out.update(has_max=1, int_hi=max(int(math.floor(hi)), int(info.min)))
    return out


def _int8_multipliers(g: Graph, i: int):
    """((multiplier, shift), alpha (multiplier, shift) or None) of an int8 requantizing node."""
    act, alpha = _activation(g.nodes[i])
    (x, *_), (y,) = io(g, i)
    s_in, s_out = qparams(x, "input")[0], qparams(y, "output")[0]
    if act == "LEAKY_RELU":
        return numerics.leaky_relu_multipliers(s_in, alpha, s_out)
    return numerics.quantize_multiplier(numerics.ratio_f32(s_in, s_out)), None


def _int8_table(g: Graph, i: int) -> np.ndarray:
    """The 256 outputs (index = input + 128) of an int8 table activation, as the reference."""
    node = g.nodes[i]
    act, alpha = _activation(node)
    (x,), (y,) = io(g, i)
    s_in, zp_in = qparams(x, "input")
    s_out, zp_out = qparams(y, "output")
    if act == "HSWISH":
        return numerics.hard_swish_quantized(np.arange(-128, 128), zp_in, zp_out, s_in, s_out, -128, 127)
    return numerics.activation_lut(act, s_in, zp_in, s_out, zp_out, -128, 127, alpha,
                                   bool(node.attr("approximate", False)))


# ---------------------------------------------------------------- rules

def activation_dtype(g: Graph, i: int) -> str | None:
    """The data is float32 or an integer type (int8, int16, int32, int64, uint8, uint16, uint32)."""
    x = g.tensors[g.nodes[i].inputs[0]]
    if x.dtype not in _DTYPES:
        return f"input '{x.name}' is {x.dtype.short}; activations need float32, int8-int64 or uint8-uint32"
    return None


def quant_pairing(g: Graph, i: int) -> str | None:
    """Quantized data is int8 with one (scale, zero point), on both the input and the output
    (uint8 and per-channel quantization have no kernel)."""
    n = g.nodes[i]
    x, y = g.tensors[n.inputs[0]], g.tensors[n.outputs[0]]
    for t in (x, y):
        if t.dtype in (DType.INT8, DType.UINT8) and t.is_quantized and (t.dtype != DType.INT8 or len(t.quant) != 1):
            return f"quantized tensor '{t.name}' must be int8 with one (scale, zero point); got " \
                   f"{t.dtype.short} with {len(t.quant)}"
    if x.dtype == DType.INT8 and x.is_quantized != y.is_quantized:
        return f"input and output must both be quantized or both plain; got {len(x.quant)} and " \
               f"{len(y.quant)} quant params"
    return None


def kernel_for_type(g: Graph, i: int) -> str | None:
    """float32: RELU, RELU6, RELU1, HARD_TANH, SIGMOID, TANH, LEAKY_RELU, HSWISH, HSIGMOID, SWISH,
    LINEAR, ELU, ABS, SOFTSIGN, SOFTPLUS, SELU, SIGN, GELU; quantized int8: RELU, RELU6, RELU1,
    HARD_TANH, LINEAR, LEAKY_RELU, SIGMOID, TANH, ELU, GELU, HSWISH; plain integers: RELU, RELU6,
    RELU1, HARD_TANH, LINEAR, ABS."""
    act = _activation(g.nodes[i])[0]
    dtype = g.tensors[g.nodes[i].inputs[0]].dtype
    if dtype == DType.FLOAT32:
        if act not in FP32_TYPES:
            return f"float32 activation {act} has no kernel ({', '.join(sorted(FP32_TYPES))})"
    elif _quantized(g, i):
        ok = (*_INT8_BOUNDS, "HARD_TANH", "LEAKY_RELU", *_INT8_TABLE)
        if act not in ok:
            return f"quantized int8 activation {act} has no kernel ({', '.join(ok)})"
    elif act not in (*_INT_BOUNDS, "ABS"):
        return f"{dtype.short} activation {act} has no kernel ({', '.join((*_INT_BOUNDS, 'ABS'))})"
    return None


def int8_multipliers(g: Graph, i: int) -> str | None:
    """Quantized int8: the input/output scale ratio (and the LEAKY_RELU slope times it) is a
    finite multiplier; the slope is >= 0; HSWISH needs input scale / 128 < output scale."""
    if not _quantized(g, i):
        return None
    if _activation(g.nodes[i])[0] in _INT8_TABLE:
        return refusal(lambda: _int8_table(g, i))
    return refusal(lambda: _int8_multipliers(g, i))


def clip_bounds(g: Graph, i: int) -> str | None:
    """Bound inputs (min, max) hold one value: of the data's dtype, or constants when the data
    is quantized (their values are real bounds)."""
    n = g.nodes[i]
    x = g.tensors[n.inputs[0]]
    for k, name in ((1, "min"), (2, "max")):
        if len(n.inputs) <= k:
            continue
        t = g.tensors[n.inputs[k]]
        if t.size != 1:
            return f"Clip {name} input must hold one value; got {t.describe()}"
        if _quantized(g, i):
            if not t.is_const or t.is_quantized:
                return f"quantized Clip needs a constant, not quantized {name} input; got '{t.name}'"
        elif t.dtype != x.dtype:
            return f"Clip {name} input must be {x.dtype.short} like the data; got {t.dtype.short}"
    return None


_COMMON = (one_output, inputs("x", 1, 1), same_as_input, activation_dtype, quantized_8bit, quant_pairing)
RULES = {"Activation": _COMMON + (kernel_for_type, int8_multipliers),
         "LeakyRelu": (one_output, int8_or_float32, int8_quantized, inputs("x", 1, 1), same_as_input,
                       int8_multipliers),
         "Clip": (one_output, inputs("x, min, max", 1, 3), same_as_input, activation_dtype, quantized_8bit,
                  quant_pairing, clip_bounds, int8_multipliers)}


def _params(node, size: int) -> dict:
    return dict(size=size, type=FP32_TYPES["LINEAR"], alpha=0.0, min_val=0.0, max_val=0.0, approximate=0,
                has_min=0, has_max=0, int_lo=0, int_hi=0, input_zp=0, output_zp=0, multiplier=0, shift=0,
                alpha_multiplier=0, alpha_shift=0, rounding=rounding_code("single"), act_min=-128, act_max=127)


def _bound_args(g: Graph, i: int) -> tuple:
    """In(k) for a Clip's bound inputs 1 (min) and 2 (max), NULL where absent."""
    n = g.nodes[i]
    if n.op != "Clip":
        return NULL, NULL
    return tuple(In(k) if len(n.inputs) > k else NULL for k in (1, 2))


def _plan(g: Graph, i: int) -> OpPlan:
    ins, outs = io(g, i)
    node = g.nodes[i]
    x, y = ins[0], outs[0]
    act, alpha = _activation(node)
    params = _params(node, x.size)
    if x.dtype == DType.FLOAT32:
        if node.op == "Clip":
            lo = None if len(ins) > 1 else _clip_bound(g, i, 1, "min")
            hi = None if len(ins) > 2 else _clip_bound(g, i, 2, "max")
            params.update(has_min=int(lo is not None), min_val=lo or 0.0, has_max=int(hi is not None),
                          max_val=hi or 0.0)
            return OpPlan(kernel_sources=("fp32/activation_fp32.c",), header="fp32/activation_fp32.h",
                          param_type="activation_param_t", params=params, kernel="clip_fp32",
                          args=(PARAM, In(0), *_bound_args(g, i), Out(0)), inplace=0, libm=True)
        params.update(type=FP32_TYPES[act], alpha=alpha, approximate=int(bool(node.attr("approximate", False))),
                      min_val=float(node.attr("min_val", 0.0) or 0.0),
                      max_val=float(node.attr("max_val", 0.0) or 0.0))
        return OpPlan(kernel_sources=("fp32/activation_fp32.c",), header="fp32/activation_fp32.h",
                      param_type="activation_param_t", params=params,
                      kernel="activation_fp32", args=UNARY_ARGS, returns_status=True, inplace=0,
                      libm=True)  # one kernel for every type: it references expf/tanhf
    if _quantized(g, i):
        s_out, zp_out = qparams(y, "output")
        if act in _INT8_TABLE:
            table = ConstArray("table", DType.INT8, _int8_table(g, i).astype(np.int8))
            return OpPlan(kernel_sources=("int8/activation_int8.c",), header="int8/activation_int8.h",
                          param_type="activation_param_t", params=params, kernel="activation_lut_int8",
                          args=(PARAM, In(0), Const("table"), Out(0)), consts=(table,), inplace=0)
        zp_in = qparams(x, "input")[1]
        (m, sh), alpha_ms = _int8_multipliers(g, i)
        params.update(input_zp=zp_in, output_zp=zp_out, multiplier=m, shift=sh,
                      rounding=rounding_code(numerics.ROUNDING))
        if alpha_ms is not None:
            ma, sa = alpha_ms
            params.update(alpha_multiplier=ma, alpha_shift=sa)
            fn = "leaky_relu_int8"
        else:
            lo, hi = numerics.relu_x_range(*_real_bounds(g, i), s_out, zp_out, -128, 127)
            params.update(act_min=lo, act_max=hi)
            fn = "relu_x_int8"
        return OpPlan(kernel_sources=("int8/activation_int8.c",), header="int8/activation_int8.h",
                      param_type="activation_param_t", params=params, kernel=fn, args=UNARY_ARGS,
                      inplace=0)
    if x.dtype in _INT_SUFFIX:
        if act == "ABS":
            params.update(type=FP32_TYPES["ABS"])
        elif node.op == "Clip":
            params.update(int_bounds(x.dtype, None if len(ins) > 1 else _clip_bound(g, i, 1, "min"),
                                     None if len(ins) > 2 else _clip_bound(g, i, 2, "max")))
        else:
            params.update(int_bounds(x.dtype, *_real_bounds(g, i)))
        return OpPlan(kernel_sources=("base/activation_base.c",), header="base/activation_base.h",
                      param_type="activation_param_t", params=params, kernel=f"activation_int_{_INT_SUFFIX[x.dtype]}",
                      args=(PARAM, In(0), *_bound_args(g, i), Out(0)), returns_status=True, inplace=0)
    raise Unsupported(f"input dtype {x.dtype.short} (see activation_dtype)")


family(("Activation", "LeakyRelu", "Clip"), _plan, RULES)
