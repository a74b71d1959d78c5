/*
 * arithmetic_int8.c -- quantized int8 Add / Sub / Mul with broadcasting (TFLite reference
 * integer arithmetic, see common/arithmetic_param.h): one run function per op over a
 * contiguous output run, driven by arith_broadcast_apply (base/arithmetic_base.c).
 *
 * Add / Sub with a table (int8/arithmetic_int8.h): the input stage of an element depends on
 * its int8 value only, so the generator tabulates it (256 int32 per input, Sub's second table
 * negated) and an element costs two loads and the output requantization:
 *   portable  raw = T0[x0] + T1[x1], nnacl_requant_i8 (the specification);
 *   Cortex-M  |raw| < 2^30 (the generator checks it), so the gemmlowp high multiply is one
 *             SMMULR of 2 raw and the rounding right shift three instructions (arith_requant_small);
 *   MVE       four lanes: VLDRB.U32 indices, two gathers (VLDRW.S32 shifted offsets), the
 *             requant_mve.h requantization, VSTRB.32, tail-predicated.
 * Mul: the product of the offset inputs (|p| <= 255^2) takes the same small-range requantization
 * (scalar) or four MVE lanes.
 */
#include "int8/arithmetic_int8.h"

#include <string.h>

#include "base/arithmetic_base.h"
#include "int8/requant_mve.h"

/* the run functions get the table through the parameter pointer: a copy of the parameters
 * followed by the table pointer (the driver passes &ctx.param, the first member, back) */
typedef struct {
  arith_param_t param;
  const int32_t *table;
} arith_int8_ctx_t;

/* gemmlowp SaturatingRoundingDoublingHighMul for |x| < 2^30 (no saturation case):
 * (x m + 2^30) >> 31 = (2x m + 2^31) >> 32 = SMMULR(2x, m). Inline asm: ACLE has no SMMULR. */
static inline int32_t arith_srdhm_small(int32_t x, int32_t m) {
#if defined(__ARM_FEATURE_DSP) && !defined(NNACL_NO_SIMD32)
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(x * 2), "r"(m));
  return r;
#else
  return nnacl_srdhm(x, m);
#endif
}

/* clamp(MBQM_double(x, m, -right) + zp) for |x| < 2^30, right in [0, 31]: the rounding divide
 * by 2^right (ties away from zero) is (v - (v < 0) + 2^(right - 1)) >> right for right > 0;
 * neg_mask = right > 0 ? -1 : 0, half = right > 0 ? 2^(right - 1) : 0 */
static inline int8_t arith_requant_small(int32_t x, int32_t m, int32_t right, int32_t neg_mask, int32_t half,
                                         int32_t zp, int32_t lo, int32_t hi) {
  int32_t v = arith_srdhm_small(x, m);
  v = ((v + ((v >> 31) & neg_mask) + half) >> right) + zp;
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

#if defined(__ARM_FEATURE_SIMD32) && !defined(NNACL_NO_SIMD32) && !defined(NNACL_MVE_INT8)
#include <arm_acle.h>
#define ARITH_SIMD32 1

static inline uint32_t arith_dup4(int32_t v) {
  return (uint32_t)(uint8_t)v * 0x01010101u;
}

/* BFI of the low byte of v into bits [pos, pos + 8) of w. Inline asm: GCC 12 builds the same
 * insertion from masks and shifts (three instructions instead of one). */
#define ARITH_BFI8(w, v, pos) __asm__("bfi %0, %1, %2, #8" : "+r"(w) : "r"(v), "i"(pos))

/* four int32 results -> four int8 clamped to [lo, hi]: SSAT to int8, packed with BFI, then the
 * bounds on the four bytes at once (SSUB8 sets a GE flag per byte, SEL picks per byte) */
static inline void arith_store4(int8_t *out, int32_t v0, int32_t v1, int32_t v2, int32_t v3, uint32_t lo4,
                                uint32_t hi4) {
  uint32_t w = (uint32_t)__ssat(v0, 8);
  ARITH_BFI8(w, __ssat(v1, 8), 8);
  ARITH_BFI8(w, __ssat(v2, 8), 16);
  ARITH_BFI8(w, __ssat(v3, 8), 24);
  (void)__ssub8((int8x4_t)w, (int8x4_t)lo4);
  w = (uint32_t)__sel((uint8x4_t)w, (uint8x4_t)lo4);
  (void)__ssub8((int8x4_t)w, (int8x4_t)hi4);
  w = (uint32_t)__sel((uint8x4_t)hi4, (uint8x4_t)w);
  memcpy(out, &w, sizeof(w));
}
#endif

/* ---------------------------------------------------------------- add / sub, no table */

static int run_add_sub_int8(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                            int8_t *out, int32_t n, int32_t negate) {
  const int32_t rnd = param->rounding;
  const int32_t ls = param->left_shift;
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t xa = ((int32_t)a[i * sa] + param->in0_offset) * (1 << ls);
    const int32_t xb = ((int32_t)b[i * sb] + param->in1_offset) * (1 << ls);
    const int32_t va = nnacl_mbqm(xa, param->in0_multiplier, param->in0_shift, rnd);
    const int32_t vb = nnacl_mbqm(xb, param->in1_multiplier, param->in1_shift, rnd);
    const int32_t raw = negate ? va - vb : va + vb;
    out[i] = nnacl_requant_i8(raw, param->out_multiplier, param->out_shift, rnd, param->out_offset, param->act_min,
                              param->act_max);
  }
  return NNACL_OK;
}

static int run_add_int8(const arith_param_t *param, const void *a, int32_t sa, const void *b, int32_t sb, void *out,
                        int32_t n) {
  return run_add_sub_int8(param, (const int8_t *)a, sa, (const int8_t *)b, sb, (int8_t *)out, n, 0);
}

static int run_sub_int8(const arith_param_t *param, const void *a, int32_t sa, const void *b, int32_t sb, void *out,
                        int32_t n) {
  return run_add_sub_int8(param, (const int8_t *)a, sa, (const int8_t *)b, sb, (int8_t *)out, n, 1);
}

/* ---------------------------------------------------------------- add / sub with the table */

#if defined(NNACL_MVE_INT8)
/* the table path's requantization on four lanes (out_shift <= 0: no left shift; right > 0) */
static inline int32x4_t arith_requant_small_mve(int32x4_t raw, int32_t m, int32_t neg_right, int32_t zp,
                                               int32x4_t lo, int32x4_t hi) {
  int32x4_t v = vqrdmulhq_n_s32(raw, m);
  v = vrshlq_n_s32(vaddq_s32(v, vshrq_n_s32(v, 31)), neg_right); /* ties away: negatives move down one */
  return vminq_s32(vmaxq_s32(vaddq_n_s32(v, zp), lo), hi);
}
#endif

static int run_table_int8(const arith_param_t *param, const void *in0, int32_t sa, const void *in1, int32_t sb,
                          void *out_, int32_t n) {
  const int32_t *t0 = ((const arith_int8_ctx_t *)(const void *)param)->table;
  const int32_t *t1 = t0 + 256;
  const uint8_t *a = (const uint8_t *)in0; /* table index: the int8 bit pattern */
  const uint8_t *b = (const uint8_t *)in1;
  int8_t *out = (int8_t *)out_;
  const int32_t m = param->out_multiplier, zp = param->out_offset, lo = param->act_min, hi = param->act_max;
  const int32_t right = param->out_shift < 0 ? -param->out_shift : 0; /* out_shift <= 0 in table mode */
  int32_t i = 0;
  if (sa == 1 && sb == 1 && right > 0 && right <= 22) {
    /* the output offset rides in the rounding constant: adding zp * 2^right before the shift adds
     * zp after it; |v| < 2^30, |zp * 2^right| <= 2^29, so the sum stays in int32 */
    const int32_t half = (int32_t)(1u << (right - 1)) + zp * (1 << right);
#if defined(NNACL_MVE_INT8)
    const int32x4_t lov = vdupq_n_s32(lo), hiv = vdupq_n_s32(hi);
    for (; i + 4 <= n; i += 4) {
      const int32x4_t raw = vaddq_s32(vldrwq_gather_shifted_offset_s32(t0, vldrbq_u32(a + i)),
                                      vldrwq_gather_shifted_offset_s32(t1, vldrbq_u32(b + i)));
      vstrbq_s32(out + i, arith_requant_small_mve(raw, m, -right, zp, lov, hiv));
    }
    if (i < n) {
      const mve_pred16_t p = vctp32q((uint32_t)(n - i));
      const int32x4_t raw = vaddq_s32(vldrwq_gather_shifted_offset_z_s32(t0, vldrbq_z_u32(a + i, p), p),
                                      vldrwq_gather_shifted_offset_z_s32(t1, vldrbq_z_u32(b + i, p), p));
      vstrbq_p_s32(out + i, arith_requant_small_mve(raw, m, -right, zp, lov, hiv), p);
    }
    (void)half;
#else
#define ARITH_TABLE_V(k) ((arith_srdhm_small(t0[a[k]] + t1[b[k]], m) + half + \
                          (arith_srdhm_small(t0[a[k]] + t1[b[k]], m) >> 31)) >> right)
#if defined(ARITH_SIMD32)
    const uint32_t lo4 = arith_dup4(lo), hi4 = arith_dup4(hi);
    for (; i + 4 <= n; i += 4) {
      arith_store4(out + i, ARITH_TABLE_V(i), ARITH_TABLE_V(i + 1), ARITH_TABLE_V(i + 2), ARITH_TABLE_V(i + 3), lo4,
                   hi4);
    }
#endif
    for (; i < n; ++i) {
      const int32_t v = ARITH_TABLE_V(i);
      out[i] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
    }
#undef ARITH_TABLE_V
#endif
    return NNACL_OK;
  }
  {
    const int32_t neg_mask = right > 0 ? -1 : 0, half = right > 0 ? (int32_t)(1u << (right - 1)) : 0;
    for (; i < n; ++i) {
      out[i] = arith_requant_small(t0[*a] + t1[*b], m, right, neg_mask, half, zp, lo, hi);
      a += sa;
      b += sb;
    }
  }
  return NNACL_OK;
}

static void add_sub_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1,
                         const int32_t *table, int8_t *output, arith_run_t plain) {
  if (table != NULL) {
    arith_int8_ctx_t ctx;
    memcpy(&ctx.param, param, sizeof(ctx.param));
    ctx.table = table;
    (void)arith_broadcast_apply(&ctx.param, input0, 1, input1, 1, output, 1, run_table_int8);
  } else {
    (void)arith_broadcast_apply(param, input0, 1, input1, 1, output, 1, plain);
  }
}

void add_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, const int32_t *table,
              int8_t *output) {
  add_sub_int8(param, input0, input1, table, output, run_add_int8);
}

void sub_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, const int32_t *table,
              int8_t *output) {
  add_sub_int8(param, input0, input1, table, output, run_sub_int8);
}

/* ---------------------------------------------------------------- mul */

static int run_mul_int8(const arith_param_t *param, const void *in0, int32_t sa, const void *in1, int32_t sb,
                        void *out_, int32_t n) {
  const int8_t *a = (const int8_t *)in0;
  const int8_t *b = (const int8_t *)in1;
  int8_t *out = (int8_t *)out_;
  const int32_t oa = param->in0_offset, ob = param->in1_offset;
  const int32_t m = param->out_multiplier, shift = param->out_shift;
  const int32_t zp = param->out_offset, lo = param->act_min, hi = param->act_max;
  int32_t i = 0;
#if defined(NNACL_MVE_INT8)
  if (sa + sb >= 1 && param->rounding == NNACL_ROUND_DOUBLE) {
    const nnacl_mve_shift_t s = nnacl_mve_split_shift(vdupq_n_s32(shift));
    const int32x4_t mv = vdupq_n_s32(m);
    const int32x4_t xa0 = vdupq_n_s32((int32_t)a[0] + oa), xb0 = vdupq_n_s32((int32_t)b[0] + ob);
    for (; i < n; i += 4) {
      const mve_pred16_t p = vctp32q((uint32_t)(n - i));
      const int32x4_t xa = sa ? vaddq_n_s32(vldrbq_z_s32(a + i, p), oa) : xa0;
      const int32x4_t xb = sb ? vaddq_n_s32(vldrbq_z_s32(b + i, p), ob) : xb0;
      vstrbq_p_s32(out + i, nnacl_mve_requant(vmulq_s32(xa, xb), mv, s, zp, lo, hi), p);
    }
    return NNACL_OK;
  }
#endif
  if (param->rounding == NNACL_ROUND_DOUBLE && shift <= 13) {
    /* |product << left| <= 255^2 * 2^13 < 2^30: the small-range requantization */
    const int32_t left = shift > 0 ? shift : 0, right = shift < 0 ? -shift : 0;
    const int32_t neg_mask = right > 0 ? -1 : 0, half = right > 0 ? (int32_t)(1u << (right - 1)) : 0;
    for (; i < n; ++i) {
      const int32_t prod = ((int32_t)*a + oa) * ((int32_t)*b + ob);
      out[i] = arith_requant_small(prod * (1 << left), m, right, neg_mask, half, zp, lo, hi);
      a += sa;
      b += sb;
    }
    return NNACL_OK;
  }
  for (; i < n; ++i) {
    const int32_t prod = ((int32_t)a[i * sa] + oa) * ((int32_t)b[i * sb] + ob);
    out[i] = nnacl_requant_i8(prod, m, shift, param->rounding, zp, lo, hi);
  }
  return NNACL_OK;
}

void mul_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  (void)arith_broadcast_apply(param, input0, 1, input1, 1, output, 1, run_mul_int8);
}
