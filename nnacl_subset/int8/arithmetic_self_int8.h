/* arithmetic_self_int8.h -- quantized int8 Abs and Neg (TFLite reference semantics). */
#ifndef NNACL_INT8_ARITHMETIC_SELF_INT8_H_
#define NNACL_INT8_ARITHMETIC_SELF_INT8_H_

#include "common/arithmetic_self_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_OK, or NNACL_ERR_PARAM for a type other than ABS / NEG */
int arithmetic_self_int8(const arithmetic_self_param_t *param, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_ARITHMETIC_SELF_INT8_H_ */
