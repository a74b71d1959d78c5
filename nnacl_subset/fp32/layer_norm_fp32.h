/*
 * layer_norm_fp32.h -- fp32 LayerNormFusion: per row of `norm_size` values
 *   mean = sum x / n,  var = sum (x - mean)^2 / n  (float sums in order),
 *   out[j] = (x[j] - mean) / sqrtf(var + epsilon) * gamma[j % params_size] + beta[j % params_size]
 * with j the flat element index; gamma and beta may be NULL (no multiply / add). Runs in place
 * (output == input) as well.
 */
#ifndef NNACL_FP32_LAYER_NORM_FP32_H_
#define NNACL_FP32_LAYER_NORM_FP32_H_

#include "common/layer_norm_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void layer_norm_fp32(const layer_norm_param_t *param, const float *input, const float *gamma, const float *beta,
                     float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_LAYER_NORM_FP32_H_ */
