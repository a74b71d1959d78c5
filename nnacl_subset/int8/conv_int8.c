/*
 * conv_int8.c -- dispatcher of the int8 Conv2D variants and their scratch size.
 */
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"

/* Which variants this build contains: bit (1 << CONV_VARIANT_x) set = compiled in. The generator
 * passes -DCONV_INT8_VARIANTS=<bits of the variants the model uses> and copies only those files;
 * without it every variant is in. A variant left out makes conv_int8() return NNACL_ERR_PARAM. */
#ifndef CONV_INT8_VARIANTS
#define CONV_INT8_VARIANTS 0x1F
#endif
#if ((CONV_INT8_VARIANTS) & 0x1F) == 0
#error "CONV_INT8_VARIANTS selects no conv variant"
#endif
#define CONV_INT8_HAS(v) (((CONV_INT8_VARIANTS) >> (v)) & 1)

size_t conv_int8_scratch_size(const conv_param_t *param) {
  if (param->variant == CONV_VARIANT_IM2COL) {
    /* CONV_GEMM_INT8_TILE columns of K = kh * kw * in_c taps */
    return (size_t)CONV_GEMM_INT8_TILE * (size_t)param->kernel_h * (size_t)param->kernel_w * (size_t)param->in_c *
           sizeof(int8_t);
  }
  return 0;
}

int conv_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
              const int32_t *multiplier, const int32_t *shift, void *scratch, size_t scratch_size,
              int8_t *output) {
  (void)scratch; /* only the im2col variant uses it */
  (void)scratch_size;
  switch (param->variant) {
#if CONV_INT8_HAS(CONV_VARIANT_GENERAL)
    case CONV_VARIANT_GENERAL:
      conv_general_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
#endif
#if CONV_INT8_HAS(CONV_VARIANT_IM2COL)
    case CONV_VARIANT_IM2COL:
      if (scratch == NULL || scratch_size < conv_int8_scratch_size(param)) {
        return NNACL_ERR_SCRATCH;
      }
      conv_im2col_int8(param, input, weight, bias, multiplier, shift, (int8_t *)scratch, output);
      return NNACL_OK;
#endif
#if CONV_INT8_HAS(CONV_VARIANT_1X1)
    case CONV_VARIANT_1X1:
      conv_1x1_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
#endif
#if CONV_INT8_HAS(CONV_VARIANT_DW)
    case CONV_VARIANT_DW:
      conv_depthwise_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
#endif
#if CONV_INT8_HAS(CONV_VARIANT_DW3X3)
    case CONV_VARIANT_DW3X3:
      conv_depthwise_3x3_int8(param, input, weight, bias, multiplier, shift, output);
      return NNACL_OK;
#endif
    default:
      return NNACL_ERR_PARAM;
  }
}
