/* activation_int8.h -- int8 relu-family (requantize + clamp), leaky relu (TFLite reference) and
 * table activations (sigmoid, tanh, elu, gelu, hard swish: one output per input value). */
#ifndef NNACL_INT8_ACTIVATION_INT8_H_
#define NNACL_INT8_ACTIVATION_INT8_H_

#include "common/activation_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* relu / relu6 / relu1 / hard tanh / identity: the bounds are in act_min / act_max */
void relu_x_int8(const activation_param_t *param, const int8_t *input, int8_t *output);
void leaky_relu_int8(const activation_param_t *param, const int8_t *input, int8_t *output);
/* out[i] = table[in[i] + 128] (table: 256 entries, index = input value + 128) */
void activation_lut_int8(const activation_param_t *param, const int8_t *input, const int8_t *table, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_ACTIVATION_INT8_H_ */
