/* arithmetic_compare_param.h -- parameters of Where (the comparisons and logical ops take
 * arith_param_t of common/arithmetic_param.h). */
#ifndef NNACL_COMMON_ARITHMETIC_COMPARE_PARAM_H_
#define NNACL_COMMON_ARITHMETIC_COMPARE_PARAM_H_

#include "common/nnacl_common.h"

typedef struct where_param_t {
  int32_t size;                          /* output elements */
  int32_t ndim;                          /* 1..NNACL_MAX_DIMS (merged output dims) */
  int32_t elem_size;                     /* bytes of one x / y / output element: 1, 2, 4 or 8 */
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t cond_strides[NNACL_MAX_DIMS];  /* element strides per output dim, 0 = broadcast */
  int32_t x_strides[NNACL_MAX_DIMS];
  int32_t y_strides[NNACL_MAX_DIMS];
} where_param_t;

#endif /* NNACL_COMMON_ARITHMETIC_COMPARE_PARAM_H_ */
