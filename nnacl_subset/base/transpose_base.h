/* transpose_base.h -- Transpose: out[i0..in] = in[sum_k i_k * in_strides[k]]. */
#ifndef NNACL_BASE_TRANSPOSE_BASE_H_
#define NNACL_BASE_TRANSPOSE_BASE_H_

#include "common/transpose_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void transpose_base(const transpose_param_t *param, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_TRANSPOSE_BASE_H_ */
