/*
 * conv_fp32.c -- dispatcher of the fp32 Conv2D variants and their scratch size.
 */
#include "fp32/conv_fp32.h"

size_t conv_fp32_scratch_size(const conv_param_t *param) {
  if (param->variant == CONV_VARIANT_IM2COL) {
    return (size_t)CONV_IM2COL_TILE * (size_t)param->kernel_h * (size_t)param->kernel_w * (size_t)param->in_c *
           sizeof(float);
  }
  return 0;
}

int conv_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
              void *scratch, size_t scratch_size, float *output) {
  switch (param->variant) {
    case CONV_VARIANT_GENERAL:
      conv_general_fp32(param, input, weight, bias, output);
      return NNACL_OK;
    case CONV_VARIANT_IM2COL:
      if (scratch == NULL || scratch_size < conv_fp32_scratch_size(param)) {
        return NNACL_ERR_SCRATCH;
      }
      conv_im2col_fp32(param, input, weight, bias, (float *)scratch, output);
      return NNACL_OK;
    case CONV_VARIANT_1X1:
      conv_1x1_fp32(param, input, weight, bias, output);
      return NNACL_OK;
    case CONV_VARIANT_DW:
      conv_depthwise_fp32(param, input, weight, bias, output);
      return NNACL_OK;
    case CONV_VARIANT_DW3X3:
      conv_depthwise_3x3_fp32(param, input, weight, bias, output);
      return NNACL_OK;
    default:
      return NNACL_ERR_PARAM;
  }
}
