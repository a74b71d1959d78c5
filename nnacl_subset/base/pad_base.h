/* pad_base.h -- constant Pad of an N-d tensor (dtype given by param->elem_size). */
#ifndef NNACL_BASE_PAD_BASE_H_
#define NNACL_BASE_PAD_BASE_H_

#include "common/pad_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void pad_base(const pad_param_t *param, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_PAD_BASE_H_ */
