/* arithmetic_self_fp32.h -- fp32 element-wise unary math (abs, neg, sqrt, rsqrt, square, exp,
 * log, log1p, erf, sin, cos, floor, ceil, round half to even, reciprocal); uses libm. */
#ifndef NNACL_FP32_ARITHMETIC_SELF_FP32_H_
#define NNACL_FP32_ARITHMETIC_SELF_FP32_H_

#include "common/arithmetic_self_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_OK, or NNACL_ERR_PARAM for an unknown type */
int arithmetic_self_fp32(const arithmetic_self_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_ARITHMETIC_SELF_FP32_H_ */
