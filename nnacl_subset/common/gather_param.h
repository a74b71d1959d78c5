/* gather_param.h -- parameters of Gather along one axis (dtype-agnostic, byte copies). */
#ifndef NNACL_COMMON_GATHER_PARAM_H_
#define NNACL_COMMON_GATHER_PARAM_H_

#include "common/nnacl_common.h"

typedef struct gather_param_t {
  int32_t outer;        /* product of the input dims before the axis */
  int32_t axis_dim;     /* input size along the axis (valid indices: -axis_dim .. axis_dim - 1) */
  int32_t inner_bytes;  /* bytes of one slice: product of the dims after the axis x elem size */
  int32_t num_indices;  /* elements of the indices tensor */
  int32_t index_bytes;  /* 4 (int32 indices) or 8 (int64 indices) */
} gather_param_t;

#endif /* NNACL_COMMON_GATHER_PARAM_H_ */
