/* activation_fp32.h -- fp32 activations (relu, relu6, relu1, hard tanh, sigmoid, tanh,
 * leaky relu, hswish, hsigmoid, swish, elu, abs, softsign, softplus, selu, sign, gelu) and Clip;
 * they use libm (expf, expm1f, log1pf, tanhf, erfcf). */
#ifndef NNACL_FP32_ACTIVATION_FP32_H_
#define NNACL_FP32_ACTIVATION_FP32_H_

#include "common/activation_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_OK, or NNACL_ERR_PARAM for an unknown type */
int activation_fp32(const activation_param_t *param, const float *input, float *output);

/* min(max(x, lo), hi): lo = *min_in when min_in is not NULL, else param->min_val if has_min
 * (else unbounded); hi likewise; NaN stays NaN */
void clip_fp32(const activation_param_t *param, const float *input, const float *min_in, const float *max_in,
               float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_ACTIVATION_FP32_H_ */
