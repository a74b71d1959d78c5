/*
 * reduce_fp32.c -- fp32 reductions over one run of adjacent axes.
 */
#include "fp32/reduce_fp32.h"

#define REDUCE_SUM 0
#define REDUCE_MEAN 1
#define REDUCE_MAX 2
#define REDUCE_MIN 3

static void reduce_fp32(const reduce_param_t *param, const float *input, float *output, int32_t mode) {
  const int32_t n = param->axis_size, inner = param->inner;
  int32_t o, i, k;
  for (o = 0; o < param->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const float *x = input + (size_t)o * n * inner + i;
      float acc = (mode == REDUCE_SUM || mode == REDUCE_MEAN) ? 0.0f : x[0];
      for (k = 0; k < n; ++k) {
        const float v = x[(size_t)k * inner];
        if (mode == REDUCE_MAX) {
          acc = v > acc ? v : acc;
        } else if (mode == REDUCE_MIN) {
          acc = v < acc ? v : acc;
        } else {
          acc += v;
        }
      }
      if (mode == REDUCE_MEAN) {
        acc = acc / (float)n;
      }
      output[(size_t)o * inner + i] = acc;
    }
  }
}

void reduce_mean_fp32(const reduce_param_t *param, const float *input, float *output) {
  reduce_fp32(param, input, output, REDUCE_MEAN);
}

void reduce_sum_fp32(const reduce_param_t *param, const float *input, float *output) {
  reduce_fp32(param, input, output, REDUCE_SUM);
}

void reduce_max_fp32(const reduce_param_t *param, const float *input, float *output) {
  reduce_fp32(param, input, output, REDUCE_MAX);
}

void reduce_min_fp32(const reduce_param_t *param, const float *input, float *output) {
  reduce_fp32(param, input, output, REDUCE_MIN);
}
