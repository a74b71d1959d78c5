/* resize_base.h -- NEAREST Resize of any dtype (NHWC, byte copies of elem_size * channels per
 * output pixel): output (b, y, x) = input (b, y_index[y], x_index[x]). */
#ifndef NNACL_BASE_RESIZE_BASE_H_
#define NNACL_BASE_RESIZE_BASE_H_

#include "common/resize_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void resize_nearest_base(const resize_param_t *param, const void *input, const int32_t *y_index,
                         const int32_t *x_index, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_RESIZE_BASE_H_ */
