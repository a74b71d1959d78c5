/*
 * conv_general_fp32.c -- direct (sliding window) fp32 convolution: any group, stride,
 * dilation and padding. Weights OHWI [out_c][kh][kw][in_c / group]. Padded taps are
 * skipped; the sum runs in (ky, kx, ic) order from 0 (nnacl_fp32_madd: fused on Arm FPUs),
 * bias added last.
 */
#include "fp32/conv_fp32.h"
#include "fp32/dot_block_fp32.h"

void conv_general_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                       float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t out_h = param->out_h, out_w = param->out_w, out_c = param->out_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w;
  const int32_t group = param->group > 0 ? param->group : 1;
  const int32_t icg = in_c / group, ocg = out_c / group;
  int32_t b, oy, ox, oc;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      for (ox = 0; ox < out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        float *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        for (oc = 0; oc < out_c; ++oc) {
          const int32_t g = oc / ocg;
          float acc = 0.0f;
          int32_t ky, kx, ic;
          for (ky = 0; ky < kh; ++ky) {
            const int32_t iy = iy0 + ky * param->dilation_h;
            if (iy < 0 || iy >= in_h) {
              continue;
            }
            for (kx = 0; kx < kw; ++kx) {
              const int32_t ix = ix0 + kx * param->dilation_w;
              const float *x;
              const float *w;
              if (ix < 0 || ix >= in_w) {
                continue;
              }
              x = in_b + ((size_t)iy * in_w + ix) * in_c + (size_t)g * icg;
              w = weight + (((size_t)oc * kh + ky) * kw + kx) * icg;
              for (ic = 0; ic < icg; ++ic) {
                acc = nnacl_fp32_madd(acc, x[ic], w[ic]);
              }
            }
          }
          out[oc] = nnacl_act_fp32(acc + bias[oc], param->act_type);
        }
      }
    }
  }
}
