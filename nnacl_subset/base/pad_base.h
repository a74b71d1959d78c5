/* pad_base.h -- Pad of an N-d tensor (any dtype: param->elem_size bytes per element). */
#ifndef NNACL_BASE_PAD_BASE_H_
#define NNACL_BASE_PAD_BASE_H_

#include "common/pad_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* constant: one element of the output's dtype, the fill value of PAD_MODE_CONSTANT (read
 * only in that mode; NULL otherwise allowed). */
void pad_base(const pad_param_t *param, const void *input, const void *constant, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_PAD_BASE_H_ */
