/*
 * pooling_fp32.h -- fp32 AvgPool / MaxPool (NHWC), TFLite reference semantics
 * (avg: float sum of the valid taps in (ky, kx) order divided by their count).
 */
#ifndef NNACL_FP32_POOLING_FP32_H_
#define NNACL_FP32_POOLING_FP32_H_

#include "common/pooling_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void avgpool_fp32(const pooling_param_t *param, const float *input, float *output);
void maxpool_fp32(const pooling_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_POOLING_FP32_H_ */
