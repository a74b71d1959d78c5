/* matmul_batch.h -- the batch walk shared by the MatMulFusion kernels (fp32/matmul_fp32.c,
 * int8/matmul_int8.c): static inline helpers, no public function. See common/matmul_param.h
 * for the layout. */
#ifndef NNACL_BASE_MATMUL_BATCH_H_
#define NNACL_BASE_MATMUL_BATCH_H_

#include "common/matmul_param.h"

/* Nonzero when the output has an element: row, col and every batch dim positive (the kernels
 * leave an empty output untouched). */
static inline int matmul_output_nonempty(const matmul_param_t *param) {
  int32_t d;
  if (param->row <= 0 || param->col <= 0) {
    return 0;
  }
  for (d = 0; d < param->batch_dims; ++d) {
    if (param->batch_shape[d] <= 0) {
      return 0; /* an empty batch dim: no matrix at all */
    }
  }
  return 1;
}

/* Advance the batch index idx[0..batch_dims) (innermost dim fastest) and with it the element
 * offsets *a_off / *b_off of the current A and B matrices; returns 0 after the last matrix
 * (idx and the offsets back at 0). */
static inline int matmul_next_batch(const matmul_param_t *param, int32_t *idx, size_t *a_off, size_t *b_off) {
  int32_t d;
  for (d = param->batch_dims - 1; d >= 0; --d) {
    *a_off += (size_t)param->a_batch_stride[d];
    *b_off += (size_t)param->b_batch_stride[d];
    if (++idx[d] < param->batch_shape[d]) {
      return 1;
    }
    *a_off -= (size_t)param->a_batch_stride[d] * (size_t)param->batch_shape[d];
    *b_off -= (size_t)param->b_batch_stride[d] * (size_t)param->batch_shape[d];
    idx[d] = 0;
  }
  return 0;
}

#endif /* NNACL_BASE_MATMUL_BATCH_H_ */
