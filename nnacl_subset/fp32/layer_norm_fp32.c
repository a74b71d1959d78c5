/* layer_norm_fp32.c -- fp32 LayerNormFusion (see the header). */
#include <math.h>

#include "fp32/layer_norm_fp32.h"

void layer_norm_fp32(const layer_norm_param_t *param, const float *input, const float *gamma, const float *beta,
                     float *output) {
  const int32_t n = param->norm_size, psize = param->params_size;
  int32_t o, j;
  int32_t p = 0; /* (flat index) % params_size */
  for (o = 0; o < param->outer; ++o) {
    const float *x = input + (size_t)o * (size_t)n;
    float *y = output + (size_t)o * (size_t)n;
    float sum = 0.0f, sq = 0.0f, mean, sd;
    for (j = 0; j < n; ++j) {
      sum += x[j];
    }
    mean = sum / (float)n;
    for (j = 0; j < n; ++j) {
      const float dx = x[j] - mean;
      sq += dx * dx;
    }
    sd = sqrtf(sq / (float)n + param->epsilon);
    for (j = 0; j < n; ++j) {
      float v = (x[j] - mean) / sd;
      if (gamma != NULL) {
        v *= gamma[p];
      }
      if (beta != NULL) {
        v += beta[p];
      }
      y[j] = v;
      if (++p == psize) {
        p = 0;
      }
    }
  }
}
