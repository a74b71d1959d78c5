/*
 * pad_base.c -- Pad by output rows: an odometer walks the output indices of all dims but the
 * last and maps each to its input index (CONSTANT: outside the input the row is the constant;
 * REFLECT / SYMMETRIC: mirrored back inside). Within a row, the input row is one memcpy and
 * the border elements are mapped one by one.
 */
#include <string.h>

#include "base/pad_base.h"

/* the input index of padded position i (= output index - pad_before) of a dim of n, or -1
 * for the constant */
static int32_t pad_source(int32_t i, int32_t n, int32_t mode) {
  if (i >= 0 && i < n) {
    return i;
  }
  if (mode == PAD_MODE_REFLECT) {
    return i < 0 ? -i : 2 * (n - 1) - i;
  }
  if (mode == PAD_MODE_SYMMETRIC) {
    return i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
  return -1;
}

static void fill(uint8_t *dst, const void *constant, size_t count, size_t es) {
  size_t i;
  for (i = 0; i < count; ++i) {
    memcpy(dst + i * es, constant, es);
  }
}

void pad_base(const pad_param_t *param, const void *input, const void *constant, void *output) {
  const int32_t nd = param->ndim, mode = param->mode;
  const size_t es = (size_t)param->elem_size;
  const int32_t last_in = param->in_shape[nd - 1], last_out = param->out_shape[nd - 1];
  const int32_t last_before = param->pad_before[nd - 1];
  const uint8_t *src = (const uint8_t *)input;
  uint8_t *dst = (uint8_t *)output;
  size_t in_strides[NNACL_MAX_DIMS], in_size = 1, out_size = 1;
  int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  int32_t d, j;

  for (d = nd - 1; d >= 0; --d) {
    in_strides[d] = in_size;
    in_size *= (size_t)param->in_shape[d];
    out_size *= (size_t)param->out_shape[d];
  }
  if (out_size == 0) {
    return;
  }
  if (in_size == 0) { /* only CONSTANT can pad an empty input */
    fill(dst, constant, out_size, es);
    return;
  }
  for (;;) {
    size_t off = 0;
    int32_t outside = 0;
    for (d = 0; d < nd - 1; ++d) {
      const int32_t s = pad_source(idx[d] - param->pad_before[d], param->in_shape[d], mode);
      if (s < 0) {
        outside = 1;
        break;
      }
      off += (size_t)s * in_strides[d];
    }
    if (outside) {
      fill(dst, constant, (size_t)last_out, es);
    } else {
      for (j = 0; j < last_out; ++j) {
        const int32_t s = pad_source(j - last_before, last_in, mode);
        if (j == last_before) { /* the whole input row at once */
          memcpy(dst + (size_t)j * es, src + off * es, (size_t)last_in * es);
          j += last_in - 1;
        } else if (s < 0) {
          memcpy(dst + (size_t)j * es, constant, es);
        } else {
          memcpy(dst + (size_t)j * es, src + (off + (size_t)s) * es, es);
        }
      }
    }
    dst += (size_t)last_out * es;
    for (d = nd - 2; d >= 0; --d) {
      if (++idx[d] < param->out_shape[d]) {
        break;
      }
      idx[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}
