/*
 * dot_int8.h -- int8 dot products with an input offset, shared by the int8 conv and FC
 * kernels:  acc + sum_i (x[i] + x_offset) * w[i]   (int32, exact).
 *
 * On cores with the SIMD32 extension (Cortex-M4/M7/M33/M55: __ARM_FEATURE_SIMD32) four
 * bytes are loaded at once, widened to two pairs of 16-bit lanes (SXTB16 takes bytes 0 and 2,
 * the same after an 8-bit rotation takes bytes 1 and 3; SXTAB16 adds the offset on the way)
 * and accumulated with SMLAD, two multiply-adds per instruction. Both operands are split the
 * same way, so every product pairs the right x with the right w and the integer sum is the
 * same as the plain loop's. Define NNACL_NO_SIMD32 to force the portable loops.
 */
#ifndef NNACL_INT8_DOT_INT8_H_
#define NNACL_INT8_DOT_INT8_H_

#include <string.h>

#include "common/nnacl_common.h"

#if defined(__ARM_FEATURE_SIMD32) && !defined(NNACL_NO_SIMD32)
#include <arm_acle.h>
#define NNACL_DOT_SIMD32 1

static inline uint32_t nnacl_load4(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v)); /* one (unaligned) LDR on v7E-M */
  return v;
}

static inline uint32_t nnacl_ror8(uint32_t v) {
  return (v >> 8) | (v << 24);
}

/* the offset in both 16-bit lanes */
static inline int32_t nnacl_offset_pair(int32_t offset) {
  return (int32_t)(((uint32_t)(uint16_t)offset << 16) | (uint32_t)(uint16_t)offset);
}
#endif

/* acc + sum (x[i] + x_offset) * w[i], i < n */
static inline int32_t nnacl_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t x_offset, int32_t acc) {
  int32_t i = 0;
#ifdef NNACL_DOT_SIMD32
  const int32_t off2 = nnacl_offset_pair(x_offset);
  for (; i + 4 <= n; i += 4) {
    const uint32_t xv = nnacl_load4(x + i), wv = nnacl_load4(w + i);
    acc = __smlad(__sxtab16(off2, (int32_t)xv), __sxtb16((int32_t)wv), acc);
    acc = __smlad(__sxtab16(off2, (int32_t)nnacl_ror8(xv)), __sxtb16((int32_t)nnacl_ror8(wv)), acc);
  }
#endif
  for (; i < n; ++i) {
    acc += ((int32_t)x[i] + x_offset) * (int32_t)w[i];
  }
  return acc;
}

/* one x row against two weight rows: acc[j] += sum (x[i] + x_offset) * wj[i] */
static inline void nnacl_dot_s8_x1w2(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n,
                                     int32_t x_offset, int32_t *acc0, int32_t *acc1) {
  int32_t a0 = *acc0, a1 = *acc1, i = 0;
#ifdef NNACL_DOT_SIMD32
  const int32_t off2 = nnacl_offset_pair(x_offset);
  for (; i + 4 <= n; i += 4) {
    const uint32_t xv = nnacl_load4(x + i);
    const uint32_t wv0 = nnacl_load4(w0 + i), wv1 = nnacl_load4(w1 + i);
    const int32_t xa = __sxtab16(off2, (int32_t)xv), xb = __sxtab16(off2, (int32_t)nnacl_ror8(xv));
    a0 = __smlad(xa, __sxtb16((int32_t)wv0), a0);
    a0 = __smlad(xb, __sxtb16((int32_t)nnacl_ror8(wv0)), a0);
    a1 = __smlad(xa, __sxtb16((int32_t)wv1), a1);
    a1 = __smlad(xb, __sxtb16((int32_t)nnacl_ror8(wv1)), a1);
  }
#endif
  for (; i < n; ++i) {
    const int32_t xv = (int32_t)x[i] + x_offset;
    a0 += xv * (int32_t)w0[i];
    a1 += xv * (int32_t)w1[i];
  }
  *acc0 = a0;
  *acc1 = a1;
}

/* four x rows against one weight row: acc[t] += sum (xt[i] + x_offset) * w[i] */
static inline void nnacl_dot_s8_x4w1(const int8_t *x0, const int8_t *x1, const int8_t *x2, const int8_t *x3,
                                     const int8_t *w, int32_t n, int32_t x_offset, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], i = 0;
#ifdef NNACL_DOT_SIMD32
  const int32_t off2 = nnacl_offset_pair(x_offset);
  for (; i + 4 <= n; i += 4) {
    const uint32_t wv = nnacl_load4(w + i);
    const int32_t wa = __sxtb16((int32_t)wv), wb = __sxtb16((int32_t)nnacl_ror8(wv));
    uint32_t xv = nnacl_load4(x0 + i);
    a0 = __smlad(__sxtab16(off2, (int32_t)xv), wa, a0);
    a0 = __smlad(__sxtab16(off2, (int32_t)nnacl_ror8(xv)), wb, a0);
    xv = nnacl_load4(x1 + i);
    a1 = __smlad(__sxtab16(off2, (int32_t)xv), wa, a1);
    a1 = __smlad(__sxtab16(off2, (int32_t)nnacl_ror8(xv)), wb, a1);
    xv = nnacl_load4(x2 + i);
    a2 = __smlad(__sxtab16(off2, (int32_t)xv), wa, a2);
    a2 = __smlad(__sxtab16(off2, (int32_t)nnacl_ror8(xv)), wb, a2);
    xv = nnacl_load4(x3 + i);
    a3 = __smlad(__sxtab16(off2, (int32_t)xv), wa, a3);
    a3 = __smlad(__sxtab16(off2, (int32_t)nnacl_ror8(xv)), wb, a3);
  }
#endif
  for (; i < n; ++i) {
    const int32_t wv = w[i];
    a0 += ((int32_t)x0[i] + x_offset) * wv;
    a1 += ((int32_t)x1[i] + x_offset) * wv;
    a2 += ((int32_t)x2[i] + x_offset) * wv;
    a3 += ((int32_t)x3[i] + x_offset) * wv;
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

#endif /* NNACL_INT8_DOT_INT8_H_ */
