/*
 * prelu_fp32.c -- fp32 PReLU. The input is walked in order; the slope offset follows a
 * multi-dimensional counter over param->shape with param->slope_strides (0 = broadcast dim).
 */
#include "fp32/prelu_fp32.h"

void prelu_fp32(const prelu_param_t *param, const float *input, const float *slope, float *output) {
  int32_t idx[NNACL_MAX_DIMS] = {0};
  int32_t i, d, off = 0;
  for (i = 0; i < param->size; ++i) {
    const float x = input[i];
    output[i] = x >= 0.0f ? x : x * slope[off];
    for (d = param->ndim - 1; d >= 0; --d) { /* next index: carry into the outer dims */
      if (++idx[d] < param->shape[d]) {
        off += param->slope_strides[d];
        break;
      }
      off -= param->slope_strides[d] * (param->shape[d] - 1);
      idx[d] = 0;
    }
  }
}
