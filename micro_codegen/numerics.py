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
    """An (h, w) attribute: one value is used for both, two are (h, w); each in 1 .. 2**31 - 1
    (the kernels' int fields)."""
    if value is None:
        raise UnsupportedOpError(f"attribute {name} is missing")
    v = tuple(int(a) for a in value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2 or min(v) < 1 or max(v) > INT32_MAX:
        raise UnsupportedOpError(f"{name}={list(v)}: need two values (h, w) in [1, {INT32_MAX}]")
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


class LstmGeometry(NamedTuple):
    """Sizes of a MindSpore Lite LSTM or GRU node: ``seq_len`` T, ``batch`` B,
    ``input_size`` I, ``hidden_size`` H, ``num_directions`` D."""
    seq_len: int
    batch: int
    input_size: int
    hidden_size: int
    num_directions: int


def recurrent_geometry(op: str, gates: int, x_shape, w_shape, r_shape, b_shape, hidden_size: int = 0,
                       bidirectional: bool = False, num_directions: int = 0) -> LstmGeometry:
    """The geometry of a recurrent node ``op`` with ``gates`` gates from its input x [T, B, I],
    input weights W [D, gates*H, I], recurrent weights R [D, gates*H, H] and bias
    B [D, 2*gates*H] (input bias then recurrent bias). ``hidden_size`` / ``num_directions`` are
    checked when written (non-zero); ``bidirectional`` needs D = 2."""
    x, w, r, b = (tuple(int(d) for d in s) for s in (x_shape, w_shape, r_shape, b_shape))
    if len(x) != 3:
        raise UnsupportedOpError(f"{op} input must be 3-D [seq_len, batch, input_size]; got {list(x)}")
    if len(w) != 3 or w[0] not in (1, 2) or w[1] % gates or w[1] == 0 or w[2] != x[2]:
        raise UnsupportedOpError(f"{op} input weights must be [directions (1 or 2), {gates}*hidden, {x[2]}]; "
                                 f"got {list(w)}")
    d, h = w[0], w[1] // gates
    if r != (d, gates * h, h):
        raise UnsupportedOpError(f"{op} recurrent weights must be {[d, gates * h, h]}; got {list(r)}")
    if b != (d, 2 * gates * h):
        raise UnsupportedOpError(f"{op} bias must be {[d, 2 * gates * h]} (input then recurrent bias); got {list(b)}")
    if hidden_size and int(hidden_size) != h:
        raise UnsupportedOpError(f"{op} hidden_size {hidden_size} does not match the weights' hidden size {h}")
    if (bidirectional and d != 2) or (num_directions and int(num_directions) != d):
        raise UnsupportedOpError(f"{op} with bidirectional={bool(bidirectional)}, num_directions={num_directions} "
                                 f"does not match weights for {d} direction(s)")
    if x[0] < 1 or x[1] < 1:
        raise UnsupportedOpError(f"{op} input needs seq_len and batch >= 1; got {list(x)}")
    return LstmGeometry(x[0], x[1], x[2], h, d)


def lstm_geometry(x_shape, w_shape, r_shape, b_shape, hidden_size: int = 0, bidirectional: bool = False,
                  num_directions: int = 0) -> LstmGeometry:
    """:func:`recurrent_geometry` of an LSTM as the converter writes an ONNX LSTM: 4 gates
    (i, o, f, c), W [D, 4H, I], R [D, 4H, H], B [D, 8H]."""
    return recurrent_geometry("LSTM", 4, x_shape, w_shape, r_shape, b_shape, hidden_size, bidirectional,
                              num_directions)


def lstm_zoneout(z: float) -> float:
    """The zoneout factor an LSTM applies: 0 (none) when ``|z| <= FLT_EPSILON`` as MindSpore
    Lite tests it, else ``z`` as float32."""
    z = float(np.float32(z or 0.0))
    return 0.0 if abs(z) <= float(np.finfo(np.float32).eps) else z


# ---------------------------------------------------------------- data movement (slices, split, pad, depth/space)

def _bit(mask: int, i: int) -> bool:
    return bool((int(mask) >> i) & 1)


def strided_slice_index(shape: Sequence[int], begin, end, strides, masks: Mapping[str, int]) -> tuple:
    """StridedSlice, TensorFlow form: the numpy index tuple of the slice spec ``begin``,
    ``end``, ``strides`` (one entry each per spec entry) and the five masks
    (``begin_mask``, ``end_mask``, ``ellipsis_mask``, ``new_axis_mask``,
    ``shrink_axis_mask``; bit ``i`` refers to spec entry ``i``). Indices follow numpy
    (= TensorFlow): negative counts from the end, then clamping to the dimension."""
    n = len(begin)
    if not (len(end) == n and len(strides) == n):
        raise UnsupportedOpError(f"StridedSlice begin/end/strides lengths differ: {len(begin)}, {len(end)}, "
                                 f"{len(strides)}")
    ell, new, shrink = (int(masks.get(k, 0) or 0) for k in ("ellipsis_mask", "new_axis_mask", "shrink_axis_mask"))
    bmask, emask = int(masks.get("begin_mask", 0) or 0), int(masks.get("end_mask", 0) or 0)
    consumed_after = [0] * (n + 1)   # input dims the entries from i on consume
    for i in range(n - 1, -1, -1):
        consumed_after[i] = consumed_after[i + 1] + (0 if _bit(ell, i) or _bit(new, i) else 1)
    idx: list = []
    seen_ellipsis = False
    in_dim = 0
    for i in range(n):
        if _bit(ell, i):
            if seen_ellipsis:
                raise UnsupportedOpError("StridedSlice with more than one ellipsis")
            seen_ellipsis = True
            idx.append(Ellipsis)
            in_dim = len(shape) - consumed_after[i + 1]
            continue
        if _bit(new, i):
            idx.append(None)
            continue
        if in_dim >= len(shape):
            raise UnsupportedOpError(f"StridedSlice spec has more entries than the input has dimensions "
                                     f"{list(shape)}")
        dim, s = int(shape[in_dim]), int(strides[i])
        if s == 0:
            raise UnsupportedOpError("StridedSlice with a zero stride")
        if _bit(shrink, i):
            b = 0 if _bit(bmask, i) else int(begin[i])
            b = b + dim if b < 0 else b
            if not 0 <= b < dim:
                raise UnsupportedOpError(f"StridedSlice shrink index {begin[i]} out of range for dimension {dim}")
            idx.append(b)
        else:
            idx.append(slice(None if _bit(bmask, i) else int(begin[i]), None if _bit(emask, i) else int(end[i]), s))
        in_dim += 1
    return tuple(idx)


def onnx_slice_spec(shape: Sequence[int], begin, end, axes, steps) -> tuple[list[int], list[int], list[int]]:
    """StridedSlice, ONNX form (inputs ``starts, ends, axes, steps``): full per-dimension
    (begin, end, strides) of an input of ``shape``; dimensions not listed in ``axes`` are
    taken whole. (Bit ``d`` of the masks then refers to dimension ``d``.)"""
    rank = len(shape)
    if not len(begin) == len(end) == len(axes) == len(steps):
        raise UnsupportedOpError(f"StridedSlice starts/ends/axes/steps lengths differ: {len(begin)}, {len(end)}, "
                                 f"{len(axes)}, {len(steps)}")
    full_b, full_e, full_s = [0] * rank, [int(d) for d in shape], [1] * rank
    for b, e, a, s in zip(begin, end, axes, steps):
        a = int(a) + rank if int(a) < 0 else int(a)
        if not 0 <= a < rank:
            raise UnsupportedOpError(f"StridedSlice axis {a} out of range for rank {rank}")
        full_b[a], full_e[a], full_s[a] = int(b), int(e), int(s)
    return full_b, full_e, full_s


def slice_fusion_index(shape: Sequence[int], begin, size, axes) -> tuple:
    """SliceFusion: the numpy index of ``x[begin : begin + size]`` along each of ``axes``
    (None or empty: all dims in order); ``size == -1`` runs to the end."""
    rank = len(shape)
    axes = list(range(len(begin))) if axes is None or len(axes) == 0 else [int(a) for a in axes]
    if not len(begin) == len(size) == len(axes):
        raise UnsupportedOpError(f"SliceFusion begin/size/axes lengths differ: {len(begin)}, {len(size)}, "
                                 f"{len(axes)}")
    idx = [slice(None)] * rank
    for b, s, a in zip(begin, size, axes):
        b, s, a = int(b), int(s), int(a)
        a = a + rank if a < 0 else a
        if not 0 <= a < rank:
            raise UnsupportedOpError(f"SliceFusion axis {a} out of range for rank {rank}")
        dim = int(shape[a])
        b = b + dim if b < 0 else b
        e = dim if s == -1 else b + s
        if not (0 <= b <= dim and b <= e <= dim):
            raise UnsupportedOpError(f"SliceFusion begin {b} size {s} out of range for dimension {dim}")
        idx[a] = slice(b, e)
    return tuple(idx)


def strided_view(shape: Sequence[int], index: tuple) -> tuple[list[int], int, list[int]]:
    """Geometry of ``x[index]`` (numpy basic indexing) on a C-contiguous ``x`` of ``shape``:
    (result shape, element offset of its first element, element stride of each result dim;
    negative for a negative step, 0 for an inserted axis). Element ``(i0, i1, ...)`` of the
    result is ``x.flat[offset + sum(i_k * stride_k)]``."""
    base = np.empty(tuple(int(d) for d in shape), dtype=np.uint8)
    view = base[index]
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0] if view.size else 0
    strides = [int(s) if d != 1 else 0 for s, d in zip(view.strides, view.shape)]
    return [int(d) for d in view.shape], int(offset), strides


def split_sizes(dim: int, n_out: int, size_splits=None, sizes_input=None, out_sizes=None,
                output_num: int = 0) -> list[int]:
    """Split: the part sizes along the axis, in order of preference: the ``size_splits``
    attribute, a constant sizes input, the output tensors' sizes along the axis (MindSpore
    Lite infers a Split's shapes from its attributes: a non-constant sizes input does not
    change them), else ``output_num`` (or ``n_out``) equal parts. One ``-1`` takes the rest."""
    if size_splits is not None and len(size_splits):
        sizes = [int(s) for s in size_splits]
    elif sizes_input is not None:
        sizes = [int(s) for s in np.asarray(sizes_input).reshape(-1)]
    elif out_sizes is not None and all(s is not None and s >= 0 for s in out_sizes):
        sizes = [int(s) for s in out_sizes]
    else:
        num = int(output_num or n_out)
        if num <= 0 or dim % num:
            raise UnsupportedOpError(f"Split of size {dim} into {num} equal parts")
        sizes = [dim // num] * num
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = dim - (sum(sizes) + 1)
    if len(sizes) != n_out or sum(sizes) != dim or any(s < 0 for s in sizes):
        raise UnsupportedOpError(f"Split sizes {sizes} do not split a dimension of {dim} into {n_out} outputs")
    return sizes


def pad_pairs_axes(rank: int, pads, axes) -> list[tuple[int, int]]:
    """PadFusion with an ONNX ``axes`` input: ``pads`` is in ONNX order (all begins, then all
    ends, one each per listed axis; negative axes count from the end); other dims get
    (0, 0). Returns one (before, after) pair per dim, all >= 0."""
    p = [int(v) for v in np.asarray(pads).reshape(-1)]
    ax = [int(a) for a in np.asarray(axes).reshape(-1)]
    if len(p) != 2 * len(ax):
        raise UnsupportedOpError(f"PadFusion pads of {len(p)} values do not fit {len(ax)} axes "
                                 f"(need a begin and an end per axis)")
    pairs = [(0, 0)] * rank
    seen = set()
    for k, a in enumerate(ax):
        b = a + rank if a < 0 else a
        if not 0 <= b < rank or b in seen:
            raise UnsupportedOpError(f"PadFusion axes {ax} are not distinct axes of a rank-{rank} input")
        seen.add(b)
        pairs[b] = (p[k], p[k + len(ax)])
    if any(a < 0 or b < 0 for a, b in pairs):
        raise UnsupportedOpError(f"PadFusion with negative paddings {pairs} is not supported")
    return pairs


def tile_multiples(rank: int, multiples, dims=None) -> list[int]:
    """TileFusion's multiple of every axis of a rank-``rank`` input, as MindSpore Lite's
    ``TileInferShape``: ``multiples`` (input 1) applies to the axes ``dims`` lists
    (``full[dims[k]] = multiples[k]``; no ``dims``: the first ``len(multiples)`` axes, in
    order); the other axes keep 1. UnsupportedOpError when there are more multiples than axes,
    when ``dims`` and ``multiples`` differ in length, when ``dims`` names an axis twice or one
    outside ``[0, rank)``, or when a multiple is negative."""
    mult = [int(v) for v in np.asarray(multiples).reshape(-1)]
    axes = list(range(len(mult))) if dims is None or len(dims) == 0 else [int(d) for d in dims]
    if len(mult) > rank:
        raise UnsupportedOpError(f"multiples must number at most the input's {rank} dims; got {mult}")
    if len(axes) != len(mult):
        raise UnsupportedOpError(f"dims must list one axis per multiple; got dims {axes} for multiples {mult}")
    if len(set(axes)) != len(axes) or any(not 0 <= d < rank for d in axes):
        raise UnsupportedOpError(f"dims must be distinct axes in [0, {rank}); got {axes}")
    if any(v < 0 for v in mult):
        raise UnsupportedOpError(f"multiples must be >= 0; got {mult}")
    full = [1] * rank
    for d, v in zip(axes, mult):
        full[d] = v
    return full


def pad_fill_value(value, out_dtype, out_quant: tuple[float, int] | None = None,
                   value_quant: tuple[float, int] | None = None) -> np.ndarray:
    """The CONSTANT fill of PadFusion as a one-element array of ``out_dtype``.

    ``value``: the constant-value input's single element (else the ``constant_value``
    attribute), a real number unless ``value_quant`` is given: the (scale, zero point) of a
    quantized int8/uint8 constant-value input, whose stored integer is dequantized first
    (``(q - zp) * scale`` in float32) -- or taken as it is when those parameters are
    ``out_quant``. ``out_quant``: the (scale, zero point) of a quantized int8/uint8 output; the
    real value is quantized with them (:func:`quantize_value`, clamped to the dtype). Other
    integer outputs truncate the value toward zero; float outputs take it as it is."""
    out_dtype = np.dtype(out_dtype)
    if value_quant is not None:
        v_scale, v_zp = float(value_quant[0]), int(value_quant[1])
        if out_quant is not None and np.float32(v_scale) == np.float32(out_quant[0]) and v_zp == int(out_quant[1]):
            info = np.iinfo(out_dtype)
            return np.asarray([int(np.clip(int(value), info.min, info.max))]).astype(out_dtype)
        value = float(np.float32(int(value) - v_zp) * np.float32(v_scale))
    if out_quant is not None:
        info = np.iinfo(out_dtype)
        q = quantize_value(float(value), out_quant[0], out_quant[1])
        return np.asarray([int(np.clip(q, info.min, info.max))]).astype(out_dtype)
    if np.issubdtype(out_dtype, np.integer):
        value = int(value)
    return np.asarray([value]).astype(out_dtype)


def concat_requant(in_scale: float, in_zp: int, out_scale: float) -> tuple[np.float32, np.float32]:
    """Concat of a quantized input with other parameters than the output (TFLite
    ``ConcatenationWithScaling``): ``q_out = round_half_away(q * s + b) + out_zp`` in float32
    with ``s = in_scale * (1 / out_scale)`` and ``b = -in_zp * s``; returns (s, b)."""
    s = np.float32(in_scale) * (np.float32(1.0) / np.float32(out_scale))
    return np.float32(s), np.float32(np.float32(-int(in_zp)) * s)


def depth_to_space_geometry(op: str, shape: Sequence[int], block: int, mode: str = "DCR",
                            nchw: bool = False) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """DepthToSpace / SpaceToDepth as reshape + transpose: (6-D shape the 4-D input is
    viewed as, permutation of it, 4-D output shape). ``mode`` (DepthToSpace): DCR splits
    the channel as (block row, block col, channel), CRD as (channel, block row, block col);
    SpaceToDepth builds the output channel as (block row, block col, channel)."""
    if len(shape) != 4:
        raise UnsupportedOpError(f"{op} needs a 4-D input, got {list(shape)}")
    b = int(block)
    if nchw:
        n, c, h, w = (int(d) for d in shape)
    else:
        n, h, w, c = (int(d) for d in shape)
    if op == "DepthToSpace":
        if b <= 0 or c % (b * b):
            raise UnsupportedOpError(f"DepthToSpace block {b} does not divide {c} channels")
        co = c // (b * b)
        mode = (mode or "DCR").upper()
        if mode not in ("DCR", "CRD"):
            raise UnsupportedOpError(f"DepthToSpace mode {mode!r} (DCR or CRD)")
        if nchw:
            view, perm = ((n, b, b, co, h, w), (0, 3, 4, 1, 5, 2)) if mode == "DCR" else \
                ((n, co, b, b, h, w), (0, 1, 4, 2, 5, 3))
            return view, perm, (n, co, h * b, w * b)
        view, perm = ((n, h, w, b, b, co), (0, 1, 3, 2, 4, 5)) if mode == "DCR" else \
            ((n, h, w, co, b, b), (0, 1, 4, 2, 5, 3))
        return view, perm, (n, h * b, w * b, co)
    if b <= 0 or h % b or w % b:
        raise UnsupportedOpError(f"SpaceToDepth block {b} does not divide {h}x{w}")
    if nchw:
        return (n, c, h // b, b, w // b, b), (0, 3, 5, 1, 2, 4), (n, b * b * c, h // b, w // b)
    return (n, h // b, b, w // b, b, c), (0, 1, 3, 2, 4, 5), (n, h // b, w // b, b * b * c)


# ---------------------------------------------------------------- MatMulFusion

def matmul_multipliers(a_scale: float, b_scales, out_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """int8 MatMulFusion requantization (TFLite ``GetQuantizedConvolutionMultipler``):
    ``M[n] = float32(a_scale * b_scale[n]) / out_scale``, the product in float32 and the
    division in double, quantized (:func:`quantize_multipliers`)."""
    s_out = np.float64(np.float32(out_scale))
    reals = (np.float32(a_scale) * np.asarray(b_scales, dtype=np.float32).reshape(-1)).astype(np.float64) / s_out
    return quantize_multipliers(reals)


def deconv_window(in_hw, kernel_hw, attrs: Mapping) -> Window:
    """Conv2dTransposeFusion (MindSpore Lite's Deconv2dInferShape) over an ``in_hw`` input with a
    ``kernel_hw`` kernel: ``stride`` and ``dilation`` (:func:`pair`; default 1), ``output_paddings``
    (h, w) >= 0 (default 0) and, per spatial dim with effective kernel ``e = (k - 1) * d + 1``:
    ``PAD`` (default) -- ``out = (n - 1) * s + e - before - after + output_padding`` with
    ``pad_list = [top, bottom, left, right]`` (>= 0; missing = 0), ``pad_before = before``;
    ``SAME`` -- ``out = n * s + output_padding``, ``pad_before = ((n - 1) * s + e - out) / 2``
    (C division, truncating; may be negative); ``VALID`` -- ``out = (n - 1) * s + k +
    output_padding`` (the undilated kernel, as MindSpore Lite computes it), ``pad_before = 0``.
    Output position ``o`` receives input ``i`` through tap ``t`` when ``o = i * s - pad_before +
    t * d``. Every output size must be >= 1."""
    (sh, sw), (dh, dw) = pair(attrs.get("stride", (1, 1)), "stride"), pair(attrs.get("dilation", (1, 1)), "dilation")
    ops_ = tuple(int(v) for v in (attrs.get("output_paddings") or (0, 0)))
    if len(ops_) == 1:
        ops_ = ops_ * 2
    if len(ops_) != 2 or min(ops_) < 0:
        raise UnsupportedOpError(f"output_paddings={list(ops_)}: need two values >= 0 (h, w)")
    mode = attrs.get("pad_mode") or "PAD"
    pads = tuple(int(p) for p in (attrs.get("pad_list") or (0, 0, 0, 0)))
    if mode == "PAD" and (len(pads) != 4 or min(pads) < 0):
        raise UnsupportedOpError(f"pad_list={list(pads)}: need [top, bottom, left, right] >= 0")
    outs, befores = [], []
    for dim, (n, k, s, d, op) in enumerate(((in_hw[0], kernel_hw[0], sh, dh, ops_[0]),
                                            (in_hw[1], kernel_hw[1], sw, dw, ops_[1]))):
        eff = (k - 1) * d + 1
        if mode == "SAME":
            o = n * s + op
            total = (n - 1) * s + eff - o
            before = -((-total) // 2) if total < 0 else total // 2
        elif mode == "VALID":
            o, before = (n - 1) * s + k + op, 0
        elif mode == "PAD":
            before = pads[2 * dim]
            o = (n - 1) * s + eff - before - pads[2 * dim + 1] + op
        else:
            raise UnsupportedOpError(f"pad_mode {mode} is not supported (SAME, VALID, PAD)")
        if o < 1:
            raise UnsupportedOpError(f"output size {o} < 1 (input {n}, kernel {k}, stride {s}, pads {list(pads)})")
        outs.append(o)
        befores.append(before)
    return Window(kernel_hw[0], kernel_hw[1], sh, sw, dh, dw, outs[0], outs[1], befores[0], befores[1])


# ---------------------------------------------------------------- element-wise activations (float, int8 tables)

#: SELU constants (MindSpore's, as ONNX's defaults to 8 digits)
SELU_ALPHA = 1.67326324
SELU_SCALE = 1.05070098
_erf_ufunc = np.frompyfunc(math.erf, 1, 1)


def erf_f64(x) -> np.ndarray:
    """Element-wise ``math.erf`` (float64)."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(_erf_ufunc(x), dtype=np.float64).reshape(x.shape)


def sigmoid_f64(x) -> np.ndarray:
    """``1 / (1 + exp(-x))`` without overflow (float64)."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def unary_activation(x, act: str, alpha: float = 0.0, min_val: float = 0.0, max_val: float = 0.0,
                     approximate: bool = False) -> np.ndarray:
    """The float activation ``act`` (ActivationType member name) of float64 values (the table
    of ``reference/activation.py``); ``alpha`` is used as a float32 value, as the ``.ms`` stores it.
    UnsupportedOpError for an activation type without float semantics here."""
    x = np.asarray(x, dtype=np.float64)
    a = np.float64(np.float32(alpha))
    with np.errstate(over="ignore", invalid="ignore"):
        if act in ("NO_ACTIVATION", "LINEAR"):
            return x
        if act == "RELU":
            return np.maximum(x, 0.0)
        if act == "RELU6":
            return np.clip(x, 0.0, 6.0)
        if act == "RELU1":
            return np.clip(x, -1.0, 1.0)
        if act == "HARD_TANH":
            return np.minimum(np.maximum(x, min_val), max_val)
        if act == "SIGMOID":
            return sigmoid_f64(x)
        if act == "TANH":
            return np.tanh(x)
        if act == "LEAKY_RELU":
            return np.where(x >= 0, x, a * x)
        if act == "ELU":
            return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))
        if act == "HSWISH":
            return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0
        if act == "HSIGMOID":
            return np.clip(x + 3.0, 0.0, 6.0) / 6.0
        if act == "ABS":
            return np.abs(x)
        if act == "SIGN":
            return np.sign(x)
        if act == "SOFTPLUS":
            return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
        if act == "SOFTSIGN":
            return x / (1.0 + np.abs(x))
        if act == "SWISH":
            return x * sigmoid_f64(x)
        if act == "SELU":
            return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))
        if act == "GELU":
            if approximate:
                return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
            return 0.5 * x * (1.0 + erf_f64(x / math.sqrt(2.0)))
    raise UnsupportedOpError(f"activation {act} is not supported")


def activation_lut(act: str, s_in: float, zp_in: int, s_out: float, zp_out: int, qmin: int, qmax: int,
                   alpha: float = 0.0, approximate: bool = False) -> np.ndarray:
    """TFLite ``LUTPopulate`` for an int8/uint8 activation: the output for every input value
    ``qmin..qmax`` (int64 array, index ``q - qmin``)::

        dequantized = float32(in_scale) * float32(q - in_zp)      # float32
        transformed = float32(f(dequantized))                     # f in double, rounded once
        out = clamp(round_half_away(transformed * (1 / float32(out_scale))) + out_zp, qmin, qmax)
    """
    vals = np.arange(qmin, qmax + 1, dtype=np.int64)
    deq = np.float32(s_in) * (vals - zp_in).astype(np.float32)
    transformed = unary_activation(deq.astype(np.float64), act, alpha, approximate=approximate).astype(np.float32)
    inv = np.float32(1.0) / np.float32(s_out)
    rescaled = round_half_away((transformed * inv).astype(np.float64))
    return np.clip(np.asarray(rescaled) + zp_out, qmin, qmax).astype(np.int64)


def hard_swish_params(s_in: float, s_out: float) -> tuple[int, int, int, int]:
    """int8 HardSwish (TFLite ``HardSwishPrepare``) -> (reluish multiplier (Q15), its exponent,
    output multiplier (Q15), its exponent (<= 0)); scales in float32 as TFLite:
    ``hires = s_in / 128``, output ``hires / s_out``, reluish ``hires / (3 / 32768)``; each
    :func:`quantize_multiplier` then rounded to 16 bits (``(m + 2**15) >> 16``, 32767 at the top)."""
    hires = np.float32(1.0 / 128.0) * np.float32(s_in)
    with np.errstate(over="ignore"):
        out_real = float(np.float32(hires / np.float32(s_out)))
        reluish_real = float(np.float32(hires / np.float32(3.0 / 32768.0)))

    def q15(real):
        m, e = quantize_multiplier(real)
        return (32767 if m >= INT32_MAX - (1 << 15) else (m + (1 << 15)) >> 16), e

    out_m, out_e = q15(out_real)
    if out_e > 0:
        raise UnsupportedOpError(f"int8 HSWISH needs input scale / 128 < output scale; got {s_in:g} / 128 "
                                 f"and {s_out:g}")
    rel_m, rel_e = q15(reluish_real)
    return rel_m, rel_e, out_m, out_e


def _srdhm16(a, b):
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    ab = a * b
    high = _trunc_div_pow2(ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14)), 15)
    return np.where((a == b) & (a == -32768), 32767, high)


def hard_swish_quantized(q, zp_in: int, zp_out: int, s_in: float, s_out: float, qmin: int, qmax: int) -> np.ndarray:
    """TFLite ``reference_ops::HardSwish`` on int8/uint8 values (int16 fixed point, see
    :func:`hard_swish_params`): ``x = (q - in_zp) * 128``; ``pre = SRDHM16(x, out_m)``;
    reluish ``r``: ``x`` saturating-shifted left by ``rel_e - 1`` (``rel_e > 0``), ``SRDHM16(r,
    rel_m)``, shifted left by 1 saturating (``rel_e > 0``) or ``RoundingDivideByPOT(r, -rel_e)``;
    ``r = (r + 2**15) >> 1``; ``y = RoundingDivideByPOT(trunc(r * pre / 2**15), -out_e) + out_zp``,
    clamped to ``[qmin, qmax]``."""
    rel_m, rel_e, out_m, out_e = hard_swish_params(s_in, s_out)
    x = (np.asarray(q, dtype=np.int64) - zp_in) * 128
    pre = _srdhm16(x, out_m)
    r = x
    if rel_e > 0:
        r = np.clip(r * (1 << (rel_e - 1)), -32768, 32767)
    r = _srdhm16(r, rel_m)
    if rel_e > 0:
        r = np.clip(r * 2, -32768, 32767)
    elif rel_e < 0:
        r = rounding_divide_by_pot(r, -rel_e)
    r = (r + (1 << 15)) >> 1
    p = np.where((r == pre) & (r == -32768), 32767, _trunc_div_pow2(r * pre, 15))
    y = rounding_divide_by_pot(p, -out_e) + zp_out
    return np.clip(y, qmin, qmax).astype(np.int64)


# ---------------------------------------------------------------- int8 ReduceProd

def prod_multiplier(in_scale: float, out_scale: float, n: int) -> tuple[int, int]:
    """int8 REDUCE_PROD (TFLite GetQuantProdScaling): each of the ``n`` products is rescaled by
    ``in_scale / out_scale ** (1 / n)`` (double), quantized with :func:`quantize_multiplier`.
    The int64 MBQM it feeds (:func:`multiply_by_quantized_multiplier_64`) needs ``shift < 8``."""
    m, e = quantize_multiplier(float(in_scale) / math.pow(float(out_scale), 1.0 / int(n)))
    if e >= 8:
        raise UnsupportedOpError(f"int8 ReduceProd rescale {in_scale:g} / {out_scale:g}^(1/{n}) needs "
                                 f"shift {e}; the kernel supports shift < 8")
    return m, e


def multiply_by_quantized_multiplier_64(x, multiplier, shift) -> np.ndarray:
    """TFLite's ``MultiplyByQuantizedMultiplier(int64_t x, ...)`` (|x| < 2**47, ``shift < 8``;
    the same in both rounding builds): the multiplier reduced to 16 bits,
    ``r = (m + 2**15) >> 16`` (``0x7FFF`` when ``m >= 0x7FFF0000``), then one rounding,
    ties up: ``y = (x * r + 2**(14 - shift)) >> (15 - shift)``; the result is
    ``static_cast<int32_t>`` (wraps). Returns int64 (int32 range)."""
    x = np.asarray(x, dtype=np.int64)
    m = int(multiplier)
    r = (m + (1 << 15)) >> 16 if m < 0x7FFF0000 else 0x7FFF
    total = 15 - int(shift)
    y = (x * np.int64(r) + (np.int64(1) << (total - 1))) >> total
    return ((y + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def prelu_multipliers(s_in: float, s_slope: float, s_out: float):
    """int8 PReLU (TFLite): identity ``in_scale / out_scale`` and alpha
    ``in_scale * slope_scale / out_scale``, in float32 -> ``((m1, e1), (m2, e2))``."""
    with np.errstate(over="ignore"):
        alpha = float(np.float32(s_in) * np.float32(s_slope) / np.float32(s_out))
    return quantize_multiplier(ratio_f32(s_in, s_out)), quantize_multiplier(alpha)


# ---------------------------------------------------------------- normalisation ops

def norm_channel_axis(fmt: str, rank: int) -> int:
    """The channel axis of BatchNorm / FusedBatchNorm / InstanceNorm / LRN: 1 for an NCHW
    input of rank > 2, else the last axis."""
    return 1 if fmt == "NCHW" and rank > 2 else rank - 1


# ---------------------------------------------------------------- int8 comparisons

#: left shift of the int8 comparison inputs before rescaling (TFLite's ``left_shift = 8``)
COMPARE_LEFT_SHIFT = 8


def comparison_multiplier(scale: float) -> tuple[int, int]:
    """int8 comparisons (TFLite ComparisonWithScaling): each input is rescaled by its own
    scale, ``(multiplier, shift) = QuantizeMultiplierSmallerThanOneExp(scale)``, which needs
    ``0 < scale < 1`` and a shift <= 0; the compared value is
    ``MBQM((q - zero_point) << COMPARE_LEFT_SHIFT, multiplier, shift)`` with double rounding."""
    scale = float(scale)
    if not 0.0 < scale < 1.0:
        raise UnsupportedOpError(f"int8 comparison input scales must be in (0, 1) (TFLite's rescaling); "
                                 f"got {scale:g}")
    m, shift = quantize_multiplier(scale)
    if shift > 0:
        raise UnsupportedOpError(f"int8 comparison input scales must be in (0, 1) (TFLite's rescaling); "
                                 f"got {scale:.9g}, which rounds to 1")
    return m, shift


def deconv_groups(in_c: int, w_shape, out_c: int, group_attr) -> int:
    """The group count of a Conv2dTransposeFusion with weights ``[in, kh, kw, out/group]``:
    ``group`` (0 = ``in_c``, as MindSpore Lite's shape inference reads it); UnsupportedOpError
    unless the weights have ``in_c`` rows, ``group`` divides ``in_c`` and ``out_c == group *
    w_shape[3]``."""
    group = int(group_attr or 0) or int(in_c)
    if w_shape[0] != in_c or group <= 0 or in_c % group or w_shape[3] * group != out_c:
        raise UnsupportedOpError(f"group {group} does not fit input channels {in_c}, weights {list(w_shape)} "
                                 f"([in, kh, kw, out/group]) and output channels {out_c}")
    return group


def gru_geometry(x_shape, w_shape, r_shape, b_shape, bidirectional: bool = False) -> LstmGeometry:
    """:func:`recurrent_geometry` of a MindSpore Lite GRU: 3 gates (update, reset, hidden),
    W [D, 3H, I], R [D, 3H, H], B [D, 6H]."""
    return recurrent_geometry("GRU", 3, x_shape, w_shape, r_shape, b_shape, 0, bidirectional, 0)


# ---------------------------------------------------------------- Resize: per-axis tables

#: Resize coordinate transform modes (schema CoordinateTransformMode)
RESIZE_MODES = ("ASYMMETRIC", "ALIGN_CORNERS", "HALF_PIXEL")
#: fixed-point fraction bits of the int8 bilinear resize (TFLite ResizeBilinear, int8)
RESIZE_INT_FRAC_BITS = 10


def _resize_mode(mode: str) -> str:
    if mode not in RESIZE_MODES:
        raise UnsupportedOpError(f"coordinate_transform_mode {mode} is not supported ({', '.join(RESIZE_MODES)})")
    return mode


def resize_source_coords(in_size: int, out_size: int, mode: str) -> np.ndarray:
    """MindSpore Lite's source coordinate of every output index ``o`` along one axis, each
    operation in float32 (nnacl ``CalculateAsymmetric`` / ``CalculateAlignCorners`` /
    ``CalculateHalfPixel``): ASYMMETRIC ``o / (out / in)``, ALIGN_CORNERS
    ``o / ((out - 1) / (in - 1))``, HALF_PIXEL ``max((o + 0.5) / (out / in) - 0.5, 0)``.
    A 0 / 0 (ALIGN_CORNERS with an output length of 1, where MindSpore Lite computes NaN)
    gives 0."""
    f32 = np.float32
    o = np.arange(out_size, dtype=f32)
    with np.errstate(divide="ignore", invalid="ignore"):
        if _resize_mode(mode) == "ASYMMETRIC":
            src = o / (f32(out_size) / f32(in_size))
        elif mode == "ALIGN_CORNERS":
            src = o / (f32(out_size - 1) / f32(in_size - 1))
        else:
            src = np.maximum((o + f32(0.5)) / (f32(out_size) / f32(in_size)) - f32(0.5), f32(0))
    return np.nan_to_num(src, nan=0.0, posinf=0.0).astype(f32)


def resize_nearest_index(in_size: int, out_size: int, mode: str, tflite: bool = False) -> np.ndarray:
    """Source index (int32) of every output index along one axis of a NEAREST Resize.

    MindSpore Lite (``tflite=False``, float and plain integer data): ``floor(src)`` of
    :func:`resize_source_coords` (``roundf`` for ALIGN_CORNERS); ``nearest_mode`` is not used.
    TFLite RESIZE_NEAREST_NEIGHBOR (``tflite=True``, quantized data) with align_corners =
    ALIGN_CORNERS and half_pixel_centers = HALF_PIXEL: ``scale = in / out`` (``(in - 1) /
    (out - 1)`` when aligning corners and out > 1) in float32, ``v = (o + offset) * scale``
    with offset 0.5 for half-pixel centers, index ``round_half_away(v)`` when aligning corners
    else ``floor(v)``, at most ``in - 1`` (and at least 0). Both are clamped to [0, in - 1]."""
    f32 = np.float32
    if tflite:
        align = _resize_mode(mode) == "ALIGN_CORNERS"
        scale = f32(in_size - 1) / f32(out_size - 1) if align and out_size > 1 else f32(in_size) / f32(out_size)
        v = (np.arange(out_size, dtype=f32) + f32(0.5 if mode == "HALF_PIXEL" else 0.0)) * scale
        idx = round_half_away(v) if align else np.floor(v)
    else:
        src = resize_source_coords(in_size, out_size, mode)
        idx = round_half_away(src) if mode == "ALIGN_CORNERS" else np.floor(src)
    return np.clip(np.asarray(idx), 0, in_size - 1).astype(np.int32)


def resize_linear_taps(in_size: int, out_size: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """LINEAR Resize along one axis, MindSpore Lite (nnacl ``CalculateCoordinate``): with
    ``src`` from :func:`resize_source_coords`, ``lo = max(floor(src), 0)``, ``hi = min(lo + 1,
    in - 1)``, float32 weights ``w0 = 1 - (src - lo)`` and ``w1 = 1 - w0``. Returns
    (indices int32 [out, 2], weights float32 [out, 2]); a value is ``v[lo] * w0 + v[hi] * w1``."""
    f32 = np.float32
    src = resize_source_coords(in_size, out_size, mode)
    lo = np.clip(np.floor(src), 0, in_size - 1).astype(np.int64)
    hi = np.minimum(lo + 1, in_size - 1)
    w0 = f32(1) - (src - lo.astype(f32))
    w1 = f32(1) - w0
    return np.stack([lo, hi], axis=1).astype(np.int32), np.stack([w0, w1], axis=1).astype(f32)


def resize_cubic_taps(in_size: int, out_size: int, mode: str, a: float) -> tuple[np.ndarray, np.ndarray]:
    """CUBIC Resize along one axis, MindSpore Lite (nnacl ``CalculateWeightForBicubic``): with
    ``src`` from :func:`resize_source_coords` and ``f = floor(src)``, the taps
    ``max(f - 1, 0), f, min(f + 1, in - 1), min(f + 2, in - 1)`` (edge-clamped, never
    excluded: ``exclude_outside`` is not used) weighted by Keys' kernel ``W(d)`` of the
    distances ``d = (-1, 0, 1, 2) - (src - f)`` with coefficient ``a`` (``cubic_coeff`` as
    stored, 0 when the converter dropped ONNX's default -0.75), all in float32:
    ``((a + 2)|d| - (a + 3))|d|^2 + 1`` for ``|d| <= 1``, ``a|d|^3 - 5a|d|^2 + 8a|d| - 4a`` for
    ``1 < |d| <= 2``, else 0. Returns (indices int32 [out, 4], weights float32 [out, 4])."""
    f32 = np.float32
    src = resize_source_coords(in_size, out_size, mode)
    f = np.clip(np.floor(src), 0, in_size - 1).astype(np.int64)
    idx = np.stack([np.maximum(f - 1, 0), f, np.minimum(f + 1, in_size - 1), np.minimum(f + 2, in_size - 1)], axis=1)
    x = np.abs(np.array([-1, 0, 1, 2], dtype=f32)[None, :] - (src - f.astype(f32))[:, None])
    a = f32(a)
    near = ((a + f32(2)) * x - (a + f32(3))) * x * x + f32(1)
    far = a * x * x * x - f32(5) * a * x * x + f32(8) * a * x - f32(4) * a
    w = np.where(x <= f32(1), near, np.where(x <= f32(2), far, f32(0)))
    return idx.astype(np.int32), w.astype(f32)


def resize_bilinear_int_taps(in_size: int, out_size: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """int8 LINEAR Resize along one axis, TFLite RESIZE_BILINEAR (int8 reference kernel) with
    align_corners = ALIGN_CORNERS and half_pixel_centers = HALF_PIXEL, in 10-bit fixed point:
    ``scale = (2**10 * in + out // 2) // out`` (``(2**10 * (in - 1) + (out - 1) // 2) // (out - 1)``
    when aligning corners and out > 1), ``s = o * scale`` (``+ scale // 2 - 2**9`` for half-pixel
    centers), ``lo = max(trunc(s / 2**10), 0)``, ``hi = min(trunc((s + 2**10 - 1) / 2**10), in - 1)``
    and the fraction ``s - 2**10 * lo`` (negative left of the first centre). Returns (indices
    int32 [out, 2] = (lo, hi), fractions int32 [out])."""
    one = 1 << RESIZE_INT_FRAC_BITS
    align = _resize_mode(mode) == "ALIGN_CORNERS"
    if align and out_size > 1:
        scale = (one * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        scale = (one * in_size + out_size // 2) // out_size
    s = np.arange(out_size, dtype=np.int64) * scale
    if mode == "HALF_PIXEL":
        s = s + scale // 2 - one // 2

    def trunc_div(v):
        return np.where(v >= 0, v // one, -((-v) // one))

    lo = np.maximum(trunc_div(s), 0)
    hi = np.minimum(trunc_div(s + one - 1), in_size - 1)
    return np.stack([lo, hi], axis=1).astype(np.int32), (s - one * lo).astype(np.int32)


def resize_bilinear_int_combine(v00, v01, v10, v11, fy, fx) -> np.ndarray:
    """TFLite's int8 bilinear sum of the four corner values (``v<y><x>``, int64 arrays) with
    the 10-bit fractions ``fy``, ``fx``: ``v00 (1-fy)(1-fx) + v10 fy (1-fx) + v01 (1-fy) fx +
    v11 fy fx`` (each ``1`` = 2**10), then ``(acc ± 2**19) / 2**20`` with C truncation (the
    sign of the nudge follows ``acc > 0``). Returns int64."""
    one = np.int64(1 << RESIZE_INT_FRAC_BITS)
    fy, fx = np.asarray(fy, dtype=np.int64), np.asarray(fx, dtype=np.int64)
    acc = (np.asarray(v00, np.int64) * (one - fy) * (one - fx) + np.asarray(v10, np.int64) * fy * (one - fx)
           + np.asarray(v01, np.int64) * (one - fy) * fx + np.asarray(v11, np.int64) * fy * fx)
    half = np.int64(1) << (2 * RESIZE_INT_FRAC_BITS - 1)
    v = acc + np.where(acc > 0, half, -half)
    return np.where(v >= 0, v >> (2 * RESIZE_INT_FRAC_BITS), -((-v) >> (2 * RESIZE_INT_FRAC_BITS)))


def prelu_slope_shape(x_shape, slope_shape) -> tuple[int, ...]:
    """The shape to view a PReLU slope as so that it numpy-broadcasts against ``x_shape``:
    ``()`` for one value, the slope's own shape when it broadcasts, ``(C,)`` for one value per
    channel of the last axis (an ONNX slope ``[C, 1, 1]`` of an NHWC activation); whatever
    ``channel_shared`` says. UnsupportedOpError otherwise."""
    x_shape, slope_shape = tuple(int(d) for d in x_shape), tuple(int(d) for d in slope_shape)
    size = int(np.prod(slope_shape, dtype=np.int64))
    if size == 1:
        return ()
    try:
        if np.broadcast_shapes(x_shape, slope_shape) == x_shape:
            return slope_shape
    except ValueError:
        pass
    if x_shape and size == x_shape[-1]:
        return (size,)
    raise UnsupportedOpError(f"PReLU slope of shape {list(slope_shape)} does not fit input {list(x_shape)} "
                             f"(needs 1 value, a broadcastable shape or the last dim's count)")


def scale_multipliers(x_scale: float, s_scale: float, o_scale: float | None,
                      out_scale: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """int8 ScaleFusion (one step, as NNACL's int8 scale): ``x * scale`` requantized with
    ``x_scale * s_scale / out_scale`` and the offset with ``o_scale / out_scale`` (double
    division) -> ``((m_scale, shift_scale), (m_offset, shift_offset))``; no offset gives (0, 0)."""
    return (quantize_multiplier(float(x_scale) * float(s_scale) / float(out_scale)),
            quantize_multiplier(float(o_scale) / float(out_scale)) if o_scale is not None else (0, 0))
