/*
 * pooling_int8.c -- int8 AvgPool / MaxPool (NHWC). Windows are clipped to the input;
 * the average divides the int32 sum of the raw values by the number of valid taps
 * (or by the whole window when count_include_pad), rounding half away from zero.
 * Input and output share scale and zero point; results are clamped to the activation range.
 *
 * AvgPool sums up to 256 taps in 16-bit lanes (|sum| <= 256 * 128), channels side by side:
 *   SIMD32  four channels per word, SXTAB16 and SXTAB16 ROR 8 add the even and odd bytes;
 *   MVE     sixteen channels as two VLDRB.S16 + VADD.I16, tail-predicated;
 * then the division of each sum as in the plain loop (the specification).
 * MaxPool keeps a running maximum of whole words / vectors: SSUB8 + SEL per four channels (SIMD32),
 * VMAX.S8 per sixteen (MVE), then the activation bounds the same way.
 */
#include "int8/pooling_int8.h"

#include <string.h>

#include "int8/requant_mve.h"

#if !defined(NNACL_MVE_INT8) && defined(__ARM_FEATURE_SIMD32) && !defined(NNACL_NO_SIMD32)
#include <arm_acle.h>
#define POOL_SIMD32 1

/* acc + the sign-extended bytes 1 and 3 of v in the two 16-bit lanes. Inline asm: ACLE has no
 * rotated __sxtab16 and GCC 12 emits a separate rotation. */
static inline uint32_t pool_sxtab16_ror8(uint32_t acc, uint32_t v) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(v));
  return r;
}

/* the four 16-bit lane sums of channels (0, 2) in `even` and (1, 3) in `odd`, in channel order */
static inline void pool_store_lanes(int32_t *dst, uint32_t even, uint32_t odd) {
  dst[0] = (int16_t)even;
  dst[1] = (int16_t)odd;
  dst[2] = (int16_t)(even >> 16);
  dst[3] = (int16_t)(odd >> 16);
}
#endif

/* the most taps whose int8 sum fits a 16-bit lane */
#define POOL_MAX_TAPS16 256

static int8_t pool_finish_int8(const pooling_param_t *param, int32_t v) {
  return (int8_t)nnacl_clamp_i32(v, param->act_min, param->act_max);
}

/* the rounded average of a sum (half away from zero), clamped */
static inline int8_t pool_avg_finish(const pooling_param_t *param, int32_t acc, int32_t count) {
  if (count > 0) {
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
  }
  return pool_finish_int8(param, acc);
}

/* channels [c, c + n) of one window summed in 16-bit lanes into sums[0..n), the window's taps
 * being at most POOL_MAX_TAPS16; returns how many channels it did (0 on the portable build) */
static int32_t pool_sum16(const int8_t *in_b, int32_t in_w, int32_t c_n, int32_t y_begin, int32_t y_end,
                          int32_t x_begin, int32_t x_end, int32_t c, int32_t n, int32_t *sums) {
  int32_t y, x, k;
#if defined(NNACL_MVE_INT8)
  for (k = 0; k < n; k += 16) {
    const mve_pred16_t p0 = vctp16q((uint32_t)(n - k)), p1 = vctp16q((uint32_t)(n - k > 8 ? n - k - 8 : 0));
    int16x8_t s0 = vdupq_n_s16(0), s1 = vdupq_n_s16(0);
    int16_t tmp[16];
    int32_t t;
    for (y = y_begin; y < y_end; ++y) {
      const int8_t *px = in_b + ((size_t)y * in_w + x_begin) * c_n + c + k;
      for (x = x_begin; x < x_end; ++x, px += c_n) {
        s0 = vaddq_s16(s0, vldrbq_z_s16(px, p0));
        s1 = vaddq_s16(s1, vldrbq_z_s16(px + 8, p1));
      }
    }
    vst1q_s16(tmp, s0);
    vst1q_s16(tmp + 8, s1);
    for (t = 0; t < 16 && k + t < n; ++t) {
      sums[k + t] = tmp[t];
    }
  }
  return n;
#elif defined(POOL_SIMD32)
  for (k = 0; k + 8 <= n; k += 8) {
    uint32_t se = 0, so = 0, se2 = 0, so2 = 0; /* channels (0, 2), (1, 3), (4, 6), (5, 7) */
    for (y = y_begin; y < y_end; ++y) {
      const int8_t *px = in_b + ((size_t)y * in_w + x_begin) * c_n + c + k;
      for (x = x_begin; x < x_end; ++x, px += c_n) {
        uint32_t v0, v1;
        memcpy(&v0, px, sizeof(v0));
        memcpy(&v1, px + 4, sizeof(v1));
        se = (uint32_t)__sxtab16((int16x2_t)se, (int8x4_t)v0);
        so = pool_sxtab16_ror8(so, v0);
        se2 = (uint32_t)__sxtab16((int16x2_t)se2, (int8x4_t)v1);
        so2 = pool_sxtab16_ror8(so2, v1);
      }
    }
    pool_store_lanes(sums + k, se, so);
    pool_store_lanes(sums + k + 4, se2, so2);
  }
  for (; k + 4 <= n; k += 4) {
    uint32_t se = 0, so = 0; /* channels (0, 2) and (1, 3) */
    for (y = y_begin; y < y_end; ++y) {
      const int8_t *px = in_b + ((size_t)y * in_w + x_begin) * c_n + c + k;
      for (x = x_begin; x < x_end; ++x, px += c_n) {
        uint32_t v;
        memcpy(&v, px, sizeof(v));
        se = (uint32_t)__sxtab16((int16x2_t)se, (int8x4_t)v);
        so = pool_sxtab16_ror8(so, v);
      }
    }
    pool_store_lanes(sums + k, se, so);
  }
  return k;
#else
  (void)in_b, (void)in_w, (void)c_n, (void)y_begin, (void)y_end, (void)x_begin, (void)x_end, (void)c, (void)n;
  (void)sums, (void)y, (void)x, (void)k;
  return 0;
#endif
}

void avgpool_int8(const pooling_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;
  int32_t b, oy, ox, c, y, x;
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);
        const int32_t count = param->count_include_pad ? param->kernel_h * param->kernel_w
                                                       : (y_end - y_begin) * (x_end - x_begin);
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        c = 0;
        if ((y_end - y_begin) * (x_end - x_begin) <= POOL_MAX_TAPS16) {
          int32_t sums[16];
          while (c < c_n) {
            const int32_t want = NNACL_MIN(16, c_n - c);
            const int32_t n = pool_sum16(in_b, in_w, c_n, y_begin, y_end, x_begin, x_end, c, want, sums);
            int32_t t;
            for (t = 0; t < n; ++t) {
              out[c + t] = pool_avg_finish(param, sums[t], count);
            }
            c += n;
            if (n < want) {
              break; /* the rest: fewer than 4 channels on SIMD32, all on the portable build */
            }
          }
        }
        for (; c < c_n; ++c) {
          int32_t acc = 0;
          for (y = y_begin; y < y_end; ++y) {
            const int8_t *row = in_b + ((size_t)y * in_w) * c_n + c;
            for (x = x_begin; x < x_end; ++x) {
              acc += row[(size_t)x * c_n];
            }
          }
          out[c] = pool_avg_finish(param, acc, count);
        }
      }
    }
  }
}

/* channels [c, c + n) of one max window, clamped, into out[0..n); returns how many channels it did
 * (the SIMD32 build leaves the last n % 4, the portable build all of them) */
static int32_t pool_max_fast(const pooling_param_t *param, const int8_t *in_b, int32_t in_w, int32_t c_n,
                             int32_t y_begin, int32_t y_end, int32_t x_begin, int32_t x_end, int32_t c, int32_t n,
                             int8_t *out) {
  int32_t y, x, k;
#if defined(NNACL_MVE_INT8)
  const int8x16_t lo = vdupq_n_s8((int8_t)param->act_min), hi = vdupq_n_s8((int8_t)param->act_max);
  for (k = 0; k < n; k += 16) {
    const mve_pred16_t p = vctp8q((uint32_t)(n - k));
    int8x16_t m = vdupq_n_s8(-128);
    for (y = y_begin; y < y_end; ++y) {
      const int8_t *px = in_b + ((size_t)y * in_w + x_begin) * c_n + c + k;
      for (x = x_begin; x < x_end; ++x, px += c_n) {
        m = vmaxq_s8(m, vldrbq_z_s8(px, p));
      }
    }
    vstrbq_p_s8(out + k, vminq_s8(vmaxq_s8(m, lo), hi), p);
  }
  return n;
#elif defined(POOL_SIMD32)
  const uint32_t lo4 = (uint32_t)(uint8_t)param->act_min * 0x01010101u;
  const uint32_t hi4 = (uint32_t)(uint8_t)param->act_max * 0x01010101u;
  for (k = 0; k + 4 <= n; k += 4) {
    uint32_t m = 0x80808080u; /* four bytes of -128; SSUB8 sets GE per byte where v >= m, SEL keeps those */
    for (y = y_begin; y < y_end; ++y) {
      const int8_t *px = in_b + ((size_t)y * in_w + x_begin) * c_n + c + k;
      for (x = x_begin; x < x_end; ++x, px += c_n) {
        uint32_t v;
        memcpy(&v, px, sizeof(v));
        (void)__ssub8((int8x4_t)v, (int8x4_t)m);
        m = (uint32_t)__sel((uint8x4_t)v, (uint8x4_t)m);
      }
    }
    (void)__ssub8((int8x4_t)m, (int8x4_t)lo4);
    m = (uint32_t)__sel((uint8x4_t)m, (uint8x4_t)lo4);
    (void)__ssub8((int8x4_t)m, (int8x4_t)hi4);
    m = (uint32_t)__sel((uint8x4_t)hi4, (uint8x4_t)m);
    memcpy(out + k, &m, sizeof(m));
  }
  return k;
#else
  (void)param, (void)in_b, (void)in_w, (void)c_n, (void)y_begin, (void)y_end, (void)x_begin, (void)x_end, (void)c;
  (void)n, (void)out, (void)y, (void)x, (void)k;
  return 0;
#endif
}

void maxpool_int8(const pooling_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;
  int32_t b, oy, ox, c, y, x;
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        c = pool_max_fast(param, in_b, in_w, c_n, y_begin, y_end, x_begin, x_end, 0, c_n, out);
        for (; c < c_n; ++c) {
          int32_t m = -128;
          for (y = y_begin; y < y_end; ++y) {
            const int8_t *row = in_b + ((size_t)y * in_w) * c_n + c;
            for (x = x_begin; x < x_end; ++x) {
              if (row[(size_t)x * c_n] > m) {
                m = row[(size_t)x * c_n];
              }
            }
          }
          out[c] = pool_finish_int8(param, m);
        }
      }
    }
  }
}
