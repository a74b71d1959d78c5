/*
 * deconv_fp32.c -- fp32 deconvolution as a gather over the output: every output pixel sums
 * the taps that reach an input pixel. The output row of out_c floats is the accumulator, so
 * each output channel still adds its terms in (ky, kx, ic) order from 0.
 */
#include "fp32/deconv_fp32.h"

#include "base/deconv_tap.h"

void deconv_fp32(const deconv_param_t *param, const float *input, const float *weight, const float *bias,
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
      for (ox = 0; ox < out_w; ++ox) {
        float *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        int32_t ky, kx;
        for (oc = 0; oc < out_c; ++oc) {
          out[oc] = 0.0f;
        }
        for (ky = 0; ky < kh; ++ky) {
          const int32_t iy = deconv_tap_input(oy, ky, param->stride_h, param->dilation_h, param->pad_top, in_h);
          if (iy < 0) {
            continue;
          }
          for (kx = 0; kx < kw; ++kx) {
            const int32_t ix = deconv_tap_input(ox, kx, param->stride_w, param->dilation_w, param->pad_left, in_w);
            const float *x;
            int32_t ic;
            if (ix < 0) {
              continue;
            }
            x = in_b + ((size_t)iy * in_w + ix) * in_c;
            for (ic = 0; ic < in_c; ++ic) {
              const float xv = x[ic];
              const float *w = weight + (((size_t)ic * kh + ky) * kw + kx) * ocg;
              float *o = out + (size_t)(ic / icg) * ocg;
              int32_t j;
              for (j = 0; j < ocg; ++j) {
                o[j] += xv * w[j];
              }
            }
          }
        }
        for (oc = 0; oc < out_c; ++oc) {
          out[oc] = nnacl_act_fp32(bias != NULL ? out[oc] + bias[oc] : out[oc], param->act_type);
        }
      }
    }
  }
}
