/* scale_int8.c -- int8 ScaleFusion (see the header). */
#include "int8/scale_int8.h"

void scale_int8(const scale_param_t *param, const int8_t *input, const int8_t *scale, const int8_t *offset,
                int8_t *output) {
  const int32_t axis_size = param->axis_size, inner = param->inner;
  const int32_t lo = param->act_min, hi = param->act_max;
  int32_t o, c, i;
  size_t at = 0;
  for (o = 0; o < param->outer; ++o) {
    for (c = 0; c < axis_size; ++c) {
      const int32_t s = (int32_t)scale[c] - param->scale_zp;
      const int32_t b = param->output_zp +
                        (offset != NULL ? nnacl_mbqm_double((int32_t)offset[c] - param->offset_zp,
                                                            param->offset_multiplier, param->offset_shift)
                                        : 0);
      for (i = 0; i < inner; ++i, ++at) {
        const int32_t v = nnacl_mbqm_double(((int32_t)input[at] - param->input_zp) * s, param->scale_multiplier,
                                            param->scale_shift) + b;
        output[at] = (int8_t)nnacl_clamp_i32(v, lo, hi);
      }
    }
  }
}
