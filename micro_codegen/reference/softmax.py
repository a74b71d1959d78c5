"""Softmax (fp32 any single axis; int8 TFLite-reference fixed point).

fp32 (TFLite reference, beta = 1): ``m = max(x)``; ``sum = Σ float32(exp(x - m))``
accumulated in float32 in index order; ``y = exp(x - m) / sum``.

int8 (TFLite ``reference_ops::Softmax`` — gemmlowp fixed point, bit-exact):

* ``PreprocessSoftmaxScaling`` (:func:`micro_codegen.numerics.softmax_params`):
  ``real = min(beta * in_scale * 2**(31-5), 2**30 - 1)``
  (the cap is ``2**31 - 1`` with double rounding), ``(input_beta_multiplier,
  input_beta_left_shift) = quantize_multiplier(real)``; ``diff_min = -floor((2**5 - 1) *
  2**(31-5) / 2**left_shift)``.
* per row: ``diff = x - max``; entries with ``diff < diff_min`` give ``-128``; the
  others ``d = MBQM(diff, mult, left_shift)`` (a Q5.26 value) and
  ``e = exp_on_negative_values(d)`` (Q0.31, gemmlowp: Taylor series around -1/8 on
  ``[-1/4, 0)`` plus a barrel shifter of exp(-2**k) constants);
  ``sum = Σ RoundingDivideByPOT(e, 12)`` (Q12.19);
  ``recip, nbits = GetReciprocal(sum, 12)`` (Newton-Raphson ``1/(1+x)``, 3 steps);
  ``y = RoundingDivideByPOT(SRDHM(recip, e), nbits + 31 - 8) - 128`` clamped to int8.
* the output must be quantized with scale 1/256 and zero point -128 (TFLite's rule).
"""
from __future__ import annotations

import numpy as np

from .. import numerics
from ..numerics import INT32_MAX, INT32_MIN, SOFTMAX_DIFF_INT_BITS, rounding_divide_by_pot, softmax_params
from ..numerics import saturating_rounding_doubling_high_mul as srdhm
from ._util import norm_axis, float_in
from .registry import OpContext, kernel

_ACCUM_INT_BITS = 12


def _wrap32(v):
    v = np.asarray(v, dtype=np.int64)
    return ((v + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _sat_mul_pot(x, exponent: int):
    """gemmlowp SaturatingRoundingMultiplyByPOT<exponent> on int32 raw values."""
    x = np.asarray(x, dtype=np.int64)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    r = _wrap32(x << exponent)
    r = np.where(x > threshold, INT32_MAX, r)
    return np.where(x < -threshold, INT32_MIN, r)


def _exp_on_interval_neg_quarter_0(a):
    """exp(a) for Q0.31 ``a`` in [-1/4, 0)."""
    constant_term = 1895147668            # exp(-1/8) in Q0.31
    constant_1_over_3 = 715827883
    x = a + (1 << 28)                     # a + 1/8
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = _sat_mul_pot(x4, -2)
    poly = _sat_mul_pot(srdhm(x4_over_4 + x3, constant_1_over_3) + x2, -1)
    return constant_term + srdhm(constant_term, x + poly)


_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
           (2, 39332535), (3, 720401), (4, 242))


def exp_on_negative_values(a, int_bits: int = SOFTMAX_DIFF_INT_BITS):
    """gemmlowp exp_on_negative_values: Q(int_bits).(31-int_bits) ``a <= 0`` -> Q0.31."""
    a = np.asarray(a, dtype=np.int64)
    frac = 31 - int_bits
    one_quarter = 1 << (frac - 2)
    mask = one_quarter - 1
    a_mod = (a & mask) - one_quarter
    result = _exp_on_interval_neg_quarter_0(_sat_mul_pot(a_mod, int_bits))
    remainder = a_mod - a
    for exponent, mult in _BARREL:
        if int_bits > exponent:
            bit = 1 << (frac + exponent)
            result = np.where((remainder & bit) != 0, srdhm(result, mult), result)
    if int_bits > 5:
        clamp = -(1 << (36 - int_bits))
        result = np.where(a < clamp, 0, result)
    return np.where(a == 0, INT32_MAX, result)


def _one_over_one_plus_x(a):
    """gemmlowp one_over_one_plus_x_for_x_in_0_1: Q0.31 in [0, 1) -> Q0.31."""
    a = np.asarray(a, dtype=np.int64)
    s = a + INT32_MAX
    half_den = np.where(s >= 0, (s + 1) // 2, -((-(s - 1)) // 2))     # RoundingHalfSum, C division
    c48_17 = 1515870810                                              # Q2.29
    cneg32_17 = -1010580540
    x = c48_17 + srdhm(half_den, cneg32_17)
    one_q2 = 1 << 29
    for _ in range(3):
        hdx = srdhm(half_den, x)
        one_minus = one_q2 - hdx
        x = x + _sat_mul_pot(srdhm(x, one_minus), 2)
    return _sat_mul_pot(x, 1)


def _get_reciprocal(x, int_digits: int):
    """TFLite GetReciprocal: -> (Q0.31 reciprocal of the shifted value, num_bits_over_unit)."""
    x = np.asarray(x, dtype=np.int64)
    clz = np.array([32 - int(v).bit_length() for v in x.reshape(-1)], dtype=np.int64).reshape(x.shape)
    nbits = int_digits - clz
    shifted = ((x << clz) & 0xFFFFFFFF) - (1 << 31)
    return _one_over_one_plus_x(shifted), nbits


def softmax_int8_rows(x: np.ndarray, in_scale: float, beta: float = 1.0) -> np.ndarray:
    """int8 softmax over the last axis of 2-D ``x`` (output scale 1/256, zp -128)."""
    mult, shift, diff_min = softmax_params(in_scale, beta)
    xi = x.astype(np.int64)
    diff = xi - xi.max(axis=1, keepdims=True)
    valid = diff >= diff_min
    d = numerics.multiply_by_quantized_multiplier(np.where(valid, diff, 0), mult, shift)
    e = exp_on_negative_values(d)
    sum_exp = np.where(valid, rounding_divide_by_pot(e, _ACCUM_INT_BITS - 0), 0).sum(axis=1)
    recip, nbits = _get_reciprocal(sum_exp, _ACCUM_INT_BITS)
    out = rounding_divide_by_pot(srdhm(recip[:, None], e), (nbits + 31 - 8)[:, None]) - 128
    out = np.clip(out, -128, 127)
    return np.where(valid, out, -128).astype(np.int8)


@kernel("Softmax")
def softmax(ctx: OpContext):
    x = ctx.inputs[0]
    axes = ctx.attr("axis", (-1,))
    axes = list(axes) if axes is not None else [-1]
    if len(axes) != 1:
        raise ctx.unsupported(f"softmax over several axes {axes} is not supported")
    if x.ndim == 0:
        raise ctx.unsupported("softmax of a scalar")
    axis = int(axes[0])
    if axis < 0:
        axis += x.ndim
    if not 0 <= axis < x.ndim:
        raise ctx.unsupported(f"axis {axes[0]} out of range for a {x.ndim}-D input")
    xm = np.moveaxis(x, axis, -1)
    rows = xm.reshape(-1, xm.shape[-1])
    if x.dtype == np.float32:
        mx = rows.max(axis=1, keepdims=True)
        # expf of the C library is (nearly always) correctly rounded: exp in double, round once
        ex = np.exp((rows - mx).astype(np.float32).astype(np.float64)).astype(np.float32)
        total = np.zeros((rows.shape[0],), dtype=np.float32)
        for c in range(rows.shape[1]):
            total += ex[:, c]
        out = (ex / total[:, None]).astype(np.float32)
    elif x.dtype == np.int8:
        yt = ctx.out_tensors[0]
        if yt.dtype.np != np.int8:
            raise ctx.unsupported(f"int8 softmax with {yt.dtype.short} output")
        in_scale, _ = _qp(ctx, ctx.in_tensors[0])
        out_scale, out_zp = _qp(ctx, yt)
        if out_scale != 1.0 / 256 or out_zp != -128:
            raise ctx.unsupported(f"int8 softmax output must be quantized (1/256, -128), got ({out_scale}, {out_zp})")
        out = softmax_int8_rows(rows, in_scale)
    else:
        raise ctx.unsupported(f"input dtype {x.dtype} is not supported (float32, int8)")
    return [np.moveaxis(out.reshape(xm.shape), -1, axis)]


def _qp(ctx, t):
    from .conv import qparams
    return qparams(ctx, t, "tensor")


@kernel("LogSoftmax")
def log_softmax(ctx: OpContext):
    x = float_in(ctx, ctx.inputs[0])
    axis = norm_axis(ctx, int(ctx.attr("axis", -1)), x.ndim)
    m = np.max(x, axis=axis, keepdims=True)
    y = x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return [y.astype(ctx.out_tensors[0].dtype.np)]
