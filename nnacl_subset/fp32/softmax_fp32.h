/* softmax_fp32.h -- fp32 Softmax over one axis: exp(beta*(x - max)) / sum, and LogSoftmax:
 * (x - max) - log(sum of exp(x - max)) (use expf, logf). */
#ifndef NNACL_FP32_SOFTMAX_FP32_H_
#define NNACL_FP32_SOFTMAX_FP32_H_

#include "common/softmax_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void softmax_fp32(const softmax_param_t *param, const float *input, float *output);
void log_softmax_fp32(const softmax_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_SOFTMAX_FP32_H_ */
