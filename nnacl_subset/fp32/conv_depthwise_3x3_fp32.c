/*
 * conv_depthwise_3x3_fp32.c -- fp32 depthwise 3x3 fast path (multiplier 1, dilation 1, any
 * stride and padding). Weights packed HWO [3][3][channels]. Each output pixel runs its valid
 * taps (the padded ones skipped) eight channels at a time (nnacl_fp32_dw_8; when the channel
 * count is not a multiple of 8 the last block overlaps the one before, fewer than 8 channels
 * run one at a time). Sums in (ky, kx) order from 0, bias last.
 */
#include "fp32/conv_fp32.h"
#include "fp32/dot_block_fp32.h"

void conv_depthwise_3x3_fp32(const conv_param_t *param, const float *input, const float *weight_hwo,
                             const float *bias, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->in_c;
  const int32_t act = param->act_type;
  int32_t b, oy, ox, c;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = NNACL_MIN(3, in_h - iy0);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = NNACL_MIN(3, in_w - ix0);
        const int32_t rows = ky1 - ky0, cols = kx1 - kx0;
        const float *x = in_b + ((size_t)(iy0 + ky0) * in_w + (ix0 + kx0)) * c_n;
        const float *w = weight_hwo + (size_t)(ky0 * 3 + kx0) * c_n;
        float *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        if (rows <= 0 || cols <= 0) { /* no tap inside the input */
          for (c = 0; c < c_n; ++c) {
            out[c] = nnacl_act_fp32(0.0f + bias[c], act);
          }
          continue;
        }
        if (c_n >= 8) {
          const int32_t x_skip = (in_w - cols) * c_n, w_skip = (3 - cols) * c_n;
          for (c = 0; c < c_n; c += 8) {
            const int32_t c0 = c + 8 <= c_n ? c : c_n - 8;
            nnacl_fp32_dw_8(x + c0, w + c0, c_n, x_skip, w_skip, rows, cols, bias + c0, out + c0);
            nnacl_fp32_act_inplace(out + c0, 8, act);
          }
          continue;
        }
        for (c = 0; c < c_n; ++c) {
          float acc = 0.0f;
          int32_t ky, kx;
          for (ky = 0; ky < rows; ++ky) {
            for (kx = 0; kx < cols; ++kx) {
              acc = nnacl_fp32_madd(acc, x[((size_t)ky * in_w + kx) * c_n + c], w[(size_t)(ky * 3 + kx) * c_n + c]);
            }
          }
          out[c] = nnacl_act_fp32(acc + bias[c], act);
        }
      }
    }
  }
}
