/*
 * matmul_fp32.c -- fp32 MatMulFusion. The batch dims are walked with the odometer of
 * base/matmul_batch.h, which keeps the element offsets of the current A and B matrices; each
 * output element is one strided dot product.
 */
#include "fp32/matmul_fp32.h"

#include "base/matmul_batch.h"

void matmul_fp32(const matmul_param_t *param, const float *a, const float *b, const float *bias, float *output) {
  const int32_t row = param->row, deep = param->deep, col = param->col, act = param->act_type;
  const int32_t ars = param->a_row_stride, ads = param->a_deep_stride;
  const int32_t bds = param->b_deep_stride, bcs = param->b_col_stride;
  int32_t idx[NNACL_MAX_DIMS] = {0};
  size_t a_off = 0, b_off = 0;
  float *out = output;

  if (!matmul_output_nonempty(param)) {
    return;
  }
  do {
    int32_t m, n, k;
    for (m = 0; m < row; ++m) {
      const float *am = a + a_off + (size_t)m * (size_t)ars;
      for (n = 0; n < col; ++n) {
        const float *pa = am;
        const float *pb = b + b_off + (size_t)n * (size_t)bcs;
        float acc = 0.0f;
        for (k = 0; k < deep; ++k) {
          acc += *pa * *pb;
          pa += ads;
          pb += bds;
        }
        if (bias != NULL) {
          acc += bias[n];
        }
        *out++ = nnacl_act_fp32(acc, act);
      }
    }
  } while (matmul_next_batch(param, idx, &a_off, &b_off));
}
