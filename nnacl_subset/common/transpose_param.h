/* transpose_param.h -- parameters of Transpose (dtype-agnostic, up to NNACL_MAX_DIMS dims). */
#ifndef NNACL_COMMON_TRANSPOSE_PARAM_H_
#define NNACL_COMMON_TRANSPOSE_PARAM_H_

#include "common/nnacl_common.h"

typedef struct transpose_param_t {
  int32_t ndim;                         /* 1..NNACL_MAX_DIMS */
  int32_t elem_size;                    /* bytes per element */
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t in_strides[NNACL_MAX_DIMS];   /* input element stride of each output dim (perm applied) */
} transpose_param_t;

#endif /* NNACL_COMMON_TRANSPOSE_PARAM_H_ */
