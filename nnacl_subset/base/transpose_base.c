/*
 * transpose_base.c -- Transpose by walking the output in order with an odometer over its
 * indices; the input offset follows the permuted strides.
 */
#include <string.h>

#include "base/transpose_base.h"

void transpose_base(const transpose_param_t *param, const void *input, void *output) {
  const int32_t nd = param->ndim, es = param->elem_size;
  const int32_t inner = param->out_shape[nd - 1];
  const int32_t inner_stride = param->in_strides[nd - 1];
  const uint8_t *src = (const uint8_t *)input;
  uint8_t *dst = (uint8_t *)output;
  int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  size_t off = 0;
  int32_t d, i;
  for (d = 0; d < nd; ++d) {
    if (param->out_shape[d] == 0) {
      return;
    }
  }
  for (;;) {
    if (es == 1) {
      for (i = 0; i < inner; ++i) {
        dst[i] = src[off + (size_t)i * inner_stride];
      }
    } else if (es == 4) {
      for (i = 0; i < inner; ++i) {
        memcpy(dst + (size_t)i * 4, src + (off + (size_t)i * inner_stride) * 4, 4);
      }
    } else {
      for (i = 0; i < inner; ++i) {
        memcpy(dst + (size_t)i * es, src + (off + (size_t)i * inner_stride) * es, (size_t)es);
      }
    }
    dst += (size_t)inner * es;
    for (d = nd - 2; d >= 0; --d) {
      off += (size_t)param->in_strides[d];
      if (++idx[d] < param->out_shape[d]) {
        break;
      }
      off -= (size_t)param->in_strides[d] * (size_t)param->out_shape[d];
      idx[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}
