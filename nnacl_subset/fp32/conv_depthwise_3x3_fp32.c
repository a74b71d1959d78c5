/*
 * conv_depthwise_3x3_fp32.c -- fp32 depthwise 3x3 fast path (multiplier 1, dilation 1).
 * Interior pixels run the nine taps unrolled; border pixels skip the padded taps.
 * Weights packed HWO [3][3][channels]. Sums in (ky, kx) order from 0, bias last.
 */
#include "fp32/conv_fp32.h"

static void dw3x3_border_pixel_fp32(const conv_param_t *param, const float *in_b, const float *weight_hwo,
                                    const float *bias, int32_t iy0, int32_t ix0, float *out) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c;
  const int32_t ky_begin = iy0 < 0 ? -iy0 : 0, ky_end = NNACL_MIN(3, in_h - iy0);
  const int32_t kx_begin = ix0 < 0 ? -ix0 : 0, kx_end = NNACL_MIN(3, in_w - ix0);
  int32_t c, ky, kx;
  for (c = 0; c < c_n; ++c) {
    float acc = 0.0f;
    for (ky = ky_begin; ky < ky_end; ++ky) {
      for (kx = kx_begin; kx < kx_end; ++kx) {
        acc += in_b[((size_t)(iy0 + ky) * in_w + (ix0 + kx)) * c_n + c] * weight_hwo[(size_t)(ky * 3 + kx) * c_n + c];
      }
    }
    out[c] = nnacl_act_fp32(acc + bias[c], param->act_type);
  }
}

void conv_depthwise_3x3_fp32(const conv_param_t *param, const float *input, const float *weight_hwo,
                             const float *bias, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c;
  const int32_t act = param->act_type;
  const size_t row = (size_t)in_w * c_n;
  const float *w0 = weight_hwo;
  const float *w1 = w0 + c_n;
  const float *w2 = w1 + c_n;
  const float *w3 = w2 + c_n;
  const float *w4 = w3 + c_n;
  const float *w5 = w4 + c_n;
  const float *w6 = w5 + c_n;
  const float *w7 = w6 + c_n;
  const float *w8 = w7 + c_n;
  int32_t b, oy, ox, c;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        float *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        if (iy0 < 0 || ix0 < 0 || iy0 + 3 > in_h || ix0 + 3 > in_w) {
          dw3x3_border_pixel_fp32(param, in_b, weight_hwo, bias, iy0, ix0, out);
          continue;
        }
        {
          const float *r0 = in_b + (size_t)iy0 * row + (size_t)ix0 * c_n;
          const float *r1 = r0 + row;
          const float *r2 = r1 + row;
          for (c = 0; c < c_n; ++c) {
            float acc = r0[c] * w0[c];
            acc += r0[c + c_n] * w1[c];
            acc += r0[c + 2 * c_n] * w2[c];
            acc += r1[c] * w3[c];
            acc += r1[c + c_n] * w4[c];
            acc += r1[c + 2 * c_n] * w5[c];
            acc += r2[c] * w6[c];
            acc += r2[c + c_n] * w7[c];
            acc += r2[c + 2 * c_n] * w8[c];
            out[c] = nnacl_act_fp32(acc + bias[c], act);
          }
        }
      }
    }
  }
}
