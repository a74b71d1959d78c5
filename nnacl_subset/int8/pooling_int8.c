/*
 * pooling_int8.c -- int8 AvgPool / MaxPool (NHWC). Windows are clipped to the input;
 * the average divides the int32 sum of the raw values by the number of valid taps
 * (or by the whole window when count_include_pad), rounding half away from zero.
 * Input and output share scale and zero point; results are clamped to the activation range.
 */
#include "int8/pooling_int8.h"

static int8_t pool_finish_int8(const pooling_param_t *param, int32_t v) {
  return (int8_t)nnacl_clamp_i32(v, param->act_min, param->act_max);
}

void avgpool_int8(const pooling_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;
  int32_t b, oy, ox, c, y, x;
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);
        const int32_t count = param->count_include_pad ? param->kernel_h * param->kernel_w
                                                       : (y_end - y_begin) * (x_end - x_begin);
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        for (c = 0; c < c_n; ++c) {
          int32_t acc = 0;
          for (y = y_begin; y < y_end; ++y) {
            const int8_t *row = in_b + ((size_t)y * in_w) * c_n + c;
            for (x = x_begin; x < x_end; ++x) {
              acc += row[(size_t)x * c_n];
            }
          }
          if (count > 0) {
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          out[c] = pool_finish_int8(param, acc);
        }
      }
    }
  }
}

void maxpool_int8(const pooling_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;
  int32_t b, oy, ox, c, y, x;
  for (b = 0; b < param->batch; ++b) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * c_n;
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy0 = oy * param->stride_h - param->pad_top;
      const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix0 = ox * param->stride_w - param->pad_left;
        const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * c_n;
        for (c = 0; c < c_n; ++c) {
          int32_t m = -128;
          for (y = y_begin; y < y_end; ++y) {
            const int8_t *row = in_b + ((size_t)y * in_w) * c_n + c;
            for (x = x_begin; x < x_end; ++x) {
              if (row[(size_t)x * c_n] > m) {
                m = row[(size_t)x * c_n];
              }
            }
          }
          out[c] = pool_finish_int8(param, m);
        }
      }
    }
  }
}
