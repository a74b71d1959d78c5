/*
 * strided_slice_base.c -- a strided copy: the output is walked in order with an odometer over
 * its indices; the input position follows the (signed) strides. An innermost stride of 1 is
 * one memcpy per output row.
 */
#include <string.h>

#include "base/strided_slice_base.h"

void strided_slice_base(const strided_slice_param_t *param, const void *input, void *output) {
  const int32_t nd = param->ndim;
  const size_t es = (size_t)param->elem_size;
  const int32_t inner = param->out_shape[nd - 1];
  const ptrdiff_t inner_stride = param->in_strides[nd - 1];
  const uint8_t *src = (const uint8_t *)input;
  uint8_t *dst = (uint8_t *)output;
  int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  ptrdiff_t off = param->offset;
  int32_t d, i;
  for (d = 0; d < nd; ++d) {
    if (param->out_shape[d] == 0) {
      return;
    }
  }
  for (;;) {
    if (inner_stride == 1) {
      memcpy(dst, src + (size_t)off * es, (size_t)inner * es);
    } else {
      for (i = 0; i < inner; ++i) {
        memcpy(dst + (size_t)i * es, src + (size_t)(off + (ptrdiff_t)i * inner_stride) * es, es);
      }
    }
    dst += (size_t)inner * es;
    for (d = nd - 2; d >= 0; --d) {
      off += param->in_strides[d];
      if (++idx[d] < param->out_shape[d]) {
        break;
      }
      off -= (ptrdiff_t)param->in_strides[d] * param->out_shape[d];
      idx[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}
