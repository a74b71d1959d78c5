/*
 * fullconnection_int8.c -- int8 FullConnection. With a weight zero point the sum is split exactly:
 *   sum (x + xo) * (w + wo) = sum (x + xo) * w + wo * sum (x + xo),
 * so the inner loops are the plain offset dot products of int8/dot_int8.h (two output
 * units per pass share the input loads).
 */
#include "int8/fullconnection_int8.h"
#include "int8/dot_int8.h"

void fullconnection_int8(const fullconnection_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
             const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t depth = param->depth, units = param->units;
  const int32_t in_offset = -param->input_zp, w_offset = -param->weight_zp;
  const int32_t rnd = param->rounding, zp = param->output_zp, lo = param->act_min, hi = param->act_max;
  const int32_t mstep = param->per_channel ? 1 : 0;
  int32_t r, u, d;

  for (r = 0; r < param->rows; ++r) {
    const int8_t *x = input + (size_t)r * depth;
    int8_t *out = output + (size_t)r * units;
    int32_t x_term = 0; /* w_offset * sum (x + in_offset) */
    if (w_offset != 0) {
      for (d = 0; d < depth; ++d) {
        x_term += (int32_t)x[d] + in_offset;
      }
      x_term *= w_offset;
    }
    for (u = 0; u + 1 < units; u += 2) {
      const int8_t *w0 = weight + (size_t)u * depth;
      int32_t a0 = x_term + (bias != NULL ? bias[u] : 0);
      int32_t a1 = x_term + (bias != NULL ? bias[u + 1] : 0);
      nnacl_dot_s8_x1w2(x, w0, w0 + depth, depth, in_offset, &a0, &a1);
      out[u] = nnacl_requant_i8(a0, multiplier[u * mstep], shift[u * mstep], rnd, zp, lo, hi);
      out[u + 1] = nnacl_requant_i8(a1, multiplier[(u + 1) * mstep], shift[(u + 1) * mstep], rnd, zp, lo, hi);
    }
    if (u < units) {
      const int32_t a = nnacl_dot_s8(x, weight + (size_t)u * depth, depth, in_offset,
                                     x_term + (bias != NULL ? bias[u] : 0));
      out[u] = nnacl_requant_i8(a, multiplier[u * mstep], shift[u * mstep], rnd, zp, lo, hi);
    }
  }
}
