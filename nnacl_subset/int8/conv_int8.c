/*
 * conv_int8.c -- dispatcher of the int8 Conv2D variants and their scratch size.
 */
#include "int8/conv_int8.h"

size_t conv_int8_scratch_size(const conv_param_t *param) {
  if (param->variant == CONV_VARIANT_IM2COL) {
    return (size_t)CONV_IM2COL_TILE * (size_t)param->kernel_h * (size_t)param->kernel_w * (size_t)param->in_c *
           sizeof(int8_t);
  }
  return 0;
}

int conv_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
              const int32_t *multiplier, const int32_t *shift, void *scratch, size_t scratch_size,
              int8_t *output) {
  switch (param->variant) {
    case CONV_VARIANT_GENERAL:
      conv_general_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
    case CONV_VARIANT_IM2COL:
      if (scratch == NULL || scratch_size < conv_int8_scratch_size(param)) {
        return NNACL_ERR_SCRATCH;
      }
      conv_im2col_int8(param, input, weight, bias, multiplier, shift, (int8_t *)scratch, output);
      return NNACL_OK;
    case CONV_VARIANT_1X1:
      conv_1x1_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
    case CONV_VARIANT_DW:
      conv_depthwise_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
    case CONV_VARIANT_DW3X3:
      conv_depthwise_3x3_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
    default:
      return NNACL_ERR_PARAM;
  }
}
