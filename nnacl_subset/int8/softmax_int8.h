/* softmax_int8.h -- int8 Softmax, bit-exact with the TFLite reference integer kernel. */
#ifndef NNACL_INT8_SOFTMAX_INT8_H_
#define NNACL_INT8_SOFTMAX_INT8_H_

#include "common/softmax_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void softmax_int8(const softmax_param_t *param, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_SOFTMAX_INT8_H_ */
