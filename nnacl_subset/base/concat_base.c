/*
 * concat_base.c -- Concat as row copies: for each outer index, the rows of the inputs
 * are copied one after the other.
 */
#include <string.h>

#include "base/concat_base.h"

void concat_base(const concat_param_t *param, const void *const *inputs, const int32_t *input_row_bytes,
                 void *output) {
  uint8_t *dst = (uint8_t *)output;
  int32_t o, k;
  for (o = 0; o < param->outer; ++o) {
    for (k = 0; k < param->num_inputs; ++k) {
      const size_t n = (size_t)input_row_bytes[k];
      memcpy(dst, (const uint8_t *)inputs[k] + (size_t)o * n, n);
      dst += n;
    }
  }
}
