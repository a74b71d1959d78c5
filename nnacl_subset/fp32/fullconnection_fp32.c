/*
 * fullconnection_fp32.c -- fp32 FullConnection. Four output units per pass share the input loads;
 * every sum runs over the depth in order from 0 and the bias is added last.
 */
#include "fp32/fullconnection_fp32.h"

void fullconnection_fp32(const fullconnection_param_t *param, const float *input, const float *weight, const float *bias,
             float *output) {
  const int32_t depth = param->depth, units = param->units, act = param->act_type;
  int32_t r, u, d;

  for (r = 0; r < param->rows; ++r) {
    const float *x = input + (size_t)r * depth;
    float *out = output + (size_t)r * units;
    for (u = 0; u + 3 < units; u += 4) {
      const float *w0 = weight + (size_t)u * depth;
      const float *w1 = w0 + depth;
      const float *w2 = w1 + depth;
      const float *w3 = w2 + depth;
      float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
      for (d = 0; d < depth; ++d) {
        const float xv = x[d];
        a0 += xv * w0[d];
        a1 += xv * w1[d];
        a2 += xv * w2[d];
        a3 += xv * w3[d];
      }
      if (bias != NULL) {
        a0 += bias[u];
        a1 += bias[u + 1];
        a2 += bias[u + 2];
        a3 += bias[u + 3];
      }
      out[u] = nnacl_act_fp32(a0, act);
      out[u + 1] = nnacl_act_fp32(a1, act);
      out[u + 2] = nnacl_act_fp32(a2, act);
      out[u + 3] = nnacl_act_fp32(a3, act);
    }
    for (; u < units; ++u) {
      const float *w0 = weight + (size_t)u * depth;
      float a = 0.0f;
      for (d = 0; d < depth; ++d) {
        a += x[d] * w0[d];
      }
      if (bias != NULL) {
        a += bias[u];
      }
      out[u] = nnacl_act_fp32(a, act);
    }
  }
}
