/*
 * reshape_base.h -- copy of a constant into an activation buffer (any dtype).
 */
#ifndef NNACL_BASE_RESHAPE_BASE_H_
#define NNACL_BASE_RESHAPE_BASE_H_

#include "common/reshape_param.h"

/* dst[0 .. nbytes) = src[0 .. nbytes) */
void reshape_copy(const reshape_param_t *param, const void *src, void *dst);

#endif /* NNACL_BASE_RESHAPE_BASE_H_ */
