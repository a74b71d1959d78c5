/*
 * nnacl_common.h -- types, status codes and the small inline helpers shared by
 * every kernel of nnacl_subset (micro_codegen's C kernels for Cortex-M).
 *
 * Conventions of all kernels:
 *   - activations are NHWC, contiguous, batch first;
 *   - parameters come through a const struct pointer filled at generation time;
 *   - inputs are const, the output is the last argument;
 *   - scratch memory (when a kernel needs it) comes as pointer + size and its size
 *     is given by the family's *_scratch_size() function (mirrored in Python);
 *   - no allocation, no I/O, no libm except where the op needs it (expf, tanhf).
 *
 * int8 arithmetic follows the TFLite reference kernels: requantization by a Q31
 * multiplier and a shift, with single or double (gemmlowp) rounding as the op needs.
 */
#ifndef NNACL_COMMON_NNACL_COMMON_H_
#define NNACL_COMMON_NNACL_COMMON_H_

#include <stddef.h>
#include <stdint.h>

#define NNACL_MAX_DIMS 6

/* kernel return codes */
#define NNACL_OK 0
#define NNACL_ERR_SCRATCH 1  /* scratch buffer smaller than *_scratch_size() */
#define NNACL_ERR_PARAM 2    /* inconsistent parameters (unknown variant, ...) */

/* fused activation of fp32 kernels (act_type fields) */
#define NNACL_ACT_NONE 0
#define NNACL_ACT_RELU 1
#define NNACL_ACT_RELU6 2
#define NNACL_ACT_RELU1 3

#define NNACL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NNACL_MAX(a, b) ((a) > (b) ? (a) : (b))

/* requantization rounding (the *rounding* field of the parameter structs); the TFLite
 * reference kernels use one or the other depending on the op */
#define NNACL_ROUND_SINGLE 0 /* one rounding of the 64-bit product, ties towards +inf */
#define NNACL_ROUND_DOUBLE 1 /* gemmlowp: rounding doubling high mul, then rounding shift (ties away) */

/* IEEE binary16 <-> binary32 (float16 tensors are stored as their uint16_t bits) */
static inline float nnacl_f16_to_f32(uint16_t h) {
  union {
    uint32_t u;
    float f;
  } v;
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t man = h & 0x3FFu;
  if (exp == 0x1Fu) {
    v.u = sign | 0x7F800000u | (man << 13); /* inf / nan */
  } else if (exp != 0) {
    v.u = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    v.u = sign;
  } else { /* subnormal: normalise */
    exp = 113u;
    while ((man & 0x400u) == 0) {
      man <<= 1;
      exp--;
    }
    v.u = sign | (exp << 23) | ((man & 0x3FFu) << 13);
  }
  return v.f;
}

static inline uint16_t nnacl_f32_to_f16(float f) {
  union {
    uint32_t u;
    float f;
  } v;
  uint32_t sign, exp, man, half, rem;
  v.f = f;
  sign = (v.u >> 16) & 0x8000u;
  exp = (v.u >> 23) & 0xFFu;
  man = v.u & 0x7FFFFFu;
  if (exp == 0xFFu) {
    return (uint16_t)(sign | 0x7C00u | (man ? 0x200u : 0u));
  }
  if (exp > 142u) {
    return (uint16_t)(sign | 0x7C00u); /* overflow: inf */
  }
  if (exp < 102u) {
    return (uint16_t)sign; /* below half the smallest subnormal */
  }
  if (exp < 113u) { /* subnormal result */
    const uint32_t shift = 126u - exp;
    man |= 0x800000u;
    half = man >> shift;
    rem = man & ((1u << shift) - 1u);
    if (rem > (1u << (shift - 1u)) || (rem == (1u << (shift - 1u)) && (half & 1u))) {
      half++;
    }
    return (uint16_t)(sign | half);
  }
  half = ((exp - 112u) << 10) | (man >> 13);
  rem = man & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) {
    half++; /* a carry into the exponent is the right result, up to inf */
  }
  return (uint16_t)(sign | half);
}

static inline int32_t nnacl_clamp_i32(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

static inline int32_t nnacl_sat_i32(int64_t x) {
  return x > INT32_MAX ? INT32_MAX : (x < INT32_MIN ? INT32_MIN : (int32_t)x);
}

/* gemmlowp SaturatingRoundingDoublingHighMul: a * b / 2^31, with gemmlowp's nudge (+2^30 for a
 * non-negative product, 1 - 2^30 for a negative one) and a division that truncates towards zero.
 * For a negative product, truncating (ab + 1 - 2^30) / 2^31 is flooring (ab + 2^30) / 2^31, so
 * both cases are one arithmetic shift of ab + 2^30: SMULL, ADDS/ADC and two shifts on v7-M. */
static inline int32_t nnacl_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) {
    return INT32_MAX;
  }
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero, exponent in [0, 62] */
static inline int64_t nnacl_rdbpot64(int64_t x, int32_t exponent) {
  const int64_t mask = ((int64_t)1 << exponent) - 1;
  const int64_t remainder = x & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* the same in 32 bits, exponent in [0, 31] */
static inline int32_t nnacl_rdbpot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
  const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)x >> 31);
  return (x >> exponent) + ((x & mask) > threshold ? 1 : 0);
}

/* single rounding: x * m * 2^(shift - 31) rounded to nearest, ties towards +inf, saturated */
static inline int32_t nnacl_mbqm_single(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t total_shift = 31 - shift;
  const int64_t round = (int64_t)1 << (total_shift - 1);
  return nnacl_sat_i32(((int64_t)x * (int64_t)multiplier + round) >> total_shift);
}

/* double rounding (gemmlowp): the left shift wraps in 32 bits as in C int32 code */
static inline int32_t nnacl_mbqm_double(int32_t x, int32_t multiplier, int32_t shift) {
  if (shift > 0) {
    return nnacl_srdhm((int32_t)((uint32_t)x << shift), multiplier);
  }
  return nnacl_rdbpot(nnacl_srdhm(x, multiplier), -shift);
}

/* x * multiplier * 2^(shift - 31) with the given NNACL_ROUND_* mode.
 * multiplier is a Q31 value in [2^30, 2^31) (or 0); shift in [-31, 30]. */
static inline int32_t nnacl_mbqm(int32_t x, int32_t multiplier, int32_t shift, int32_t rounding) {
  return rounding == NNACL_ROUND_DOUBLE ? nnacl_mbqm_double(x, multiplier, shift)
                                        : nnacl_mbqm_single(x, multiplier, shift);
}

/* requantize an int32 accumulator to an int8 output in [act_min, act_max] */
static inline int8_t nnacl_requant_i8(int32_t acc, int32_t multiplier, int32_t shift, int32_t rounding,
                                      int32_t out_zp, int32_t act_min, int32_t act_max) {
  const int64_t v = (int64_t)nnacl_mbqm(acc, multiplier, shift, rounding) + out_zp;
  return (int8_t)(v < act_min ? act_min : (v > act_max ? act_max : v));
}

/* round half away from zero of a float to int32, without libm (|v| < 2^31) */
static inline int32_t nnacl_round_away_f32(float v) {
  int32_t t = (int32_t)v; /* truncates towards zero */
  const float frac = v - (float)t;
  if (frac >= 0.5f) {
    ++t;
  } else if (frac <= -0.5f) {
    --t;
  }
  return t;
}

/* fp32 fused activation (TFLite ActivationFunctionWithMinMax) */
static inline float nnacl_act_fp32(float x, int32_t act_type) {
  switch (act_type) {
    case NNACL_ACT_RELU:
      return x < 0.0f ? 0.0f : x;
    case NNACL_ACT_RELU6:
      return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case NNACL_ACT_RELU1:
      return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    default:
      return x;
  }
}

#endif /* NNACL_COMMON_NNACL_COMMON_H_ */
