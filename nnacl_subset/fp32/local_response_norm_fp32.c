/* local_response_norm_fp32.c -- fp32 LRN across channels (see the header). */
#include <math.h>

#include "fp32/local_response_norm_fp32.h"

void local_response_norm_fp32(const local_response_norm_param_t *param, const float *input, float *output) {
  const int32_t channels = param->channels, inner = param->inner, r = param->depth_radius;
  int32_t o, c, i, j;
  for (o = 0; o < param->outer; ++o) {
    const size_t base = (size_t)o * (size_t)channels * (size_t)inner;
    for (c = 0; c < channels; ++c) {
      const int32_t lo = c - r < 0 ? 0 : c - r;
      const int32_t hi = c + r >= channels ? channels - 1 : c + r;
      for (i = 0; i < inner; ++i) {
        const size_t at = base + (size_t)c * (size_t)inner + (size_t)i;
        float sq = 0.0f;
        for (j = lo; j <= hi; ++j) {
          const float v = input[base + (size_t)j * (size_t)inner + (size_t)i];
          sq += v * v;
        }
        output[at] = input[at] / powf(param->bias + param->alpha * sq, param->beta);
      }
    }
  }
}
