/* prelu_fp32.h -- fp32 PReLU: y = x >= 0 ? x : slope * x, the slope broadcast over x. */
#ifndef NNACL_FP32_PRELU_FP32_H_
#define NNACL_FP32_PRELU_FP32_H_

#include "common/prelu_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void prelu_fp32(const prelu_param_t *param, const float *input, const float *slope, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_PRELU_FP32_H_ */
