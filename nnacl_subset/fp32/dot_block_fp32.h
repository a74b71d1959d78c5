/*
 * dot_block_fp32.h -- register-blocked fp32 dot products shared by the fp32 conv and
 * FullConnection kernels.
 *
 *   nnacl_fp32_dot_2x4: acc[p * 4 + u] += sum_k x_p[k] * w_u[k]  (2 input rows x 4 weight rows)
 *   nnacl_fp32_dot_1x4: acc[u]         += sum_k x[k]   * w_u[k]  (1 input row  x 4 weight rows)
 *   nnacl_fp32_dw_3x3x8: acc[c] += sum_{ky, kx < 3} x[ky * row + kx * col + c] * w[(ky * 3 + kx) * 8 + c],
 *                        c < 8 (eight channels of one depthwise 3x3 output pixel)
 *
 * Every accumulator adds its terms in k (tap) order, one term at a time, so the kernels keep
 * the reference order of the sums. On a core with a single-precision FPU and fused
 * multiply-add (Cortex-M4F, M7, M33, M55: NNACL_FP32_VFP) each term is one VFMA -- rounded once
 * instead of twice, so results may differ from the portable C (and the TFLite reference) in
 * the last bits -- and the operands come in with VLDM, eight registers per instruction.
 * GCC never merges VLDR into VLDM and ACLE has no intrinsic for it, hence the inline assembly
 * (each block is one loop; operands in s0-s31, which the asm statements declare clobbered).
 * NNACL_NO_FP32_VFP forces the portable C loops (mul then add, the reference's rounding).
 */
#ifndef NNACL_FP32_DOT_BLOCK_FP32_H_
#define NNACL_FP32_DOT_BLOCK_FP32_H_

#include "common/nnacl_common.h"

#if defined(__ARM_FP) && ((__ARM_FP) & 4) && defined(__ARM_FEATURE_FMA) && defined(__thumb2__) && \
    !defined(NNACL_NO_FP32_VFP)
#define NNACL_FP32_VFP 1
#endif

#ifdef NNACL_FP32_VFP

/* acc += a * b rounded once (VFMA) */
static inline float nnacl_fp32_madd(float acc, float a, float b) {
  return __builtin_fmaf(a, b, acc);
}

#define NNACL_FP32_CLOBBER_S                                                                                   \
  "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", \
      "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31"

#define NNACL_VFMA(d, a, b) "vfma.f32 " #d ", " #a ", " #b "\n\t"
/* d += s0..s7 * s16..s23, in order */
#define NNACL_VFMA8_X0(d)                                                                                       \
  NNACL_VFMA(d, s0, s16) NNACL_VFMA(d, s1, s17) NNACL_VFMA(d, s2, s18) NNACL_VFMA(d, s3, s19)                  \
  NNACL_VFMA(d, s4, s20) NNACL_VFMA(d, s5, s21) NNACL_VFMA(d, s6, s22) NNACL_VFMA(d, s7, s23)
/* d += s8..s15 * s16..s23, in order */
#define NNACL_VFMA8_X1(d)                                                                                       \
  NNACL_VFMA(d, s8, s16) NNACL_VFMA(d, s9, s17) NNACL_VFMA(d, s10, s18) NNACL_VFMA(d, s11, s19)                \
  NNACL_VFMA(d, s12, s20) NNACL_VFMA(d, s13, s21) NNACL_VFMA(d, s14, s22) NNACL_VFMA(d, s15, s23)
/* s24..s31 += s0..s7 * s8..s15 (eight lanes, one term each) */
#define NNACL_VFMA_LANES8                                                                                       \
  NNACL_VFMA(s24, s0, s8) NNACL_VFMA(s25, s1, s9) NNACL_VFMA(s26, s2, s10) NNACL_VFMA(s27, s3, s11)            \
  NNACL_VFMA(s28, s4, s12) NNACL_VFMA(s29, s5, s13) NNACL_VFMA(s30, s6, s14) NNACL_VFMA(s31, s7, s15)
/* s24..s31 += s0..s7 * s16..s23 */
#define NNACL_VFMA_LANES8_HI                                                                                    \
  NNACL_VFMA(s24, s0, s16) NNACL_VFMA(s25, s1, s17) NNACL_VFMA(s26, s2, s18) NNACL_VFMA(s27, s3, s19)          \
  NNACL_VFMA(s28, s4, s20) NNACL_VFMA(s29, s5, s21) NNACL_VFMA(s30, s6, s22) NNACL_VFMA(s31, s7, s23)

static inline void nnacl_fp32_dot_2x4(const float *x0, const float *x1, const float *w0, int32_t w_stride,
                                      int32_t n, float *acc) {
  const float *w1 = w0 + w_stride, *w2 = w1 + w_stride, *w3 = w2 + w_stride;
  int32_t blocks = n >> 3, rest = n & 7;
  __asm__ volatile(
      "vldmia %[acc], {s24-s31}\n\t"
      "cmp %[blocks], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[x0]!, {s0-s7}\n\t"
      "vldmia %[x1]!, {s8-s15}\n\t"
      "vldmia %[w0]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s24) NNACL_VFMA8_X1(s28)
      "vldmia %[w1]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s25) NNACL_VFMA8_X1(s29)
      "vldmia %[w2]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s26) NNACL_VFMA8_X1(s30)
      "vldmia %[w3]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s27) NNACL_VFMA8_X1(s31)
      "subs %[blocks], %[blocks], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "cmp %[rest], #0\n\t"
      "beq 4f\n"
      "3:\n\t"
      "vldmia %[x0]!, {s0}\n\t"
      "vldmia %[x1]!, {s8}\n\t"
      "vldmia %[w0]!, {s16}\n\t"
      "vldmia %[w1]!, {s17}\n\t"
      "vldmia %[w2]!, {s18}\n\t"
      "vldmia %[w3]!, {s19}\n\t"
      NNACL_VFMA(s24, s0, s16) NNACL_VFMA(s25, s0, s17) NNACL_VFMA(s26, s0, s18) NNACL_VFMA(s27, s0, s19)
      NNACL_VFMA(s28, s8, s16) NNACL_VFMA(s29, s8, s17) NNACL_VFMA(s30, s8, s18) NNACL_VFMA(s31, s8, s19)
      "subs %[rest], %[rest], #1\n\t"
      "bne 3b\n"
      "4:\n\t"
      "vstmia %[acc], {s24-s31}\n\t"
      : [x0] "+r"(x0), [x1] "+r"(x1), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3),
        [blocks] "+r"(blocks), [rest] "+r"(rest)
      : [acc] "r"(acc)
      : "cc", "memory", NNACL_FP32_CLOBBER_S);
}

static inline void nnacl_fp32_dot_1x4(const float *x, const float *w0, int32_t w_stride, int32_t n, float *acc) {
  const float *w1 = w0 + w_stride, *w2 = w1 + w_stride, *w3 = w2 + w_stride;
  int32_t blocks = n >> 3, rest = n & 7;
  __asm__ volatile(
      "vldmia %[acc], {s24-s27}\n\t"
      "cmp %[blocks], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[x]!, {s0-s7}\n\t"
      "vldmia %[w0]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s24)
      "vldmia %[w1]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s25)
      "vldmia %[w2]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s26)
      "vldmia %[w3]!, {s16-s23}\n\t"
      NNACL_VFMA8_X0(s27)
      "subs %[blocks], %[blocks], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "cmp %[rest], #0\n\t"
      "beq 4f\n"
      "3:\n\t"
      "vldmia %[x]!, {s0}\n\t"
      "vldmia %[w0]!, {s16}\n\t"
      "vldmia %[w1]!, {s17}\n\t"
      "vldmia %[w2]!, {s18}\n\t"
      "vldmia %[w3]!, {s19}\n\t"
      NNACL_VFMA(s24, s0, s16) NNACL_VFMA(s25, s0, s17) NNACL_VFMA(s26, s0, s18) NNACL_VFMA(s27, s0, s19)
      "subs %[rest], %[rest], #1\n\t"
      "bne 3b\n"
      "4:\n\t"
      "vstmia %[acc], {s24-s27}\n\t"
      : [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [blocks] "+r"(blocks),
        [rest] "+r"(rest)
      : [acc] "r"(acc)
      : "cc", "memory", NNACL_FP32_CLOBBER_S);
}

#else /* portable C: mul then add, the reference's rounding */

static inline float nnacl_fp32_madd(float acc, float a, float b) {
  return acc + a * b;
}

static inline void nnacl_fp32_dot_2x4(const float *x0, const float *x1, const float *w0, int32_t w_stride,
                                      int32_t n, float *acc) {
  int32_t u, k;
  for (u = 0; u < 4; ++u) {
    const float *w = w0 + (size_t)u * (size_t)w_stride;
    float a0 = acc[u], a1 = acc[4 + u];
    for (k = 0; k < n; ++k) {
      a0 += x0[k] * w[k];
      a1 += x1[k] * w[k];
    }
    acc[u] = a0;
    acc[4 + u] = a1;
  }
}

static inline void nnacl_fp32_dot_1x4(const float *x, const float *w0, int32_t w_stride, int32_t n, float *acc) {
  int32_t u, k;
  for (u = 0; u < 4; ++u) {
    const float *w = w0 + (size_t)u * (size_t)w_stride;
    float a = acc[u];
    for (k = 0; k < n; ++k) {
      a += x[k] * w[k];
    }
    acc[u] = a;
  }
}

#endif /* NNACL_FP32_VFP */

/* out[j] = act(acc[j] + bias[j]) for j < n (bias NULL: no bias), in the reference's order */
static inline void nnacl_fp32_bias_act(const float *acc, const float *bias, int32_t n, int32_t act, float *out) {
  int32_t j;
  for (j = 0; j < n; ++j) {
    out[j] = nnacl_act_fp32(bias != NULL ? acc[j] + bias[j] : acc[j], act);
  }
}

/*
 * out[r * out_stride + u] = act(bias[u] + sum_k x[r * x_stride + k] * w[u * depth + k]) for
 * r < rows, u < units, k < depth: the gemm of the 1x1 / im2col convs and FullConnection.
 * Blocks of 2 rows x 4 units (1 x 4 for an odd last row); units that are not a multiple of
 * 4 end with a block overlapping the previous one (same values recomputed); fewer than 4
 * units run one at a time.
 */
static inline void nnacl_fp32_gemm(const float *x, size_t x_stride, int32_t rows, const float *w, int32_t depth,
                                   int32_t units, const float *bias, int32_t act, float *out, size_t out_stride) {
  float acc[8];
  int32_t r, u, j;
  if (units < 4) {
    for (r = 0; r < rows; ++r) {
      const float *xr = x + (size_t)r * x_stride;
      for (u = 0; u < units; ++u) {
        const float *wu = w + (size_t)u * (size_t)depth;
        float a = 0.0f;
        int32_t k;
        for (k = 0; k < depth; ++k) {
          a = nnacl_fp32_madd(a, xr[k], wu[k]);
        }
        nnacl_fp32_bias_act(&a, bias != NULL ? bias + u : NULL, 1, act, out + (size_t)r * out_stride + u);
      }
    }
    return;
  }
  for (r = 0; r + 1 < rows; r += 2) {
    const float *x0 = x + (size_t)r * x_stride;
    float *o0 = out + (size_t)r * out_stride;
    for (u = 0; u < units; u += 4) {
      const int32_t u0 = u + 4 <= units ? u : units - 4;
      for (j = 0; j < 8; ++j) {
        acc[j] = 0.0f;
      }
      nnacl_fp32_dot_2x4(x0, x0 + x_stride, w + (size_t)u0 * (size_t)depth, depth, depth, acc);
      nnacl_fp32_bias_act(acc, bias != NULL ? bias + u0 : NULL, 4, act, o0 + u0);
      nnacl_fp32_bias_act(acc + 4, bias != NULL ? bias + u0 : NULL, 4, act, o0 + out_stride + u0);
    }
  }
  if (r < rows) {
    const float *x0 = x + (size_t)r * x_stride;
    float *o0 = out + (size_t)r * out_stride;
    for (u = 0; u < units; u += 4) {
      const int32_t u0 = u + 4 <= units ? u : units - 4;
      for (j = 0; j < 4; ++j) {
        acc[j] = 0.0f;
      }
      nnacl_fp32_dot_1x4(x0, w + (size_t)u0 * (size_t)depth, depth, depth, acc);
      nnacl_fp32_bias_act(acc, bias != NULL ? bias + u0 : NULL, 4, act, o0 + u0);
    }
  }
}

#endif /* NNACL_FP32_DOT_BLOCK_FP32_H_ */
