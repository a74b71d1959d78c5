/*
 * resize_base.c -- NEAREST Resize as pixel copies: the source row and column of every output
 * pixel come from the y_index / x_index tables (out_h and out_w entries).
 */
#include <string.h>

#include "base/resize_base.h"

void resize_nearest_base(const resize_param_t *param, const void *input, const int32_t *y_index,
                         const int32_t *x_index, void *output) {
  const size_t pixel = (size_t)param->channels * (size_t)param->elem_size;
  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  int32_t b, y, x;
  if (param->batch <= 0 || param->channels <= 0 || param->out_h <= 0 || param->out_w <= 0 || param->in_h <= 0 ||
      param->in_w <= 0) {
    return; /* an empty output, or an empty input with no pixel to read: nothing is written */
  }
  for (b = 0; b < param->batch; ++b) {
    const uint8_t *in_b = in + (size_t)b * param->in_h * param->in_w * pixel;
    for (y = 0; y < param->out_h; ++y) {
      const uint8_t *row = in_b + (size_t)y_index[y] * param->in_w * pixel;
      for (x = 0; x < param->out_w; ++x) {
        memcpy(out, row + (size_t)x_index[x] * pixel, pixel);
        out += pixel;
      }
    }
  }
}
