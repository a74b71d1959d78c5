/*
 * conv_gemm_int8.c -- the gemm core of the int8 1x1 and im2col convolutions: all output
 * channels of up to CONV_GEMM_INT8_MAX_PIXELS pixels from packed weights (layout:
 * int8/conv_gemm_int8.h).
 *
 * Three implementations of the same sums (the int32 accumulation is exact, so all agree bit
 * for bit; requantization is the double rounding of nnacl_requant_i8):
 *   portable  one output at a time, one tap at a time: the specification.
 *   SIMD32    (Cortex-M4/M7/M33) a channel pair at a time (its requantization constants worked out
 *             once), for it all pixels two at a time: 2 pixels x 2 channels per pass, 4 taps per
 *             step; each loaded word of x and w is widened once (SXTB16 of v and of v ROR 8: bytes
 *             0/2 and 1/3) and feeds two SMLADs, so 16 MACs cost 4 loads, 8 SXTB16 and 8 SMLAD.
 *             Requantization under the generator's contract (conv_gemm_int8.h): one SMMLAR, a shift
 *             and an SSAT per output.
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

/* bias + pixels x0..x3 against the channel at w, n16 whole chunks then `tail` taps (lanes tail_p):
 * one lane per pixel */
static inline int32x4_t gemm_dot_4x1_mve(const int8_t *x0, const int8_t *x1, const int8_t *x2, const int8_t *x3,
                                         const int8_t *w, int32_t n16, int32_t tail, mve_pred16_t tail_p,
                                         int32_t bias) {
  int32_t a0 = bias, a1 = bias, a2 = bias, a3 = bias, n;
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
  if (sh < 0) { /* rounding right shift with ties away from zero: negative values first down by one */
    v = vqrdmulhq_n_s32(v, m);
    v = vrshlq_n_s32(vqaddq_s32(v, vshrq_n_s32(v, 31)), sh);
  } else {
    v = vqrdmulhq_n_s32(vshlq_r_s32(v, sh), m);
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

/* up to 4 pixels, one per lane */
static void gemm_pixels4_mve(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                             const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                             const int32_t *shift, int8_t *out) {
  const int32_t out_c = param->out_c, block = 4 * conv_gemm_int8_kpad(k);
  const int32_t zp = param->output_zp, n16 = k >> 4, tail = k & 15;
  const mve_pred16_t tail_p = vctp8q((uint32_t)tail);
  const int32x4_t lo = vdupq_n_s32(param->act_min), hi = vdupq_n_s32(param->act_max);
  /* lane t -> pixel t (missing pixels repeat pixel 0 and store its row again: the same values) */
  const int8_t *x0 = x[0], *x1 = count > 1 ? x[1] : x[0], *x2 = count > 2 ? x[2] : x[0];
  const int8_t *x3 = count > 3 ? x[3] : x[0];
  const uint32x4_t rows = vmulq_n_u32(vpselq_u32(vidupq_n_u32(0u, 1), vdupq_n_u32(0u), vctp32q((uint32_t)count)),
                                      (uint32_t)out_c);
  int32_t oc = 0;
  if (k <= 16) { /* one chunk: the 4 pixels' taps stay in registers for every channel */
    const mve_pred16_t kp = vctp8q((uint32_t)k);
    const int8x16_t v0 = vldrbq_z_s8(x0, kp), v1 = vldrbq_z_s8(x1, kp), v2 = vldrbq_z_s8(x2, kp);
    const int8x16_t v3 = vldrbq_z_s8(x3, kp);
    const int8_t *w = packed_w;
    for (; oc < out_c; ++oc, w += 16) { /* block stride 64 = 4 channels x 16 taps */
      const int8x16_t wv = vldrbq_s8(w);
      const int32_t b = bias[oc];
      const int32x4_t acc = gemm_lanes(vmladavaq_s8(b, v0, wv), vmladavaq_s8(b, v1, wv), vmladavaq_s8(b, v2, wv),
                                       vmladavaq_s8(b, v3, wv));
      vstrbq_scatter_offset_s32(out + oc, rows, gemm_requant_mve(acc, multiplier[oc], shift[oc], zp, lo, hi));
    }
    return;
  }
  for (; oc < out_c; packed_w += block) {
    /* block oc / 4: channel oc + j at j * 16 */
    const int8_t *w = packed_w;
    const int32_t end = out_c - oc < 4 ? out_c : oc + 4;
    for (; oc < end; ++oc, w += 16) {
      const int32x4_t acc = gemm_dot_4x1_mve(x0, x1, x2, x3, w, n16, tail, tail_p, bias[oc]);
      vstrbq_scatter_offset_s32(out + oc, rows, gemm_requant_mve(acc, multiplier[oc], shift[oc], zp, lo, hi));
    }
  }
}

void conv_gemm_int8_pixels(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                           const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                           const int32_t *shift, int8_t *out) {
  int32_t t;
  if (param->rounding != NNACL_ROUND_DOUBLE) { /* this requantization is the double rounding one */
    gemm_pixels_portable(param, x, count, k, packed_w, bias, multiplier, shift, out);
    return;
  }
  for (t = 0; t < count; t += 4) {
    gemm_pixels4_mve(param, x + t, count - t < 4 ? count - t : 4, k, packed_w, bias, multiplier, shift,
                     out + (size_t)t * (size_t)param->out_c);
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

/* SMMLAR: the high word of (c << 32) + a * b + 2^31, one instruction. Inline asm because ACLE has
 * no intrinsic for it and GCC does not match the 64-bit expression (it emits SMLAL and ADDS/ADC). */
static inline int32_t gemm_smmlar(int32_t a, int32_t b, int32_t c) {
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
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

/* two pixels: their taps and output rows (offsets from out) */
typedef struct {
  const int8_t *x0, *x1;
  int32_t r0, r1; /* a lone last pixel: x1 = x0, r1 = r0 (stored twice) */
} gemm_px2_t;

/* one channel pair (channels (0, 1) of a block at offset 0, (2, 3) at 32) and the pixel pairs it
 * runs over; m, h, e as conv_gemm_int8_rq gives them */
typedef struct {
  const gemm_px2_t *px, *px_end; /* the pixel pairs */
  int8_t *o;                     /* out + the pair's first channel */
  const int8_t *w;               /* the pair's first chunk */
  int32_t k;                     /* taps */
  int32_t b0, b1;                /* bias (b1 = 0 if there is no second channel) */
  int32_t m0, h0, e0, m1, h1, e1;
  int32_t lo, hi, full, two; /* clamp ([lo, hi] = int8: one SSAT); two: the second channel exists */
  int32_t fast;              /* full, e0 > 0 and e1 > 0 */
} gemm_pair_t;

/* conv_gemm_int8_mbqm of one accumulator */
static inline int32_t gemm_rq(int32_t acc, int32_t m, int32_t h, int32_t e) {
  if (e > 0) {
    return gemm_smmlar((int32_t)((uint32_t)acc << 1), m, h + (acc >> 31)) >> e;
  }
  return gemm_smmlar((int32_t)((uint32_t)acc << (1 - e)), m, h);
}

/* v (offset included) clamped to [lo, hi] (full: that is the int8 range, one SSAT) */
static inline int32_t gemm_clamp(int32_t v, int32_t lo, int32_t hi, int full) {
  if (full) {
    return __ssat(v, 8);
  }
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

/* both channels of the pair for all pixel pairs: k taps, requantized and stored. The taps past the
 * last whole chunk go first (4 at a time, then single taps), so that across the chunk loop, which
 * needs all 14 registers, only the accumulators, c and the pixel pair stay live. Not inlined, for the
 * same reason: everything else is reloaded from *c. */
static __attribute__((noinline)) void gemm_pair_pixels(const gemm_pair_t *c) {
  const gemm_px2_t *p;
  for (p = c->px; p != c->px_end; ++p) {
    const int8_t *x0 = p->x0, *x1 = p->x1, *w = c->w;
    const int32_t k = c->k;
    int8_t *o;
    gemm_acc2x2_t a;
    int32_t n, v00, v01, v10, v11;
    a.a00 = a.a10 = c->b0;
    a.a01 = a.a11 = c->b1;
    if ((k & 15) != 0) {
      const int32_t whole = k & ~15;
      const int8_t *p0 = x0 + whole, *p1 = x1 + whole, *pw = w + 4 * whole;
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
    }
    for (n = k >> 4; n > 0; --n) {
      a = GEMM_STEP(a, 0);
      a = GEMM_STEP(a, 4);
      a = GEMM_STEP(a, 8);
      a = GEMM_STEP(a, 12);
      x0 += 16;
      x1 += 16;
      w += 64;
    }
    if (c->fast) { /* both channels shift right, [lo, hi] is the int8 range */
      const int32_t m0 = c->m0, h0 = c->h0, e0 = c->e0, m1 = c->m1, h1 = c->h1, e1 = c->e1;
      v00 = __ssat(gemm_smmlar((int32_t)((uint32_t)a.a00 << 1), m0, h0 + (a.a00 >> 31)) >> e0, 8);
      v10 = __ssat(gemm_smmlar((int32_t)((uint32_t)a.a10 << 1), m0, h0 + (a.a10 >> 31)) >> e0, 8);
      v01 = __ssat(gemm_smmlar((int32_t)((uint32_t)a.a01 << 1), m1, h1 + (a.a01 >> 31)) >> e1, 8);
      v11 = __ssat(gemm_smmlar((int32_t)((uint32_t)a.a11 << 1), m1, h1 + (a.a11 >> 31)) >> e1, 8);
    } else {
      v00 = gemm_clamp(gemm_rq(a.a00, c->m0, c->h0, c->e0), c->lo, c->hi, c->full);
      v10 = gemm_clamp(gemm_rq(a.a10, c->m0, c->h0, c->e0), c->lo, c->hi, c->full);
      v01 = gemm_clamp(gemm_rq(a.a01, c->m1, c->h1, c->e1), c->lo, c->hi, c->full);
      v11 = gemm_clamp(gemm_rq(a.a11, c->m1, c->h1, c->e1), c->lo, c->hi, c->full);
    }
    o = c->o;
    o[p->r0] = (int8_t)v00;
    o[p->r1] = (int8_t)v10;
    if (c->two) {
      ++o;
      o[p->r0] = (int8_t)v01;
      o[p->r1] = (int8_t)v11;
    }
  }
}

void conv_gemm_int8_pixels(const conv_param_t *param, const int8_t *const *x, int32_t count, int32_t k,
                           const int8_t *packed_w, const int32_t *bias, const int32_t *multiplier,
                           const int32_t *shift, int8_t *out) {
  const int32_t out_c = param->out_c, zp = param->output_zp;
  const size_t block = (size_t)4 * (size_t)conv_gemm_int8_kpad(k);
  gemm_px2_t px[(CONV_GEMM_INT8_MAX_PIXELS + 1) / 2];
  gemm_pair_t c;
  conv_gemm_int8_rq_t q;
  int32_t oc, t;
  if (param->rounding != NNACL_ROUND_DOUBLE) { /* conv_gemm_int8_mbqm is the double rounding */
    gemm_pixels_portable(param, x, count, k, packed_w, bias, multiplier, shift, out);
    return;
  }
  for (t = 0; t < count; t += 2) {
    const int pair = t + 1 < count;
    px[t >> 1].x0 = x[t];
    px[t >> 1].x1 = x[t + pair];
    px[t >> 1].r0 = t * out_c;
    px[t >> 1].r1 = (t + pair) * out_c;
  }
  c.px = px;
  c.px_end = px + ((count + 1) >> 1);
  c.w = packed_w;
  c.k = k;
  c.lo = param->act_min;
  c.hi = param->act_max;
  c.full = c.lo == -128 && c.hi == 127;
  c.b1 = c.m1 = c.h1 = 0;
  c.e1 = 1;
  for (oc = 0; oc < out_c; oc += 2) {
    c.o = out + oc;
    c.two = oc + 1 < out_c; /* else the partner is zero-weighted padding */
    q = conv_gemm_int8_rq(multiplier[oc], shift[oc], zp);
    c.b0 = bias[oc];
    c.m0 = q.m;
    c.h0 = q.h;
    c.e0 = q.e;
    if (c.two) {
      q = conv_gemm_int8_rq(multiplier[oc + 1], shift[oc + 1], zp);
      c.b1 = bias[oc + 1];
      c.m1 = q.m;
      c.h1 = q.h;
      c.e1 = q.e;
    }
    c.fast = c.full && c.e0 > 0 && c.e1 > 0;
    gemm_pair_pixels(&c);
    c.w += (oc & 2) ? block - 32 : 32;
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
