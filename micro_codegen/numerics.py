"""The integer arithmetic and geometry shared by the reference interpreter (``reference/``)
and the code generator's op families (``ops/``), so that both derive every multiplier,
clamp bound, padding and window identically. TFLite reference semantics (BUILTIN_REF),
which is what the ``output_k`` arrays of the shared models were made with.

Functions take plain values (attribute values, shapes, scales), never a graph node, and
raise :class:`~micro_codegen.errors.UnsupportedOpError` (with the bare reason; callers add
the node's label) for values they cannot handle.

Quantization: ``real = scale * (q - zero_point)``.

Multiplier and shift (:func:`quantize_multiplier`)
    A positive real multiplier ``M`` (for a conv: ``M = in_scale * w_scale[c] / out_scale``,
    computed in **double** from the float32 scales of the file) is written as
    ``M = q * 2**shift`` with ``q`` in [0.5, 1) (``frexp``); the int32 multiplier is
    ``m = round_half_away(q * 2**31)``. If that rounds up to ``2**31`` it becomes
    ``2**30`` and ``shift += 1``. A tiny ``M`` with ``shift < -31`` gives ``(0, 0)``
    (the product is then always 0); a huge one with ``shift > 30`` is clamped to
    ``(2**31 - 1, 30)``. ``M == 0`` gives ``(0, 0)``. ``shift > 0`` means a left shift.

Applying it (:func:`multiply_by_quantized_multiplier`, "MBQM"), ``x`` int32, all math in int64.
    The TFLite reference kernels (LiteRT 2.3.0 BUILTIN_REF, which made the shared
    models' ``output_k``) use **two** formulas, depending on the kernel — verified
    element-exact with one-op LiteRT models of random parameters and on the shared
    models layer by layer (see the ``ROUNDING_*`` constants for which kernel uses which):

    ``"double"`` (gemmlowp; the default, :data:`ROUNDING`)::

        left = max(shift, 0); right = max(-shift, 0)
        p = (x << left) * m                                   # int64
        h = trunc((p + (p >= 0 ? 2**30 : 1 - 2**30)) / 2**31) # SaturatingRoundingDoublingHighMul
        y = (h >> right) + ((h & mask) > (mask >> 1) + (h < 0))   # RoundingDivideByPOT, mask = 2**right - 1

    i.e. two roundings: ``x*m / 2**31`` to nearest with ties *up* (the gemmlowp nudge:
    ``0.5 -> 1``, ``-0.5 -> 0``, ``-1.5 -> -1``), then the division by ``2**right`` to
    nearest with ties *away from zero* (``-2.5 -> -3``, ``2.5 -> 3``). Double rounding can
    round up twice: ``5 * 0.25`` gives 2.5 -> 3 then 1.5 -> 2, not 1.

    ``"single"`` (TFLITE_SINGLE_ROUNDING)::

        total_shift = 31 - shift                              # in [1, 62]
        y = (x * m + (1 << (total_shift - 1))) >> total_shift # arithmetic shift = floor
        y = clamp(y, INT32_MIN, INT32_MAX)

    i.e. ``x * m / 2**total_shift`` rounded once, ties **up** (towards +inf):
    ``-2.5 -> -2`` but ``2.5 -> 3``. The two differ on negative ties and where the first
    rounding of "double" lands on a tie for the second (1-2 LSB on ~1% of conv outputs,
    ~20% of ad01 FC outputs with the wrong choice).

Requantization (:func:`requantize`)
    ``out = clamp(MBQM(acc, m, shift) + out_zp, qmin, qmax)`` where ``[qmin, qmax]`` is the
    fused-activation range of :func:`activation_range`.

Fused activation range (:func:`activation_range`, TFLite CalculateActivationRangeQuantized)
    ``quantize(f) = zero_point + round_half_away(float32(f) / float32(scale))`` (float32
    division as in TFLite), and with ``[lo, hi]`` the range of the dtype:
    NO_ACTIVATION ``[lo, hi]``; RELU ``[max(lo, quantize(0)), hi]``; RELU6
    ``[max(lo, quantize(0)), min(hi, quantize(6))]``; RELU1 (-1..1)
    ``[max(lo, quantize(-1)), min(hi, quantize(1))]``.

Padding (:func:`resolve_padding`, per spatial dim, input ``n``, effective kernel ``k``,
stride ``s``)
    ``SAME`` — ``out = ceil(n / s)``, total padding ``max((out - 1) * s + k - n, 0)``,
    ``total // 2`` before (top/left), the rest after (TFLite's rule; explicit pads are
    ignored); ``VALID`` — no padding, ``out = (n - k) // s + 1`` (``k <= n``); ``PAD`` —
    explicit ``[top, bottom, left, right]`` (>= 0), ``out = (n + before + after - k) // s + 1``.
    ``round_mode`` CEIL (pooling) rounds the divisions of VALID and PAD up instead.
"""
from __future__ import annotations

import math
from typing import Mapping, NamedTuple, Sequence

import numpy as np

from .errors import UnsupportedOpError

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1

# ---------------------------------------------------------------- rounding modes per kernel

#: default rounding of :func:`multiply_by_quantized_multiplier` ("double": gemmlowp
#: SaturatingRoundingDoublingHighMul + RoundingDivideByPOT); also the int8 activations
#: (QuantizedReluX, LeakyRelu, Abs/Neg) and the softmax input scaling
ROUNDING = "double"
#: int8 CONV_2D / DEPTHWISE_CONV_2D: double rounding, verified layer by layer on
#: vww_96_int8 (single rounding is off by 1 LSB on ~1% of the outputs)
ROUNDING_CONV = "double"
#: int8 FULLY_CONNECTED: single rounding, verified on ad01_int8 (double rounding is off
#: by 1-2 LSB on ~20% of the outputs)
ROUNDING_FC = "single"
#: int8 ADD / SUB and MUL (both formulas agree on ADD/SUB in all probes)
ROUNDING_ADD = "double"
ROUNDING_MUL = "double"
#: int8 MEAN / SUM
ROUNDING_MEAN = "double"

#: left shift of the int8 ADD / SUB inputs before rescaling (TFLite's ``left_shift = 20``)
ADD_LEFT_SHIFT = 20

#: fused activations (ActivationType member names) the quantized and fp32 kernels apply
FUSED_ACTIVATIONS = ("NO_ACTIVATION", "RELU", "RELU6", "RELU1")

# ---------------------------------------------------------------- rounding and multipliers


def round_half_away(x):
    """``std::round``: nearest integer, ties away from zero (works on scalars and arrays)."""
    x = np.asarray(x, dtype=np.float64)
    r = np.sign(x) * np.floor(np.abs(x) + 0.5)
    return r if r.ndim else float(r)


def ratio_f32(a: float, b: float) -> float:
    """``a / b`` in float32, as TFLite computes ``input->params.scale / output->params.scale``
    (inf when it overflows float32)."""
    with np.errstate(over="ignore"):
        return float(np.float32(a) / np.float32(b))


def quantize_multiplier(real: float) -> tuple[int, int]:
    """``real`` (>= 0) -> (int32 Q31 multiplier ``m``, ``shift``) with ``real ~= m * 2**(shift - 31)``
    (``frexp`` rule of the module docstring)."""
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


def output_multipliers(in_scale: float, w_scales, out_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Conv / FullConnection requantization: ``M[c] = in_scale * w_scale[c] / out_scale``
    (in double) for every weight scale, quantized (:func:`quantize_multipliers`)."""
    return quantize_multipliers([float(in_scale) * float(ws) / float(out_scale) for ws in np.ravel(w_scales)])


def add_multipliers(s1: float, s2: float, s_out: float):
    """int8 ADD / SUB (TFLite): with ``twice_max = 2 * max(s1, s2)`` (double), the input
    multipliers ``s1 / twice_max``, ``s2 / twice_max`` and the output multiplier
    ``twice_max / (2**ADD_LEFT_SHIFT * s_out)`` -> ``((m1, e1), (m2, e2), (mo, eo))``."""
    twice_max = 2.0 * max(s1, s2)
    return (quantize_multiplier(s1 / twice_max), quantize_multiplier(s2 / twice_max),
            quantize_multiplier(twice_max / ((1 << ADD_LEFT_SHIFT) * s_out)))


def mul_multiplier(s1: float, s2: float, s_out: float) -> tuple[int, int]:
    """int8 MUL (TFLite): ``quantize_multiplier(s1 * s2 / s_out)`` (double)."""
    return quantize_multiplier(s1 * s2 / s_out)


def leaky_relu_multipliers(s_in: float, alpha: float, s_out: float):
    """int8 LeakyRelu (TFLite QuantizeLeakyRelu): identity ``in_scale / out_scale`` and
    alpha ``in_scale * alpha / out_scale``, both in float32 -> ``((m_id, e_id), (m_a, e_a))``.
    A negative slope is unsupported."""
    with np.errstate(over="ignore", invalid="ignore"):
        alpha_mult = float(np.float32(s_in) * np.float32(alpha) / np.float32(s_out))
    if alpha_mult < 0:
        raise UnsupportedOpError(f"int8 LeakyRelu with a negative slope ({alpha}) is not supported")
    return quantize_multiplier(ratio_f32(s_in, s_out)), quantize_multiplier(alpha_mult)


def mean_multiplier(in_scale: float, out_scale: float, n: int) -> tuple[int, int]:
    """(multiplier, shift) of ``in_scale / (out_scale * n)`` as TFLite's int8 MEAN builds it:
    ``(m, e) = quantize_multiplier(in_scale / out_scale)``, ``k = min(floor(log2 n), 32, 31 + e)``,
    ``m' = (m << k) // n``, ``e' = e - k``."""
    m, e = quantize_multiplier(float(in_scale) / float(out_scale))
    k = min(int(n).bit_length() - 1, 32, 31 + e)
    return (m << k) // n, e - k


#: integer bits of the scaled differences of the int8 softmax (Q5.26)
SOFTMAX_DIFF_INT_BITS = 5


def softmax_params(in_scale: float, beta: float = 1.0) -> tuple[int, int, int]:
    """int8 softmax (TFLite PreprocessSoftmaxScaling) -> (input_beta_multiplier,
    input_beta_left_shift, diff_min): ``real = min(beta * in_scale * 2**(31-5), cap)`` with
    ``cap = 2**31 - 1`` (``2**30 - 1`` under single rounding), ``(mult, shift) =
    quantize_multiplier(real)`` (``shift`` must be >= 0), ``diff_min = -floor((2**5 - 1) *
    2**(31-5) / 2**shift)``."""
    cap = (1 << 30) - 1.0 if ROUNDING == "single" else (1 << 31) - 1.0
    real = min(float(beta) * float(in_scale) * (1 << (31 - SOFTMAX_DIFF_INT_BITS)), cap)
    mult, shift = quantize_multiplier(real)
    if shift < 0:
        raise UnsupportedOpError("softmax input scale too small for the fixed-point kernel")
    radius = math.floor((2 ** SOFTMAX_DIFF_INT_BITS - 1) * (2 ** (31 - SOFTMAX_DIFF_INT_BITS)) / (2 ** shift))
    return mult, shift, -radius


# ---------------------------------------------------------------- fixed-point primitives

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


# ---------------------------------------------------------------- quantized values and clamp ranges

def quantize_value(f: float, scale: float, zero_point: int) -> int:
    """TFLite's ``zero_point + round_half_away(f / scale)`` with float32 division."""
    v = np.float32(f) / np.float32(scale)
    return int(zero_point) + int(round_half_away(float(v)))


def activation_range(act_type: str, scale: float, zero_point: int, dtype=np.int8) -> tuple[int, int]:
    """Quantized clamp range of a fused activation (CalculateActivationRangeQuantized, see
    the module docstring); ``ValueError`` for an activation not in :data:`FUSED_ACTIVATIONS`."""
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
    """fp32 fused activation (TFLite ActivationFunctionWithMinMax): none, ``max(x, 0)``,
    ``min(max(x, 0), 6)``, ``min(max(x, -1), 1)``."""
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


#: real clamp bounds (lower, upper; None = unbounded) of the QuantizedReluX activations
RELU_X_BOUNDS = {"NO_ACTIVATION": (None, None), "RELU": (0.0, None), "RELU6": (0.0, 6.0), "RELU1": (-1.0, 1.0)}


def quantize_bound(value: float, scale: float, zp: int, lo: int, hi: int) -> int:
    """``zp + roundf(value / scale)`` (float32 division, ties away from zero), clamped into
    ``[lo, hi]``; infinite (or float32-overflowing) values give ``lo`` / ``hi``."""
    if not math.isfinite(value) or abs(value) >= 3.0e38:
        return hi if value > 0 else lo
    q = float(np.float32(value) / np.float32(scale))
    if not math.isfinite(q):
        return hi if q > 0 else lo
    v = zp + int(round_half_away(q))
    return min(max(v, lo), hi)


def relu_x_range(act_min: float | None, act_max: float | None, scale: float, zp: int,
                 lo: int, hi: int) -> tuple[int, int]:
    """TFLite QuantizedReluX clamp range: ``[max(lo, quantize_bound(act_min)),
    min(hi, quantize_bound(act_max))]`` with an unbounded side (None) at ``lo`` / ``hi``."""
    qlo = lo if act_min is None else max(lo, quantize_bound(act_min, scale, zp, lo, hi))
    qhi = hi if act_max is None else min(hi, quantize_bound(act_max, scale, zp, lo, hi))
    return qlo, qhi


# ---------------------------------------------------------------- geometry: padding, windows, axes

def pair(value, name: str) -> tuple[int, int]:
    """An (h, w) attribute: one value is used for both, two are (h, w); each must be >= 1."""
    if value is None:
        raise UnsupportedOpError(f"attribute {name} is missing")
    v = tuple(int(a) for a in value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2 or min(v) < 1:
        raise UnsupportedOpError(f"{name}={list(v)}: need two positive values (h, w)")
    return v


def resolve_padding(mode: str, in_hw, k_eff, stride, pads, round_mode: str = "FLOOR"):
    """-> (out_h, out_w, pad_top, pad_left) for ``mode`` SAME / VALID / PAD (module docstring);
    ``pads`` = [top, bottom, left, right] (used by PAD only)."""
    outs, befores = [], []
    for d in range(2):
        n, k, s = in_hw[d], k_eff[d], stride[d]
        if mode == "SAME":
            o = -(-n // s)
            total = max((o - 1) * s + k - n, 0)
            before = total // 2
        elif mode == "VALID":
            if n < k:
                raise UnsupportedOpError(f"VALID padding with window {k} larger than input {n}")
            o = (n - k) // s + 1 if round_mode != "CEIL" else -(-(n - k) // s) + 1
            before = 0
        elif mode == "PAD":
            if pads is None or len(pads) != 4:
                raise UnsupportedOpError(f"pad_mode PAD needs pad_list/pad [top, bottom, left, right], got {pads}")
            b, a = int(pads[2 * d]), int(pads[2 * d + 1])
            if b < 0 or a < 0:
                raise UnsupportedOpError(f"negative padding {list(pads)}")
            span = n + b + a - k
            if span < 0:
                raise UnsupportedOpError(f"window {k} larger than padded input {n + b + a}")
            o = span // s + 1 if round_mode != "CEIL" else -(-span // s) + 1
            before = b
        else:
            raise UnsupportedOpError(f"pad_mode {mode} is not supported (SAME, VALID, PAD)")
        outs.append(o)
        befores.append(before)
    return outs[0], outs[1], befores[0], befores[1]


class Window(NamedTuple):
    """A conv / pooling window over the H x W plane (the names of the C parameter fields)."""
    kernel_h: int
    kernel_w: int
    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    out_h: int
    out_w: int
    pad_top: int
    pad_left: int


def conv_window(in_hw, kernel_hw, attrs: Mapping) -> Window:
    """Conv2DFusion over an ``in_hw`` input with a ``kernel_hw`` kernel (from the weights) and
    the node's attributes ``stride`` and ``dilation`` (:func:`pair`; default 1), ``pad_mode``
    (default PAD) and ``pad_list``: the effective kernel ``(k - 1) * dilation + 1`` padded by
    :func:`resolve_padding` (FLOOR)."""
    (sh, sw), (dh, dw) = pair(attrs.get("stride", (1, 1)), "stride"), pair(attrs.get("dilation", (1, 1)), "dilation")
    kh, kw = kernel_hw
    keff = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    out_h, out_w, pt, pl = resolve_padding(attrs.get("pad_mode") or "PAD", in_hw, keff, (sh, sw),
                                           attrs.get("pad_list"))
    return Window(kh, kw, sh, sw, dh, dw, out_h, out_w, pt, pl)


def pool_window(in_hw, attrs: Mapping) -> Window:
    """AvgPoolFusion / MaxPoolFusion over an ``in_hw`` input, from the node's attributes: a
    ``global`` pool is one H x W window; otherwise ``kernel_size`` and ``strides`` (:func:`pair`;
    strides default 1) padded by :func:`resolve_padding` with ``pad_mode`` (default VALID),
    ``pad`` and ``round_mode`` FLOOR (default) or CEIL."""
    h, w = in_hw
    if attrs.get("global"):
        return Window(h, w, 1, 1, 1, 1, 1, 1, 0, 0)
    kh, kw = pair(attrs.get("kernel_size"), "kernel_size")
    sh, sw = pair(attrs.get("strides", (1, 1)), "strides")
    round_mode = attrs.get("round_mode") or "FLOOR"
    if round_mode not in ("FLOOR", "CEIL"):
        raise UnsupportedOpError(f"round_mode {round_mode} is not supported (FLOOR, CEIL)")
    out_h, out_w, pt, pl = resolve_padding(attrs.get("pad_mode") or "VALID", (h, w), (kh, kw), (sh, sw),
                                           attrs.get("pad"), round_mode)
    return Window(kh, kw, sh, sw, 1, 1, out_h, out_w, pt, pl)


def has_empty_window(win: Window, in_hw) -> bool:
    """Does an output position's (undilated) window lie entirely in the padding?"""
    for out, s, p, k, size in ((win.out_h, win.stride_h, win.pad_top, win.kernel_h, in_hw[0]),
                               (win.out_w, win.stride_w, win.pad_left, win.kernel_w, in_hw[1])):
        for j in range(out):
            start = j * s - p
            if min(start + k, size) - max(start, 0) <= 0:
                return True
    return False


def reduce_axes(ndim: int, axes: Sequence[int] | None, reduce_to_end: bool = False) -> list[int]:
    """The sorted reduced axes: ``axes`` (None = all; negative values count from the end;
    an empty list is unsupported); ``reduce_to_end`` makes them ``axes[0] .. ndim - 1``."""
    if axes is None:
        axes = list(range(ndim))
    elif len(axes) == 0:
        raise UnsupportedOpError("empty axes list")
    norm = []
    for a in axes:
        b = int(a) + ndim if int(a) < 0 else int(a)
        if not 0 <= b < ndim:
            raise UnsupportedOpError(f"axis {a} out of range for a {ndim}-D input")
        norm.append(b)
    if reduce_to_end and norm:
        norm = list(range(norm[0], ndim))
    return sorted(set(norm))


def pad_pairs(rank: int, paddings) -> list[tuple[int, int]]:
    """PadFusion: ``paddings`` (flat ``[before, after]`` values, for the last dims when fewer
    than ``rank`` pairs; None = missing) -> one (before, after) pair per dim, all >= 0."""
    if paddings is None:
        raise UnsupportedOpError("PadFusion without paddings (no input 1, no attribute)")
    p = np.asarray(paddings).astype(np.int64).reshape(-1)
    if p.size % 2 or p.size // 2 > rank:
        raise UnsupportedOpError(f"PadFusion paddings of {p.size} values do not fit a rank-{rank} input "
                                 f"(need [before, after] per dimension)")
    pairs = [(0, 0)] * (rank - p.size // 2) + [(int(a), int(b)) for a, b in p.reshape(-1, 2)]
    if any(a < 0 or b < 0 for a, b in pairs):
        raise UnsupportedOpError(f"PadFusion with negative paddings {pairs} is not supported")
    return pairs
