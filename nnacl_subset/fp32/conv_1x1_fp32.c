/*
 * conv_1x1_fp32.c -- fp32 pointwise convolution (group 1, 1x1 kernel, no padding, any
 * stride) as a gemm straight on the NHWC input. Two output channels per pass share
 * the input loads; each sum runs over ic in order from 0, bias added last.
 */
#include "fp32/conv_fp32.h"

void conv_1x1_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                   float *output) {
  const int32_t in_c = param->in_c, out_c = param->out_c;
  const int32_t act = param->act_type;
  int32_t b, oy, ox, oc, ic;

  for (b = 0; b < param->batch; ++b) {
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy = oy * param->stride_h;
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix = ox * param->stride_w;
        const float *x = input + (((size_t)b * param->in_h + iy) * param->in_w + ix) * in_c;
        float *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * out_c;
        for (oc = 0; oc + 1 < out_c; oc += 2) {
          const float *w0 = weight + (size_t)oc * in_c;
          const float *w1 = w0 + in_c;
          float a0 = 0.0f, a1 = 0.0f;
          for (ic = 0; ic < in_c; ++ic) {
            const float xv = x[ic];
            a0 += xv * w0[ic];
            a1 += xv * w1[ic];
          }
          out[oc] = nnacl_act_fp32(a0 + bias[oc], act);
          out[oc + 1] = nnacl_act_fp32(a1 + bias[oc + 1], act);
        }
        if (oc < out_c) {
          const float *w0 = weight + (size_t)oc * in_c;
          float a0 = 0.0f;
          for (ic = 0; ic < in_c; ++ic) {
            a0 += x[ic] * w0[ic];
          }
          out[oc] = nnacl_act_fp32(a0 + bias[oc], act);
        }
      }
    }
  }
}
