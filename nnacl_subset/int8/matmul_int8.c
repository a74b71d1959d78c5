/*
 * matmul_int8.c -- int8 MatMulFusion. When both operands run contiguously along k and B is
 * symmetric (b_zp 0: a constant B packed [n][k] at generation time), the dot product is
 * nnacl_dot_s8 of int8/dot_int8.h (SIMD32 on Cortex-M4 and up); otherwise a strided loop.
 * Both give the same exact int32 sum.
 */
#include "int8/matmul_int8.h"

#include "base/matmul_batch.h"
#include "int8/dot_int8.h"

void matmul_int8(const matmul_param_t *param, const int8_t *a, const int8_t *b, const int32_t *bias,
                 const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t row = param->row, deep = param->deep, col = param->col;
  const int32_t ars = param->a_row_stride, ads = param->a_deep_stride;
  const int32_t bds = param->b_deep_stride, bcs = param->b_col_stride;
  const int32_t a_offset = -param->a_zp, b_offset = -param->b_zp;
  const int32_t rnd = param->rounding, zp = param->output_zp, lo = param->act_min, hi = param->act_max;
  const int32_t mstep = param->per_channel ? 1 : 0;
  const int contiguous = ads == 1 && bds == 1 && b_offset == 0;
  int32_t idx[NNACL_MAX_DIMS] = {0};
  size_t a_off = 0, b_off = 0;
  int8_t *out = output;

  if (!matmul_output_nonempty(param)) {
    return;
  }
  do {
    int32_t m, n, k;
    for (m = 0; m < row; ++m) {
      const int8_t *am = a + a_off + (size_t)m * (size_t)ars;
      for (n = 0; n < col; ++n) {
        const int8_t *pb = b + b_off + (size_t)n * (size_t)bcs;
        int32_t acc = bias != NULL ? bias[n] : 0;
        if (contiguous) {
          acc = nnacl_dot_s8(am, pb, deep, a_offset, acc);
        } else {
          const int8_t *pa = am;
          for (k = 0; k < deep; ++k) {
            acc += ((int32_t)*pa + a_offset) * ((int32_t)*pb + b_offset);
            pa += ads;
            pb += bds;
          }
        }
        *out++ = nnacl_requant_i8(acc, multiplier[n * mstep], shift[n * mstep], rnd, zp, lo, hi);
      }
    }
  } while (matmul_next_batch(param, idx, &a_off, &b_off));
}
