/* prelu_int8.h -- int8 PReLU (TFLite reference BroadcastPrelu4DSlow semantics), the slope
 * broadcast over x. */
#ifndef NNACL_INT8_PRELU_INT8_H_
#define NNACL_INT8_PRELU_INT8_H_

#include "common/prelu_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void prelu_int8(const prelu_param_t *param, const int8_t *input, const int8_t *slope, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_PRELU_INT8_H_ */
