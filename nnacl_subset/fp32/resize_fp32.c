/*
 * resize_fp32.c -- separable LINEAR (2 taps) / CUBIC (4 taps) Resize, fp32, NHWC. Each output
 * value first interpolates every tap row along W, then combines the rows along H, the same
 * operations in the same order as MindSpore Lite's line-buffer kernels (which cache the rows).
 */
#include "fp32/resize_fp32.h"

void resize_fp32(const resize_param_t *param, const float *input, const int32_t *y_index, const float *y_weight,
                 const int32_t *x_index, const float *x_weight, float *output) {
  const int32_t taps = param->taps, c_n = param->channels;
  const size_t row_stride = (size_t)param->in_w * c_n;
  int32_t b, y, x, c, i, j;
  if (param->batch <= 0 || param->channels <= 0 || param->out_h <= 0 || param->out_w <= 0 || param->in_h <= 0 ||
      param->in_w <= 0) {
    return; /* an empty output, or an empty input with no pixel to read: nothing is written */
  }
  for (b = 0; b < param->batch; ++b) {
    const float *in_b = input + (size_t)b * param->in_h * row_stride;
    for (y = 0; y < param->out_h; ++y) {
      const int32_t *yi = y_index + (size_t)y * taps;
      const float *yw = y_weight + (size_t)y * taps;
      for (x = 0; x < param->out_w; ++x) {
        const int32_t *xi = x_index + (size_t)x * taps;
        const float *xw = x_weight + (size_t)x * taps;
        for (c = 0; c < c_n; ++c) {
          float acc = 0.0f;
          for (i = 0; i < taps; ++i) {
            const float *row = in_b + (size_t)yi[i] * row_stride + c;
            float r = row[(size_t)xi[0] * c_n] * xw[0];
            for (j = 1; j < taps; ++j) {
              r += row[(size_t)xi[j] * c_n] * xw[j];
            }
            acc = i == 0 ? r * yw[0] : acc + r * yw[i];
          }
          *output++ = acc;
        }
      }
    }
  }
}
