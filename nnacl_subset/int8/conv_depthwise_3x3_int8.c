/*
 * conv_depthwise_3x3_int8.c -- int8 depthwise 3x3 fast path (multiplier 1, dilation 1).
 * Interior pixels run the nine taps unrolled without bounds checks; border pixels
 * go through the general depthwise loop. Weights packed HWO [3][3][channels].
 */
#include "int8/conv_int8.h"

static void dw3x3_border_pixel_int8(const conv_param_t *param, const int8_t *in_b, const int8_t *weight_hwo,
                                    const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                                    int32_t iy0, int32_t ix0, int8_t *out) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c;
  const int32_t zp = param->input_zp; /* padded taps count as x = input_zp (the bias holds -zp * sum(w)) */
  int32_t c, ky, kx;
  for (c = 0; c < c_n; ++c) {
    int32_t acc = bias[c];
    for (ky = 0; ky < 3; ++ky) {
      for (kx = 0; kx < 3; ++kx) {
        const int32_t iy = iy0 + ky, ix = ix0 + kx;
        const int32_t xv = (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w)
                               ? zp
                               : (int32_t)in_b[((size_t)iy * in_w + ix) * c_n + c];
        acc += xv * (int32_t)weight_hwo[(size_t)(ky * 3 + kx) * c_n + c];
      }
    }
    out[c] = nnacl_requant_i8(acc, multiplier[c], shift[c], param->rounding, param->output_zp, param->act_min,
                              param->act_max);
  }
}

void conv_depthwise_3x3_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight_hwo,
                             const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                             int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c;
  const size_t row = (size_t)in_w * c_n;
  const int8_t *w0 = weight_hwo;
  const int8_t *w1 = w0 + c_n;
  const int8_t *w2 = w1 + c_n;
  const int8_t *w3 = w2 + c_n;
  const int8_t *w4 = w3 + c_n;
  const int8_t *w5 = w4 + c_n;
  const int8_t *w6 = w5 + c_n;
  const int8_t *w7 = w6 + c_n;
  const int8_t *w8 = w7 + c_n;
  int32_t b, oy, ox, c;

  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        if (iy0 < 0 || ix0 < 0 || iy0 + 3 > in_h || ix0 + 3 > in_w) {
          dw3x3_border_pixel_int8(param, in_b, weight_hwo, bias, multiplier, shift, iy0, ix0, out);
          continue;
        }
        {
          const int8_t *r0 = in_b + (size_t)iy0 * row + (size_t)ix0 * c_n;
          const int8_t *r1 = r0 + row;
          const int8_t *r2 = r1 + row;
          for (c = 0; c < c_n; ++c) {
            int32_t acc = bias[c];
            acc += (int32_t)r0[c] * w0[c];
            acc += (int32_t)r0[c + c_n] * w1[c];
            acc += (int32_t)r0[c + 2 * c_n] * w2[c];
            acc += (int32_t)r1[c] * w3[c];
            acc += (int32_t)r1[c + c_n] * w4[c];
            acc += (int32_t)r1[c + 2 * c_n] * w5[c];
            acc += (int32_t)r2[c] * w6[c];
            acc += (int32_t)r2[c + c_n] * w7[c];
            acc += (int32_t)r2[c + 2 * c_n] * w8[c];
            out[c] = nnacl_requant_i8(acc, multiplier[c], shift[c], param->rounding, param->output_zp, param->act_min,
                                      param->act_max);
          }
        }
      }
    }
  }
}
