/*
 * instance_norm_fp32.h -- fp32 InstanceNorm: per sample b and channel c, over its
 * outer x inner values (float sums in order):
 *   mean = sum x / n,  var = sum (x - mean)^2 / n,
 *   out = (x - mean) / sqrtf(var + epsilon) * scale[c] + bias[c]
 * Runs in place (output == input) as well.
 */
#ifndef NNACL_FP32_INSTANCE_NORM_FP32_H_
#define NNACL_FP32_INSTANCE_NORM_FP32_H_

#include "common/instance_norm_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void instance_norm_fp32(const instance_norm_param_t *param, const float *input, const float *scale,
                        const float *bias, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_INSTANCE_NORM_FP32_H_ */
