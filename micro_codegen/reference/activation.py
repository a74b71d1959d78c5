"""Activation, LeakyRelu and Clip (PReLUFusion: ``reference/prelu.py``).

Float semantics (computed in float64, rounded once to the output dtype):

=============  ==============================================================
RELU           ``max(x, 0)``
RELU6          ``min(max(x, 0), 6)``
RELU1          ``min(max(x, -1), 1)`` (TFLite RELU_N1_TO_1)
HARD_TANH      ``min(max(x, min_val), max_val)``
SIGMOID        ``1 / (1 + exp(-x))``
TANH           ``tanh(x)``
LEAKY_RELU     ``x if x >= 0 else alpha * x``
ELU            ``x if x > 0 else alpha * (exp(x) - 1)``
HSWISH         ``x * relu6(x + 3) / 6``
HSIGMOID       ``relu6(x + 3) / 6`` (MindSpore's fixed slope 1/6, offset 0.5)
ABS, SIGN      ``|x|``, ``sign(x)``
SOFTPLUS       ``log(1 + exp(x))``
SOFTSIGN       ``x / (1 + |x|)``
SWISH          ``x * sigmoid(x)``
SELU           ``1.05070098 * (x if x > 0 else 1.67326324 * (exp(x) - 1))``
GELU           ``0.5 x (1 + erf(x / sqrt 2))``; ``approximate``: the tanh form
               ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``
=============  ==============================================================

The attribute values are taken from the ``.ms`` as they are: the MindSpore converter
writes ``alpha = 0`` for an ONNX LeakyRelu / Elu without an explicit alpha and drops
Gelu's ``approximate="tanh"`` and HardSigmoid's alpha/beta; we follow the file.

Integer tensors without quantization parameters: the piecewise-linear activations
(RELU, RELU6, RELU1, HARD_TANH, ABS) apply to the integer values directly.

Quantized int8/uint8 (TFLite reference kernels):

* RELU / RELU6 / RELU1 / HARD_TANH / LINEAR (identity: a requantization) — ``QuantizedReluX``:
  ``clamp(out_zp + MBQM(q - in_zp, M), act_lo, act_hi)`` with
  ``M = in_scale / out_scale`` and
  ``act_lo = max(qmin, out_zp + roundf(act_min / out_scale))`` (float32 division, ties
  away from zero), ``act_hi`` likewise (``qmax`` when unbounded). (TFLite has no quantized
  HARD_TANH/Clip; they use the same formula with their bounds.)
* LEAKY_RELU (and the LeakyRelu op) — ``QuantizeLeakyRelu``: two multipliers,
  identity ``in_scale / out_scale`` and alpha ``in_scale * alpha / out_scale``;
  ``q - in_zp >= 0`` uses identity, else alpha;
  ``+ out_zp``, clamp to the dtype range.
* SIGMOID / TANH / ELU / GELU — a 256-entry table as TFLite's ``LUTPopulate`` builds it
  (see :func:`lut_activation`).
* HSWISH — TFLite ``reference_ops::HardSwish`` (int16 fixed point,
  :func:`micro_codegen.numerics.hard_swish_quantized`).

All multipliers are computed from the float32 scales in float32 arithmetic (TFLite's
``double m = input->params.scale / output->params.scale`` divides floats), and MBQM uses
:func:`numerics.multiply_by_quantized_multiplier`'s default rounding (TFLite's gemmlowp
``MultiplyByQuantizedMultiplier``).

Other activations on quantized tensors raise ``UnsupportedOpError``.
"""
from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..errors import UnsupportedOpError
from ..ir import DType, Tensor
from .registry import OpContext, kernel

_PIECEWISE_INT = ("RELU", "RELU6", "RELU1", "HARD_TANH", "ABS", "NO_ACTIVATION", "LINEAR")
_QUANT_DTYPES = (DType.INT8, DType.UINT8)

erf = numerics.erf_f64
sigmoid = numerics.sigmoid_f64


def is_quantized(t: Tensor) -> bool:
    """An int8/uint8 tensor with quantization parameters."""
    return t.dtype in _QUANT_DTYPES and t.is_quantized


def float_act(x: np.ndarray, act: str, alpha: float = 0.0, min_val: float = 0.0, max_val: float = 0.0,
              approximate: bool = False) -> np.ndarray:
    """The float activation ``act`` (ActivationType member name) on float64 values
    (:func:`micro_codegen.numerics.unary_activation`, the table of the module docstring).

    Raises ``UnsupportedOpError`` for an activation type it does not know.
    """
    return numerics.unary_activation(x, act, alpha, min_val, max_val, approximate)


def apply_float(ctx: OpContext, x: np.ndarray, act: str, out_dtype, **params) -> np.ndarray:
    """Float activation of ``x`` cast to ``out_dtype``; ``UnsupportedOpError`` if unknown."""
    try:
        y = float_act(x, act, **params)
    except UnsupportedOpError as e:
        raise ctx.unsupported(str(e)) from None
    return y.astype(out_dtype)


def _qrange(dtype: DType) -> tuple[int, int]:
    info = np.iinfo(dtype.np)
    return int(info.min), int(info.max)


def _qparams(ctx: OpContext, t: Tensor, what: str) -> tuple[float, int]:
    if t.per_channel:
        raise ctx.unsupported(f"per-channel quantization of the {what} tensor '{t.name}' is not supported")
    return float(t.quant[0].scale), int(t.quant[0].zero_point)


def quantized_relu_x(ctx: OpContext, q: np.ndarray, act_min: float | None, act_max: float | None) -> np.ndarray:
    """TFLite ``QuantizedReluX`` from ctx's input 0 to output 0 (int8/uint8)."""
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    s_in, zp_in = _qparams(ctx, tin, "input")
    s_out, zp_out = _qparams(ctx, tout, "output")
    qlo, qhi = numerics.relu_x_range(act_min, act_max, s_out, zp_out, *_qrange(tout.dtype))
    m, sh = numerics.quantize_multiplier(numerics.ratio_f32(s_in, s_out))
    y = numerics.multiply_by_quantized_multiplier(q.astype(np.int64) - zp_in, m, sh) + zp_out
    return np.clip(y, qlo, qhi).astype(tout.dtype.np)


def quantized_leaky_relu(ctx: OpContext, q: np.ndarray, alpha: float) -> np.ndarray:
    """TFLite ``QuantizeLeakyRelu``."""
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    s_in, zp_in = _qparams(ctx, tin, "input")
    s_out, zp_out = _qparams(ctx, tout, "output")
    lo, hi = _qrange(tout.dtype)
    (m_id, s_id), (m_a, s_a) = numerics.leaky_relu_multipliers(s_in, alpha, s_out)
    x = q.astype(np.int64) - zp_in
    y = np.where(x >= 0, numerics.multiply_by_quantized_multiplier(x, m_id, s_id),
                 numerics.multiply_by_quantized_multiplier(x, m_a, s_a)) + zp_out
    return np.clip(y, lo, hi).astype(tout.dtype.np)


#: activations TFLite evaluates on int8/uint8 through a 256-entry table (LUTPopulate)
_LUT_ACTS = ("SIGMOID", "TANH", "ELU", "GELU")


def lut_activation(ctx: OpContext, q: np.ndarray, act: str, alpha: float, approximate: bool) -> np.ndarray:
    """TFLite ``LUTPopulate<int8/uint8>`` + table lookup (:func:`numerics.activation_lut`:
    dequantize in float32, ``f`` in double rounded to float32, requantize with ties away).

    (TFLite evaluates ``f`` in float32 with libm; the double evaluation can differ by one
    float32 ulp, which changes a table entry only when it lands exactly on a rounding edge.)
    """
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    s_in, zp_in = _qparams(ctx, tin, "input")
    s_out, zp_out = _qparams(ctx, tout, "output")
    lo, hi = _qrange(tin.dtype)
    table = numerics.activation_lut(act, s_in, zp_in, s_out, zp_out, lo, hi, alpha, approximate)
    return table[q.astype(np.int64) - lo].astype(tout.dtype.np)


def quantized_hard_swish(ctx: OpContext, q: np.ndarray) -> np.ndarray:
    """TFLite ``reference_ops::HardSwish`` (int16 fixed point, :func:`numerics.hard_swish_quantized`)."""
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    s_in, zp_in = _qparams(ctx, tin, "input")
    s_out, zp_out = _qparams(ctx, tout, "output")
    try:
        y = numerics.hard_swish_quantized(q, zp_in, zp_out, s_in, s_out, *_qrange(tout.dtype))
    except UnsupportedOpError as e:
        raise ctx.unsupported(str(e)) from None
    return y.astype(tout.dtype.np)


def _integer_act(ctx: OpContext, x: np.ndarray, act: str, min_val: float, max_val: float) -> np.ndarray:
    """Piecewise-linear activation on plain (non-quantized) integer values."""
    if act not in _PIECEWISE_INT:
        raise ctx.unsupported(f"activation {act} on {ctx.in_tensors[0].dtype.short} data without quantization "
                              f"parameters is not supported (only {', '.join(_PIECEWISE_INT)})")
    info = np.iinfo(x.dtype)
    v = x.astype(np.int64)
    if act == "ABS":
        v = np.abs(v)
    elif act not in ("NO_ACTIVATION", "LINEAR"):
        lo, hi = {"RELU": (0, None), "RELU6": (0, 6), "RELU1": (-1, 1), "HARD_TANH": (min_val, max_val)}[act]
        lo_i = int(info.min) if lo is None or lo <= info.min else int(math.ceil(lo))
        hi_i = int(info.max) if hi is None or hi >= info.max else int(math.floor(hi))
        v = np.minimum(np.maximum(v, lo_i), hi_i)
    return np.clip(v, info.min, info.max).astype(ctx.out_tensors[0].dtype.np)


def run_activation(ctx: OpContext, x: np.ndarray, act: str, alpha: float = 0.0, min_val: float = 0.0,
                   max_val: float = 0.0, approximate: bool = False) -> np.ndarray:
    """Activation ``act`` of node input 0 (``x``) to output 0, in whatever dtype the tensors have."""
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    if is_quantized(tin) or is_quantized(tout):
        if not (is_quantized(tin) and is_quantized(tout)):
            raise ctx.unsupported("activation between a quantized and a non-quantized tensor is not supported")
        bounds = dict(numerics.RELU_X_BOUNDS, LINEAR=(None, None), HARD_TANH=(min_val, max_val))
        if act in bounds:
            return quantized_relu_x(ctx, x, *bounds[act])
        if act == "LEAKY_RELU":
            return quantized_leaky_relu(ctx, x, alpha)
        if act == "HSWISH":
            if tin.dtype != tout.dtype:
                raise ctx.unsupported(f"quantized HSWISH from {tin.dtype.short} to {tout.dtype.short}")
            return quantized_hard_swish(ctx, x)
        if act in _LUT_ACTS:
            if tin.dtype != tout.dtype:
                raise ctx.unsupported(f"quantized {act} from {tin.dtype.short} to {tout.dtype.short}")
            return lut_activation(ctx, x, act, alpha, approximate)
        raise ctx.unsupported(f"quantized {tin.dtype.short} activation {act} is not supported "
                              f"(supported: {', '.join(bounds)}, LEAKY_RELU, HSWISH, "
                              f"{', '.join(_LUT_ACTS)})")
    if np.issubdtype(x.dtype, np.integer):
        return _integer_act(ctx, x, act, min_val, max_val)
    if not np.issubdtype(x.dtype, np.floating):
        raise ctx.unsupported(f"activation {act} on {tin.dtype.short} data is not supported")
    return apply_float(ctx, x, act, tout.dtype.np, alpha=alpha, min_val=min_val, max_val=max_val,
                       approximate=approximate)


@kernel("Activation")
def activation(ctx: OpContext):
    act = ctx.attr("activation_type") or "NO_ACTIVATION"
    return [run_activation(ctx, ctx.inputs[0], act, alpha=float(ctx.attr("alpha", 0.0) or 0.0),
                           min_val=float(ctx.attr("min_val", 0.0) or 0.0),
                           max_val=float(ctx.attr("max_val", 0.0) or 0.0),
                           approximate=bool(ctx.attr("approximate", False)))]


@kernel("LeakyRelu")
def leaky_relu(ctx: OpContext):
    return [run_activation(ctx, ctx.inputs[0], "LEAKY_RELU", alpha=float(ctx.attr("negative_slope", 0.0) or 0.0))]


def _bound(ctx: OpContext, index: int, attr: str) -> float | None:
    """Clip bound: input ``index`` when present (scalar), else the attribute."""
    if len(ctx.inputs) > index and ctx.inputs[index] is not None:
        v = np.asarray(ctx.inputs[index])
        if v.size != 1:
            raise ctx.unsupported(f"Clip {attr} input must hold one value, got shape {list(v.shape)}")
        return v.reshape(()).item()
    return ctx.attr(attr)


@kernel("Clip")
def clip(ctx: OpContext):
    """``min(max(x, lo), hi)``; ``lo`` = input 1 (else attr ``min``), ``hi`` = input 2 (else attr ``max``).

    MindSpore's Clip inputs are positional (x, min, max): a two-input node clamps from below.
    """
    x = ctx.inputs[0]
    tin, tout = ctx.in_tensors[0], ctx.out_tensors[0]
    lo, hi = _bound(ctx, 1, "min"), _bound(ctx, 2, "max")
    if is_quantized(tin) or is_quantized(tout):
        if not (is_quantized(tin) and is_quantized(tout)):
            raise ctx.unsupported("Clip between a quantized and a non-quantized tensor is not supported")
        if len(ctx.inputs) > 1 and any(is_quantized(t) for t in ctx.in_tensors[1:]):
            raise ctx.unsupported("Clip with quantized bound tensors is not supported")
        return [quantized_relu_x(ctx, x, lo, hi)]
    if np.issubdtype(x.dtype, np.integer):
        info = np.iinfo(x.dtype)
        lo_i = int(info.min) if lo is None or lo <= info.min else int(math.ceil(lo))
        hi_i = int(info.max) if hi is None or hi >= info.max else int(math.floor(hi))
        y = np.minimum(np.maximum(x.astype(np.int64), lo_i), hi_i)
        return [np.clip(y, info.min, info.max).astype(tout.dtype.np)]
    y = x.astype(np.float64)
    if lo is not None:
        y = np.maximum(y, float(lo))
    if hi is not None:
        y = np.minimum(y, float(hi))
    return [y.astype(tout.dtype.np)]
