/*
 * prelu_int8.c -- int8 PReLU: x = q - input_zp; x >= 0 requantizes x by (multiplier, shift),
 * x < 0 requantizes x * (slope - slope_zp) by (alpha_multiplier, alpha_shift); + output_zp,
 * clamped to int8. The slope offset is walked as in prelu_fp32.c.
 */
#include "int8/prelu_int8.h"

void prelu_int8(const prelu_param_t *param, const int8_t *input, const int8_t *slope, int8_t *output) {
  int32_t idx[NNACL_MAX_DIMS] = {0};
  int32_t i, d, off = 0;
  for (i = 0; i < param->size; ++i) {
    const int32_t x = (int32_t)input[i] - param->input_zp;
    if (x >= 0) {
      output[i] = nnacl_requant_i8(x, param->multiplier, param->shift, param->rounding, param->output_zp, -128, 127);
    } else {
      const int32_t a = (int32_t)slope[off] - param->slope_zp;
      output[i] = nnacl_requant_i8(x * a, param->alpha_multiplier, param->alpha_shift, param->rounding,
                                   param->output_zp, -128, 127);
    }
    for (d = param->ndim - 1; d >= 0; --d) {
      if (++idx[d] < param->shape[d]) {
        off += param->slope_strides[d];
        break;
      }
      off -= param->slope_strides[d] * (param->shape[d] - 1);
      idx[d] = 0;
    }
  }
}
