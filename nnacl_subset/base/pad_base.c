/*
 * pad_base.c -- constant Pad: fill the output with the constant, then copy each
 * innermost input row to its place.
 */
#include <string.h>

#include "base/pad_base.h"

void pad_base(const pad_param_t *param, const void *input, void *output) {
  const int32_t nd = param->ndim, es = param->elem_size;
  const int32_t row = param->in_shape[nd - 1];
  const uint8_t *src = (const uint8_t *)input;
  uint8_t *dst = (uint8_t *)output;
  size_t out_size = 1, out_strides[NNACL_MAX_DIMS];
  int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  size_t i;
  int32_t d;

  for (d = nd - 1; d >= 0; --d) {
    out_strides[d] = out_size;
    out_size *= (size_t)param->out_shape[d];
  }
  /* fill */
  if (es == 1) {
    memset(dst, (int)(int8_t)param->constant_i, out_size);
  } else if (es == 4 && param->is_float) {
    float *f = (float *)output;
    for (i = 0; i < out_size; ++i) {
      f[i] = param->constant_f;
    }
  } else if (es == 4) {
    int32_t *v = (int32_t *)output;
    for (i = 0; i < out_size; ++i) {
      v[i] = param->constant_i;
    }
  } else {
    memset(dst, 0, out_size * (size_t)es);
  }
  for (d = 0; d < nd; ++d) {
    if (param->in_shape[d] == 0) {
      return;
    }
  }
  /* copy the input rows */
  for (;;) {
    size_t off = (size_t)param->pad_before[nd - 1];
    for (d = 0; d < nd - 1; ++d) {
      off += (size_t)(idx[d] + param->pad_before[d]) * out_strides[d];
    }
    memcpy(dst + off * (size_t)es, src, (size_t)row * (size_t)es);
    src += (size_t)row * (size_t)es;
    for (d = nd - 2; d >= 0; --d) {
      if (++idx[d] < param->in_shape[d]) {
        break;
      }
      idx[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}
