/*
 * pooling_fp32.c -- fp32 AvgPool / MaxPool (NHWC). Windows are clipped to the input;
 * the average is the float sum of the valid taps in (ky, kx) order divided by their
 * count (or by the whole window when count_include_pad), then the fused activation.
 */
#include "fp32/pooling_fp32.h"

void avgpool_fp32(const pooling_param_t *param, const float *input, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;
  int32_t b, oy, ox, c, y, x;
  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);
        const int32_t count = param->count_include_pad ? param->kernel_h * param->kernel_w
                                                       : (y_end - y_begin) * (x_end - x_begin);
        float *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        for (c = 0; c < c_n; ++c) {
          float acc = 0.0f;
          for (y = y_begin; y < y_end; ++y) {
            const float *row = in_b + ((size_t)y * in_w) * c_n + c;
            for (x = x_begin; x < x_end; ++x) {
              acc += row[(size_t)x * c_n];
            }
          }
          out[c] = nnacl_act_fp32(acc / (float)count, param->act_type);
        }
      }
    }
  }
}

void maxpool_fp32(const pooling_param_t *param, const float *input, float *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;
  int32_t b, oy, ox, c, y, x;
  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);
        float *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        for (c = 0; c < c_n; ++c) {
          float m = -3.402823466e38f;
          int32_t first = 1;
          for (y = y_begin; y < y_end; ++y) {
            const float *row = in_b + ((size_t)y * in_w) * c_n + c;
            for (x = x_begin; x < x_end; ++x) {
              const float v = row[(size_t)x * c_n];
              if (first || v > m) {
                m = v;
                first = 0;
              }
            }
          }
          out[c] = nnacl_act_fp32(m, param->act_type);
        }
      }
    }
  }
}
