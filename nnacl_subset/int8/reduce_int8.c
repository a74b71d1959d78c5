/*
 * reduce_int8.c -- int8 reductions over one run of adjacent axes.
 */
#include "int8/reduce_int8.h"

void reduce_mean_int8(const reduce_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t n = param->axis_size, inner = param->inner;
  int32_t o, i, k;
  for (o = 0; o < param->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const int8_t *x = input + (size_t)o * n * inner + i;
      int32_t acc = -param->input_zp * n;
      for (k = 0; k < n; ++k) {
        acc += x[(size_t)k * inner];
      }
      output[(size_t)o * inner + i] = nnacl_requant_i8(acc, param->multiplier, param->shift, param->rounding,
                                                       param->output_zp, param->act_min, param->act_max);
    }
  }
}

static void reduce_extreme_int8(const reduce_param_t *param, const int8_t *input, int8_t *output, int32_t is_max) {
  const int32_t n = param->axis_size, inner = param->inner;
  int32_t o, i, k;
  for (o = 0; o < param->outer; ++o) {
    for (i = 0; i < inner; ++i) {
      const int8_t *x = input + (size_t)o * n * inner + i;
      int8_t m = x[0];
      for (k = 1; k < n; ++k) {
        const int8_t v = x[(size_t)k * inner];
        if (is_max ? v > m : v < m) {
          m = v;
        }
      }
      output[(size_t)o * inner + i] = m;
    }
  }
}

void reduce_max_int8(const reduce_param_t *param, const int8_t *input, int8_t *output) {
  reduce_extreme_int8(param, input, output, 1);
}

void reduce_min_int8(const reduce_param_t *param, const int8_t *input, int8_t *output) {
  reduce_extreme_int8(param, input, output, 0);
}
