/*
 * conv_depthwise_int8.h -- the shared core of the int8 depthwise variants (DW, DW3X3).
 *
 * Weights: int16, in blocks of 8 channels [ceil(out_c / 8)][kh][kw][8] (the padding channels are
 * 0), stored as little-endian byte pairs in the int8 weight array (8-byte aligned): the taps
 * of a block follow each other 16 bytes apart, so a block's loop walks one pointer with
 * immediate offsets. The generator widens them (ops/conv.py, _dw_int8_weights); depthwise
 * weights are tiny, and the 16-bit lanes feed SMLAxy and VMULL directly.
 *
 * Output pixels are computed four channels at a time, channel c of tap (ky, kx) reading
 * input (iy0 + ky * dilation_h, ix0 + kx * dilation_w). A padded tap counts as x = input_zp
 * (the bias holds -input_zp * sum(w)), so border pixels run the same block with the zero
 * point in place of the missing input. Interior pixels skip the bounds checks.
 *
 *   SIMD32 (Cortex-M4/M7/M33): one LDR reads the four channels of a tap; SXTB16 and
 *           SXTB16 ROR 8 give channels (0, 2) and (1, 3) in 16-bit lanes, one LDRD the four
 *           int16 weights (0, 1) (2, 3); SMLABB / SMLABT / SMLATB / SMLATT pair them up.
 *           Channels past the last multiple of 4 take the portable loop.
 *   MVE    (Cortex-M55): VLDRB.S32 widens four channels of a tap, VLDRH.S32 the weights,
 *           VMLA accumulates, requant_mve.h requantizes four lanes; the channel tail is
 *           predicated (VCTP).
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

/* byte offset of channel c's tap 0 in the weights of a window of taps = kh * kw taps */
static inline size_t dw_int8_w_offset(int32_t c, int32_t taps) {
  return (size_t)2 * ((size_t)(c >> 3) * (size_t)taps * 8 + (size_t)(c & 7));
}

/* the int16 weight of tap t, from wc = the weights + dw_int8_w_offset(c, taps) */
static inline int32_t dw_int8_w16(const int8_t *wc, int32_t t) {
  const int8_t *q = wc + (size_t)16 * t;
  return (int32_t)(int16_t)(uint16_t)((uint32_t)(uint8_t)q[0] | ((uint32_t)(uint8_t)q[1] << 8));
}

/* geometry of one output pixel's window, clipped to the input */
typedef struct {
  int32_t iy0, ix0;       /* input position of tap (0, 0) (may be outside) */
  int32_t ky_lo, ky_hi;   /* taps ky in [ky_lo, ky_hi) read real rows */
  int32_t kx_lo, kx_hi;   /* taps kx in [kx_lo, kx_hi) read real columns */
  int32_t interior;       /* all taps read real input */
} dw_window_t;

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
      const int32_t real = ky >= win->ky_lo && ky < win->ky_hi && kx >= win->kx_lo && kx < win->kx_hi;
      const int32_t xv = real ? (int32_t)in_b[((size_t)iy * param->in_w + ix) * in_c + ic] : param->input_zp;
      acc += xv * dw_int8_w16(wc, ky * kw + kx);
    }
  }
  return acc;
}

#if defined(__GNUC__)
#define DW_INT8_INLINE static inline __attribute__((always_inline))
#else
#define DW_INT8_INLINE static inline
#endif

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

#ifdef NNACL_DW_SIMD32
static inline uint32_t dw_int8_load4(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v)); /* one (unaligned) LDR */
  return v;
}

/* one tap of four channels: x = 4 int8 inputs, w8 = 4 int16 weights (8-byte aligned) */
DW_INT8_INLINE void dw_int8_tap4(uint32_t xv, const int8_t *w8, int32_t *a0, int32_t *a1, int32_t *a2,
                                 int32_t *a3) {
  uint32_t w[2];
  const int32_t x02 = __sxtb16((int32_t)xv), x13 = __sxtb16((int32_t)((xv >> 8) | (xv << 24)));
  memcpy(w, __builtin_assume_aligned(w8, 8), sizeof(w)); /* LDRD */
  *a0 = __smlabb(x02, (int32_t)w[0], *a0);
  *a1 = __smlabt(x13, (int32_t)w[0], *a1);
  *a2 = __smlatb(x02, (int32_t)w[1], *a2);
  *a3 = __smlatt(x13, (int32_t)w[1], *a3);
}

/* four channels from c: acc[j] += sum x[c + j] * w[c + j] over the window (SMLAxy);
 * check = 0 for interior pixels (a constant: the bounds tests fold away) */
DW_INT8_INLINE void dw_int8_acc4_simd32(const conv_param_t *param, const int8_t *in_b, const int8_t *w16,
                                        const dw_window_t *win, int32_t kh, int32_t kw, int32_t c, int32_t check,
                                        int32_t acc[4]) {
  const int32_t in_c = param->in_c;
  const ptrdiff_t dx = (ptrdiff_t)param->dilation_w * in_c;
  const ptrdiff_t dy = (ptrdiff_t)param->dilation_h * param->in_w * in_c;
  const uint32_t zp4 = (uint32_t)(uint8_t)param->input_zp * 0x01010101u;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int32_t ky, kx;
  const int8_t *wp = w16 + dw_int8_w_offset(c, kh * kw);
  const int8_t *xr = in_b + ((ptrdiff_t)win->iy0 * param->in_w + win->ix0) * in_c + c;
  for (ky = 0; ky < kh; ++ky) {
    const int8_t *xp = xr;
    for (kx = 0; kx < kw; ++kx) {
      uint32_t xv;
      if (!check || (ky >= win->ky_lo && ky < win->ky_hi && kx >= win->kx_lo && kx < win->kx_hi)) {
        xv = dw_int8_load4(xp);
      } else {
        xv = zp4;
      }
      dw_int8_tap4(xv, wp, &a0, &a1, &a2, &a3);
      xp += dx;
      wp += 16;
    }
    xr += dy;
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/* the same for an interior 3x3 window with dilation 1, unrolled: x = tap (0, 0) of channel c */
DW_INT8_INLINE void dw_int8_acc4_3x3_simd32(const int8_t *x, ptrdiff_t cs, ptrdiff_t row, const int8_t *wp,
                                            int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int32_t ky;
  for (ky = 0; ky < 3; ++ky) {
    dw_int8_tap4(dw_int8_load4(x), wp, &a0, &a1, &a2, &a3);
    dw_int8_tap4(dw_int8_load4(x + cs), wp + 16, &a0, &a1, &a2, &a3);
    dw_int8_tap4(dw_int8_load4(x + 2 * cs), wp + 32, &a0, &a1, &a2, &a3);
    x += row;
    wp += 48;
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#endif

#ifdef NNACL_MVE_INT8
/* channels [c, c + 8) (predicated by p): the products of even channels go to *ae, odd ones
 * to *ao (VMULLB / VMULLT of int16 lanes); check as above */
DW_INT8_INLINE void dw_int8_acc8_mve(const conv_param_t *param, const int8_t *in_b, const int8_t *w16,
                                     const dw_window_t *win, int32_t kh, int32_t kw, int32_t c, mve_pred16_t p,
                                     int32_t check, int32x4_t *ae, int32x4_t *ao) {
  const int32_t in_c = param->in_c;
  const ptrdiff_t dx = (ptrdiff_t)param->dilation_w * in_c;
  const ptrdiff_t dy = (ptrdiff_t)param->dilation_h * param->in_w * in_c;
  const int16x8_t zpv = vdupq_n_s16((int16_t)param->input_zp);
  int32x4_t e = *ae, o = *ao;
  int32_t ky, kx;
  const int16_t *wp = (const int16_t *)(const void *)(w16 + dw_int8_w_offset(c, kh * kw));
  const int8_t *xr = in_b + ((ptrdiff_t)win->iy0 * param->in_w + win->ix0) * in_c + c;
  for (ky = 0; ky < kh; ++ky) {
    const int8_t *xp = xr;
    for (kx = 0; kx < kw; ++kx) {
      const int16x8_t wv = vldrhq_s16(wp); /* padded to 8 channels */
      int16x8_t xv;
      if (!check || (ky >= win->ky_lo && ky < win->ky_hi && kx >= win->kx_lo && kx < win->kx_hi)) {
        xv = vldrbq_z_s16(xp, p);
      } else {
        xv = zpv;
      }
      e = vaddq_s32(e, vmullbq_int_s16(xv, wv));
      o = vaddq_s32(o, vmulltq_int_s16(xv, wv));
      xp += dx;
      wp += 8;
    }
    xr += dy;
  }
  *ae = e;
  *ao = o;
}

/* one tap of 8 channels */
DW_INT8_INLINE void dw_int8_tap8_mve(int16x8_t xv, const int16_t *wp, int32x4_t *e, int32x4_t *o) {
  const int16x8_t wv = vldrhq_s16(wp);
  *e = vaddq_s32(*e, vmullbq_int_s16(xv, wv));
  *o = vaddq_s32(*o, vmulltq_int_s16(xv, wv));
}

/* the same for an interior 3x3 window with dilation 1, unrolled: x = tap (0, 0) of channel c */
DW_INT8_INLINE void dw_int8_acc8_3x3_mve(const int8_t *x, ptrdiff_t cs, ptrdiff_t row, const int8_t *w8,
                                         mve_pred16_t p, int32x4_t *ae, int32x4_t *ao) {
  const int16_t *wp = (const int16_t *)(const void *)w8;
  int32x4_t e = *ae, o = *ao;
  int32_t ky;
  for (ky = 0; ky < 3; ++ky) {
    dw_int8_tap8_mve(vldrbq_z_s16(x, p), wp, &e, &o);
    dw_int8_tap8_mve(vldrbq_z_s16(x + cs, p), wp + 8, &e, &o);
    dw_int8_tap8_mve(vldrbq_z_s16(x + 2 * cs, p), wp + 16, &e, &o);
    x += row;
    wp += 24;
  }
  *ae = e;
  *ao = o;
}

/* channels c, c + 2, c + 4, c + 6 of v (predicated by p) */
static inline int32x4_t dw_int8_gather2(const int32_t *v, int32_t c, mve_pred16_t p) {
  return vldrwq_gather_shifted_offset_z_s32(v + c, vidupq_n_u32(0, 2), p);
}
#endif

#if defined(NNACL_MVE_INT8) || defined(NNACL_DW_SIMD32)
/* channels [c, c + 4) or [c, c + 8) of one pixel: check = 0 (interior) or 1 (border) */
DW_INT8_INLINE int32_t dw_int8_block(const conv_param_t *param, const int8_t *in_b, const int8_t *w16,
                                     const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                                     const dw_window_t *win, int32_t kh, int32_t kw, int32_t k3, int32_t check,
                                     int32_t c, int8_t *out) {
  const int32_t zp = param->output_zp, lo = param->act_min, hi = param->act_max;
#if defined(NNACL_MVE_INT8)
  const int32_t c_n = param->out_c;
  const mve_pred16_t p = vctp16q((uint32_t)(c_n - c));
  const mve_pred16_t pe = vctp32q((uint32_t)((c_n - c + 1) / 2)), po = vctp32q((uint32_t)((c_n - c) / 2));
  int32x4_t ae = dw_int8_gather2(bias, c, pe), ao = dw_int8_gather2(bias + 1, c, po);
  int16x8_t r;
  if (k3 && !check) {
    const ptrdiff_t cs = param->in_c;
    dw_int8_acc8_3x3_mve(in_b + ((ptrdiff_t)win->iy0 * param->in_w + win->ix0) * cs + c, cs, cs * param->in_w,
                         w16 + dw_int8_w_offset(c, 9), p, &ae, &ao);
  } else {
    dw_int8_acc8_mve(param, in_b, w16, win, kh, kw, c, p, check, &ae, &ao);
  }
  ae = nnacl_mve_requant(ae, dw_int8_gather2(multiplier, c, pe),
                         nnacl_mve_split_shift(dw_int8_gather2(shift, c, pe)), zp, lo, hi);
  ao = nnacl_mve_requant(ao, dw_int8_gather2(multiplier + 1, c, po),
                         nnacl_mve_split_shift(dw_int8_gather2(shift + 1, c, po)), zp, lo, hi);
  r = vmovnbq_s32(vdupq_n_s16(0), ae);
  r = vmovntq_s32(r, ao);
  vstrbq_p_s16(out + c, r, p);
  return c + 8;
#elif defined(NNACL_DW_SIMD32)
  int32_t acc[4], j;
  memcpy(acc, bias + c, sizeof(acc));
  if (k3 && !check) {
    const ptrdiff_t cs = param->in_c;
    dw_int8_acc4_3x3_simd32(in_b + ((ptrdiff_t)win->iy0 * param->in_w + win->ix0) * cs + c, cs, cs * param->in_w,
                            w16 + dw_int8_w_offset(c, 9), acc);
  } else {
    dw_int8_acc4_simd32(param, in_b, w16, win, kh, kw, c, check, acc);
  }
  for (j = 0; j < 4; ++j) {
    out[c + j] = (int8_t)dw_int8_requant_double(acc[j], multiplier[c + j], shift[c + j], zp, lo, hi);
  }
  return c + 4;
#endif
}
#endif

/* one output pixel, all channels (depth multiplier 1) */
DW_INT8_INLINE void dw_int8_pixel(const conv_param_t *param, const int8_t *in_b, const int8_t *w16,
                                  const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                                  const dw_window_t *win, int32_t kh, int32_t kw, int32_t k3, int8_t *out) {
  const int32_t c_n = param->out_c;
  int32_t c = 0;
#if !defined(NNACL_MVE_INT8) && !defined(NNACL_DW_SIMD32)
  (void)k3;
#endif
#if defined(NNACL_MVE_INT8) || defined(NNACL_DW_SIMD32)
#if defined(NNACL_MVE_INT8)
  const int32_t c_fast = c_n; /* the tail is predicated */
#else
  const int32_t c_fast = c_n & ~3;
#endif
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    if (win->interior) {
      while (c < c_fast) {
        c = dw_int8_block(param, in_b, w16, bias, multiplier, shift, win, kh, kw, k3, 0, c, out);
      }
    } else {
      while (c < c_fast) {
        c = dw_int8_block(param, in_b, w16, bias, multiplier, shift, win, kh, kw, k3, 1, c, out);
      }
    }
  }
#endif
  for (; c < c_n; ++c) {
    const int32_t acc = dw_int8_acc_c(param, in_b, w16, win, kh, kw, c, c, bias[c]);
    out[c] = nnacl_requant_i8(acc, multiplier[c], shift[c], param->rounding, param->output_zp, param->act_min,
                              param->act_max);
  }
}

/* the whole depthwise conv with a kh x kw window; k3 = 1: 3x3 with dilation 1 (the DW3X3 variant) */
static inline void dw_int8_run(const conv_param_t *param, const int8_t *input, const int8_t *w16,
                               const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int32_t kh,
                               int32_t kw, int32_t k3, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c, out_c = param->out_c;
  const int32_t mult = out_c / in_c;
  int32_t b, oy, ox, oc;
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < param->out_h; ++oy) {
      dw_window_t win;
      win.iy0 = oy * param->stride_h - param->pad_top;
      dw_int8_clip(win.iy0, param->dilation_h, kh, in_h, &win.ky_lo, &win.ky_hi);
      for (ox = 0; ox < param->out_w; ++ox) {
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * out_c;
        win.ix0 = ox * param->stride_w - param->pad_left;
        dw_int8_clip(win.ix0, param->dilation_w, kw, in_w, &win.kx_lo, &win.kx_hi);
        win.interior = win.ky_lo == 0 && win.ky_hi == kh && win.kx_lo == 0 && win.kx_hi == kw;
        if (mult == 1) {
          dw_int8_pixel(param, in_b, w16, bias, multiplier, shift, &win, kh, kw, k3, out);
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
