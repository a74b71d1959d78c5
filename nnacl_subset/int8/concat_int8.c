/*
 * concat_int8.c -- Concat with per-input requantization: for each outer index, the rows of
 * the inputs one after the other, each copied or requantized to the output's scale.
 */
#include <string.h>

#include "int8/concat_int8.h"

static int32_t requant_one(int32_t q, float scale, float bias, const concat_param_t *param) {
  float v = (float)q * scale + bias;
  int32_t r;
  v = v > 1.0e9f ? 1.0e9f : (v < -1.0e9f ? -1.0e9f : v); /* keeps the int32 conversion defined */
  r = nnacl_round_away_f32(v) + param->output_zp;
  return nnacl_clamp_i32(r, param->qmin, param->qmax);
}

void concat_int8(const concat_param_t *param, const void *const *inputs, const int32_t *input_row_bytes,
                 const int32_t *requant, const float *scale, const float *bias, void *output) {
  uint8_t *dst = (uint8_t *)output;
  int32_t o, k, i;
  for (o = 0; o < param->outer; ++o) {
    for (k = 0; k < param->num_inputs; ++k) {
      const int32_t n = input_row_bytes[k];
      const uint8_t *src = (const uint8_t *)inputs[k] + (size_t)o * (size_t)n;
      if (!requant[k]) {
        memcpy(dst, src, (size_t)n);
      } else if (param->is_unsigned) {
        for (i = 0; i < n; ++i) {
          dst[i] = (uint8_t)requant_one(src[i], scale[k], bias[k], param);
        }
      } else {
        for (i = 0; i < n; ++i) {
          dst[i] = (uint8_t)(int8_t)requant_one((int8_t)src[i], scale[k], bias[k], param);
        }
      }
      dst += n;
    }
  }
}
