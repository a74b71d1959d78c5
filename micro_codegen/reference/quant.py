"""Integer (int8) arithmetic shared by the reference kernels — TFLite reference semantics.

Everything here is the fixed-point arithmetic of the TFLite reference kernels
(BUILTIN_REF), which is what the ``output_k`` arrays of the shared models were made
with. Formulas:

Quantization: ``real = scale * (q - zero_point)``.

Multiplier and shift (:func:`quantize_multiplier`)
    A positive real multiplier ``M`` (for a conv: ``M = in_scale * w_scale[c] / out_scale``,
    computed in **double** from the float32 scales of the file) is written as
    ``M = q * 2**shift`` with ``q`` in [0.5, 1) (``frexp``); the int32 multiplier is
    ``m = round_half_away(q * 2**31)``. If that rounds up to ``2**31`` it becomes
    ``2**30`` and ``shift += 1``. A tiny ``M`` with ``shift < -31`` gives ``(0, 0)``
    (the product is then always 0); a huge one with ``shift > 30`` is clamped to
    ``(2**31 - 1, 30)``. ``M == 0`` gives ``(0, 0)``. ``shift > 0`` means a left shift.

Applying it (:func:`multiply_by_quantized_multiplier`), ``x`` int32, all math in int64.
    The TFLite reference kernels (LiteRT 2.3.0 BUILTIN_REF, which made the shared
    models' ``output_k``) use **two** formulas, depending on the kernel — verified
    element-exact with one-op LiteRT models of random parameters and on the shared
    models layer by layer:

    ``"double"`` (gemmlowp; the default, :data:`ROUNDING`) — CONV_2D, DEPTHWISE_CONV_2D,
    MUL, int8 MEAN, ADD/SUB (ADD/SUB, and the softmax input scaling, give identical
    results with either formula in all probes)::

        left = max(shift, 0); right = max(-shift, 0)
        p = (x << left) * m                                   # int64
        h = trunc((p + (p >= 0 ? 2**30 : 1 - 2**30)) / 2**31) # SaturatingRoundingDoublingHighMul
        y = (h >> right) + ((h & mask) > (mask >> 1) + (h < 0))   # RoundingDivideByPOT, mask = 2**right - 1

    i.e. two roundings: ``x*m / 2**31`` to nearest with ties *up* (the gemmlowp nudge:
    ``0.5 -> 1``, ``-0.5 -> 0``, ``-1.5 -> -1``), then the division by ``2**right`` to
    nearest with ties *away from zero* (``-2.5 -> -3``, ``2.5 -> 3``). Double rounding can
    round up twice: ``5 * 0.25`` gives 2.5 -> 3 then 1.5 -> 2, not 1.

    ``"single"`` (TFLITE_SINGLE_ROUNDING) — FULLY_CONNECTED::

        total_shift = 31 - shift                              # in [1, 62]
        y = (x * m + (1 << (total_shift - 1))) >> total_shift # arithmetic shift = floor
        y = clamp(y, INT32_MIN, INT32_MAX)

    i.e. ``x * m / 2**total_shift`` rounded once, ties **up** (towards +inf):
    ``-2.5 -> -2`` but ``2.5 -> 3``. The two differ on negative ties and where the first
    rounding of "double" lands on a tie for the second (1-2 LSB on ~1% of conv outputs,
    ~20% of ad01 FC outputs with the wrong choice). Kernels pass ``rounding=`` explicitly
    when they use "single".

Requantization (:func:`requantize`)
    ``out = clamp(multiply_by_quantized_multiplier(acc, m, shift) + out_zp, qmin, qmax)``
    where ``[qmin, qmax]`` is the fused-activation range of :func:`activation_range`.

Fused activation range (:func:`activation_range`, TFLite CalculateActivationRangeQuantized)
    ``quantize(f) = zero_point + round_half_away(float32(f) / float32(scale))`` (float32
    division as in TFLite), and with ``[lo, hi]`` the range of the dtype:
    NO_ACTIVATION ``[lo, hi]``; RELU ``[max(lo, quantize(0)), hi]``; RELU6
    ``[max(lo, quantize(0)), min(hi, quantize(6))]``; RELU1 (-1..1)
    ``[max(lo, quantize(-1)), min(hi, quantize(1))]``.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import UnsupportedOpError

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1

#: default rounding of :func:`multiply_by_quantized_multiplier`: "double" (gemmlowp
#: SaturatingRoundingDoublingHighMul + RoundingDivideByPOT) or "single"
#: (TFLITE_SINGLE_ROUNDING, one rounding shift of the 64-bit product). See the module
#: docstring for which TFLite kernel uses which.
ROUNDING = "double"

#: fused activations the kernels support (ActivationType member names)
FUSED_ACTIVATIONS = ("NO_ACTIVATION", "RELU", "RELU6", "RELU1")


def round_half_away(x):
    """``std::round``: nearest integer, ties away from zero (works on scalars and arrays)."""
    x = np.asarray(x, dtype=np.float64)
    r = np.sign(x) * np.floor(np.abs(x) + 0.5)
    return r if r.ndim else float(r)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """``real`` (>= 0) -> (int32 Q31 multiplier, shift); ``real ~= m * 2**(shift - 31)``."""
    real = float(real)
    if real == 0.0:
        return 0, 0
    if real < 0 or not math.isfinite(real):
        raise UnsupportedOpError(f"requantization multiplier {real:g} (from the tensors' scales) must be "
                                 f"finite and >= 0")
    q, shift = math.frexp(real)                   # real = q * 2**shift, q in [0.5, 1)
    q_fixed = int(round_half_away(q * (1 << 31)))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return q_fixed, shift


def quantize_multipliers(reals) -> tuple[np.ndarray, np.ndarray]:
    """Vector version of :func:`quantize_multiplier`: (int64 multipliers, int64 shifts)."""
    pairs = [quantize_multiplier(float(r)) for r in np.ravel(reals)]
    return (np.array([p[0] for p in pairs], dtype=np.int64),
            np.array([p[1] for p in pairs], dtype=np.int64))


def _trunc_div_pow2(v: np.ndarray, n) -> np.ndarray:
    """C integer division of int64 ``v`` by ``2**n`` (truncation toward zero)."""
    return np.where(v >= 0, v >> n, -((-v) >> n))


def rounding_divide_by_pot(x: np.ndarray, exponent) -> np.ndarray:
    """gemmlowp RoundingDivideByPOT: ``x / 2**exponent`` rounded half away from zero."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def saturating_rounding_doubling_high_mul(a: np.ndarray, b) -> np.ndarray:
    """gemmlowp SaturatingRoundingDoublingHighMul of int32 values (int64 arrays)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    overflow = (a == INT32_MIN) & (b == INT32_MIN)
    ab = a * b
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    high = _trunc_div_pow2(ab + nudge, 31)
    return np.where(overflow, np.int64(INT32_MAX), high)


def multiply_by_quantized_multiplier(x, multiplier, shift, rounding: str | None = None) -> np.ndarray:
    """``x * multiplier * 2**(shift - 31)`` rounded as TFLite does (see module docstring).

    ``x`` is an int32-range integer array; ``multiplier`` / ``shift`` are scalars or
    per-channel arrays broadcast over the last axis of ``x``. ``rounding`` is "single" or
    "double" (default: :data:`ROUNDING`). Returns int64 (int32 range).
    """
    x = np.asarray(x, dtype=np.int64)
    m = np.asarray(multiplier, dtype=np.int64)
    s = np.asarray(shift, dtype=np.int64)
    rounding = rounding or ROUNDING
    if rounding == "single":
        total = 31 - s
        rnd = np.int64(1) << (total - 1)
        y = (x * m + rnd) >> total
        return np.clip(y, INT32_MIN, INT32_MAX)
    if rounding == "double":
        left = np.maximum(s, 0)
        right = np.maximum(-s, 0)
        # C does this multiply in int32 (wrapping); keep it in the int32 range likewise
        xl = x << left
        xl = ((xl + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
        return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(xl, m), right)
    raise ValueError(f"unknown rounding mode {rounding!r}")


def requantize(acc, multiplier, shift, out_zp, qmin, qmax, dtype=np.int8, rounding: str | None = None) -> np.ndarray:
    """``clamp(MBQM(acc) + out_zp, qmin, qmax)`` as ``dtype``."""
    y = multiply_by_quantized_multiplier(acc, multiplier, shift, rounding) + np.int64(out_zp)
    return np.clip(y, qmin, qmax).astype(dtype)


def quantize_value(f: float, scale: float, zero_point: int) -> int:
    """TFLite's ``zero_point + round(f / scale)`` with float32 division."""
    v = np.float32(f) / np.float32(scale)
    return int(zero_point) + int(round_half_away(float(v)))


def activation_range(act_type: str, scale: float, zero_point: int, dtype=np.int8) -> tuple[int, int]:
    """Quantized clamp range of a fused activation (CalculateActivationRangeQuantized)."""
    info = np.iinfo(dtype)
    lo, hi = int(info.min), int(info.max)
    act = act_type or "NO_ACTIVATION"
    if act == "NO_ACTIVATION":
        return lo, hi
    if act == "RELU":
        return max(lo, quantize_value(0.0, scale, zero_point)), hi
    if act == "RELU6":
        return (max(lo, quantize_value(0.0, scale, zero_point)),
                min(hi, quantize_value(6.0, scale, zero_point)))
    if act == "RELU1":
        return (max(lo, quantize_value(-1.0, scale, zero_point)),
                min(hi, quantize_value(1.0, scale, zero_point)))
    raise ValueError(f"fused activation {act} has no quantized range (supported: {', '.join(FUSED_ACTIVATIONS)})")


def float_activation(x, act_type: str) -> np.ndarray:
    """fp32 fused activation (TFLite ActivationFunctionWithMinMax)."""
    act = act_type or "NO_ACTIVATION"
    x = np.asarray(x)
    if act == "NO_ACTIVATION":
        return x
    if act == "RELU":
        return np.maximum(x, x.dtype.type(0))
    if act == "RELU6":
        return np.minimum(np.maximum(x, x.dtype.type(0)), x.dtype.type(6))
    if act == "RELU1":
        return np.minimum(np.maximum(x, x.dtype.type(-1)), x.dtype.type(1))
    raise ValueError(f"fused activation {act} is not supported (supported: {', '.join(FUSED_ACTIVATIONS)})")
