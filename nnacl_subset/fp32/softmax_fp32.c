/*
 * softmax_fp32.c -- fp32 Softmax over one axis: m = max, sum = sum of expf(beta * (x - m))
 * in index order, y = expf(beta * (x - m)) / sum; LogSoftmax: y = (x - m) - logf(sum of
 * expf(x - m)).
 */
#include <math.h>

#include "fp32/softmax_fp32.h"

void softmax_fp32(const softmax_param_t *param, const float *input, float *output) {
  const int32_t n = param->axis_size, inner = param->inner;
  const float beta = param->beta;
  int32_t o, i, c;
  for (o = 0; o < param->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const float *x = input + (size_t)o * n * inner + i;
      float *y = output + (size_t)o * n * inner + i;
      float max_v = x[0], sum = 0.0f;
      for (c = 1; c < n; ++c) {
        if (x[(size_t)c * inner] > max_v) {
          max_v = x[(size_t)c * inner];
        }
      }
      /* the exponentials go to the output first (it may alias the input: each slot is read then written) */
      for (c = 0; c < n; ++c) {
        const float e = expf((x[(size_t)c * inner] - max_v) * beta);
        y[(size_t)c * inner] = e;
        sum += e;
      }
      for (c = 0; c < n; ++c) {
        y[(size_t)c * inner] = y[(size_t)c * inner] / sum;
      }
    }
  }
}

void log_softmax_fp32(const softmax_param_t *param, const float *input, float *output) {
  const int32_t n = param->axis_size, inner = param->inner;
  int32_t o, i, c;
  for (o = 0; o < param->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const float *x = input + (size_t)o * n * inner + i;
      float *y = output + (size_t)o * n * inner + i;
      float max_v = x[0], sum = 0.0f, log_sum;
      for (c = 1; c < n; ++c) {
        if (x[(size_t)c * inner] > max_v) {
          max_v = x[(size_t)c * inner];
        }
      }
      for (c = 0; c < n; ++c) {
        sum += expf(x[(size_t)c * inner] - max_v);
      }
      log_sum = logf(sum);
      /* each slot is read, then written: the output may alias the input */
      for (c = 0; c < n; ++c) {
        y[(size_t)c * inner] = (x[(size_t)c * inner] - max_v) - log_sum;
      }
    }
  }
}
