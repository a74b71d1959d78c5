/*
 * conv_depthwise_int8.h -- the shared core of the int8 depthwise variants (DW, DW3X3).
 *
 * Constants (the generator writes them, ops/conv.py _dw_int8_weights), channels in blocks of
 * 8, the last block padded with 0:
 *   weight    int8 array, 8-byte aligned:
 *               header   int32 flags (DW_INT8_REC_FAST), int32 0
 *               weights  int16 [ceil(out_c / 8)][kh][kw][8], DOUBLED (2 w), as little-endian
 *                        byte pairs: a block's taps follow each other 16 bytes apart
 *               records  (flag DW_INT8_REC_FAST: every shift in [-22, -1]) int32 {m, K, e} per
 *                        channel: e = -shift, K = 2^(e-1) + output_zp * 2^e
 *   bias      int32 [ceil(out_c / 8) * 8], DOUBLED (2 bias', the input offset folded in)
 *   multiplier, shift   int32 [ceil(out_c / 8) * 8]
 *             these three with each block's even channels first: 0 2 4 6 1 3 5 7 (dw_int8_ch)
 * The kernels thus accumulate acc2 = 2 * acc (the generator checks that it fits, |acc| < 2^30),
 * which is what the fast requantizations want: SRDHM(acc, m) = hi(acc2 * m + 2^31).
 *
 * Channel c of tap (ky, kx) reads input (iy0 + ky * dilation_h, ix0 + kx * dilation_w). A
 * padded tap counts as x = input_zp (the bias holds -input_zp * sum(w)). Output rows are
 * produced in order (the kernel streams, so its output may overwrite its input in place: one
 * row's outputs are written while that row's inputs are read, micro_codegen/ops/conv.py
 * in_place_shift). In a row, the pixels whose taps are all real (the interior) form one run,
 * walked a block of channels at a time for the whole run and pixels inside, without checks;
 * the border pixels before and after it go one by one, all channels, with the zero point in
 * place of the missing taps. 3x3 windows (dilation 1) are unrolled.
 * GCC hoists the loads of unrolled taps and reassociates their sums, which needs more
 * registers than there are: empty asm statements (DW_INT8_SEQ4 / AFTER / KEEP) keep each
 * tap's loads after the previous tap's sums.
 *
 *   SIMD32 (Cortex-M4/M7/M33): four channels; one LDR reads them for a tap, SXTB16 and SXTB16
 *           ROR 8 give channels (0, 2) and (1, 3), one LDRD their four int16 weights, SMLABB /
 *           SMLABT / SMLATB / SMLATT pair them up. Requantization from the records: SMMLAR
 *           (acc2, m, K) = SRDHM(acc, m) + K, the sign fix (ADD ASR 31), an ASR by e, SSAT;
 *           PKHBT / UXTB16 / ORR pack the four bytes, SSUB8 / SEL clamp them, one store.
 *           Channels past the last multiple of 4 take the portable loop.
 *   MVE    (Cortex-M55): eight channels in int16 lanes; VLDRB.S16 widens a tap's inputs, VLDRH
 *           its weights, VMULLB / VMULLT multiply the even / odd channels into two int32
 *           accumulators (bias, multipliers and shifts stored even / odd); VRMULH requantizes
 *           (acc2 doubled: no VQRDMULH doubling), VQMOVNB / VQMOVNT / VQMOVNB.S16 saturate and
 *           interleave the halves again, one VSTRB.16 stores the eight outputs; the channel
 *           tail is predicated (VCTP). The MVE path skips the "ties away from zero" step for
 *           negative values when act_min >= output_zp (RELU, RELU6): it only moves values
 *           that are clamped to act_min anyway.
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

/* An empty asm that takes v in and out of a register: GCC reassociates the sums of unrolled
 * taps into trees and hoists all their loads, which needs more registers than there are (the
 * spills cost more than the taps). The barrier keeps each tap's products added in order; it
 * emits no instruction (no intrinsic or pragma expresses this). */
#if defined(__GNUC__)
#define DW_INT8_KEEP(v) __asm__("" : "+w"(v))
#define DW_INT8_AFTER(p, v) __asm__("" : "+r"(p) : "w"(v))
#define DW_INT8_AFTER_R(p, v) __asm__("" : "+r"(p) : "r"(v))
#define DW_INT8_SEQ4(p, q, a) __asm__("" : "+r"(p), "+r"(q), "+r"((a)->a0), "+r"((a)->a1), "+r"((a)->a2), "+r"((a)->a3))
#else
#define DW_INT8_SEQ4(p, q, a) (void)(a)
#define DW_INT8_KEEP(v) (void)(v)
#define DW_INT8_AFTER(p, v) (void)(v)
#define DW_INT8_AFTER_R(p, v) (void)(v)
#endif

#define DW_INT8_HEADER 8      /* bytes before the weights */
#define DW_INT8_REC_FAST 1    /* header flag: the requantization records follow the weights */

/* geometry of one output pixel's window, clipped to the input */
typedef struct {
  int32_t iy0, ix0;     /* input position of tap (0, 0) (may be outside) */
  int32_t ky_lo, ky_hi; /* taps ky in [ky_lo, ky_hi) read real rows */
  int32_t kx_lo, kx_hi; /* taps kx in [kx_lo, kx_hi) read real columns */
  uint32_t mask3;       /* 3x3 windows: bit ky * 3 + kx set = tap reads real input */
} dw_window_t;

/* the parameters the kernels use, copied out of conv_param_t once (int8 stores may alias the
 * parameter struct, locals cannot) */
typedef struct {
  const int8_t *w;        /* weights (after the header) */
  const int32_t *rec;     /* requantization records, or NULL */
  const int32_t *bias, *mult, *shift;
  size_t blk;             /* bytes of weights per block of 8 channels */
  ptrdiff_t cs, row;      /* input channel stride (in_c) and row stride (in_w * in_c), bytes */
  ptrdiff_t dx, dy;       /* input step of one tap along x and y (dilation included), bytes */
  int32_t c_n, kh, kw;    /* channels, window */
  int32_t in_zp, out_zp;  /* zero points */
  int32_t act_min, act_max;
  int32_t relu;           /* act_min >= out_zp */
  int32_t t_out, t_in;    /* the window walked as t_out rows of t_in taps, t_din bytes apart (a */
  ptrdiff_t t_din;        /* single column is one long row) */
  uint32_t lo4, hi4, zp4; /* act_min, act_max, input_zp in each byte */
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

/* index of channel oc in bias, multiplier and shift */
static inline int32_t dw_int8_ch(int32_t oc) {
  return (oc & ~7) | ((oc & 7) >> 1) | ((oc & 1) << 2);
}

/* the doubled int16 weight of tap t of channel oc */
static inline int32_t dw_int8_w16(const dw_ctx_t *k, int32_t oc, int32_t t) {
  const int8_t *q = k->w + (size_t)(oc >> 3) * k->blk + (size_t)16 * t + (size_t)2 * (oc & 7);
  return (int32_t)(int16_t)(uint16_t)((uint32_t)(uint8_t)q[0] | ((uint32_t)(uint8_t)q[1] << 8));
}

/* one channel, any window: the specification every fast path matches bit for bit; returns
 * the requantized output */
static inline int8_t dw_int8_out_c(const conv_param_t *param, const dw_ctx_t *k, const int8_t *in_b,
                                   const dw_window_t *win, int32_t ic, int32_t oc) {
  const int32_t j = dw_int8_ch(oc);
  int32_t acc = k->bias[j]; /* doubled */
  int32_t ky, kx;
  for (ky = 0; ky < k->kh; ++ky) {
    const int32_t iy = win->iy0 + ky * param->dilation_h;
    for (kx = 0; kx < k->kw; ++kx) {
      const int32_t ix = win->ix0 + kx * param->dilation_w;
      const int32_t xv = dw_int8_real(win, ky, kx) ? (int32_t)in_b[((size_t)iy * param->in_w + ix) * k->cs + ic]
                                                   : k->in_zp;
      acc += xv * dw_int8_w16(k, oc, ky * k->kw + kx);
    }
  }
  return nnacl_requant_i8(acc >> 1, k->mult[j], k->shift[j], param->rounding, k->out_zp, k->act_min, k->act_max);
}

#ifdef NNACL_DW_SIMD32
/* SMMLAR: (a * b + (acc << 32) + 2^31) >> 32. Neither ACLE nor GCC's arm_acle.h has it, and
 * GCC builds the 64-bit expression from an SMLAL plus three more instructions: one line of
 * inline assembly (v7E-M DSP, every core with SIMD32). */
DW_INT8_INLINE int32_t dw_int8_smmlar(int32_t a, int32_t b, int32_t acc) {
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}

/* SXTB16 with ROR #8 (bytes 1 and 3, sign-extended to halfwords): one instruction, but GCC
 * does not merge __sxtb16 with a rotation (it emits ROR, SXTB16) and its arm_acle.h has no
 * __ror either: one line of inline assembly */
DW_INT8_INLINE int32_t dw_int8_sxtb16_ror8(uint32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

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
  const int32_t x02 = __sxtb16((int32_t)xv), x13 = dw_int8_sxtb16_ror8(xv);
  int32_t w[2];
  memcpy(w, __builtin_assume_aligned(w8, 8), sizeof(w)); /* one LDRD: 8-byte aligned */
  a->a0 = __smlabb(x02, w[0], a->a0);
  a->a1 = __smlabt(x13, w[0], a->a1);
  a->a2 = __smlatb(x02, w[1], a->a2);
  a->a3 = __smlatt(x13, w[1], a->a3);
}

/* a 3x3 window (dilation 1) of four channels, unrolled: x = tap (0, 0) of the first channel;
 * check = 0 (interior, a constant) or taps outside mask read zp4. The row pointer is stepped
 * and, like the weights' pointer, made to depend on the previous row's sums (DW_INT8_AFTER_R):
 * the loads stay in order and use register / immediate offsets. */
DW_INT8_INLINE void dw_int8_acc4_3x3(const int8_t *x, ptrdiff_t cs, ptrdiff_t row, const int8_t *wp,
                                     int32_t check, uint32_t mask, uint32_t zp4, dw_acc4_t *a) {
#define DW_INT8_TAP(m, p, o)                                                   \
  dw_int8_tap4(!check || (mask & (m)) ? dw_int8_load4(p) : zp4, wp + (o), a); \
  DW_INT8_SEQ4(x, wp, a)
  DW_INT8_TAP(1u, x, 0);
  DW_INT8_TAP(2u, x + cs, 16);
  DW_INT8_TAP(4u, x + 2 * cs, 32);
  x += row;
  DW_INT8_TAP(8u, x, 48);
  DW_INT8_TAP(16u, x + cs, 64);
  DW_INT8_TAP(32u, x + 2 * cs, 80);
  x += row;
  DW_INT8_TAP(64u, x, 96);
  DW_INT8_TAP(128u, x + cs, 112);
  DW_INT8_TAP(256u, x + 2 * cs, 128);
#undef DW_INT8_TAP
}

/* any window of four channels, interior (no checks): k->t_out x k->t_in taps (see dw_ctx_t) */
DW_INT8_INLINE void dw_int8_acc4_any(const int8_t *x, const int8_t *wp, const dw_ctx_t *k, dw_acc4_t *a) {
  const ptrdiff_t d_in = k->t_din;
  int32_t i, j;
  for (i = k->t_out; i > 0; --i) {
    const int8_t *xp = x;
    for (j = k->t_in; j >= 2; j -= 2) { /* two taps per pass */
      dw_int8_tap4(dw_int8_load4(xp), wp, a);
      DW_INT8_SEQ4(xp, wp, a);
      dw_int8_tap4(dw_int8_load4(xp + d_in), wp + 16, a);
      xp += 2 * d_in;
      wp += 32;
      DW_INT8_SEQ4(xp, wp, a);
    }
    if (j) {
      dw_int8_tap4(dw_int8_load4(xp), wp, a);
      wp += 16;
    }
    x += k->dy;
  }
}

/* the same for a border pixel: taps outside the window's real range read zp */
static inline void dw_int8_acc4_border(const int8_t *x, const int8_t *wp, const dw_window_t *win, const dw_ctx_t *k,
                                       dw_acc4_t *a) {
  int32_t ky, kx;
  for (ky = 0; ky < k->kh; ++ky) {
    const int8_t *xp = x;
    for (kx = 0; kx < k->kw; ++kx) {
      dw_int8_tap4(dw_int8_real(win, ky, kx) ? dw_int8_load4(xp) : k->zp4, wp, a);
      xp += k->dx;
      wp += 16;
    }
    x += k->dy;
  }
}

/* low halfword of a, b in the high one: PKHBT, which GCC does not emit for this expression
 * (UXTH + ORR) and arm_acle.h does not have: one line of inline assembly */
DW_INT8_INLINE uint32_t dw_int8_pkhbt(int32_t a, int32_t b) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

/* requantization of one doubled accumulator by its record {m, K, e}, saturated to int8 */
DW_INT8_INLINE int32_t dw_int8_rq_rec(int32_t a, const int32_t *rec) {
  int32_t y = dw_int8_smmlar(a, rec[0], rec[1]); /* SRDHM(acc, m) + 2^(e-1) + zp 2^e */
  y += a >> 31;                                   /* ties away from zero for negative values */
  return __ssat(y >> rec[2], 8);
}

/* channels [c, c + 4) of one pixel, c a multiple of 4; x = input of tap (0, 0), channel 0;
 * wb = the weights of the sub-block */
DW_INT8_INLINE void dw_int8_block4(const dw_ctx_t *k, const int8_t *x, const int8_t *wb, const int32_t *bp,
                                   const int32_t *rec, const dw_window_t *win, int32_t k3, int32_t check, int32_t c,
                                   int8_t *out) {
  dw_acc4_t a;
  /* bias of channels c..c+3 (h = c & 4): block positions h / 2, h / 2 + 1 (c, c + 2) and
   * h / 2 + 4, h / 2 + 5 (c + 1, c + 3); bp points at the first */
  a.a0 = bp[0];
  a.a2 = bp[1];
  a.a1 = bp[4];
  a.a3 = bp[5];
  if (k3) {
    dw_int8_acc4_3x3(x + c, k->cs, k->row, wb, check, win->mask3, k->zp4, &a);
  } else if (check) {
    dw_int8_acc4_border(x + c, wb, win, k, &a);
  } else {
    dw_int8_acc4_any(x + c, wb, k, &a);
  }
  if (rec != NULL) {
    uint32_t v, v02, v13;
    /* bytes packed: PKHBT pairs channels (0, 2) and (1, 3) in halfwords, UXTB16 keeps their
     * low bytes, one ORR with LSL 8 interleaves them */
    v02 = dw_int8_pkhbt(dw_int8_rq_rec(a.a0, rec), dw_int8_rq_rec(a.a2, rec + 6));
    v13 = dw_int8_pkhbt(dw_int8_rq_rec(a.a1, rec + 3), dw_int8_rq_rec(a.a3, rec + 9));
    v = (uint32_t)__uxtb16((int32_t)v02) | ((uint32_t)__uxtb16((int32_t)v13) << 8);
    /* clamp the four bytes together: SSUB8 sets the GE flags per byte, SEL picks by them */
    (void)__ssub8((int32_t)v, (int32_t)k->lo4);
    v = (uint32_t)__sel((int32_t)v, (int32_t)k->lo4);
    (void)__ssub8((int32_t)k->hi4, (int32_t)v);
    v = (uint32_t)__sel((int32_t)v, (int32_t)k->hi4);
    memcpy(out + c, &v, sizeof(v));
  } else { /* no records: the portable requantization */
    const int32_t acc[4] = {a.a0, a.a1, a.a2, a.a3};
    int32_t j;
    for (j = 0; j < 4; ++j) {
      const int32_t i = dw_int8_ch(c + j);
      out[c + j] = nnacl_requant_i8(acc[j] >> 1, k->mult[i], k->shift[i], NNACL_ROUND_DOUBLE, k->out_zp, k->act_min,
                                    k->act_max);
    }
  }
}
#endif

#ifdef NNACL_MVE_INT8
/* one tap of eight channels into the even / odd accumulators: x (8 int8, predicated by p when
 * tail) or the zero point, 8 int16 weights */
DW_INT8_INLINE void dw_int8_tap8_mve(const int8_t *x, int32_t real, int16x8_t zpv, const int8_t *w16, int32_t tail,
                                     mve_pred16_t p, int32x4_t *ae, int32x4_t *ao) {
  const int16x8_t wv = vldrhq_s16((const int16_t *)(const void *)w16);
  const int16x8_t xv = !real ? zpv : (tail ? vldrbq_z_s16(x, p) : vldrbq_s16(x));
  *ae = vaddq_s32(*ae, vmullbq_int_s16(xv, wv));
  *ao = vaddq_s32(*ao, vmulltq_int_s16(xv, wv));
  DW_INT8_KEEP(*ae);
  DW_INT8_KEEP(*ao);
}

/* requantized doubled accumulators of four channels (multiplier m, shift s), offset, not clamped */
DW_INT8_INLINE int32x4_t dw_int8_rq_mve(const dw_ctx_t *k, int32x4_t acc2, int32x4_t m, int32x4_t s) {
  int32x4_t x;
  if (k->rec != NULL) { /* every shift in [-22, -1]: no left shift, always a right shift */
    x = vrmulhq_s32(acc2, m); /* (2 acc m + 2^31) >> 32 = SRDHM(acc, m) */
    if (!k->relu) {
      x = vaddq_s32(x, vshrq_n_s32(x, 31)); /* ties away from zero (|x| < 2^30) */
    }
    x = vrshlq_s32(x, s);
  } else {
    x = nnacl_mve_mbqm_double(vshrq_n_s32(acc2, 1), m, nnacl_mve_split_shift(s));
  }
  return vaddq_n_s32(x, k->out_zp);
}

/* channels [c, c + 8) of one pixel (fewer in the tail block, tail = 1); x = input of tap (0, 0),
 * channel 0; wb = the weights of the block */
DW_INT8_INLINE void dw_int8_block8_mve(const dw_ctx_t *k, const int8_t *x, const int8_t *wb, const dw_window_t *win,
                                       int32_t k3, int32_t check, int32_t tail, int32_t c, int8_t *out) {
  const int16x8_t zpv = vdupq_n_s16((int16_t)k->in_zp);
  const mve_pred16_t p = vctp16q((uint32_t)(k->c_n - c));
  int32x4_t ae = vldrwq_s32(k->bias + c); /* even channels, then odd (dw_int8_ch) */
  int32x4_t ao = vldrwq_s32(k->bias + c + 4);
  x += c;
  if (k3) {
    /* the taps' input pointer is stepped (one ADD a tap: VLDRB has no register offset), and
     * both pointers are made to depend on the previous tap's sums (DW_INT8_AFTER) */
    const uint32_t mask = win->mask3;
    const ptrdiff_t cs = k->cs, nl = k->row - 2 * k->cs;
    const int8_t *q = x;
#define DW_INT8_T(t, step)                                                                                  \
  dw_int8_tap8_mve(q, !check || (mask & (1u << (t))), zpv, wb + 16 * (t), tail, p, &ae, &ao);               \
  q += (step);                                                                                              \
  DW_INT8_AFTER(q, ao);                                                                                     \
  DW_INT8_AFTER(wb, ao)
    DW_INT8_T(0, cs);
    DW_INT8_T(1, cs);
    DW_INT8_T(2, nl);
    DW_INT8_T(3, cs);
    DW_INT8_T(4, cs);
    DW_INT8_T(5, nl);
    DW_INT8_T(6, cs);
    DW_INT8_T(7, cs);
    dw_int8_tap8_mve(q, !check || (mask & (1u << 8)), zpv, wb + 16 * 8, tail, p, &ae, &ao);
#undef DW_INT8_T
  } else if (check) {
    int32_t ky, kx;
    for (ky = 0; ky < k->kh; ++ky) {
      const int8_t *xp = x;
      for (kx = 0; kx < k->kw; ++kx) {
        dw_int8_tap8_mve(xp, dw_int8_real(win, ky, kx), zpv, wb, tail, p, &ae, &ao);
        xp += k->dx;
        wb += 16;
      }
      x += k->dy;
    }
  } else {
    const ptrdiff_t d_in = k->t_din;
    int32_t i, j;
    for (i = k->t_out; i > 0; --i) {
      const int8_t *xp = x;
      for (j = k->t_in; j > 0; --j) {
        dw_int8_tap8_mve(xp, 1, zpv, wb, tail, p, &ae, &ao);
        xp += d_in;
        wb += 16;
      }
      x += k->dy;
    }
  }
  {
    const int32x4_t re = dw_int8_rq_mve(k, ae, vldrwq_s32(k->mult + c), vldrwq_s32(k->shift + c));
    const int32x4_t ro = dw_int8_rq_mve(k, ao, vldrwq_s32(k->mult + c + 4), vldrwq_s32(k->shift + c + 4));
    /* saturated to int16 (VQMOVNB / VQMOVNT: channels 0..7 again), then to int8 in the low bytes
     * (VQMOVNB.S16); the activation range, when narrower, on the bytes */
    const int16x8_t v16 = vqmovntq_s32(vqmovnbq_s32(vreinterpretq_s16_s32(ro), re), ro);
    int8x16_t v8 = vqmovnbq_s16(vreinterpretq_s8_s16(v16), v16);
    if (k->act_min > -128) {
      v8 = vmaxq_s8(v8, vdupq_n_s8((int8_t)k->act_min));
    }
    if (k->act_max < 127) {
      v8 = vminq_s8(v8, vdupq_n_s8((int8_t)k->act_max));
    }
    if (tail) {
      vstrbq_p_s16(out + c, vreinterpretq_s16_s8(v8), p);
    } else {
      vstrbq_s16(out + c, vreinterpretq_s16_s8(v8));
    }
  }
}
#endif

/* one output pixel, all channels (depth multiplier 1); x = input of tap (0, 0), channel 0;
 * check = 0: an interior pixel (a constant) */
DW_INT8_INLINE void dw_int8_pixel(const conv_param_t *param, const dw_ctx_t *k, const int8_t *in_b, const int8_t *x,
                                  const dw_window_t *win, int32_t k3, int32_t check, int8_t *out) {
  const int32_t c_n = k->c_n;
  int32_t c = 0;
#if defined(NNACL_MVE_INT8)
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    const int8_t *wb = k->w;
    for (; c + 8 <= c_n; c += 8, wb += k->blk) {
      dw_int8_block8_mve(k, x, wb, win, k3, check, 0, c, out);
    }
    if (c < c_n) {
      dw_int8_block8_mve(k, x, wb, win, k3, 1, 1, c, out);
      c = c_n;
    }
  }
#elif defined(NNACL_DW_SIMD32)
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    const int8_t *wb = k->w;
    const int32_t *bp = k->bias, *rec = k->rec;
    for (; c + 4 <= c_n; c += 4) { /* the two sub-blocks of 4 of each block of 8 */
      const int32_t h = c & 4;
      dw_int8_block4(k, x, wb, bp, rec, win, k3, check, c, out);
      wb += h ? (ptrdiff_t)k->blk - 8 : 8;
      bp += h ? 6 : 2;
      rec = rec != NULL ? rec + 12 : NULL;
    }
  }
#else
  (void)k3, (void)x, (void)check;
#endif
  for (; c < c_n; ++c) {
    out[c] = dw_int8_out_c(param, k, in_b, win, c, c);
  }
}

/* a run of n interior pixels (depth multiplier 1): x = input of tap (0, 0) of the first, xs
 * bytes to the next (win->iy0 / ix0 step by diy / dix), outputs os bytes apart. Blocks of
 * channels outside, pixels inside: a block's pointers are set once for the run. */
DW_INT8_INLINE void dw_int8_run_interior(const conv_param_t *param, const dw_ctx_t *k, const int8_t *in_b,
                                         const int8_t *x0, ptrdiff_t xs, int32_t diy, int32_t dix, int32_t n,
                                         dw_window_t *win, int32_t k3, int8_t *out0, ptrdiff_t os) {
  const int32_t c_n = k->c_n;
  int32_t c = 0, i;
#if defined(NNACL_MVE_INT8)
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    const int8_t *wb = k->w;
    for (; c + 8 <= c_n; c += 8, wb += k->blk) {
      const int8_t *x = x0;
      int8_t *out = out0;
      for (i = n; i > 0; --i, x += xs, out += os) {
        dw_int8_block8_mve(k, x, wb, win, k3, 0, 0, c, out);
      }
    }
    if (c < c_n) {
      const int8_t *x = x0;
      int8_t *out = out0;
      for (i = n; i > 0; --i, x += xs, out += os) {
        dw_int8_block8_mve(k, x, wb, win, k3, 1, 1, c, out);
      }
      c = c_n;
    }
  }
#elif defined(NNACL_DW_SIMD32)
  if (param->rounding == NNACL_ROUND_DOUBLE) {
    const int8_t *wb = k->w;
    const int32_t *bp = k->bias, *rec = k->rec;
    for (; c + 4 <= c_n; c += 4) { /* the two sub-blocks of 4 of each block of 8 */
      const int32_t h = c & 4;
      const int8_t *x = x0;
      int8_t *out = out0;
      for (i = n; i > 0; --i, x += xs, out += os) {
        dw_int8_block4(k, x, wb, bp, rec, win, k3, 0, c, out);
      }
      wb += h ? (ptrdiff_t)k->blk - 8 : 8;
      bp += h ? 6 : 2;
      rec = rec != NULL ? rec + 12 : NULL;
    }
  }
#else
  (void)k3, (void)x0, (void)xs;
#endif
  if (c < c_n) { /* channels left for the portable loop */
    const int32_t iy0 = win->iy0, ix0 = win->ix0;
    int8_t *out = out0;
    for (i = 0; i < n; ++i, out += os, win->iy0 += diy, win->ix0 += dix) {
      int32_t j;
      for (j = c; j < c_n; ++j) {
        out[j] = dw_int8_out_c(param, k, in_b, win, j, j);
      }
    }
    win->iy0 = iy0;
    win->ix0 = ix0;
  }
}

/* the interior pixels [ox_lo, ox_hi) of output row oy (depth multiplier 1), out = pixel ox_lo's: one run. Not inlined
 * into the row loop on SIMD32 builds (the border pixels' code then keeps its registers), inlined
 * on MVE builds: the faster of the two on each core (measured on the vww and kws models). */
#if defined(__GNUC__) && defined(NNACL_DW_SIMD32)
__attribute__((noinline))
#elif defined(__GNUC__)
__attribute__((always_inline)) inline
#endif
static void dw_int8_interior_row(const conv_param_t *param, const dw_ctx_t *k, const int8_t *in_b, int32_t oy,
                                 int32_t ox_lo, int32_t ox_hi, int32_t k3, int8_t *out) {
  dw_window_t win;
  win.ky_lo = 0;
  win.ky_hi = k->kh;
  win.kx_lo = 0;
  win.kx_hi = k->kw;
  win.mask3 = 0x1FFu;
  win.iy0 = oy * param->stride_h - param->pad_top;
  win.ix0 = ox_lo * param->stride_w - param->pad_left;
  dw_int8_run_interior(param, k, in_b, in_b + ((ptrdiff_t)win.iy0 * param->in_w + win.ix0) * k->cs,
                       (ptrdiff_t)param->stride_w * k->cs, 0, param->stride_w, ox_hi - ox_lo, &win, k3,
                       out, k->c_n);
}

/* the whole depthwise conv with a kh x kw window; k3 = 1: 3x3 with dilation 1 and depth
 * multiplier 1 (the DW3X3 variant) */
static inline void dw_int8_run(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                               const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int32_t kh,
                               int32_t kw, int32_t k3, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c, out_c = param->out_c;
  const int32_t out_w = param->out_w, sw = param->stride_w;
  const int32_t mult = k3 ? 1 : out_c / in_c;
  const int32_t span_w = (kw - 1) * param->dilation_w; /* window width - 1 */
  int32_t flags;
  dw_ctx_t k;
  int32_t b, oy, ox, oc, ky;
  /* interior columns: ox in [ox_lo, ox_hi) read only real columns */
  const int32_t ox_lo = param->pad_left > 0 ? (param->pad_left + sw - 1) / sw : 0;
  int32_t ox_hi = in_w - 1 - span_w + param->pad_left >= 0 ? (in_w - 1 - span_w + param->pad_left) / sw + 1 : 0;
  const int32_t span_h = (kh - 1) * param->dilation_h;
  const int32_t oy_lo = param->pad_top > 0 ? (param->pad_top + param->stride_h - 1) / param->stride_h : 0;
  int32_t oy_hi = in_h - 1 - span_h + param->pad_top >= 0
                      ? (in_h - 1 - span_h + param->pad_top) / param->stride_h + 1 : 0; /* rows past: not real */
  ox_hi = ox_hi > out_w ? out_w : ox_hi;
  ox_hi = ox_hi < ox_lo ? ox_lo : ox_hi;
  oy_hi = oy_hi > param->out_h ? param->out_h : oy_hi;
  oy_hi = oy_hi < oy_lo ? oy_lo : oy_hi;
  memcpy(&flags, weight, sizeof(flags));
  k.w = weight + DW_INT8_HEADER;
  k.blk = (size_t)16 * (size_t)kh * (size_t)kw;
  k.rec = (flags & DW_INT8_REC_FAST) ? (const int32_t *)(const void *)(k.w + (size_t)((out_c + 7) >> 3) * k.blk)
                                     : NULL;
  k.bias = bias;
  k.mult = multiplier;
  k.shift = shift;
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
  k.relu = param->act_min >= param->output_zp;
  k.t_out = kw == 1 ? 1 : kh;
  k.t_in = kw == 1 ? kh : kw;
  k.t_din = kw == 1 ? k.dy : k.dx;
  k.lo4 = (uint32_t)(uint8_t)param->act_min * 0x01010101u;
  k.hi4 = (uint32_t)(uint8_t)param->act_max * 0x01010101u;
  k.zp4 = (uint32_t)(uint8_t)param->input_zp * 0x01010101u;
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    int8_t *out_b = output + (size_t)b * param->out_h * out_w * out_c;
    /* output rows in order (the kernel streams: OpPlan.overlap_shift), each as its left border
     * pixels, the run of its interior pixels (every tap real), its right border pixels */
    for (oy = 0; oy < param->out_h; ++oy) {
      dw_window_t win;
      const int32_t row_in = mult == 1 && oy >= oy_lo && oy < oy_hi && ox_lo < ox_hi;
      int8_t *out = out_b + (size_t)oy * out_w * out_c;
      win.iy0 = oy * param->stride_h - param->pad_top;
      dw_int8_clip(win.iy0, param->dilation_h, kh, in_h, &win.ky_lo, &win.ky_hi);
      for (ox = 0; ox < out_w; ++ox, out += out_c) {
        const int8_t *x;
        if (row_in && ox == ox_lo) { /* the interior run */
          dw_int8_interior_row(param, &k, in_b, oy, ox_lo, ox_hi, k3, out);
          out += (ptrdiff_t)(ox_hi - 1 - ox) * out_c;
          ox = ox_hi - 1;
          continue;
        }
        win.ix0 = ox * sw - param->pad_left;
        /* tap (0, 0): outside the input for border pixels, where only the real taps are read */
        x = in_b + ((ptrdiff_t)win.iy0 * in_w + win.ix0) * in_c;
        dw_int8_clip(win.ix0, param->dilation_w, kw, in_w, &win.kx_lo, &win.kx_hi);
        win.mask3 = 0;
        if (k3) {
          const uint32_t cols = ((1u << win.kx_hi) - 1u) & ~((1u << win.kx_lo) - 1u);
          for (ky = win.ky_lo; ky < win.ky_hi; ++ky) {
            win.mask3 |= cols << (3 * ky);
          }
        }
        if (mult == 1) {
          dw_int8_pixel(param, &k, in_b, x, &win, k3, 1, out);
          continue;
        }
        for (oc = 0; oc < out_c; ++oc) {
          out[oc] = dw_int8_out_c(param, &k, in_b, &win, oc / mult, oc);
        }
      }
    }
  }
}

#endif /* NNACL_INT8_CONV_DEPTHWISE_INT8_H_ */
