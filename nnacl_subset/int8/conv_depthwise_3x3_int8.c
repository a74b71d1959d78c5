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
  const int32_t in_offset = -param->input_zp;
  const int32_t ky_begin = iy0 < 0 ? -iy0 : 0, ky_end = NNACL_MIN(3, in_h - iy0);
  const int32_t kx_begin = ix0 < 0 ? -ix0 : 0, kx_end = NNACL_MIN(3, in_w - ix0);
  int32_t c, ky, kx;
  for (c = 0; c < c_n; ++c) {
    int32_t acc = bias[c];
    for (ky = ky_begin; ky < ky_end; ++ky) {
      for (kx = kx_begin; kx < kx_end; ++kx) {
        const int32_t xv = in_b[((size_t)(iy0 + ky) * in_w + (ix0 + kx)) * c_n + c];
        acc += (xv + in_offset) * (int32_t)weight_hwo[(size_t)(ky * 3 + kx) * c_n + c];
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
  const int32_t in_offset = -param->input_zp;
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
            acc += ((int32_t)r0[c] + in_offset) * w0[c];
            acc += ((int32_t)r0[c + c_n] + in_offset) * w1[c];
            acc += ((int32_t)r0[c + 2 * c_n] + in_offset) * w2[c];
            acc += ((int32_t)r1[c] + in_offset) * w3[c];
            acc += ((int32_t)r1[c + c_n] + in_offset) * w4[c];
            acc += ((int32_t)r1[c + 2 * c_n] + in_offset) * w5[c];
            acc += ((int32_t)r2[c] + in_offset) * w6[c];
            acc += ((int32_t)r2[c + c_n] + in_offset) * w7[c];
            acc += ((int32_t)r2[c + 2 * c_n] + in_offset) * w8[c];
            out[c] = nnacl_requant_i8(acc, multiplier[c], shift[c], param->rounding, param->output_zp, param->act_min,
                                      param->act_max);
          }
        }
      }
    }
  }
}
