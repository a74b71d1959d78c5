/* instance_norm_fp32.c -- fp32 InstanceNorm (see the header). */
#include <math.h>

#include "fp32/instance_norm_fp32.h"

void instance_norm_fp32(const instance_norm_param_t *param, const float *input, const float *scale,
                        const float *bias, float *output) {
  const int32_t outer = param->outer, channels = param->channels, inner = param->inner;
  const size_t plane = (size_t)outer * (size_t)channels * (size_t)inner;
  const float count = (float)outer * (float)inner;
  int32_t b, o, c, i;
  for (b = 0; b < param->batch; ++b) {
    const float *x = input + (size_t)b * plane;
    float *y = output + (size_t)b * plane;
    for (c = 0; c < channels; ++c) {
      float sum = 0.0f, sq = 0.0f, mean, sd;
      for (o = 0; o < outer; ++o) {
        const float *xo = x + ((size_t)o * (size_t)channels + (size_t)c) * (size_t)inner;
        for (i = 0; i < inner; ++i) {
          sum += xo[i];
        }
      }
      mean = sum / count;
      for (o = 0; o < outer; ++o) {
        const float *xo = x + ((size_t)o * (size_t)channels + (size_t)c) * (size_t)inner;
        for (i = 0; i < inner; ++i) {
          const float dx = xo[i] - mean;
          sq += dx * dx;
        }
      }
      sd = sqrtf(sq / count + param->epsilon);
      for (o = 0; o < outer; ++o) {
        const size_t at = ((size_t)o * (size_t)channels + (size_t)c) * (size_t)inner;
        for (i = 0; i < inner; ++i) {
          y[at + (size_t)i] = (x[at + (size_t)i] - mean) / sd * scale[c] + bias[c];
        }
      }
    }
  }
}
