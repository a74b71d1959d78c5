/*
 * split_base.c -- Split as row copies: for each outer index, consecutive pieces of the input
 * row go to the outputs in turn.
 */
#include <string.h>

#include "base/split_base.h"

void split_base(const split_param_t *param, const void *input, const int32_t *output_row_bytes,
                void *const *outputs) {
  const uint8_t *src = (const uint8_t *)input;
  int32_t o, k;
  for (o = 0; o < param->outer; ++o) {
    for (k = 0; k < param->num_outputs; ++k) {
      const size_t n = (size_t)output_row_bytes[k];
      uint8_t *dst = (uint8_t *)outputs[k];
      memcpy(dst + (size_t)o * n, src, n);
      src += n;
    }
  }
}
