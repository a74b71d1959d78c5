/*
 * matmul_fp32.c -- fp32 MatMulFusion. The batch dims are walked with an odometer that
 * keeps the element offsets of the current A and B matrices; each output element is one
 * strided dot product.
 */
#include "fp32/matmul_fp32.h"

void matmul_fp32(const matmul_param_t *param, const float *a, const float *b, const float *bias, float *output) {
  const int32_t row = param->row, deep = param->deep, col = param->col, act = param->act_type;
  const int32_t ars = param->a_row_stride, ads = param->a_deep_stride;
  const int32_t bds = param->b_deep_stride, bcs = param->b_col_stride;
  int32_t idx[NNACL_MAX_DIMS] = {0};
  size_t a_off = 0, b_off = 0;
  float *out = output;

  for (;;) {
    int32_t m, n, k, d;
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
    /* next batch index (innermost dim fastest) */
    for (d = param->batch_dims - 1; d >= 0; --d) {
      a_off += (size_t)param->a_batch_stride[d];
      b_off += (size_t)param->b_batch_stride[d];
      if (++idx[d] < param->batch_shape[d]) {
        break;
      }
      a_off -= (size_t)param->a_batch_stride[d] * (size_t)param->batch_shape[d];
      b_off -= (size_t)param->b_batch_stride[d] * (size_t)param->batch_shape[d];
      idx[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}
