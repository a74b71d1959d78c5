/* matmul_param.h -- parameters of MatMulFusion (fp32 and int8).
 *
 * out[batch][m][n] = act(sum_k A[batch](m, k) * B[batch](k, n) + bias[n]). Each operand
 * matrix is addressed through element strides, so one kernel serves transposed operands
 * and constant B packed at generation time ([n][k], deep stride 1). The batch dims are
 * the output's (coalesced) leading dims; an operand broadcast over one has stride 0 there.
 * The output is contiguous: [batch][row][col].
 */
#ifndef NNACL_COMMON_MATMUL_PARAM_H_
#define NNACL_COMMON_MATMUL_PARAM_H_

#include "common/nnacl_common.h"

typedef struct matmul_param_t {
  int32_t row;                             /* M: rows of one output matrix */
  int32_t deep;                            /* K: summed dimension */
  int32_t col;                             /* N: columns of one output matrix */
  int32_t a_row_stride;                    /* elements between A(m, k) and A(m + 1, k) */
  int32_t a_deep_stride;                   /* elements between A(m, k) and A(m, k + 1) */
  int32_t b_deep_stride;                   /* elements between B(k, n) and B(k + 1, n) */
  int32_t b_col_stride;                    /* elements between B(k, n) and B(k, n + 1) */
  int32_t batch_dims;                      /* number of batch dims (0: one matrix) */
  int32_t batch_shape[NNACL_MAX_DIMS];     /* output batch dims, outermost first */
  int32_t a_batch_stride[NNACL_MAX_DIMS];  /* elements of A per step of each batch dim (0: broadcast) */
  int32_t b_batch_stride[NNACL_MAX_DIMS];  /* the same for B */
  int32_t act_type;                        /* fp32: NNACL_ACT_* */
  int32_t a_zp;                            /* int8: zero point of A */
  int32_t b_zp;                            /* int8: zero point of B (one value) */
  int32_t output_zp;                       /* int8 */
  int32_t per_channel;                     /* int8: 1 = multiplier/shift hold `col` values, 0 = one */
  int32_t rounding;                        /* int8: NNACL_ROUND_* */
  int32_t act_min;                         /* int8 clamp range */
  int32_t act_max;
} matmul_param_t;

#endif /* NNACL_COMMON_MATMUL_PARAM_H_ */
