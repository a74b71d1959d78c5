/*
 * requant_mve.h -- requantization of four int32 accumulators at once with Helium (MVE), bit-exact
 * with the scalar nnacl_mbqm_double() / nnacl_requant_i8() of common/nnacl_common.h (gemmlowp
 * double rounding). Only for cores with integer MVE (__ARM_FEATURE_MVE & 1, e.g. Cortex-M55).
 *
 *   x = acc << max(shift, 0)                    VSHL: wraps like the scalar (uint32_t) shift
 *   x = srdhm(x, multiplier)                    VQRDMULH: (2 x m + 2^31) >> 32 = (x m + 2^30) >> 31,
 *                                               saturating only for INT32_MIN * INT32_MIN, as gemmlowp
 *   x = rdbpot(x, r = max(-shift, 0))           ties away from zero: VRSHL rounds ties up, so negative
 *                                               values first move down by one (saturating: INT32_MIN
 *                                               stays, and is exact), only where r > 0
 *   out = clamp(x + out_zp, act_min, act_max)
 */
#ifndef NNACL_INT8_REQUANT_MVE_H_
#define NNACL_INT8_REQUANT_MVE_H_

#include "common/nnacl_common.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && !defined(NNACL_NO_MVE)
#include <arm_mve.h>
#define NNACL_MVE_INT8 1

/* the shifts of four channels, split once: left = max(shift, 0), neg_right = -max(-shift, 0) */
typedef struct {
  int32x4_t left;
  int32x4_t neg_right;
} nnacl_mve_shift_t;

static inline nnacl_mve_shift_t nnacl_mve_split_shift(int32x4_t shift) {
  nnacl_mve_shift_t s;
  s.left = vmaxq_s32(shift, vdupq_n_s32(0));
  s.neg_right = vminq_s32(shift, vdupq_n_s32(0));
  return s;
}

/* nnacl_mbqm_double on four lanes */
static inline int32x4_t nnacl_mve_mbqm_double(int32x4_t acc, int32x4_t multiplier, nnacl_mve_shift_t s) {
  int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, s.left), multiplier);
  /* -1 where x < 0 and the right shift is not 0 (neg_right < 0) */
  const int32x4_t fix = vandq_s32(vshrq_n_s32(x, 31), vshrq_n_s32(s.neg_right, 31));
  x = vqaddq_s32(x, fix);
  return vrshlq_s32(x, s.neg_right);
}

/* requantized, offset and clamped (still int32 lanes) */
static inline int32x4_t nnacl_mve_requant(int32x4_t acc, int32x4_t multiplier, nnacl_mve_shift_t s, int32_t out_zp,
                                          int32_t act_min, int32_t act_max) {
  int32x4_t v = vaddq_n_s32(nnacl_mve_mbqm_double(acc, multiplier, s), out_zp);
  v = vmaxq_s32(v, vdupq_n_s32(act_min));
  return vminq_s32(v, vdupq_n_s32(act_max));
}
#endif

#endif /* NNACL_INT8_REQUANT_MVE_H_ */
