/* batchnorm_fp32.c -- fp32 BatchNorm / FusedBatchNorm (see the header). */
#include <math.h>

#include "fp32/batchnorm_fp32.h"

void batchnorm_fp32(const batchnorm_param_t *param, const float *input, const float *scale, const float *bias,
                    const float *mean, const float *var, float *output) {
  const int32_t channels = param->channels, inner = param->inner;
  int32_t o, c, i;
  size_t at = 0;
  for (o = 0; o < param->outer; ++o) {
    for (c = 0; c < channels; ++c) {
      const float mu = mean[c];
      const float sd = sqrtf(var[c] + param->epsilon);
      const float s = scale != NULL ? scale[c] : 1.0f;
      const float b = bias != NULL ? bias[c] : 0.0f;
      for (i = 0; i < inner; ++i, ++at) {
        output[at] = (input[at] - mu) / sd * s + b;
      }
    }
  }
}
