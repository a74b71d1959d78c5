/* strided_slice_param.h -- parameters of StridedSlice / SliceFusion as a strided copy
 * (dtype-agnostic, up to NNACL_MAX_DIMS dims after merging). */
#ifndef NNACL_COMMON_STRIDED_SLICE_PARAM_H_
#define NNACL_COMMON_STRIDED_SLICE_PARAM_H_

#include "common/nnacl_common.h"

typedef struct strided_slice_param_t {
  int32_t ndim;                        /* 1..NNACL_MAX_DIMS */
  int32_t elem_size;                   /* bytes per element */
  int32_t offset;                      /* input element index of the first output element */
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t in_strides[NNACL_MAX_DIMS];  /* input element step per output dim (negative: backwards) */
} strided_slice_param_t;

#endif /* NNACL_COMMON_STRIDED_SLICE_PARAM_H_ */
