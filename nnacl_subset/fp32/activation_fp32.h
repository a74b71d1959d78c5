/* activation_fp32.h -- fp32 activations (relu, relu6, relu1, hard tanh, sigmoid, tanh,
 * leaky relu, hswish, hsigmoid, swish); sigmoid/tanh/swish use expf/tanhf. */
#ifndef NNACL_FP32_ACTIVATION_FP32_H_
#define NNACL_FP32_ACTIVATION_FP32_H_

#include "common/activation_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_OK, or NNACL_ERR_PARAM for an unknown type */
int activation_fp32(const activation_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_ACTIVATION_FP32_H_ */
