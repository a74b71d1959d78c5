/*
 * fullconnection_int8.c -- int8 FullConnection, two variants (int8/fullconnection_int8.h).
 *
 * FC_VARIANT_GENERIC: with a weight zero point the sum is split exactly,
 *   sum (x + xo) * (w + wo) = sum (x + xo) * w + wo * sum (x + xo),
 * so the inner loops are the plain offset dot products of int8/dot_int8.h (two output
 * units per pass share the input loads).
 *
 * FC_VARIANT_PACKED: the input offset is in the bias, so four output rows accumulate raw
 * x * w over 16-value chunks of the packed weights, sharing each input chunk:
 *   portable  the plain loop over the layout (the specification);
 *   SIMD32    each input word is widened once (SXTB16, SXTB16 ROR 8) and used by the four
 *             rows, SMLAD two products at a time; the last partial chunk is copied into a
 *             zeroed 16-byte buffer (the padded weights there are 0);
 *   MVE       VMLADAVA.S8 sums 16 products per row and chunk into a scalar; the last chunk
 *             loads the input under a VCTP8 predicate (zeros past depth).
 * Requantization is scalar per output (outputs are few against the MACs), with the cheap
 * single-rounding form of fc_requant_packed below.
 */
#include "int8/fullconnection_int8.h"

#include <string.h>

#include "int8/dot_int8.h"
#include "int8/requant_mve.h"

#if !defined(NNACL_MVE_INT8) && defined(__ARM_FEATURE_SIMD32) && !defined(NNACL_NO_SIMD32)
#include <arm_acle.h>
#define FC_SIMD32 1
#endif

/* nnacl_requant_i8 with single rounding and shift <= -1 (the FC_VARIANT_PACKED contract): the total
 * shift is 32 + k, k = -1 - shift >= 0, and the result comes from the words of the 64-bit product p
 * (exact: a floor of a floor; |p| < 2^62, so no saturation):
 *   floor((p + 2^(31 + k)) / 2^(32 + k)) = (hi + 2^(k - 1)) >> k    k >= 1, hi = floor(p / 2^32)
 *                                        = hi + (lo >> 31)          k = 0,  lo = p mod 2^32 */
static inline int8_t fc_requant_packed(int32_t acc, int32_t multiplier, int32_t shift, int32_t zp, int32_t lo,
                                       int32_t hi) {
  const int64_t p = (int64_t)acc * (int64_t)multiplier;
  const int32_t k = -1 - shift;
  int32_t v = (int32_t)(p >> 32);
  if (k == 0) {
    v += (int32_t)((uint32_t)p >> 31);
  } else {
    v = (v + (1 << (k - 1))) >> k;
  }
  v += zp;
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

static void fc_generic_int8(const fullconnection_param_t *param, const int8_t *input, const int8_t *weight,
                            const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t depth = param->depth, units = param->units;
  const int32_t in_offset = -param->input_zp, w_offset = -param->weight_zp;
  const int32_t rnd = param->rounding, zp = param->output_zp, lo = param->act_min, hi = param->act_max;
  const int32_t mstep = param->per_channel ? 1 : 0;
  int32_t r, u, d;

  for (r = 0; r < param->rows; ++r) {
    const int8_t *x = input + (size_t)r * depth;
    int8_t *out = output + (size_t)r * units;
    int32_t x_term = 0; /* w_offset * sum (x + in_offset) */
    if (w_offset != 0) {
      for (d = 0; d < depth; ++d) {
        x_term += (int32_t)x[d] + in_offset;
      }
      x_term *= w_offset;
    }
    for (u = 0; u + 1 < units; u += 2) {
      const int8_t *w0 = weight + (size_t)u * depth;
      int32_t a0 = x_term + (bias != NULL ? bias[u] : 0);
      int32_t a1 = x_term + (bias != NULL ? bias[u + 1] : 0);
      nnacl_dot_s8_x1w2(x, w0, w0 + depth, depth, in_offset, &a0, &a1);
      out[u] = nnacl_requant_i8(a0, multiplier[u * mstep], shift[u * mstep], rnd, zp, lo, hi);
      out[u + 1] = nnacl_requant_i8(a1, multiplier[(u + 1) * mstep], shift[(u + 1) * mstep], rnd, zp, lo, hi);
    }
    if (u < units) {
      const int32_t a = nnacl_dot_s8(x, weight + (size_t)u * depth, depth, in_offset,
                                     x_term + (bias != NULL ? bias[u] : 0));
      out[u] = nnacl_requant_i8(a, multiplier[u * mstep], shift[u * mstep], rnd, zp, lo, hi);
    }
  }
}

#ifdef FC_SIMD32
static inline uint32_t fc_load4(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v)); /* one (unaligned) LDR */
  return v;
}

/* SXTB16 of the word rotated by 8 (bytes 1 and 3). Inline asm because ACLE has no rotated form
 * of __sxtb16 and GCC 12 does not fold a rotation into it (it emits a separate MOV ROR). */
static inline int32_t fc_sxtb16_ror8(uint32_t v) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

/* one input word (widened to xa = bytes 0, 2 and xb = bytes 1, 3) against word j of the four rows */
#define FC_WORD4_SIMD32(xv, w, j)                                                                   \
  do {                                                                                            \
    const int32_t xa_ = __sxtb16((int32_t)(xv)), xb_ = fc_sxtb16_ror8(xv);                         \
    uint32_t w0_ = fc_load4((w) + (j)), w1_ = fc_load4((w) + FC_PACK_DEPTH + (j));                 \
    a0 = __smlad(xa_, __sxtb16((int32_t)w0_), a0);                                                \
    a0 = __smlad(xb_, fc_sxtb16_ror8(w0_), a0);                                                   \
    a1 = __smlad(xa_, __sxtb16((int32_t)w1_), a1);                                                \
    a1 = __smlad(xb_, fc_sxtb16_ror8(w1_), a1);                                                   \
    w0_ = fc_load4((w) + 2 * FC_PACK_DEPTH + (j));                                                \
    w1_ = fc_load4((w) + 3 * FC_PACK_DEPTH + (j));                                                \
    a2 = __smlad(xa_, __sxtb16((int32_t)w0_), a2);                                                \
    a2 = __smlad(xb_, fc_sxtb16_ror8(w0_), a2);                                                   \
    a3 = __smlad(xa_, __sxtb16((int32_t)w1_), a3);                                                \
    a3 = __smlad(xb_, fc_sxtb16_ror8(w1_), a3);                                                   \
  } while (0)

/* 8 weight bytes of a row, one LDRD (the packed weights are 8-byte aligned and every row of a
 * block starts at a multiple of 16 bytes) */
static inline uint64_t fc_load8_aligned(const int8_t *p) {
  uint64_t v;
  memcpy(&v, __builtin_assume_aligned(p, 8), sizeof(v));
  return v;
}

#define FC_ROW8_SIMD32(acc, w)                                           \
  do {                                                                   \
    const uint64_t u_ = fc_load8_aligned(w);                             \
    const uint32_t u0_ = (uint32_t)u_, u1_ = (uint32_t)(u_ >> 32);       \
    acc = __smlad(xa0_, __sxtb16((int32_t)u0_), acc);                    \
    acc = __smlad(xb0_, fc_sxtb16_ror8(u0_), acc);                       \
    acc = __smlad(xa1_, __sxtb16((int32_t)u1_), acc);                    \
    acc = __smlad(xb1_, fc_sxtb16_ror8(u1_), acc);                       \
  } while (0)

#define FC_DWORD4_SIMD32(xp, w, j)                                                          \
  do {                                                                                     \
    const uint32_t x0_ = fc_load4(xp), x1_ = fc_load4((xp) + 4);                           \
    int32_t xa0_, xb0_, xa1_, xb1_;                                                        \
    xa0_ = __sxtb16((int32_t)x0_);                                                         \
    xb0_ = fc_sxtb16_ror8(x0_);                                                            \
    xa1_ = __sxtb16((int32_t)x1_);                                                         \
    xb1_ = fc_sxtb16_ror8(x1_);                                                            \
    FC_ROW8_SIMD32(a0, (w) + (j));                                                         \
    FC_ROW8_SIMD32(a1, (w) + FC_PACK_DEPTH + (j));                                         \
    FC_ROW8_SIMD32(a2, (w) + 2 * FC_PACK_DEPTH + (j));                                     \
    FC_ROW8_SIMD32(a3, (w) + 3 * FC_PACK_DEPTH + (j));                                     \
  } while (0)

/* GCC's first scheduling pass hoists the 16 weight loads of a chunk and spills the accumulators
 * (about 2 instructions per MAC instead of 1.5); without it the body stays in registers */
#if defined(__GNUC__) && !defined(__clang__)
#define FC_NO_SCHED __attribute__((optimize("no-schedule-insns")))
#else
#define FC_NO_SCHED
#endif
#endif /* FC_SIMD32 */

#if defined(NNACL_MVE_INT8)
/* fc_requant_packed on four lanes: hi = VMULH (floor(p / 2^32)), then VRSHL by -k rounds
 * (hi + 2^(k - 1)) >> k; lanes with k = 0 take VRMULH ((p + 2^31) >> 32) instead */
static inline int32x4_t fc_requant_packed_mve(int32x4_t acc, int32x4_t multiplier, int32x4_t shift, int32_t zp,
                                              int32_t lo, int32_t hi) {
  const int32x4_t neg_k = vaddq_n_s32(shift, 1); /* -k = shift + 1 <= 0 */
  int32x4_t v = vrshlq_s32(vmulhq_s32(acc, multiplier), neg_k);
  v = vpselq_s32(vrmulhq_s32(acc, multiplier), v, vcmpeqq_n_s32(neg_k, 0));
  v = vaddq_n_s32(v, zp);
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}
#endif

/* one input row against every packed block: out[u] = requant(bias'[u] + sum_d x[d] * w[u][d]) */
#ifdef FC_SIMD32
FC_NO_SCHED
#endif
static void fc_row_packed(const fullconnection_param_t *param, const int8_t *x, const int8_t *weight,
                          const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *out) {
  const int32_t depth = param->depth, units = param->units;
  const int32_t chunks = depth / FC_PACK_DEPTH, tail = depth % FC_PACK_DEPTH;
  const int32_t zp = param->output_zp, lo = param->act_min, hi = param->act_max;
  const int32_t per_channel = param->per_channel;
  const int8_t *w = weight;
  int32_t u, c;

  for (u = 0; u < units; u += FC_PACK_UNITS) {
    const int8_t *xp = x;
    int32_t a0 = bias[u], a1 = bias[u + 1], a2 = bias[u + 2], a3 = bias[u + 3];
#if defined(NNACL_MVE_INT8)
    const mve_pred16_t p4 = vctp32q((uint32_t)(units - u));
    int32x4_t acc;
    for (c = 0; c < chunks; ++c) {
      const int8x16_t xv = vldrbq_s8(xp);
      a0 = vmladavaq_s8(a0, xv, vldrbq_s8(w));
      a1 = vmladavaq_s8(a1, xv, vldrbq_s8(w + FC_PACK_DEPTH));
      a2 = vmladavaq_s8(a2, xv, vldrbq_s8(w + 2 * FC_PACK_DEPTH));
      a3 = vmladavaq_s8(a3, xv, vldrbq_s8(w + 3 * FC_PACK_DEPTH));
      xp += FC_PACK_DEPTH;
      w += FC_PACK_UNITS * FC_PACK_DEPTH;
    }
    if (tail > 0) { /* the input under a VCTP8 predicate (zeros past depth); the padded weights are 0 */
      const int8x16_t xv = vldrbq_z_s8(xp, vctp8q((uint32_t)tail));
      a0 = vmladavaq_s8(a0, xv, vldrbq_s8(w));
      a1 = vmladavaq_s8(a1, xv, vldrbq_s8(w + FC_PACK_DEPTH));
      a2 = vmladavaq_s8(a2, xv, vldrbq_s8(w + 2 * FC_PACK_DEPTH));
      a3 = vmladavaq_s8(a3, xv, vldrbq_s8(w + 3 * FC_PACK_DEPTH));
      w += FC_PACK_UNITS * FC_PACK_DEPTH;
    }
    acc = vsetq_lane_s32(a0, vdupq_n_s32(a1), 0); /* {a0, a1, a2, a3} */
    acc = vsetq_lane_s32(a2, acc, 2);
    acc = vsetq_lane_s32(a3, acc, 3);
    {
      const int32x4_t m = per_channel ? vldrwq_z_s32(multiplier + u, p4) : vdupq_n_s32(multiplier[0]);
      const int32x4_t s = per_channel ? vldrwq_z_s32(shift + u, p4) : vdupq_n_s32(shift[0]);
      vstrbq_p_s32(out + u, fc_requant_packed_mve(acc, m, s, zp, lo, hi), p4);
    }
#else
#if defined(FC_SIMD32)
    const int8_t *const x_end = x + chunks * FC_PACK_DEPTH;
    int32_t k;
    for (; xp < x_end; xp += FC_PACK_DEPTH, w += FC_PACK_UNITS * FC_PACK_DEPTH) {
      FC_DWORD4_SIMD32(xp, w, 0);
      FC_DWORD4_SIMD32(xp + 8, w, 8);
    }
    if (tail > 0) {
      for (k = 0; k + 4 <= tail; k += 4) {
        FC_WORD4_SIMD32(fc_load4(xp + k), w, k);
      }
      if (k < tail) { /* the last 1..3 values, zero-extended to a word (the padded weights are 0) */
        uint32_t v = 0;
        int32_t i;
        for (i = 0; k + i < tail; ++i) {
          v |= (uint32_t)(uint8_t)xp[k + i] << (8 * i);
        }
        FC_WORD4_SIMD32(v, w, k);
      }
      w += FC_PACK_UNITS * FC_PACK_DEPTH;
    }
    (void)c;
#else
    for (c = 0; c * FC_PACK_DEPTH < depth; ++c) {
      const int32_t n = c < chunks ? FC_PACK_DEPTH : tail;
      int32_t k;
      for (k = 0; k < n; ++k) {
        const int32_t xv = xp[k];
        a0 += xv * w[k];
        a1 += xv * w[FC_PACK_DEPTH + k];
        a2 += xv * w[2 * FC_PACK_DEPTH + k];
        a3 += xv * w[3 * FC_PACK_DEPTH + k];
      }
      xp += FC_PACK_DEPTH;
      w += FC_PACK_UNITS * FC_PACK_DEPTH;
    }
#endif
    {
      const int32_t ms = per_channel ? 1 : 0;
      const int32_t *m = multiplier + u * ms, *s = shift + u * ms;
      out[u] = fc_requant_packed(a0, m[0], s[0], zp, lo, hi);
      if (u + FC_PACK_UNITS <= units) {
        out[u + 1] = fc_requant_packed(a1, m[ms], s[ms], zp, lo, hi);
        out[u + 2] = fc_requant_packed(a2, m[2 * ms], s[2 * ms], zp, lo, hi);
        out[u + 3] = fc_requant_packed(a3, m[3 * ms], s[3 * ms], zp, lo, hi);
      } else { /* the last 1..3 units */
        if (u + 1 < units) {
          out[u + 1] = fc_requant_packed(a1, m[ms], s[ms], zp, lo, hi);
        }
        if (u + 2 < units) {
          out[u + 2] = fc_requant_packed(a2, m[2 * ms], s[2 * ms], zp, lo, hi);
        }
      }
    }
#endif
  }
}

static void fc_packed_int8(const fullconnection_param_t *param, const int8_t *input, const int8_t *weight,
                           const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  int32_t r;
  for (r = 0; r < param->rows; ++r) {
    fc_row_packed(param, input + (size_t)r * param->depth, weight, bias, multiplier, shift,
                  output + (size_t)r * param->units);
  }
}

void fullconnection_int8(const fullconnection_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
             const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  if (param->variant == FC_VARIANT_PACKED) {
    fc_packed_int8(param, input, weight, bias, multiplier, shift, output);
  } else {
    fc_generic_int8(param, input, weight, bias, multiplier, shift, output);
  }
}
