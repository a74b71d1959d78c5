/*
 * dot_block_fp32.h -- register-blocked fp32 dot products shared by the fp32 conv and
 * FullConnection kernels.
 *
 *   nnacl_fp32_dot_2x4: out_p[u] = bias[u] + sum_k x_p[k] * w_u[k]  (2 input rows x 4 weight rows)
 *   nnacl_fp32_dot_1x4: out[u]   = bias[u] + sum_k x[k] * w_u[k]    (1 input row x 4 weight rows)
 *   nnacl_fp32_dw_8:    eight channels of one depthwise output pixel over a rectangle of taps
 *   nnacl_fp32_dw2_3x3_8: eight channels of two depthwise 3x3 output pixels, all taps inside
 *   nnacl_fp32_gemm:    the blocked gemm built on them, with the fused activation
 *   nnacl_fp32_copy(_rows): float copies (im2col columns)
 *
 * Every sum starts from 0, adds its terms in k (tap) order one at a time, then the bias:
 * the order of the reference kernels. On a core with a single-precision FPU and fused
 * multiply-add (Cortex-M4F, M7, M33, M55: NNACL_FP32_VFP) each term is one VFMA -- rounded
 * once instead of twice, so results may differ from the portable C (and the TFLite
 * reference) in the last bits -- and the operands come in with VLDM, eight registers per
 * instruction. GCC never merges VLDR into VLDM and ACLE has no intrinsic for it, hence the
 * inline assembly (each block is one loop over operands in s0-s31, which the asm statements
 * declare clobbered). NNACL_NO_FP32_VFP forces the portable C (mul then add, the reference's
 * rounding).
 */
#ifndef NNACL_FP32_DOT_BLOCK_FP32_H_
#define NNACL_FP32_DOT_BLOCK_FP32_H_

#include "common/nnacl_common.h"

/* (not at -O0: the asm blocks need up to nine free core registers, more than GCC finds unoptimised) */
#if defined(__ARM_FP) && ((__ARM_FP) & 4) && defined(__ARM_FEATURE_FMA) && defined(__thumb2__) && \
    defined(__OPTIMIZE__) && !defined(NNACL_NO_FP32_VFP)
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

/* s16..s23 += s0..s7 * s8..s15 */
#define NNACL_VFMA_LANES8_LO                                                                                    \
  NNACL_VFMA(s16, s0, s8) NNACL_VFMA(s17, s1, s9) NNACL_VFMA(s18, s2, s10) NNACL_VFMA(s19, s3, s11)            \
  NNACL_VFMA(s20, s4, s12) NNACL_VFMA(s21, s5, s13) NNACL_VFMA(s22, s6, s14) NNACL_VFMA(s23, s7, s15)
/* one tap of two depthwise pixels: w (eight channels) times x0's and x1's eight channels,
 * then the pointers step on (w by col, x0 / x1 by the operand xstep) */
#define NNACL_DW2_TAP(xstep)                                                                                    \
  "vldmia %[w], {s8-s15}\n\t"                                                                                   \
  "vldmia %[x0], {s0-s7}\n\t" NNACL_VFMA_LANES8_LO                                                              \
  "vldmia %[x1], {s0-s7}\n\t" NNACL_VFMA_LANES8                                                                 \
  "add %[w], %[w], %[col]\n\t"                                                                                  \
  "add %[x0], %[x0], " xstep "\n\t"                                                                             \
  "add %[x1], %[x1], " xstep "\n\t"

/* s24..s31 = +0, through a core register holding 0 */
#define NNACL_ZERO8(z)                                                                                          \
  "movs " z ", #0\n\t"                                                                                          \
  "vmov s24, s25, " z ", " z "\n\tvmov s26, s27, " z ", " z "\n\t"                                              \
  "vmov s28, s29, " z ", " z "\n\tvmov s30, s31, " z ", " z "\n\t"

static inline void nnacl_fp32_dot_2x4(const float *x0, const float *x1, const float *w0, int32_t w_stride,
                                      int32_t n, const float *bias4, float *out0, float *out1) {
  const float *w1 = w0 + w_stride, *w2 = w1 + w_stride, *w3 = w2 + w_stride;
  const float *tail[3]; /* after the loops: bias, out0, out1 (fewer operand registers) */
  int32_t blocks = n, rest;
  tail[0] = bias4;
  tail[1] = out0;
  tail[2] = out1;
  __asm__ volatile(
      NNACL_ZERO8("%[rest]")
      "ands %[rest], %[blocks], #7\n\t"
      "lsrs %[blocks], %[blocks], #3\n\t"
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
      "ldr %[x0], [%[tail]]\n\t"
      "ldr %[x1], [%[tail], #4]\n\t"
      "ldr %[w0], [%[tail], #8]\n\t"
      "vldmia %[x0], {s0-s3}\n\t"
      "vadd.f32 s24, s24, s0\n\tvadd.f32 s25, s25, s1\n\tvadd.f32 s26, s26, s2\n\tvadd.f32 s27, s27, s3\n\t"
      "vadd.f32 s28, s28, s0\n\tvadd.f32 s29, s29, s1\n\tvadd.f32 s30, s30, s2\n\tvadd.f32 s31, s31, s3\n\t"
      "vstmia %[x1], {s24-s27}\n\t"
      "vstmia %[w0], {s28-s31}\n\t"
      : [x0] "+r"(x0), [x1] "+r"(x1), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3),
        [blocks] "+r"(blocks), [rest] "=&r"(rest)
      : [tail] "r"(tail)
      : "cc", "memory", NNACL_FP32_CLOBBER_S);
}

static inline void nnacl_fp32_dot_1x4(const float *x, const float *w0, int32_t w_stride, int32_t n,
                                      const float *bias4, float *out) {
  const float *w1 = w0 + w_stride, *w2 = w1 + w_stride, *w3 = w2 + w_stride;
  const float *tail[2]; /* after the loops: bias, out (fewer operand registers) */
  int32_t blocks = n, rest;
  tail[0] = bias4;
  tail[1] = out;
  __asm__ volatile(
      NNACL_ZERO8("%[rest]")
      "ands %[rest], %[blocks], #7\n\t"
      "lsrs %[blocks], %[blocks], #3\n\t"
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
      "ldr %[x], [%[tail]]\n\t"
      "ldr %[w0], [%[tail], #4]\n\t"
      "vldmia %[x], {s0-s3}\n\t"
      "vadd.f32 s24, s24, s0\n\tvadd.f32 s25, s25, s1\n\tvadd.f32 s26, s26, s2\n\tvadd.f32 s27, s27, s3\n\t"
      "vstmia %[w0], {s24-s27}\n\t"
      : [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [blocks] "+r"(blocks),
        [rest] "=&r"(rest)
      : [tail] "r"(tail)
      : "cc", "memory", NNACL_FP32_CLOBBER_S);
}

/*
 * Eight channels of one depthwise output pixel (depth multiplier 1): the taps of `rows` kernel
 * rows x `cols` kernel columns, x and w pointing at the first tap's channel c, stepping x_col /
 * w_col floats per kernel column (NHWC input, HWO weights); after a row, x moves on by x_skip
 * and w by w_skip floats. out[0..7] = bias[0..7] + the sums (rows, cols >= 1).
 */
static inline void nnacl_fp32_dw_8(const float *x, const float *w, int32_t x_col, int32_t w_col, int32_t x_skip,
                                   int32_t w_skip, int32_t rows, int32_t cols, const float *bias8, float *out) {
  /* read inside the loops from memory: cols, x_skip and w_skip in bytes, bias, out
   * (seven operand registers whatever the caller keeps live) */
  const int32_t arg[5] = {cols, x_skip * 4, w_skip * 4, (int32_t)(intptr_t)bias8, (int32_t)(intptr_t)out};
  const int32_t x_col_bytes = x_col * 4, w_col_bytes = w_col * 4;
  int32_t k;
  __asm__ volatile(
      NNACL_ZERO8("%[k]")
      "1:\n\t"
      "ldr %[k], [%[arg]]\n"
      "2:\n\t"
      "vldmia %[x], {s0-s7}\n\t"
      "vldmia %[w], {s8-s15}\n\t"
      "add %[x], %[x], %[xc]\n\t"
      "add %[w], %[w], %[wc]\n\t"
      NNACL_VFMA_LANES8
      "subs %[k], %[k], #1\n\t"
      "bne 2b\n\t"
      "ldr %[k], [%[arg], #4]\n\t"
      "add %[x], %[x], %[k]\n\t"
      "ldr %[k], [%[arg], #8]\n\t"
      "add %[w], %[w], %[k]\n\t"
      "subs %[rows], %[rows], #1\n\t"
      "bne 1b\n\t"
      "ldr %[k], [%[arg], #12]\n\t"
      "vldmia %[k], {s0-s7}\n\t"
      "vadd.f32 s24, s24, s0\n\tvadd.f32 s25, s25, s1\n\tvadd.f32 s26, s26, s2\n\tvadd.f32 s27, s27, s3\n\t"
      "vadd.f32 s28, s28, s4\n\tvadd.f32 s29, s29, s5\n\tvadd.f32 s30, s30, s6\n\tvadd.f32 s31, s31, s7\n\t"
      "ldr %[k], [%[arg], #16]\n\t"
      "vstmia %[k], {s24-s31}\n\t"
      : [x] "+r"(x), [w] "+r"(w), [rows] "+r"(rows), [k] "=&r"(k)
      : [xc] "r"(x_col_bytes), [wc] "r"(w_col_bytes), [arg] "r"(arg)
      : "cc", "memory", NNACL_FP32_CLOBBER_S);
}

/*
 * Eight channels of two depthwise 3x3 output pixels whose taps are all inside the input
 * (multiplier 1, dilation 1): x0 / x1 point at each pixel's first tap, channel c; w at the
 * HWO weights of tap 0, channel c; col = the channel count (floats from one tap column to
 * the next, input and weights), row = the input row in floats.
 * out0[0..7] / out1[0..7] = bias[0..7] + the nine taps in (ky, kx) order.
 */
static inline void nnacl_fp32_dw2_3x3_8(const float *x0, const float *x1, const float *w, int32_t col, int32_t row,
                                        const float *bias8, float *out0, float *out1) {
  const float *tail[3]; /* after the taps: bias, out0, out1 (fewer operand registers) */
  const int32_t col_bytes = col * 4, skip_bytes = (row - 2 * col) * 4;
  int32_t z;
  tail[0] = bias8;
  tail[1] = out0;
  tail[2] = out1;
  __asm__ volatile(
      "movs %[z], #0\n\t"
      "vmov s16, s17, %[z], %[z]\n\tvmov s18, s19, %[z], %[z]\n\t"
      "vmov s20, s21, %[z], %[z]\n\tvmov s22, s23, %[z], %[z]\n\t"
      "vmov s24, s25, %[z], %[z]\n\tvmov s26, s27, %[z], %[z]\n\t"
      "vmov s28, s29, %[z], %[z]\n\tvmov s30, s31, %[z], %[z]\n\t"
      NNACL_DW2_TAP("%[col]") NNACL_DW2_TAP("%[col]") NNACL_DW2_TAP("%[skip]")
      NNACL_DW2_TAP("%[col]") NNACL_DW2_TAP("%[col]") NNACL_DW2_TAP("%[skip]")
      NNACL_DW2_TAP("%[col]") NNACL_DW2_TAP("%[col]")
      "vldmia %[w], {s8-s15}\n\t"
      "vldmia %[x0], {s0-s7}\n\t" NNACL_VFMA_LANES8_LO
      "vldmia %[x1], {s0-s7}\n\t" NNACL_VFMA_LANES8
      "ldr %[z], [%[tail]]\n\t"
      "vldmia %[z], {s0-s7}\n\t"
      "vadd.f32 s16, s16, s0\n\tvadd.f32 s17, s17, s1\n\tvadd.f32 s18, s18, s2\n\tvadd.f32 s19, s19, s3\n\t"
      "vadd.f32 s20, s20, s4\n\tvadd.f32 s21, s21, s5\n\tvadd.f32 s22, s22, s6\n\tvadd.f32 s23, s23, s7\n\t"
      "vadd.f32 s24, s24, s0\n\tvadd.f32 s25, s25, s1\n\tvadd.f32 s26, s26, s2\n\tvadd.f32 s27, s27, s3\n\t"
      "vadd.f32 s28, s28, s4\n\tvadd.f32 s29, s29, s5\n\tvadd.f32 s30, s30, s6\n\tvadd.f32 s31, s31, s7\n\t"
      "ldr %[z], [%[tail], #4]\n\t"
      "vstmia %[z], {s16-s23}\n\t"
      "ldr %[z], [%[tail], #8]\n\t"
      "vstmia %[z], {s24-s31}\n\t"
      : [x0] "+r"(x0), [x1] "+r"(x1), [w] "+r"(w), [z] "=&r"(z)
      : [col] "r"(col_bytes), [skip] "r"(skip_bytes), [tail] "r"(tail)
      : "cc", "memory", NNACL_FP32_CLOBBER_S);
}

/* dst[0..n) = src[0..n), eight floats per VLDM / VSTM pair */
static inline void nnacl_fp32_copy(float *dst, const float *src, int32_t n) {
  int32_t blocks = n, rest;
  __asm__ volatile(
      "and %[rest], %[blocks], #7\n\t"
      "lsrs %[blocks], %[blocks], #3\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[src]!, {s0-s7}\n\t"
      "vstmia %[dst]!, {s0-s7}\n\t"
      "subs %[blocks], %[blocks], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "cmp %[rest], #0\n\t"
      "beq 4f\n"
      "3:\n\t"
      "vldmia %[src]!, {s0}\n\t"
      "vstmia %[dst]!, {s0}\n\t"
      "subs %[rest], %[rest], #1\n\t"
      "bne 3b\n"
      "4:\n\t"
      : [dst] "+r"(dst), [src] "+r"(src), [blocks] "+r"(blocks), [rest] "=&r"(rest)
      :
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7");
}

/* `rows` runs of n floats, src_skip floats apart (after each run), copied to dst back to back */
static inline void nnacl_fp32_copy_rows(float *dst, const float *src, int32_t n, int32_t rows, int32_t src_skip) {
  const int32_t skip_bytes = src_skip * 4;
  int32_t k, rest;
  __asm__ volatile(
      "1:\n\t"
      "and %[rest], %[n], #7\n\t"
      "lsrs %[k], %[n], #3\n\t"
      "beq 3f\n"
      "2:\n\t"
      "vldmia %[src]!, {s0-s7}\n\t"
      "vstmia %[dst]!, {s0-s7}\n\t"
      "subs %[k], %[k], #1\n\t"
      "bne 2b\n"
      "3:\n\t"
      "cmp %[rest], #0\n\t"
      "beq 5f\n"
      "4:\n\t"
      "vldmia %[src]!, {s0}\n\t"
      "vstmia %[dst]!, {s0}\n\t"
      "subs %[rest], %[rest], #1\n\t"
      "bne 4b\n"
      "5:\n\t"
      "add %[src], %[src], %[skip]\n\t"
      "subs %[rows], %[rows], #1\n\t"
      "bne 1b\n\t"
      : [dst] "+r"(dst), [src] "+r"(src), [rows] "+r"(rows), [k] "=&r"(k), [rest] "=&r"(rest)
      : [n] "r"(n), [skip] "r"(skip_bytes)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7");
}

#else /* portable C: mul then add, the reference's rounding */

static inline float nnacl_fp32_madd(float acc, float a, float b) {
  return acc + a * b;
}

static inline void nnacl_fp32_dot_2x4(const float *x0, const float *x1, const float *w0, int32_t w_stride,
                                      int32_t n, const float *bias4, float *out0, float *out1) {
  int32_t u, k;
  for (u = 0; u < 4; ++u) {
    const float *w = w0 + (size_t)u * (size_t)w_stride;
    float a0 = 0.0f, a1 = 0.0f;
    for (k = 0; k < n; ++k) {
      a0 += x0[k] * w[k];
      a1 += x1[k] * w[k];
    }
    out0[u] = a0 + bias4[u];
    out1[u] = a1 + bias4[u];
  }
}

static inline void nnacl_fp32_dot_1x4(const float *x, const float *w0, int32_t w_stride, int32_t n,
                                      const float *bias4, float *out) {
  int32_t u, k;
  for (u = 0; u < 4; ++u) {
    const float *w = w0 + (size_t)u * (size_t)w_stride;
    float a = 0.0f;
    for (k = 0; k < n; ++k) {
      a += x[k] * w[k];
    }
    out[u] = a + bias4[u];
  }
}

static inline void nnacl_fp32_dw_8(const float *x, const float *w, int32_t x_col, int32_t w_col, int32_t x_skip,
                                   int32_t w_skip, int32_t rows, int32_t cols, const float *bias8, float *out) {
  float acc[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  int32_t r, k, c;
  for (r = 0; r < rows; ++r) {
    for (k = 0; k < cols; ++k) {
      for (c = 0; c < 8; ++c) {
        acc[c] += x[c] * w[c];
      }
      x += x_col;
      w += w_col;
    }
    x += x_skip;
    w += w_skip;
  }
  for (c = 0; c < 8; ++c) {
    out[c] = acc[c] + bias8[c];
  }
}

static inline void nnacl_fp32_dw2_3x3_8(const float *x0, const float *x1, const float *w, int32_t col, int32_t row,
                                        const float *bias8, float *out0, float *out1) {
  nnacl_fp32_dw_8(x0, w, col, col, row - 3 * col, 0, 3, 3, bias8, out0);
  nnacl_fp32_dw_8(x1, w, col, col, row - 3 * col, 0, 3, 3, bias8, out1);
}

static inline void nnacl_fp32_copy(float *dst, const float *src, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    dst[i] = src[i];
  }
}

static inline void nnacl_fp32_copy_rows(float *dst, const float *src, int32_t n, int32_t rows, int32_t src_skip) {
  int32_t r, i;
  for (r = 0; r < rows; ++r) {
    for (i = 0; i < n; ++i) {
      *dst++ = *src++;
    }
    src += src_skip;
  }
}

#endif /* NNACL_FP32_VFP */

/* float bits with the sign bit set -> +0 (RELU on the bits of a float) */
static inline uint32_t nnacl_fp32_relu_bits(uint32_t b) {
#ifdef __ARM_FEATURE_SAT
  return (uint32_t)__builtin_arm_usat((int32_t)b, 31);
#else
  return (int32_t)b < 0 ? 0u : b;
#endif
}

/* v[j] = act(v[j]) for j < n, n a multiple of 4. RELU / RELU6 work on the bits: a set sign
 * bit gives +0 and a non-negative float compares as its bit pattern (so -0 becomes +0 and
 * NaNs are not kept); four lanes per step. */
static inline void nnacl_fp32_act_inplace(float *v, int32_t n, int32_t act) {
  union {
    float f[4];
    uint32_t u[4];
  } b;
  int32_t j;
  if (act == NNACL_ACT_RELU) {
    for (j = 0; j < n; j += 4) {
      b.f[0] = v[j], b.f[1] = v[j + 1], b.f[2] = v[j + 2], b.f[3] = v[j + 3];
      b.u[0] = nnacl_fp32_relu_bits(b.u[0]);
      b.u[1] = nnacl_fp32_relu_bits(b.u[1]);
      b.u[2] = nnacl_fp32_relu_bits(b.u[2]);
      b.u[3] = nnacl_fp32_relu_bits(b.u[3]);
      v[j] = b.f[0], v[j + 1] = b.f[1], v[j + 2] = b.f[2], v[j + 3] = b.f[3];
    }
  } else if (act == NNACL_ACT_RELU6) {
    const uint32_t six = 0x40C00000u; /* 6.0f */
    for (j = 0; j < n; j += 4) {
      b.f[0] = v[j], b.f[1] = v[j + 1], b.f[2] = v[j + 2], b.f[3] = v[j + 3];
      b.u[0] = NNACL_MIN(nnacl_fp32_relu_bits(b.u[0]), six);
      b.u[1] = NNACL_MIN(nnacl_fp32_relu_bits(b.u[1]), six);
      b.u[2] = NNACL_MIN(nnacl_fp32_relu_bits(b.u[2]), six);
      b.u[3] = NNACL_MIN(nnacl_fp32_relu_bits(b.u[3]), six);
      v[j] = b.f[0], v[j + 1] = b.f[1], v[j + 2] = b.f[2], v[j + 3] = b.f[3];
    }
  } else if (act != NNACL_ACT_NONE) {
    for (j = 0; j < n; ++j) {
      v[j] = nnacl_act_fp32(v[j], act);
    }
  }
}

/*
 * out[r * out_stride + u] = act(bias[u] + sum_k x[r * x_stride + k] * w[u * depth + k]) for
 * r < rows, u < units, k < depth (bias NULL: 0): the gemm of the 1x1 / im2col convs and
 * FullConnection. Blocks of 2 rows x 4 units (1 x 4 for an odd last row); when units is not
 * a multiple of 4 the last block overlaps the one before (same values written again); fewer
 * than 4 units run one at a time.
 */
#ifdef __GNUC__
__attribute__((noinline, unused)) /* one register context for the asm blocks, whoever calls it */
#endif
static void nnacl_fp32_gemm(const float *x, size_t x_stride, int32_t rows, const float *w, int32_t depth,
                            int32_t units, const float *bias, int32_t act, float *out, size_t out_stride) {
  static const float zeros[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int32_t r, u;
  if (units < 4) {
    for (r = 0; r < rows; ++r) {
      const float *xr = x + (size_t)r * x_stride;
      float *o = out + (size_t)r * out_stride;
      for (u = 0; u < units; ++u) {
        const float *wu = w + (size_t)u * (size_t)depth;
        float a = 0.0f;
        int32_t k;
        for (k = 0; k < depth; ++k) {
          a = nnacl_fp32_madd(a, xr[k], wu[k]);
        }
        o[u] = nnacl_act_fp32(bias != NULL ? a + bias[u] : a, act);
      }
    }
    return;
  }
  for (r = 0; r + 1 < rows; r += 2) {
    const float *x0 = x + (size_t)r * x_stride;
    float *o0 = out + (size_t)r * out_stride;
    for (u = 0; u < units; u += 4) {
      const int32_t u0 = u + 4 <= units ? u : units - 4;
      nnacl_fp32_dot_2x4(x0, x0 + x_stride, w + (size_t)u0 * (size_t)depth, depth, depth,
                         bias != NULL ? bias + u0 : zeros, o0 + u0, o0 + out_stride + u0);
      nnacl_fp32_act_inplace(o0 + u0, 4, act);
      nnacl_fp32_act_inplace(o0 + out_stride + u0, 4, act);
    }
  }
  if (r < rows) {
    const float *x0 = x + (size_t)r * x_stride;
    float *o0 = out + (size_t)r * out_stride;
    for (u = 0; u < units; u += 4) {
      const int32_t u0 = u + 4 <= units ? u : units - 4;
      nnacl_fp32_dot_1x4(x0, w + (size_t)u0 * (size_t)depth, depth, depth, bias != NULL ? bias + u0 : zeros,
                         o0 + u0);
      nnacl_fp32_act_inplace(o0 + u0, 4, act);
    }
  }
}

#endif /* NNACL_FP32_DOT_BLOCK_FP32_H_ */
