/* strided_slice_base.h -- StridedSlice / SliceFusion:
 * out[i0..in] = in[offset + sum_k i_k * in_strides[k]] (strides may be negative). */
#ifndef NNACL_BASE_STRIDED_SLICE_BASE_H_
#define NNACL_BASE_STRIDED_SLICE_BASE_H_

#include "common/strided_slice_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void strided_slice_base(const strided_slice_param_t *param, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_STRIDED_SLICE_BASE_H_ */
