/* scale_fp32.c -- fp32 ScaleFusion (see the header). */
#include "fp32/scale_fp32.h"

void scale_fp32(const scale_param_t *param, const float *input, const float *scale, const float *offset,
                float *output) {
  const int32_t axis_size = param->axis_size, inner = param->inner, act = param->act_type;
  int32_t o, c, i;
  size_t at = 0;
  for (o = 0; o < param->outer; ++o) {
    for (c = 0; c < axis_size; ++c) {
      const float s = scale[c];
      const float b = offset != NULL ? offset[c] : 0.0f;
      for (i = 0; i < inner; ++i, ++at) {
        const float p = input[at] * s;
        output[at] = nnacl_act_fp32(p + b, act);
      }
    }
  }
}
