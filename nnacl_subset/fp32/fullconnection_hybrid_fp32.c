/*
 * fullconnection_hybrid_fp32.c -- hybrid FullConnection: fp32 input rows quantized symmetrically on
 * the fly (one scale per row), int8 weights, int32 dot products, fp32 output.
 */
#include "fp32/fullconnection_fp32.h"

size_t fullconnection_hybrid_fp32_scratch_size(const fullconnection_param_t *param) {
  return (size_t)param->depth;
}

int fullconnection_hybrid_fp32(const fullconnection_param_t *param, const float *input, const int8_t *weight, const float *weight_scale,
                   const float *bias, void *scratch, size_t scratch_size, float *output) {
  const int32_t depth = param->depth, units = param->units;
  int8_t *q = (int8_t *)scratch;
  int32_t r, u, d;
  if (scratch == NULL || scratch_size < fullconnection_hybrid_fp32_scratch_size(param)) {
    return NNACL_ERR_SCRATCH;
  }
  for (r = 0; r < param->rows; ++r) {
    const float *x = input + (size_t)r * depth;
    float *out = output + (size_t)r * units;
    float range = 0.0f, inv, in_scale;
    for (d = 0; d < depth; ++d) {
      const float a = x[d] < 0.0f ? -x[d] : x[d];
      if (a > range) {
        range = a;
      }
    }
    inv = range == 0.0f ? 0.0f : 127.0f / range;
    in_scale = range == 0.0f ? 1.0f : range / 127.0f;
    for (d = 0; d < depth; ++d) {
      const int32_t v = nnacl_round_away_f32(x[d] * inv);
      q[d] = (int8_t)(v < -127 ? -127 : (v > 127 ? 127 : v));
    }
    for (u = 0; u < units; ++u) {
      const int8_t *w = weight + (size_t)u * depth;
      const float scale = in_scale * weight_scale[param->per_channel ? u : 0];
      int32_t acc = 0;
      float v;
      for (d = 0; d < depth; ++d) {
        acc += (int32_t)q[d] * (int32_t)w[d];
      }
      v = (float)acc * scale;
      if (bias != NULL) {
        v = bias[u] + v;
      }
      out[u] = nnacl_act_fp32(v, param->act_type);
    }
  }
  return NNACL_OK;
}
