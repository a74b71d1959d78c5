/*
 * conv_general_int8.c -- direct (sliding window) int8 convolution: any group, stride,
 * dilation and padding. Weights OHWI [out_c][kh][kw][in_c / group].
 */
#include "int8/conv_int8.h"
#include "int8/dot_int8.h"

void conv_general_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                       const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t out_h = param->out_h, out_w = param->out_w, out_c = param->out_c;
  const int32_t kh = param->kernel_h, kw = param->kernel_w;
  const int32_t group = param->group > 0 ? param->group : 1;
  const int32_t icg = in_c / group, ocg = out_c / group;
  const int32_t zp = param->input_zp;
  int32_t b, oy, ox, oc;

  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      for (ox = 0; ox < out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        int8_t *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        for (oc = 0; oc < out_c; ++oc) {
          const int32_t g = oc / ocg;
          int32_t acc = bias[oc];
          int32_t ky, kx;
          for (ky = 0; ky < kh; ++ky) {
            const int32_t iy = iy0 + ky * param->dilation_h;
            for (kx = 0; kx < kw; ++kx) {
              const int32_t ix = ix0 + kx * param->dilation_w;
              const int8_t *w = weight + (((size_t)oc * kh + ky) * kw + kx) * icg;
              if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
                int32_t ic;
                for (ic = 0; ic < icg; ++ic) { /* a padded tap: x = input_zp */
                  acc += zp * (int32_t)w[ic];
                }
              } else {
                acc = nnacl_dot_s8(in_b + ((size_t)iy * in_w + ix) * in_c + (size_t)g * icg, w, icg, 0, acc);
              }
            }
          }
          out[oc] = nnacl_requant_i8(acc, multiplier[oc], shift[oc], param->rounding, param->output_zp, param->act_min,
                                     param->act_max);
        }
      }
    }
  }
}
