/*
 * conv_depthwise_int8.c -- int8 depthwise convolution (group == in_c), any depth
 * multiplier, stride, dilation and padding. Output channel oc reads input channel
 * oc / multiplier. Weights packed HWO [kh][kw][out_c] so the taps of neighbouring
 * channels are contiguous.
 */
#include "int8/conv_int8.h"

void conv_depthwise_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight_hwo,
                         const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t out_c = param->out_c, kh = param->kernel_h, kw = param->kernel_w;
  const int32_t mult = out_c / in_c;
  const int32_t zp = param->input_zp; /* padded taps count as x = input_zp (the bias holds -zp * sum(w)) */
  int32_t b, oy, ox, oc, ky, kx;

  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * out_c;
        for (oc = 0; oc < out_c; ++oc) {
          const int32_t ic = (mult == 1) ? oc : oc / mult;
          int32_t acc = bias[oc];
          for (ky = 0; ky < kh; ++ky) {
            const int32_t iy = iy0 + ky * param->dilation_h;
            const int8_t *w_row = weight_hwo + (size_t)ky * kw * out_c + oc;
            for (kx = 0; kx < kw; ++kx) {
              const int32_t ix = ix0 + kx * param->dilation_w;
              const int32_t xv = (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w)
                                     ? zp
                                     : (int32_t)in_b[((size_t)iy * in_w + ix) * in_c + ic];
              acc += xv * (int32_t)w_row[(size_t)kx * out_c];
            }
          }
          out[oc] = nnacl_requant_i8(acc, multiplier[oc], shift[oc], param->rounding, param->output_zp, param->act_min,
                                     param->act_max);
        }
      }
    }
  }
}
