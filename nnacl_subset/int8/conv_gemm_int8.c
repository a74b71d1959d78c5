/*
 * conv_gemm_int8.c -- the gemm core of the int8 1x1 and im2col convolutions: all output
 * channels of up to 4 pixels from packed weights (layout: int8/conv_gemm_int8.h).
 *
 * Three implementations of the same sums (the int32 accumulation is exact, so all agree bit
 * for bit; requantization is the double rounding of nnacl_requant_i8):
 *   portable  one output at a time, one tap at a time: the specification.
 *   SIMD32    (Cortex-M4/M7/M33) 2 pixels x 2 channels per pass, 4 taps per step: each loaded
 *             word of x and w is widened once (SXTB16 of v and of v ROR 8: bytes 0/2 and 1/3) and
 *             feeds two SMLADs, so 16 MACs cost 4 loads, 8 SXTB16 and 8 SMLAD.
 *   MVE       (Cortex-M55) 4 pixels x 1 channel per pass: the channel's 16 taps against each pixel's
 *             16 taps, VMLADAVA.S8 (16 MACs each); the last chunk's x loads are tail-predicated
 *             (zeros past k). The 4 results (one lane per pixel) are requantized together with
 *             the channel's multiplier and shift as scalar operands and scattered out_c apart.
 */
#include "int8/conv_gemm_int8.h"

static void gemm_pixels_portable(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                                 const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                                 const int32_t *shift, int8_t *out) {
  const int32_t kpad = conv_gemm_int8_kpad(k);
  int32_t oc, i, t;
  for (t = 0; t < count; ++t, out += param->out_c) {
    for (oc = 0; oc < param->out_c; ++oc) {
      int32_t acc = bias[oc];
      for (i = 0; i < k; ++i) {
        acc += (int32_t)x[t][i] * (int32_t)packed_w[conv_gemm_int8_windex(oc, i, kpad)];
      }
      out[oc] = nnacl_requant_i8(acc, multiplier[oc], shift[oc], param->rounding, param->output_zp,
                                 param->act_min, param->act_max);
    }
  }
}

#if defined(NNACL_MVE_INT8)

/* pixels x0..x3 against the channel at w, n16 whole chunks then `tail` taps (lanes tail_p): one
 * lane per pixel */
static inline int32x4_t gemm_dot_4x1_mve(const int8_t *x0, const int8_t *x1, const int8_t *x2, const int8_t *x3,
                                         const int8_t *w, int32_t n16, int32_t tail, mve_pred16_t tail_p) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, n;
  int32x4_t v;
  for (n = n16; n > 0; --n) {
    const int8x16_t wv = vldrbq_s8(w);
    a0 = vmladavaq_s8(a0, vldrbq_s8(x0), wv);
    a1 = vmladavaq_s8(a1, vldrbq_s8(x1), wv);
    a2 = vmladavaq_s8(a2, vldrbq_s8(x2), wv);
    a3 = vmladavaq_s8(a3, vldrbq_s8(x3), wv);
    x0 += 16;
    x1 += 16;
    x2 += 16;
    x3 += 16;
    w += 64;
  }
  if (tail != 0) { /* x lanes past k are zero; the packed weights are there (zero padded) */
    const int8x16_t wv = vldrbq_s8(w);
    a0 = vmladavaq_s8(a0, vldrbq_z_s8(x0, tail_p), wv);
    a1 = vmladavaq_s8(a1, vldrbq_z_s8(x1, tail_p), wv);
    a2 = vmladavaq_s8(a2, vldrbq_z_s8(x2, tail_p), wv);
    a3 = vmladavaq_s8(a3, vldrbq_z_s8(x3, tail_p), wv);
  }
  v = vdupq_n_s32(a0);
  v = vsetq_lane_s32(a1, v, 1);
  v = vsetq_lane_s32(a2, v, 2);
  return vsetq_lane_s32(a3, v, 3);
}

/* channel oc of the 4 pixels (lanes), acc with the bias added: requantized (the steps of
 * nnacl_mve_mbqm_double, with the channel's shift known to be > 0, 0 or < 0), offset, clamped */
static inline int32x4_t gemm_requant_mve(int32x4_t v, int32_t m, int32_t sh, int32_t zp, int32x4_t lo,
                                         int32x4_t hi) {
  if (sh > 0) {
    v = vshlq_r_s32(v, sh);
  }
  v = vqrdmulhq_n_s32(v, m);
  if (sh < 0) { /* rounding right shift with ties away from zero: negative values first down by one */
    v = vrshlq_n_s32(vqaddq_s32(v, vshrq_n_s32(v, 31)), sh);
  }
  return vminq_s32(vmaxq_s32(vaddq_n_s32(v, zp), lo), hi);
}

/* the 4 results of one channel as a vector */
static inline int32x4_t gemm_lanes(int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
  int32x4_t v = vdupq_n_s32(a0);
  v = vsetq_lane_s32(a1, v, 1);
  v = vsetq_lane_s32(a2, v, 2);
  return vsetq_lane_s32(a3, v, 3);
}

void conv_gemm_int8_pixels(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                           const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                           const int32_t *shift, int8_t *out) {
  const int32_t out_c = param->out_c, block = 4 * conv_gemm_int8_kpad(k);
  const int32_t zp = param->output_zp, n16 = k >> 4, tail = k & 15;
  const mve_pred16_t tail_p = vctp8q((uint32_t)tail);
  const int32x4_t lo = vdupq_n_s32(param->act_min), hi = vdupq_n_s32(param->act_max);
  /* lane t -> pixel t (missing pixels repeat pixel 0 and are not stored) */
  const int8_t *x0 = x[0], *x1 = count > 1 ? x[1] : x[0], *x2 = count > 2 ? x[2] : x[0];
  const int8_t *x3 = count > 3 ? x[3] : x[0];
  const uint32x4_t rows = vmulq_n_u32(vidupq_n_u32(0u, 1), (uint32_t)out_c);
  const mve_pred16_t p = vctp32q((uint32_t)count);
  int32_t oc = 0;
  if (param->rounding != NNACL_ROUND_DOUBLE) { /* this requantization is the double rounding one */
    gemm_pixels_portable(param, x, count, k, packed_w, bias, multiplier, shift, out);
    return;
  }
  if (k <= 16) { /* one chunk: the 4 pixels' taps stay in registers for every channel */
    const mve_pred16_t kp = vctp8q((uint32_t)k);
    const int8x16_t v0 = vldrbq_z_s8(x0, kp), v1 = vldrbq_z_s8(x1, kp), v2 = vldrbq_z_s8(x2, kp);
    const int8x16_t v3 = vldrbq_z_s8(x3, kp);
    const int8_t *w = packed_w;
    for (; oc < out_c; ++oc, w += 16) { /* block stride 64 = 4 channels x 16 taps */
      const int8x16_t wv = vldrbq_s8(w);
      const int32x4_t acc = gemm_lanes(vmladavq_s8(v0, wv), vmladavq_s8(v1, wv), vmladavq_s8(v2, wv),
                                       vmladavq_s8(v3, wv));
      vstrbq_scatter_offset_p_s32(out + oc, rows,
                                  gemm_requant_mve(vaddq_n_s32(acc, bias[oc]), multiplier[oc], shift[oc], zp, lo, hi),
                                  p);
    }
    return;
  }
  for (; oc < out_c; packed_w += block) {
    /* block oc / 4: channel oc + j at j * 16 */
    const int8_t *w = packed_w;
    const int32_t end = out_c - oc < 4 ? out_c : oc + 4;
    for (; oc < end; ++oc, w += 16) {
      const int32x4_t acc = gemm_dot_4x1_mve(x0, x1, x2, x3, w, n16, tail, tail_p);
      vstrbq_scatter_offset_p_s32(out + oc, rows,
                                  gemm_requant_mve(vaddq_n_s32(acc, bias[oc]), multiplier[oc], shift[oc], zp, lo, hi),
                                  p);
    }
  }
}

#elif defined(NNACL_DOT_SIMD32)

/* The 2x2 loop keeps 4 accumulators, 4 pointers and 6 widened words live: exactly the 14
 * allocatable core registers. GCC's first scheduling pass hoists loads and then spills
 * (measured on the Cortex-M4 build: 110 instead of 82 instructions per 64 MACs), so it is off here;
 * QEMU counts instructions and the in-order M4 gains little from it anyway. */
#pragma GCC push_options
#pragma GCC optimize("no-schedule-insns")

/* SXTB16 of v rotated right by 8 (bytes 1 and 3 as two int16 lanes), one instruction. Inline asm
 * because ACLE has no intrinsic for the rotated form and GCC does not fold a rotate into
 * __sxtb16 (it emits a separate ROR: 4 more instructions per 16 MACs). */
static inline int32_t gemm_sxtb16_ror8(uint32_t v) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

typedef struct {
  int32_t a00, a01, a10, a11; /* [pixel][channel] */
} gemm_acc2x2_t;

/* 4 taps of pixels x0 / x1 against channels w0 / w1 (4 packed bytes each). The order matters (the
 * scheduler is off): both x words widened first (4 registers), then one channel at a time (2). */
static inline gemm_acc2x2_t gemm_mac_2x2(gemm_acc2x2_t a, uint32_t x0, uint32_t x1, const int8_t *w) {
  const int32_t x0e = __sxtb16((int32_t)x0), x0o = gemm_sxtb16_ror8(x0);
  const int32_t x1e = __sxtb16((int32_t)x1), x1o = gemm_sxtb16_ror8(x1);
  uint32_t wv = nnacl_load4(w);
  int32_t we = __sxtb16((int32_t)wv), wo = gemm_sxtb16_ror8(wv);
  a.a00 = __smlad(x0o, wo, __smlad(x0e, we, a.a00));
  a.a10 = __smlad(x1o, wo, __smlad(x1e, we, a.a10));
  wv = nnacl_load4(w + 16);
  we = __sxtb16((int32_t)wv);
  wo = gemm_sxtb16_ror8(wv);
  a.a01 = __smlad(x0o, wo, __smlad(x0e, we, a.a01));
  a.a11 = __smlad(x1o, wo, __smlad(x1e, we, a.a11));
  return a;
}

#define GEMM_STEP(a, o) gemm_mac_2x2((a), nnacl_load4(x0 + (o)), nnacl_load4(x1 + (o)), w + (o))

/* acc += pixels x0 / x1 against the channel at w and the next one (w + 16), n >= 1 chunks of 16 taps */
static inline void gemm_dot_2x2_k16(gemm_acc2x2_t *acc, const int8_t *x0, const int8_t *x1, const int8_t *w,
                                    int32_t n) {
  gemm_acc2x2_t a = *acc;
  do {
    a = GEMM_STEP(a, 0);
    a = GEMM_STEP(a, 4);
    a = GEMM_STEP(a, 8);
    a = GEMM_STEP(a, 12);
    x0 += 16;
    x1 += 16;
    w += 64;
  } while (--n > 0);
  *acc = a;
}

/* the same for k taps (whole chunks, then 4 taps at a time, then single taps), for `pairs` (1 or 2)
 * channel pairs: acc[j] for the channels at w + 32 j and 16 bytes further. Not inlined: on its
 * own the chunk loop keeps everything in registers (85 instructions per 64 MACs); inside the
 * caller's channel loop GCC spilled pointers in it. */
static __attribute__((noinline)) void gemm_dot_2x2(gemm_acc2x2_t *acc, const int8_t *x0, const int8_t *x1,
                                                   const int8_t *w, int32_t k, int32_t pairs) {
  const int32_t whole = k & ~15;
  do {
    const int8_t *p0 = x0 + whole, *p1 = x1 + whole, *pw = w + whole * 4;
    int32_t n;
    if (whole > 0) {
      gemm_dot_2x2_k16(acc, x0, x1, w, k >> 4);
    }
    if ((k & 15) != 0) {
      gemm_acc2x2_t a = *acc;
      for (n = (k & 15) >> 2; n > 0; --n) {
        a = gemm_mac_2x2(a, nnacl_load4(p0), nnacl_load4(p1), pw);
        p0 += 4;
        p1 += 4;
        pw += 4;
      }
      for (n = 0; n < (k & 3); ++n) {
        const int32_t w0 = pw[n], w1 = pw[16 + n];
        a.a00 += (int32_t)p0[n] * w0;
        a.a01 += (int32_t)p0[n] * w1;
        a.a10 += (int32_t)p1[n] * w0;
        a.a11 += (int32_t)p1[n] * w1;
      }
      *acc = a;
    }
    ++acc;
    w += 32;
  } while (--pairs > 0);
}

typedef struct {
  int32_t zp, lo, hi;
  int full; /* [lo, hi] is the whole int8 range: one SSAT clamps */
} gemm_clamp_t;

/* channel oc of both pixels: requantized, offset, clamped and stored (o1 may be o0: the same value twice) */
static inline void gemm_out2(int32_t acc0, int32_t acc1, int32_t m, int32_t shift, const gemm_clamp_t *c, int8_t *o0,
                             int8_t *o1) {
  const conv_gemm_int8_rq_t q = conv_gemm_int8_rq(shift);
  int32_t v0 = conv_gemm_int8_mbqm(acc0, m, &q) + c->zp, v1 = conv_gemm_int8_mbqm(acc1, m, &q) + c->zp;
  if (c->full) {
    *o0 = (int8_t)__ssat(v0, 8);
    *o1 = (int8_t)__ssat(v1, 8);
    return;
  }
  v0 = v0 < c->lo ? c->lo : v0;
  v1 = v1 < c->lo ? c->lo : v1;
  *o0 = (int8_t)(v0 > c->hi ? c->hi : v0);
  *o1 = (int8_t)(v1 > c->hi ? c->hi : v1);
}

/* all channels of pixels x0 / x1 into rows o0 / o1 (one pixel: x1 = x0, o1 = o0, stored twice) */
static void gemm_pixels_2(const int8_t *x0, const int8_t *x1, int32_t k, int32_t out_c, const int8_t *packed_w,
                          const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                          const gemm_clamp_t *c, int8_t *o0, int8_t *o1) {
  const int32_t block = 4 * conv_gemm_int8_kpad(k);
  const int8_t *w = packed_w;
  gemm_acc2x2_t a[2];
  int32_t oc, j;
  /* block oc / 4: channel oc + j at j * 16, pairs (0, 1) and (2, 3) */
  for (oc = 0; oc + 3 < out_c; oc += 4, w += block) {
    a[0].a00 = a[0].a10 = bias[oc];
    a[0].a01 = a[0].a11 = bias[oc + 1];
    a[1].a00 = a[1].a10 = bias[oc + 2];
    a[1].a01 = a[1].a11 = bias[oc + 3];
    gemm_dot_2x2(a, x0, x1, w, k, 2);
    gemm_out2(a[0].a00, a[0].a10, multiplier[oc], shift[oc], c, o0 + oc, o1 + oc);
    gemm_out2(a[0].a01, a[0].a11, multiplier[oc + 1], shift[oc + 1], c, o0 + oc + 1, o1 + oc + 1);
    gemm_out2(a[1].a00, a[1].a10, multiplier[oc + 2], shift[oc + 2], c, o0 + oc + 2, o1 + oc + 2);
    gemm_out2(a[1].a01, a[1].a11, multiplier[oc + 3], shift[oc + 3], c, o0 + oc + 3, o1 + oc + 3);
  }
  if (oc < out_c) { /* 1 to 3 channels left; their partners in the block are zero-weighted padding */
    int32_t acc[2][4];
    const int32_t left = out_c - oc;
    for (j = 0; j < 4; ++j) {
      acc[0][j] = j < left ? bias[oc + j] : 0;
    }
    a[0].a00 = a[0].a10 = acc[0][0];
    a[0].a01 = a[0].a11 = acc[0][1];
    a[1].a00 = a[1].a10 = acc[0][2];
    a[1].a01 = a[1].a11 = acc[0][3];
    gemm_dot_2x2(a, x0, x1, w, k, (left + 1) >> 1);
    acc[0][0] = a[0].a00;
    acc[1][0] = a[0].a10;
    acc[0][1] = a[0].a01;
    acc[1][1] = a[0].a11;
    acc[0][2] = a[1].a00;
    acc[1][2] = a[1].a10;
    for (j = 0; j < left; ++j) {
      gemm_out2(acc[0][j], acc[1][j], multiplier[oc + j], shift[oc + j], c, o0 + oc + j, o1 + oc + j);
    }
  }
}

void conv_gemm_int8_pixels(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                           const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                           const int32_t *shift, int8_t *out) {
  const int32_t out_c = param->out_c;
  gemm_clamp_t c;
  int32_t t;
  if (param->rounding != NNACL_ROUND_DOUBLE) { /* conv_gemm_int8_mbqm is the double rounding */
    gemm_pixels_portable(param, x, count, k, packed_w, bias, multiplier, shift, out);
    return;
  }
  c.zp = param->output_zp;
  c.lo = param->act_min;
  c.hi = param->act_max;
  c.full = c.lo == -128 && c.hi == 127;
  for (t = 0; t < count; t += 2) {
    const int two = t + 1 < count;
    int8_t *o0 = out + t * out_c;
    gemm_pixels_2(x[t], two ? x[t + 1] : x[t], k, out_c, packed_w, bias, multiplier, shift, &c, o0,
                  two ? o0 + out_c : o0);
  }
}

#pragma GCC pop_options

#else

void conv_gemm_int8_pixels(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                           const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                           const int32_t *shift, int8_t *out) {
  gemm_pixels_portable(param, x, count, k, packed_w, bias, multiplier, shift, out);
}

#endif
