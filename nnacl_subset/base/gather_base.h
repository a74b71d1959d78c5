/* gather_base.h -- Gather: out[o, k, :] = in[o, indices[k], :] for each outer index o and
 * index k (a negative index counts from the end of the axis). */
#ifndef NNACL_BASE_GATHER_BASE_H_
#define NNACL_BASE_GATHER_BASE_H_

#include "common/gather_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* indices: int32_t or int64_t values (param->index_bytes). Returns NNACL_OK, or
 * NNACL_ERR_PARAM when an index is out of range (the output is then incomplete). */
int gather_base(const gather_param_t *param, const void *input, const void *indices, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_GATHER_BASE_H_ */
