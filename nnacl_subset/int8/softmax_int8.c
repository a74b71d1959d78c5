/*
 * softmax_int8.c -- int8 Softmax with the TFLite reference fixed-point algorithm:
 *
 *   diff = x - max(row)                       (entries with diff < diff_min give -128)
 *   d    = MBQM(diff, input_multiplier, input_left_shift)      Q5.26
 *   e    = exp(d)                              Q0.31 (Taylor series on [-1/4, 0) around
 *                                              -1/8, times exp(-2^k) for the bits above)
 *   sum  = sum_k RoundingDivideByPOT(e_k, 12)  Q12.19
 *   1/sum: normalise sum to 1 + x, x in [0, 1); Newton-Raphson for 1 / (1 + x) (3 steps)
 *   out  = RoundingDivideByPOT(SRDHM(recip, e), nbits + 31 - 8) + output_zp, clamped
 *
 * Intermediate values are kept in 64 bits where the sums can exceed 32 bits.
 */
#include "int8/softmax_int8.h"

#define SOFTMAX_DIFF_INT_BITS 5
#define SOFTMAX_ACCUM_INT_BITS 12
#define SOFTMAX_EXP_CACHE 32 /* the exps of up to this many classes per row are kept for the output pass */

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0 */
static int64_t sat_mul_pot_pos(int64_t x, int32_t exponent) {
  const int64_t threshold = ((int64_t)1 << (31 - exponent)) - 1;
  if (x > threshold) {
    return INT32_MAX;
  }
  if (x < -threshold) {
    return INT32_MIN;
  }
  return (int32_t)(uint32_t)((uint64_t)x << exponent);
}

/* SRDHM on 64-bit carriers of (nearly) 32-bit values */
static int64_t srdhm64(int64_t a, int64_t b) {
  int64_t ab;
  if (a == INT32_MIN && b == INT32_MIN) {
    return INT32_MAX;
  }
  ab = a * b;
  return (ab + (ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)))) / ((int64_t)1 << 31);
}

/* exp(a) for a Q0.31 value a in [-1/4, 0) */
static int64_t exp_neg_quarter_to_0(int64_t a) {
  const int64_t exp_minus_one_eighth = 1895147668; /* exp(-1/8), Q0.31 */
  const int64_t one_third = 715827883;             /* 1/3, Q0.31 */
  const int64_t x = a + ((int64_t)1 << 28);        /* a + 1/8 */
  const int64_t x2 = srdhm64(x, x);
  const int64_t x3 = srdhm64(x2, x);
  const int64_t x4 = srdhm64(x2, x2);
  const int64_t x4_over_4 = nnacl_rdbpot64(x4, 2);
  const int64_t poly = nnacl_rdbpot64(srdhm64(x4_over_4 + x3, one_third) + x2, 1);
  return exp_minus_one_eighth + srdhm64(exp_minus_one_eighth, x + poly);
}

/* exp(a) for a Q5.26 value a <= 0, result Q0.31 */
static int64_t exp_on_negative_values(int64_t a) {
  /* exp(-2^k) in Q0.31 for k = -2 .. 4 */
  static const int32_t kExpPow2[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t frac_bits = 31 - SOFTMAX_DIFF_INT_BITS;
  const int64_t one_quarter = (int64_t)1 << (frac_bits - 2);
  const int64_t a_mod = (a & (one_quarter - 1)) - one_quarter;
  const int64_t remainder = a_mod - a;
  int64_t result = exp_neg_quarter_to_0(sat_mul_pot_pos(a_mod, SOFTMAX_DIFF_INT_BITS));
  int32_t k;
  for (k = 0; k < 7; ++k) {
    if (remainder & ((int64_t)1 << (frac_bits - 2 + k))) {
      result = srdhm64(result, kExpPow2[k]);
    }
  }
  return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a Q0.31 value a in [0, 1), result Q0.31 */
static int64_t one_over_one_plus_x(int64_t a) {
  const int64_t s = a + INT32_MAX;
  const int64_t half_den = (s + (s >= 0 ? 1 : -1)) / 2; /* RoundingHalfSum(a, 1) */
  const int64_t c48_over_17 = 1515870810;              /* Q2.29 */
  const int64_t c_neg32_over_17 = -1010580540;         /* Q2.29 */
  const int64_t one_q2 = (int64_t)1 << 29;
  int64_t x = c48_over_17 + srdhm64(half_den, c_neg32_over_17);
  int32_t i;
  for (i = 0; i < 3; ++i) {
    const int64_t one_minus = one_q2 - srdhm64(half_den, x);
    x = x + sat_mul_pot_pos(srdhm64(x, one_minus), 2);
  }
  return sat_mul_pot_pos(x, 1);
}

static int32_t count_leading_zeros32(uint32_t v) {
  int32_t n = 0;
  if (v == 0) {
    return 32;
  }
  while ((v & 0x80000000u) == 0) {
    v <<= 1;
    ++n;
  }
  return n;
}

void softmax_int8(const softmax_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t n = param->axis_size, inner = param->inner;
  int32_t o, i, c;
  for (o = 0; o < param->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const int8_t *x = input + (size_t)o * n * inner + i;
      int8_t *y = output + (size_t)o * n * inner + i;
      int32_t max_v = -128;
      int32_t cache[SOFTMAX_EXP_CACHE]; /* exp of the first classes, computed once */
      int64_t sum = 0, recip;
      int32_t clz, nbits;
      for (c = 0; c < n; ++c) {
        if (x[(size_t)c * inner] > max_v) {
          max_v = x[(size_t)c * inner];
        }
      }
      for (c = 0; c < n; ++c) {
        const int32_t diff = (int32_t)x[(size_t)c * inner] - max_v;
        if (diff >= param->diff_min) {
          const int32_t d = nnacl_mbqm(diff, param->input_multiplier, param->input_left_shift, param->rounding);
          const int64_t e = exp_on_negative_values(d);
          if (c < SOFTMAX_EXP_CACHE) {
            cache[c] = (int32_t)e; /* Q0.31: fits */
          }
          sum += nnacl_rdbpot64(e, SOFTMAX_ACCUM_INT_BITS);
        }
      }
      clz = count_leading_zeros32((uint32_t)sum);
      nbits = SOFTMAX_ACCUM_INT_BITS - clz;
      recip = one_over_one_plus_x((int64_t)(((uint64_t)sum << clz) & 0xFFFFFFFFu) - ((int64_t)1 << 31));
      for (c = 0; c < n; ++c) {
        const int32_t diff = (int32_t)x[(size_t)c * inner] - max_v;
        int64_t v = -128;
        if (diff >= param->diff_min) {
          const int64_t e = c < SOFTMAX_EXP_CACHE
                                ? cache[c]
                                : exp_on_negative_values(nnacl_mbqm(diff, param->input_multiplier,
                                                                    param->input_left_shift, param->rounding));
          v = nnacl_rdbpot64(srdhm64(recip, e), nbits + 31 - 8) + param->output_zp;
          v = v < -128 ? -128 : (v > 127 ? 127 : v);
        }
        y[(size_t)c * inner] = (int8_t)v;
      }
    }
  }
}
