/*
 * gather_base.c -- Gather as slice copies: for each outer index, the inner slice each index
 * selects is copied in index order.
 */
#include <string.h>

#include "base/gather_base.h"

int gather_base(const gather_param_t *param, const void *input, const void *indices, void *output) {
  const uint8_t *src = (const uint8_t *)input;
  uint8_t *dst = (uint8_t *)output;
  const size_t inner = (size_t)param->inner_bytes;
  const int64_t dim = param->axis_dim;
  int32_t o, k;
  for (o = 0; o < param->outer; ++o) {
    const uint8_t *slab = src + (size_t)o * (size_t)dim * inner;
    for (k = 0; k < param->num_indices; ++k) {
      int64_t idx = param->index_bytes == 8 ? ((const int64_t *)indices)[k] : ((const int32_t *)indices)[k];
      if (idx < 0) {
        idx += dim;
      }
      if (idx < 0 || idx >= dim) {
        return NNACL_ERR_PARAM;
      }
      memcpy(dst, slab + (size_t)idx * inner, inner);
      dst += inner;
    }
  }
  return NNACL_OK;
}
