/*
 * resize_int8.c -- int8 bilinear Resize with TFLite's 10-bit fixed-point weights (the source
 * indices and fractions are tables made at generation time).
 */
#include "int8/resize_int8.h"

#define RESIZE_INT8_ONE 1024 /* 1.0 in the 10-bit fractions */

void resize_bilinear_int8(const resize_param_t *param, const int8_t *input, const int32_t *y_index,
                          const int32_t *y_frac, const int32_t *x_index, const int32_t *x_frac, int8_t *output) {
  const int32_t c_n = param->channels;
  const size_t row_stride = (size_t)param->in_w * c_n;
  int32_t b, y, x, c;
  if (param->batch <= 0 || param->channels <= 0 || param->out_h <= 0 || param->out_w <= 0 || param->in_h <= 0 ||
      param->in_w <= 0) {
    return; /* an empty output, or an empty input with no pixel to read: nothing is written */
  }
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * param->in_h * row_stride;
    for (y = 0; y < param->out_h; ++y) {
      const int8_t *row0 = in_b + (size_t)y_index[2 * y] * row_stride;
      const int8_t *row1 = in_b + (size_t)y_index[2 * y + 1] * row_stride;
      const int64_t fy = y_frac[y];
      for (x = 0; x < param->out_w; ++x) {
        const size_t x0 = (size_t)x_index[2 * x] * c_n, x1 = (size_t)x_index[2 * x + 1] * c_n;
        const int64_t fx = x_frac[x];
        for (c = 0; c < c_n; ++c) {
          const int64_t acc = (int64_t)row0[x0 + c] * (RESIZE_INT8_ONE - fy) * (RESIZE_INT8_ONE - fx) +
                              (int64_t)row1[x0 + c] * fy * (RESIZE_INT8_ONE - fx) +
                              (int64_t)row0[x1 + c] * (RESIZE_INT8_ONE - fy) * fx +
                              (int64_t)row1[x1 + c] * fy * fx;
          const int64_t nudge = acc > 0 ? ((int64_t)1 << 19) : -((int64_t)1 << 19);
          *output++ = (int8_t)((acc + nudge) / ((int64_t)1 << 20)); /* wraps like static_cast<int8_t> */
        }
      }
    }
  }
}
