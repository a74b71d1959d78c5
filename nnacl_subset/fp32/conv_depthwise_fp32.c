/*
 * conv_depthwise_fp32.c -- fp32 depthwise convolution (group == in_c), any depth
 * multiplier, stride, dilation and padding. Output channel oc reads input channel
 * oc / multiplier. Weights packed HWO [kh][kw][out_c]. Sum over the valid taps in
 * (ky, kx) order from 0, bias added last. Multiplier 1 with at least 8 channels runs
 * eight channels at a time (nnacl_fp32_dw_8; the last block overlaps the one before when
 * the channel count is not a multiple of 8).
 */
#include "fp32/conv_fp32.h"
#include "fp32/dot_block_fp32.h"

void conv_depthwise_fp32(const conv_param_t *param, const float *input, const float *weight_hwo,
                         const float *bias, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, in_c = param->in_c;
  const int32_t out_c = param->out_c, kw = param->kernel_w;
  const int32_t mult = out_c / in_c;
  int32_t b, oy, ox, oc, ky, kx;

  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      int32_t ky_begin = 0, ky_end = param->kernel_h;
      while (ky_begin < ky_end && iy0 + ky_begin * param->dilation_h < 0) {
        ++ky_begin;
      }
      while (ky_end > ky_begin && iy0 + (ky_end - 1) * param->dilation_h >= in_h) {
        --ky_end;
      }
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        float *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * out_c;
        int32_t kx_begin = 0, kx_end = kw;
        while (kx_begin < kx_end && ix0 + kx_begin * param->dilation_w < 0) {
          ++kx_begin;
        }
        while (kx_end > kx_begin && ix0 + (kx_end - 1) * param->dilation_w >= in_w) {
          --kx_end;
        }
        if (mult == 1 && out_c >= 8 && ky_end > ky_begin && kx_end > kx_begin) {
          const int32_t rows = ky_end - ky_begin, cols = kx_end - kx_begin;
          const int32_t x_col = param->dilation_w * in_c;
          const int32_t x_skip = param->dilation_h * in_w * in_c - cols * x_col, w_skip = (kw - cols) * out_c;
          const float *x = in_b + ((size_t)(iy0 + ky_begin * param->dilation_h) * in_w +
                                   (size_t)(ix0 + kx_begin * param->dilation_w)) * in_c;
          const float *w = weight_hwo + (size_t)(ky_begin * kw + kx_begin) * out_c;
          for (oc = 0; oc < out_c; oc += 8) {
            const int32_t c0 = oc + 8 <= out_c ? oc : out_c - 8;
            nnacl_fp32_dw_8(x + c0, w + c0, x_col, out_c, x_skip, w_skip, rows, cols, bias + c0, out + c0);
            nnacl_fp32_act_inplace(out + c0, 8, param->act_type);
          }
          continue;
        }
        for (oc = 0; oc < out_c; ++oc) {
          const int32_t ic = (mult == 1) ? oc : oc / mult;
          float acc = 0.0f;
          for (ky = ky_begin; ky < ky_end; ++ky) {
            const int32_t iy = iy0 + ky * param->dilation_h;
            const float *x_row = in_b + (size_t)iy * in_w * in_c + ic;
            const float *w_row = weight_hwo + (size_t)ky * kw * out_c + oc;
            for (kx = kx_begin; kx < kx_end; ++kx) {
              const int32_t ix = ix0 + kx * param->dilation_w;
              acc = nnacl_fp32_madd(acc, x_row[(size_t)ix * in_c], w_row[(size_t)kx * out_c]);
            }
          }
          out[oc] = nnacl_act_fp32(acc + bias[oc], param->act_type);
        }
      }
    }
  }
}
