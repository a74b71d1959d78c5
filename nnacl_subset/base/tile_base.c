/*
 * tile_base.c -- Tile by output rows: an odometer walks the output indices of all dims but
 * the last; each output row is the matching input row (index modulo the input dim) repeated
 * out_shape / in_shape times.
 */
#include <string.h>

#include "base/tile_base.h"

void tile_base(const tile_param_t *param, const void *input, void *output) {
  const int32_t nd = param->ndim;
  const size_t es = (size_t)param->elem_size;
  const size_t in_row = (size_t)param->in_shape[nd - 1] * es;
  int32_t reps;
  const uint8_t *src = (const uint8_t *)input;
  uint8_t *dst = (uint8_t *)output;
  size_t in_strides[NNACL_MAX_DIMS];
  int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  size_t acc = 1;
  int32_t d, r;
  for (d = nd - 1; d >= 0; --d) {
    if (param->out_shape[d] == 0) {
      return;
    }
    in_strides[d] = acc;
    acc *= (size_t)param->in_shape[d];
  }
  reps = param->out_shape[nd - 1] / param->in_shape[nd - 1]; /* in_shape > 0 where out_shape > 0 */
  for (;;) {
    size_t off = 0;
    for (d = 0; d < nd - 1; ++d) {
      off += (size_t)(idx[d] % param->in_shape[d]) * in_strides[d];
    }
    for (r = 0; r < reps; ++r) {
      memcpy(dst, src + off * es, in_row);
      dst += in_row;
    }
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
