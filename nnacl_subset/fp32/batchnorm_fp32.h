/*
 * batchnorm_fp32.h -- fp32 BatchNorm / FusedBatchNorm with the stored statistics:
 *   out = (x - mean[c]) / sqrtf(var[c] + epsilon) * scale[c] + bias[c]
 * evaluated left to right in float; scale and bias may be NULL (BatchNorm: 1 and 0). Runs in
 * place (output == input) as well.
 */
#ifndef NNACL_FP32_BATCHNORM_FP32_H_
#define NNACL_FP32_BATCHNORM_FP32_H_

#include "common/batchnorm_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void batchnorm_fp32(const batchnorm_param_t *param, const float *input, const float *scale, const float *bias,
                    const float *mean, const float *var, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_BATCHNORM_FP32_H_ */
