/*
 * conv_fp32.c -- dispatcher of the fp32 Conv2D variants and their scratch size.
 */
#include "fp32/conv_fp32.h"

/* Which variants this build contains: bit (1 << CONV_VARIANT_x) set = compiled in. The generator
 * passes -DCONV_FP32_VARIANTS=<bits of the variants the model uses> and copies only those files;
 * without it every variant is in. A variant left out makes conv_fp32() return NNACL_ERR_PARAM. */
#ifndef CONV_FP32_VARIANTS
#define CONV_FP32_VARIANTS 0x1F
#endif
#if ((CONV_FP32_VARIANTS) & 0x1F) == 0
#error "CONV_FP32_VARIANTS selects no conv variant"
#endif
#define CONV_FP32_HAS(v) (((CONV_FP32_VARIANTS) >> (v)) & 1)

size_t conv_fp32_scratch_size(const conv_param_t *param) {
  if (param->variant == CONV_VARIANT_IM2COL) {
    return (size_t)CONV_IM2COL_TILE * (size_t)param->kernel_h * (size_t)param->kernel_w * (size_t)param->in_c *
           sizeof(float);
  }
  return 0;
}

int conv_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
              void *scratch, size_t scratch_size, float *output) {
  (void)scratch; /* only the im2col variant uses it */
  (void)scratch_size;
  switch (param->variant) {
#if CONV_FP32_HAS(CONV_VARIANT_GENERAL)
    case CONV_VARIANT_GENERAL:
      conv_general_fp32(param, input, weight, bias, output);
      return NNACL_OK;
#endif
#if CONV_FP32_HAS(CONV_VARIANT_IM2COL)
    case CONV_VARIANT_IM2COL:
      if (scratch == NULL || scratch_size < conv_fp32_scratch_size(param)) {
        return NNACL_ERR_SCRATCH;
      }
      conv_im2col_fp32(param, input, weight, bias, (float *)scratch, output);
      return NNACL_OK;
#endif
#if CONV_FP32_HAS(CONV_VARIANT_1X1)
    case CONV_VARIANT_1X1:
      conv_1x1_fp32(param, input, weight, bias, output);
      return NNACL_OK;
#endif
#if CONV_FP32_HAS(CONV_VARIANT_DW)
    case CONV_VARIANT_DW:
      conv_depthwise_fp32(param, input, weight, bias, output);
      return NNACL_OK;
#endif
#if CONV_FP32_HAS(CONV_VARIANT_DW3X3)
    case CONV_VARIANT_DW3X3:
      conv_depthwise_3x3_fp32(param, input, weight, bias, output);
      return NNACL_OK;
#endif
    default:
      return NNACL_ERR_PARAM;
  }
}
