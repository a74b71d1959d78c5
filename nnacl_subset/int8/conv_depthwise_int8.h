/*
 * conv_depthwise_int8.h -- the shared core of the int8 depthwise variants (DW, DW3X3).
 *
 * Constant layouts (the generator writes them, ops/conv.py), channels in blocks of 4, the last
 * block padded with 0:
 *   weights   int16 [ceil(out_c / 4)][kh][kw][4], stored as little-endian byte pairs in the int8
 *             weight array (8-byte aligned): a block's taps follow each other 8 bytes apart;
 *   bias, multiplier, shift   int32 [ceil(out_c / 4) * 4].
 * Depthwise weights are tiny; widened to int16 they feed SMLAxy and VMUL directly.
 *
 * Output pixels are computed a block of channels at a time, channel c of tap (ky, kx) reading
 * input (iy0 + ky * dilation_h, ix0 + kx * dilation_w). A padded tap counts as x = input_zp
 * (the bias holds -input_zp * sum(w)), so border pixels run the same block with the zero
 * point in place of the missing input; interior pixels skip the bounds checks, and 3x3
 * windows (dilation 1) are unrolled.
 *
 *   SIMD32 (Cortex-M4/M7/M33): one LDR reads the four channels of a tap; SXTB16 and
 *           SXTB16 ROR 8 give channels (0, 2) and (1, 3) in 16-bit lanes, two LDR the four
 *           int16 weights (0, 1) (2, 3); SMLABB / SMLABT / SMLATB / SMLATT pair them up.
 *           Channels past the last multiple of 4 take the portable loop.
 *   MVE    (Cortex-M55): VLDRB.S32 widens four channels of a tap, VLDRH.S32 the weights,
 *           VMUL + VADD accumulate, requant_mve.h requantizes the four lanes, VSTRB.32 stores
 *           them; the channel tail is predicated (VCTP). (Eight int16 lanes with VMULLB /
 *           VMULLT need more Q registers than the eight there are: GCC spills.)
 *   C      the portable loop, one channel at a time: the specification.
 * Depth multipliers > 1 always take the portable loop.
 */
#ifndef NNACL_INT8_CONV_DEPTHWISE_INT8_H_
#define NNACL_INT8_CONV_DEPTHWISE_INT8_H_

#include <string.h>

#include "int8/conv_int8.h"
#include "int8/requant_mve.h"

#if !defined(NNACL_MVE_INT8) && defined(__ARM_FEATURE_SIMD32) && !defined(NNACL_NO_SIMD32)
#include <arm_acle.h>
#define NNACL_DW_SIMD32 1
#endif

#if defined(__GNUC__)
#define DW_INT8_INLINE static inline __attribute__((always_inline))
#else
#define DW_INT8_INLINE static inline
#endif

/* byte offset of channel c's tap 0 in the weights of a window of `taps` = kh * kw taps */
static inline size_t dw_int8_w_offset(int32_t c, int32_t taps) {
  return (size_t)2 * ((size_t)(c >> 2) * (size_t)taps * 4 + (size_t)(c & 3));
}

/* the int16 weight of tap t, from wc = the weights + dw_int8_w_offset(c, taps) */
static inline int32_t dw_int8_w16(const int8_t *wc, int32_t t) {
  const int8_t *q = wc + (size_t)8 * t;
  return (int32_t)(int16_t)(uint16_t)((uint32_t)(uint8_t)q[0] | ((uint32_t)(uint8_t)q[1] << 8));
}

/* geometry of one output pixel's window, clipped to the input */
typedef struct {
  int32_t iy0, ix0;     /* input position of tap (0, 0) (may be outside) */
  int32_t ky_lo, ky_hi; /* taps ky in [ky_lo, ky_hi) read real rows */
  int32_t kx_lo, kx_hi; /* taps kx in [kx_lo, kx_hi) read real columns */
  int32_t interior;     /* all taps read real input */
  uint32_t mask3;       /* 3x3 border windows: bit ky * 3 + kx set = tap reads real input */
} dw_window_t;

/* the parameters the fast blocks use, copied out of conv_param_t once (int8 stores may alias
 * the parameter struct, locals cannot) */
typedef struct {
  ptrdiff_t cs, row;      /* input channel stride (in_c) and row stride (in_w * in_c), bytes */
  ptrdiff_t dx, dy;       /* input step of one tap along x and y (dilation included), bytes */
  int32_t c_n, kh, kw;    /* channels, window */
  int32_t in_zp, out_zp;  /* zero points */
  int32_t act_min, act_max;
  int32_t t_out, t_in;    /* the window walked as t_out rows of t_in taps, t_din bytes apart (a */
  ptrdiff_t t_din;        /* single column is one long row) */
  uint32_t lo4, hi4;      /* act_min, act_max in each byte */
#ifdef NNACL_MVE_INT8
  uint16x8_t xoffs;       /* 3x3: input offsets of taps 0..7 (dw_int8_acc4_3x3_gather) */
  int32_t gather;         /* they fit in 16 bits */
#endif
} dw_ctx_t;

/* first k in [0, n) with 0 <= o + k * d, and one past the last with o + k * d < size */
static inline void dw_int8_clip(int32_t o, int32_t d, int32_t n, int32_t size, int32_t *lo, int32_t *hi) {
  int32_t a = 0, b = n;
  while (a < n && o + a * d < 0) {
    ++a;
  }
  while (b > a && o + (b - 1) * d >= size) {
    --b;
  }
  *lo = a;
  *hi = b;
}

static inline int32_t dw_int8_real(const dw_window_t *win, int32_t ky, int32_t kx) {
  return ky >= win->ky_lo && ky < win->ky_hi && kx >= win->kx_lo && kx < win->kx_hi;
}

/* one channel, any window: the specification every fast path matches bit for bit */
static inline int32_t dw_int8_acc_c(const conv_param_t *param, const int8_t *in_b, const int8_t *w16,
                                    const dw_window_t *win, int32_t kh, int32_t kw, int32_t ic, int32_t oc,
                                    int32_t acc) {
  const int32_t in_c = param->in_c;
  const int8_t *wc = w16 + dw_int8_w_offset(oc, kh * kw);
  int32_t ky, kx;
  for (ky = 0; ky < kh; ++ky) {
    const int32_t iy = win->iy0 + ky * param->dilation_h;
    for (kx = 0; kx < kw; ++kx) {
      const int32_t ix = win->ix0 + kx * param->dilation_w;
      const int32_t xv = dw_int8_real(win, ky, kx) ? (int32_t)in_b[((size_t)iy * param->in_w + ix) * in_c + ic]
                                                   : param->input_zp;
      acc += xv * dw_int8_w16(wc, ky * kw + kx);
    }
  }
  return acc;
}

/* nnacl_requant_i8 with double rounding, in one 64-bit multiply-add (SMLAL on v7E-M):
 *   a = acc << max(shift, 0) (wrapping), e = max(-shift, 0)
 *   t = a m + 2^30 + 2^31 * (e ? 2^(e-1) - [a < 0] : 0)          (exact in int64)
 *   out = e ? floor(t / 2^(31 + e)) : floor(t / 2^31)
 * floor((a m + 2^30) / 2^31) is gemmlowp's SRDHM(a, m) (m is never INT32_MIN, so it never
 * saturates); adding 2^(e-1) before the final shift rounds half up, and the -1 for a < 0
 * (x = SRDHM(a, m) < 0 exactly when a < 0, or x is 0 where it does not matter) makes it
 * RDBPOT's half away from zero. The two floors merge: floor((floor(y) + k) / 2^e) =
 * floor((y + k) / 2^e) for integer k. */
static inline int32_t dw_int8_requant_double(int32_t acc, int32_t multiplier, int32_t shift, int32_t out_zp,
                                             int32_t act_min, int32_t act_max) {
  const int32_t left = shift > 0 ? shift : 0, e = shift < 0 ? -shift : 0;
  const int32_t a = (int32_t)((uint32_t)acc << left);
  const int32_t k = e ? ((int32_t)1 << (e - 1)) + (a >> 31) : 0;
  const int64_t t = (int64_t)a * multiplier + (((int64_t)k << 31) | ((int64_t)1 << 30));
  const int32_t v = e ? ((int32_t)(t >> 32) >> (e - 1)) : (int32_t)(t >> 31);
  /* clamped before the offset is added, so that it cannot overflow (act_* and out_zp are int8 values) */
  return (v < act_min - out_zp ? act_min - out_zp : (v > act_max - out_zp ? act_max - out_zp : v)) + out_zp;
}

/* the same for a right shift (shift <= -1) of a small accumulator (|acc| < 2^30), unclamped:
 *   out = hi(2^31 + 2^32 * (2^(e-1) - [acc < 0]) + (2 acc) m) >> e,  e = -shift
 * (the formula above, doubled: 2 acc fits in 32 bits, so it is one SMLAL, and the rounding
 * constant's low word is the constant 2^31) */
DW_INT8_INLINE int32_t dw_int8_mbqm_small(int32_t acc, int32_t multiplier, int32_t shift) {
  const int32_t e = -shift;
  const int32_t khi = (int32_t)(((uint32_t)1 << e) >> 1) + (acc >> 31);
  int64_t t = (int64_t)(((uint64_t)(uint32_t)khi << 32) | 0x80000000u);
  t += (int64_t)(int32_t)((uint32_t)acc << 1) * multiplier;
  return (int32_t)(t >> 32) >> e;
}

#ifdef NNACL_DW_SIMD32
static inline uint32_t dw_int8_load4(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v)); /* one (unaligned) LDR */
  return v;
}

typedef struct {
  int32_t a0, a1, a2, a3;
} dw_acc4_t;

/* one tap of four channels: xv = 4 int8 inputs, w8 = their 4 int16 weights */
DW_INT8_INLINE void dw_int8_tap4(uint32_t xv, const int8_t *w8, dw_acc4_t *a) {
  const int32_t x02 = __sxtb16((int32_t)xv), x13 = __sxtb16((int32_t)((xv >> 8) | (xv << 24)));
  int32_t w[2];
  memcpy(w, __builtin_assume_aligned(w8, 8), sizeof(w)); /* one LDRD: 8-byte aligned blocks */
  a->a0 = __smlabb(x02, w[0], a->a0);
  a->a1 = __smlabt(x13, w[0], a->a1);
  a->a2 = __smlatb(x02, w[1], a->a2);
  a->a3 = __smlatt(x13, w[1], a->a3);
}

/* a 3x3 window (dilation 1) of four channels, unrolled: x = tap (0, 0) of the first channel;
 * check = 0 (interior, a constant) or taps outside mask read zp */
DW_INT8_INLINE void dw_int8_acc4_3x3(const int8_t *x, ptrdiff_t cs, ptrdiff_t row, const int8_t *wp,
                                     int32_t check, uint32_t mask, uint32_t zp4, dw_acc4_t *a) {
  const int8_t *w_end = wp + 72;
  const ptrdiff_t cs2 = 2 * cs;
  do { /* a loop over the rows keeps GCC from hoisting all the loads (and spilling) */
    dw_int8_tap4(!check || (mask & 1u) ? dw_int8_load4(x) : zp4, wp, a);
    dw_int8_tap4(!check || (mask & 2u) ? dw_int8_load4(x + cs) : zp4, wp + 8, a);
    dw_int8_tap4(!check || (mask & 4u) ? dw_int8_load4(x + cs2) : zp4, wp + 16, a);
    mask >>= 3;
    x += row;
    wp += 24;
  } while (wp != w_end);
}

/* any window of four channels, interior (no checks): k->t_out x k->t_in taps (see dw_ctx_t) */
DW_INT8_INLINE void dw_int8_acc4_any(const int8_t *x, const int8_t *wp, const dw_ctx_t *k, dw_acc4_t *a) {
  const ptrdiff_t d_in = k->t_din;
  int32_t i, j;
  for (i = k->t_out; i > 0; --i) {
    const int8_t *xp = x;
    for (j = k->t_in; j >= 2; j -= 2) { /* two taps per pass */
      dw_int8_tap4(dw_int8_load4(xp), wp, a);
      dw_int8_tap4(dw_int8_load4(xp + d_in), wp + 8, a);
      xp += 2 * d_in;
      wp += 16;
    }
    if (j) {
      dw_int8_tap4(dw_int8_load4(xp), wp, a);
      wp += 8;
    }
    x += k->dy;
  }
}

/* the same for a border pixel: taps outside the window's real range read zp */
static inline void dw_int8_acc4_border(const int8_t *x, const int8_t *wp, const dw_window_t *win, const dw_ctx_t *k,
                                       uint32_t zp4, dw_acc4_t *a) {
  int32_t ky, kx;
  for (ky = 0; ky < k->kh; ++ky) {
    const int8_t *xp = x;
    for (kx = 0; kx < k->kw; ++kx) {
      dw_int8_tap4(dw_int8_real(win, ky, kx) ? dw_int8_load4(xp) : zp4, wp, a);
      xp += k->dx;
      wp += 8;
    }
    x += k->dy;
  }
}

/* channels [c, c + 4) of one pixel, c a multiple of 4; x = input of tap (0, 0), channel 0;
 * wb = the weights of the block (w16 + dw_int8_w_offset(c, taps)) */
DW_INT8_INLINE void dw_int8_block4(const dw_ctx_t *k, const int8_t *x, const int8_t *wb, const int32_t *bias,
                                   const int32_t *multiplier, const int32_t *shift, const dw_window_t *win,
                                   int32_t k3, int32_t check, int32_t c, int8_t *out) {
  const uint32_t zp4 = (uint32_t)(uint8_t)k->in_zp * 0x01010101u;
  const int32_t zp = k->out_zp;
  dw_acc4_t a;
  a.a0 = bias[c];
  a.a1 = bias[c + 1];
  a.a2 = bias[c + 2];
  a.a3 = bias[c + 3];
  if (k3) {
    dw_int8_acc4_3x3(x + c, k->cs, k->row, wb, check, win->mask3, zp4, &a);
  } else {
    if (check) {
      dw_int8_acc4_border(x + c, wb, win, k, zp4, &a);
    } else {
      dw_int8_acc4_any(x + c, wb, k, &a);
    }
  }
  {
    const int32_t s0 = shift[c], s1 = shift[c + 1], s2 = shift[c + 2], s3 = shift[c + 3];
    const uint32_t big = ((uint32_t)a.a0 + 0x40000000u) | ((uint32_t)a.a1 + 0x40000000u) |
                         ((uint32_t)a.a2 + 0x40000000u) | ((uint32_t)a.a3 + 0x40000000u) |
                         ~(uint32_t)(s0 & s1 & s2 & s3);
    if ((big >> 31) == 0) { /* |acc| < 2^30 and a right shift, all four */
      /* saturate each to int8 (SSAT), pack the four bytes, clamp them together (SSUB8 sets the
       * GE flags per byte, SEL picks by them), one store */
      const uint32_t v0 = (uint8_t)__ssat(dw_int8_mbqm_small(a.a0, multiplier[c], s0) + zp, 8);
      const uint32_t v1 = (uint8_t)__ssat(dw_int8_mbqm_small(a.a1, multiplier[c + 1], s1) + zp, 8);
      const uint32_t v2 = (uint8_t)__ssat(dw_int8_mbqm_small(a.a2, multiplier[c + 2], s2) + zp, 8);
      const uint32_t v3 = (uint32_t)__ssat(dw_int8_mbqm_small(a.a3, multiplier[c + 3], s3) + zp, 8);
      uint32_t v = v0 | (v1 << 8) | (v2 << 16) | (v3 << 24);
      (void)__ssub8((int32_t)v, (int32_t)k->lo4);
      v = (uint32_t)__sel((int32_t)v, (int32_t)k->lo4);
      (void)__ssub8((int32_t)k->hi4, (int32_t)v);
      v = (uint32_t)__sel((int32_t)v, (int32_t)k->hi4);
      memcpy(out + c, &v, sizeof(v));
    } else { /* rare: a loop keeps it small */
      const int32_t acc[4] = {a.a0, a.a1, a.a2, a.a3};
      int32_t j;
      for (j = 0; j < 4; ++j) {
        out[c + j] = (int8_t)dw_int8_requant_double(acc[j], multiplier[c + j], shift[c + j], zp, k->act_min,
                                                    k->act_max);
      }
    }
  }
}
#endif

#ifdef NNACL_MVE_INT8
/* one tap of 4 channels: x (4 int8, predicated by p when tail) or the zero point, 4 int16 weights */
DW_INT8_INLINE int32x4_t dw_int8_tap4_mve(const int8_t *x, int32_t real, int32x4_t zpv, const int8_t *w8,
                                          int32_t tail, mve_pred16_t p, int32x4_t acc) {
  const int32x4_t wv = vldrhq_s32((const int16_t *)(const void *)w8); /* padded to 4 channels */
  const int32x4_t xv = !real ? zpv : (tail ? vldrbq_z_s32(x, p) : vldrbq_s32(x));
  return vaddq_s32(acc, vmulq_s32(xv, wv));
}

DW_INT8_INLINE int32x4_t dw_int8_acc4_3x3_mve(const int8_t *x, ptrdiff_t cs, ptrdiff_t row, const int8_t *wp,
                                              int32_t check, uint32_t mask, int32x4_t zpv, int32_t tail,
                                              mve_pred16_t p, int32x4_t acc) {
  const int8_t *x1 = x + row, *x2 = x1 + row;
#define DW_INT8_TAP(t, q) acc = dw_int8_tap4_mve(q, !check || (mask & (1u << (t))), zpv, wp + 8 * (t), tail, p, acc)
  DW_INT8_TAP(0, x);
  DW_INT8_TAP(1, x + cs);
  DW_INT8_TAP(2, x + 2 * cs);
  DW_INT8_TAP(3, x1);
  DW_INT8_TAP(4, x1 + cs);
  DW_INT8_TAP(5, x1 + 2 * cs);
  DW_INT8_TAP(6, x2);
  DW_INT8_TAP(7, x2 + cs);
  DW_INT8_TAP(8, x2 + 2 * cs);
#undef DW_INT8_TAP
  return acc;
}

DW_INT8_INLINE int32x4_t dw_int8_acc4_any_mve(const int8_t *x, const int8_t *wp, const dw_window_t *win, int32_t kh,
                                              int32_t kw, ptrdiff_t dy, ptrdiff_t dx, int32_t check, int32x4_t zpv,
                                              int32_t tail, mve_pred16_t p, int32x4_t acc) {
  const int32_t flat = kw == 1;
  const int32_t n_out = flat ? 1 : kh, n_in = flat ? kh : kw;
  const ptrdiff_t d_in = flat ? dy : dx;
  int32_t i, j;
  for (i = 0; i < n_out; ++i) {
    const int8_t *xp = x;
    for (j = 0; j < n_in; ++j) {
      acc = dw_int8_tap4_mve(xp, !check || dw_int8_real(win, flat ? j : i, flat ? 0 : j), zpv, wp, tail, p, acc);
      xp += d_in;
      wp += 8;
    }
    x += dy;
  }
  return acc;
}

/* an interior 3x3 window of four channels by dot products over the taps: for each channel,
 * VLDRB gathers its taps 0..7 (offsets k->xoffs), VLDRH gathers their weights (8 bytes apart in
 * the block) and VMLADAV sums the eight products; tap 8 of the four channels is one VMUL */
DW_INT8_INLINE int32x4_t dw_int8_acc4_3x3_gather(const int8_t *x, const dw_ctx_t *k, const int8_t *wb,
                                                 int32x4_t acc) {
  const uint16x8_t woffs = vidupq_n_u16(0, 8);
  int32x4_t d = vdupq_n_s32(0);
  d = vsetq_lane_s32(vmladavq_s16(vldrbq_gather_offset_s16(x, k->xoffs),
                                  vldrhq_gather_offset_s16((const int16_t *)(const void *)wb, woffs)), d, 0);
  d = vsetq_lane_s32(vmladavq_s16(vldrbq_gather_offset_s16(x + 1, k->xoffs),
                                  vldrhq_gather_offset_s16((const int16_t *)(const void *)(wb + 2), woffs)), d, 1);
  d = vsetq_lane_s32(vmladavq_s16(vldrbq_gather_offset_s16(x + 2, k->xoffs),
                                  vldrhq_gather_offset_s16((const int16_t *)(const void *)(wb + 4), woffs)), d, 2);
  d = vsetq_lane_s32(vmladavq_s16(vldrbq_gather_offset_s16(x + 3, k->xoffs),
                                  vldrhq_gather_offset_s16((const int16_t *)(const void *)(wb + 6), woffs)), d, 3);
  acc = vaddq_s32(acc, d);
  return vaddq_s32(acc, vmulq_s32(vldrbq_s32(x + 2 * k->row + 2 * k->cs),
                                  vldrhq_s32((const int16_t *)(const void *)(wb + 64))));
}

/* channels [c, c + 4) of one pixel (fewer in the tail block, tail = 1); x = input of tap (0, 0);
 * wb = the weights of the block */
DW_INT8_INLINE void dw_int8_block4_mve(const dw_ctx_t *k, const int8_t *x, const int8_t *wb, const int32_t *bias,
                                       const int32_t *multiplier, const int32_t *shift, const dw_window_t *win,
                                       int32_t k3, int32_t check, int32_t tail, int32_t c, int8_t *out) {
  const int32x4_t zpv = vdupq_n_s32(k->in_zp);
  const mve_pred16_t p = vctp32q((uint32_t)(k->c_n - c));
  int32x4_t acc = vldrwq_s32(bias + c); /* padded to 4 channels */
  if (k3 && !check && !tail && k->gather) {
    acc = dw_int8_acc4_3x3_gather(x + c, k, wb, acc);
  } else if (k3) {
    acc = dw_int8_acc4_3x3_mve(x + c, k->cs, k->row, wb, check, win->mask3, zpv, tail, p, acc);
  } else {
    acc = dw_int8_acc4_any_mve(x + c, wb, win, k->kh, k->kw, k->dy, k->dx, check, zpv, tail, p, acc);
  }
  acc = nnacl_mve_requant(acc, vldrwq_s32(multiplier + c), nnacl_mve_split_shift(vldrwq_s32(shift + c)), k->out_zp,
                          k->act_min, k->act_max);
  if (tail) {
    vstrbq_p_s32(out + c, acc, p);
  } else {
    vstrbq_s32(out + c, acc);
  }
}
#endif

/* one output pixel, all channels (depth multiplier 1); x = input of tap (0, 0), channel 0 */
DW_INT8_INLINE void dw_int8_pixel(const conv_param_t *param, const dw_ctx_t *k, const int8_t *in_b, const int8_t *x,
                                  const int8_t *w16, const int32_t *bias, const int32_t *multiplier,
                                  const int32_t *shift, const dw_window_t *win, int32_t k3, int8_t *out) {
  const int32_t c_n = k->c_n;
  int32_t c = 0;
#if defined(NNACL_MVE_INT8) || defined(NNACL_DW_SIMD32)
  const size_t w_step = (size_t)8 * (size_t)(k3 ? 9 : k->kh * k->kw); /* bytes of weights per block of 4 */
  const int8_t *wb = w16;
#endif
#if defined(NNACL_MVE_INT8)
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    if (win->interior) {
      for (; c + 4 <= c_n; c += 4, wb += w_step) {
        dw_int8_block4_mve(k, x, wb, bias, multiplier, shift, win, k3, 0, 0, c, out);
      }
    } else {
      for (; c + 4 <= c_n; c += 4, wb += w_step) {
        dw_int8_block4_mve(k, x, wb, bias, multiplier, shift, win, k3, 1, 0, c, out);
      }
    }
    if (c < c_n) {
      dw_int8_block4_mve(k, x, wb, bias, multiplier, shift, win, k3, 1, 1, c, out);
      c = c_n;
    }
  }
#elif defined(NNACL_DW_SIMD32)
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    if (win->interior) {
      for (; c + 4 <= c_n; c += 4, wb += w_step) {
        dw_int8_block4(k, x, wb, bias, multiplier, shift, win, k3, 0, c, out);
      }
    } else {
      for (; c + 4 <= c_n; c += 4, wb += w_step) {
        dw_int8_block4(k, x, wb, bias, multiplier, shift, win, k3, 1, c, out);
      }
    }
  }
#else
  (void)k3, (void)x;
#endif
  for (; c < c_n; ++c) {
    const int32_t acc = dw_int8_acc_c(param, in_b, w16, win, k->kh, k->kw, c, c, bias[c]);
    out[c] = nnacl_requant_i8(acc, multiplier[c], shift[c], param->rounding, k->out_zp, k->act_min, k->act_max);
  }
}

/* the whole depthwise conv with a kh x kw window; k3 = 1: 3x3 with dilation 1 and depth
 * multiplier 1 (the DW3X3 variant) */
static inline void dw_int8_run(const conv_param_t *param, const int8_t *input, const int8_t *w16,
                               const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int32_t kh,
                               int32_t kw, int32_t k3, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c, out_c = param->out_c;
  const int32_t mult = k3 ? 1 : out_c / in_c;
  dw_ctx_t k;
  int32_t b, oy, ox, oc, ky;
  k.cs = in_c;
  k.row = (ptrdiff_t)in_w * in_c;
  k.dx = k.cs * param->dilation_w;
  k.dy = k.row * param->dilation_h;
  k.c_n = out_c;
  k.kh = kh;
  k.kw = kw;
  k.in_zp = param->input_zp;
  k.out_zp = param->output_zp;
  k.act_min = param->act_min;
  k.act_max = param->act_max;
  k.t_out = kw == 1 ? 1 : kh;
  k.t_in = kw == 1 ? kh : kw;
  k.t_din = kw == 1 ? k.dy : k.dx;
  k.lo4 = (uint32_t)(uint8_t)param->act_min * 0x01010101u;
  k.hi4 = (uint32_t)(uint8_t)param->act_max * 0x01010101u;
#ifdef NNACL_MVE_INT8
  k.gather = 0;
  k.xoffs = vdupq_n_u16(0);
  if (k3 && 2 * k.row + 2 * k.cs < 65536) {
    uint16_t offs[8];
    offs[0] = 0;
    offs[1] = (uint16_t)k.cs;
    offs[2] = (uint16_t)(2 * k.cs);
    offs[3] = (uint16_t)k.row;
    offs[4] = (uint16_t)(k.row + k.cs);
    offs[5] = (uint16_t)(k.row + 2 * k.cs);
    offs[6] = (uint16_t)(2 * k.row);
    offs[7] = (uint16_t)(2 * k.row + k.cs);
    k.xoffs = vld1q_u16(offs);
    k.gather = 1;
  }
#endif
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < param->out_h; ++oy) {
      dw_window_t win;
      win.iy0 = oy * param->stride_h - param->pad_top;
      dw_int8_clip(win.iy0, param->dilation_h, kh, in_h, &win.ky_lo, &win.ky_hi);
      const int32_t rows_real = win.ky_lo == 0 && win.ky_hi == kh;
      const int32_t span_w = (kw - 1) * param->dilation_w; /* window width - 1 */
      int8_t *out = output + ((size_t)b * param->out_h + oy) * param->out_w * out_c;
      for (ox = 0; ox < param->out_w; ++ox, out += out_c) {
        win.ix0 = ox * param->stride_w - param->pad_left;
        win.interior = rows_real && win.ix0 >= 0 && win.ix0 + span_w < in_w;
        if (win.interior) {
          win.kx_lo = 0;
          win.kx_hi = kw;
          win.mask3 = 0x1FFu;
        } else {
          dw_int8_clip(win.ix0, param->dilation_w, kw, in_w, &win.kx_lo, &win.kx_hi);
          win.mask3 = 0;
          if (k3) {
            const uint32_t cols = ((1u << win.kx_hi) - 1u) & ~((1u << win.kx_lo) - 1u);
            for (ky = win.ky_lo; ky < win.ky_hi; ++ky) {
              win.mask3 |= cols << (3 * ky);
            }
          }
        }
        if (mult == 1) {
          /* tap (0, 0): outside the input for border pixels, where only the real taps are read */
          const int8_t *x = in_b + ((ptrdiff_t)win.iy0 * in_w + win.ix0) * in_c;
          dw_int8_pixel(param, &k, in_b, x, w16, bias, multiplier, shift, &win, k3, out);
          continue;
        }
        for (oc = 0; oc < out_c; ++oc) {
          const int32_t acc = dw_int8_acc_c(param, in_b, w16, &win, kh, kw, oc / mult, oc, bias[oc]);
          out[oc] = nnacl_requant_i8(acc, multiplier[oc], shift[oc], param->rounding, param->output_zp,
                                     param->act_min, param->act_max);
        }
      }
    }
  }
}

#endif /* NNACL_INT8_CONV_DEPTHWISE_INT8_H_ */
