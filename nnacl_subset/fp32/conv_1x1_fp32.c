/*
 * conv_1x1_fp32.c -- fp32 pointwise convolution (group 1, 1x1 kernel, no padding, any
 * stride) as a gemm straight on the NHWC input (nnacl_fp32_gemm: blocks of 2 pixels x 4
 * output channels); each sum runs over ic in order from 0, bias added last.
 */
#include "fp32/conv_fp32.h"
#include "fp32/dot_block_fp32.h"

void conv_1x1_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                   float *output) {
  const int32_t in_c = param->in_c, out_c = param->out_c;
  const size_t in_image = (size_t)param->in_h * param->in_w * in_c;
  const size_t out_row = (size_t)param->out_w * out_c;
  int32_t b, oy;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_image;
    float *out_b = output + (size_t)b * param->out_h * out_row;
    if (param->stride_h == 1 && param->stride_w == 1) { /* the output pixels are the input pixels */
      nnacl_fp32_gemm(in_b, (size_t)in_c, param->out_h * param->out_w, weight, in_c, out_c, bias, param->act_type,
                      out_b, (size_t)out_c);
      continue;
    }
    for (oy = 0; oy < param->out_h; ++oy) {
      const float *x = in_b + (size_t)oy * param->stride_h * param->in_w * in_c;
      nnacl_fp32_gemm(x, (size_t)param->stride_w * in_c, param->out_w, weight, in_c, out_c, bias, param->act_type,
                      out_b + (size_t)oy * out_row, (size_t)out_c);
    }
  }
}
